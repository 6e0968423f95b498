import { useRouteLoaderData } from "@remix-run/react";
import { en, type MessageKey } from "./en";
import { DEFAULT_LOCALE, type Locale, isLocale } from "./locales";
import { type Translate, translator } from "./translate";

export type { MessageKey } from "./en";
export { LOCALES, type Locale } from "./locales";
export { type Translate, translator } from "./translate";

/** Translates an API error: its key when we know it, otherwise its (English) message. */
export function translateError(t: Translate, error: { key?: string | null; message: string; params?: Record<string, string | number> }): string {
  return error.key && error.key in en ? t(error.key as MessageKey, error.params) : error.message;
}

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: string } | undefined;
  return isLocale(data?.locale) ? data.locale : DEFAULT_LOCALE;
}

export function useT(): Translate {
  return translator(useLocale());
}
