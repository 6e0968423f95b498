import { useRouteLoaderData } from "@remix-run/react";
import { en, type MessageKey } from "./en";
import { DEFAULT_LOCALE, type Locale, isLocale } from "./locales";
import { type Translate, translator } from "./translate";

export type { MessageKey } from "./en";
export { INTL_TAGS, LOCALES, type Locale } from "./locales";
export { type Translate, translateError, translator } from "./translate";

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: string } | undefined;
  return isLocale(data?.locale) ? data.locale : DEFAULT_LOCALE;
}

export function useT(): Translate {
  return translator(useLocale());
}
