import { useRouteLoaderData } from "@remix-run/react";
import { createContext, useContext } from "react";
import { DEFAULT_LOCALE, type Locale, isLocale } from "./locales";
import { type Translate, translator } from "./translate";

export type { MessageKey } from "./en";
export { INTL_TAGS, LOCALES, type Locale } from "./locales";
export { type Translate, translateError, translator } from "./translate";

/**
 * The request's language, given by the server's entry (from the session, the cookie or Accept-Language)
 * and by the client's from the page's `lang`: what a page speaks when the root loader did not run (an
 * action that threw, a path no route matches), so that its error page is in her language too.
 */
export const RequestLocale = createContext<Locale>(DEFAULT_LOCALE);

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: string } | undefined;
  const requested = useContext(RequestLocale);
  return isLocale(data?.locale) ? data.locale : requested;
}

export function useT(): Translate {
  return translator(useLocale());
}
