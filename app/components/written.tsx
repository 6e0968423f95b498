import { useLocale } from "../i18n";
import { writtenLang } from "../i18n/written";

/**
 * Text a person or a representative wrote (a clause, an amendment, a statement, a ruling), marked with
 * the language it is written in when that is not the page's (app/i18n/written.ts), so that a screen
 * reader reads an Estonian clause on a Russian page in Estonian.
 */
export function Written({ text, as: Tag = "span", className }: { text: string; as?: "span" | "p" | "div" | "blockquote" | "li"; className?: string }) {
  const lang = writtenLang(useLocale(), text);
  return (
    <Tag className={className} lang={lang}>
      {text}
    </Tag>
  );
}

/** Marks where a person's words go in a translated sentence: a character no message contains. */
const SLOT = "\u2063";

/**
 * A translated sentence with a person's words inside it ("Joined the shared value “…”"): the words
 * carry their own `lang`, the sentence the page's. `say` writes the sentence around a placeholder.
 */
export function SentenceWith({ say, text }: { say: (placeholder: string) => string; text: string }) {
  const lang = writtenLang(useLocale(), text);
  const sentence = say(SLOT);
  const at = sentence.indexOf(SLOT);
  if (at < 0 || lang === undefined) return <>{say(text)}</>;
  return (
    <>
      {sentence.slice(0, at)}
      <span lang={lang}>{text}</span>
      {sentence.slice(at + SLOT.length)}
    </>
  );
}
