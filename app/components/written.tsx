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
