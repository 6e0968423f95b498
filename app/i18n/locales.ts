/** The languages Agora speaks. Shared by server and browser; keep it free of imports. */
export const LOCALES = ["en", "et", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The BCP 47 tag Intl formats dates and numbers with: British English, Estonian, Russian. */
export const INTL_TAGS: Record<Locale, string> = { en: "en-GB", et: "et-EE", ru: "ru-RU" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** A thing's name in the page's language where it has one, else its English name (a choice context's title). */
export function titleIn(locale: Locale, named: { title: string; titleEt?: string | null; titleRu?: string | null }): string {
  if (locale === "et" && named.titleEt) return named.titleEt;
  if (locale === "ru" && named.titleRu) return named.titleRu;
  return named.title;
}

/** A thing's description in the page's language where it has one, else its English one (a choice context's). */
export function descriptionIn(locale: Locale, described: { description: string; descriptionEt?: string | null; descriptionRu?: string | null }): string {
  if (locale === "et" && described.descriptionEt) return described.descriptionEt;
  if (locale === "ru" && described.descriptionRu) return described.descriptionRu;
  return described.description;
}

/** A chosen language wins; otherwise the browser's first language we speak; otherwise English. */
export function negotiateLocale(chosen: string | undefined | null, acceptLanguage: string | undefined): Locale {
  if (isLocale(chosen)) return chosen;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim().slice(0, 2).toLowerCase();
    if (isLocale(tag)) return tag;
  }
  return DEFAULT_LOCALE;
}
