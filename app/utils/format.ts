import { INTL_TAGS, type Locale } from "../i18n/locales";

/** Dates as people of the locale write them, in Estonian time (the polity's). */
export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_TAGS[locale], { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Tallinn" }).format(new Date(iso));
}
