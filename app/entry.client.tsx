import { RemixBrowser } from "@remix-run/react";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { RequestLocale } from "./i18n";
import { DEFAULT_LOCALE, isLocale } from "./i18n/locales";

/** Hydration, in the language the server rendered the page in (its `lang`), for pages without root data. */
const lang = document.documentElement.lang;

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RequestLocale.Provider value={isLocale(lang) ? lang : DEFAULT_LOCALE}>
        <RemixBrowser />
      </RequestLocale.Provider>
    </StrictMode>,
  );
});
