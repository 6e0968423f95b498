import { IntlMessageFormat } from "intl-messageformat";
import { en, type MessageKey } from "./en";
import { et } from "./et";
import type { Locale } from "./locales";
import { ru } from "./ru";

/**
 * Message lookup without React, for the app's hooks and for `agora verify` alike. Messages are ICU
 * MessageFormat: `{name}` inserts a value as written, `{count, plural, one {# value} other {# values}}`
 * picks the language's plural form (Intl.PluralRules) and writes the number the language's way.
 */

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, et, ru };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const compiled = new Map<string, IntlMessageFormat | null>();

function compile(locale: Locale, key: string, template: string): IntlMessageFormat | null {
  const id = `${locale}\u0000${key}`;
  let format = compiled.get(id);
  if (format === undefined) {
    try {
      format = new IntlMessageFormat(template, locale);
    } catch {
      format = null; // a malformed message is shown as written rather than breaking the page (the catalogue test catches it)
    }
    compiled.set(id, format);
  }
  return format;
}

/** Plain `{name}` substitution: what a message shows when a value is missing or it does not parse. */
const substitute = (template: string, params: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const template = messages[key] ?? en[key] ?? key;
    if (!template.includes("{")) return template;
    // Values go in as strings: a year or a sequence number written as "2,026" would be wrong; `#` in a
    // plural still formats its number for the language.
    const values = Object.fromEntries(Object.entries(params ?? {}).map(([name, value]) => [name, String(value)]));
    const format = compile(locale, key, template);
    if (!format) return substitute(template, values);
    try {
      return String(format.format(values));
    } catch {
      return substitute(template, values);
    }
  };
}

/** Translates an API error: its key when we know it, otherwise its (English) message. */
export function translateError(t: Translate, error: { key?: string | null; message: string; params?: Record<string, string | number> }): string {
  return error.key && error.key in en ? t(error.key as MessageKey, error.params) : error.message;
}
