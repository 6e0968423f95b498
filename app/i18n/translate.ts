import { en, type MessageKey } from "./en";
import { et } from "./et";
import type { Locale } from "./locales";

/** Message lookup without React, for the app's hooks and for `agora verify` alike. */

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, et };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const template = messages[key] ?? en[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}
