import { useRouteLoaderData } from "@remix-run/react";
import { en, type MessageKey } from "./en";
import { et } from "./et";
import { DEFAULT_LOCALE, type Locale, isLocale } from "./locales";

export type { MessageKey } from "./en";
export { LOCALES, type Locale } from "./locales";

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, et };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const template = messages[key] ?? en[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}

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
