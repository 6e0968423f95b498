import { INTL_TAGS, type Locale } from "../i18n/locales";

/** Dates as people of the locale write them, in Estonian time (the polity's). */
export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_TAGS[locale], { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Tallinn" }).format(new Date(iso));
}

/** A number as people of the locale write it ("36.9", "36,9"), with `digits` decimals. */
export function formatNumber(value: number, locale: Locale, digits = 0): string {
  return new Intl.NumberFormat(INTL_TAGS[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A share (0.369) as a percentage the locale's way: "36.9%", "36,9 %". */
export function formatPercent(share: number, locale: Locale, digits = 1): string {
  return new Intl.NumberFormat(INTL_TAGS[locale], { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);
}

/**
 * The name a ruling's provenance bundle downloads as, from its ELI ("/eli/demo/ruling/2026/1" gives
 * "demo-ruling-2026-1.json"): the same name the page's instructions tell a person to run the verifier on.
 */
export function bundleFileName(eli: string): string {
  return `${eli
    .replace(/^\/eli\//, "")
    .replace(/[^\w.-]+/g, "-")
    .replace(/^-|-$/g, "")}.json`;
}
