import { writtenLanguage } from "../../deliberation/values/language";
import { LOCALES, type Locale } from "./locales";

/**
 * The `lang` of text people wrote (a card, a clause, a representative's statement) when it is not the
 * page's language, so that a screen reader pronounces an Estonian clause on a Russian page as Estonian
 * (WCAG 3.1.2, language of parts). `undefined` when it is written in the page's language, or when its
 * words do not say which language it is (a name, a few words): the page's language is then the best guess.
 */
export function writtenLang(locale: Locale, ...texts: ReadonlyArray<string | null | undefined>): Locale | undefined {
  const language = writtenLanguage(...texts.filter((t): t is string => typeof t === "string" && t !== ""));
  return language && language !== locale ? language : undefined;
}

/**
 * The `lang` of a text whose language is known (a matter's title and rule, written in the matter's
 * language) when it is not the page's; `undefined` when it is, or when the code is no language of Agora's.
 */
export function knownLang(locale: Locale, language: string | null | undefined): Locale | undefined {
  return language && language !== locale && (LOCALES as readonly string[]).includes(language) ? (language as Locale) : undefined;
}
