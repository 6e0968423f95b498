import type { ReactNode } from "react";
import { useLocale } from "../i18n";
import type { Locale } from "../i18n/locales";
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

/**
 * A text with people's words quoted inside it (value titles in a translated sentence, or in a story told
 * in another language): each quoted piece carries its own `lang` where it is written in another language
 * than the text around it (`base`: the text's language, the page's by default). "Is “Kadunud lapse kiire
 * leidmine” wiser than “Найти ребёнка” here?" reads each title in its own language.
 */
export function WithWritten({ text, parts, base }: { text: string; parts: ReadonlyArray<string | null | undefined>; base?: Locale | null }) {
  const locale = useLocale();
  const around = base ?? locale;
  const marked = [...new Set(parts.filter((p): p is string => typeof p === "string" && p.trim() !== ""))]
    .map((part) => ({ part, lang: writtenLang(around, part) }))
    .filter((p): p is { part: string; lang: Locale } => p.lang !== undefined)
    // The longest first, so a title that contains another is marked whole.
    .sort((a, b) => b.part.length - a.part.length);
  if (marked.length === 0) return <>{text}</>;
  const pieces: ReactNode[] = [];
  let rest = text;
  let key = 0;
  while (rest !== "") {
    let first: { at: number; part: string; lang: Locale } | null = null;
    for (const m of marked) {
      const at = rest.indexOf(m.part);
      if (at >= 0 && (first === null || at < first.at)) first = { at, ...m };
    }
    if (first === null) {
      pieces.push(rest);
      break;
    }
    if (first.at > 0) pieces.push(rest.slice(0, first.at));
    pieces.push(
      <span key={key++} lang={first.lang}>
        {first.part}
      </span>,
    );
    rest = rest.slice(first.at + first.part.length);
  }
  return <>{pieces}</>;
}

/** A command of the verifier and its flags, inside a translated sentence (the words are the same in every language). */
const COMMAND = /node agora-verify\.mjs(?:\s+(?:--[\p{L}\p{N}_-]+|[\p{L}\p{N}_.-]*[\p{L}\p{N}_]))*|--card(?:-proof)?\b/gu;

/**
 * A sentence that tells a person what to type: each command in it is code she can copy, and it breaks
 * between its words only, never at a hyphen inside one ("--card-proof" must not become "--" and "card-proof").
 */
export function WithCommands({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let from = 0;
  for (const match of text.matchAll(COMMAND)) {
    const at = match.index ?? 0;
    parts.push(text.slice(from, at));
    parts.push(
      <code key={at} className="command">
        {match[0].split(" ").flatMap((word, i) => [
          i > 0 ? " " : null,
          <span key={`${i}:${word}`} className="nowrap">
            {word}
          </span>,
        ])}
      </code>,
    );
    from = at + match[0].length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}
