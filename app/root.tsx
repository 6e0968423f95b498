import { useEffect } from "react";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { LOCALES, translator, useLocale, useT } from "./i18n";
import { navFor } from "./nav";
import stylesHref from "./styles.css?url";

// An empty icon: otherwise every browser asks for /favicon.ico, and each miss logs a routing error.
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "data:," },
];
export const meta: MetaFunction = () => [{ title: "Agora" }, { name: "description", content: "Democratic AI regulation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { user, locale, engine, csrfToken, cspNonce } = context;
  return {
    user: user ? { displayName: user.displayName, roles: user.roles } : null,
    locale,
    engine,
    csrfToken,
    cspNonce,
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<typeof loader>("root");
}

/** The hidden field every posted form carries. */
export function CsrfField() {
  const data = useRootData();
  return <input type="hidden" name="csrf" value={data?.csrfToken ?? ""} />;
}

function LanguageSwitch() {
  const t = useT();
  const data = useRootData();
  const location = useLocation();
  return (
    <Form method="post" action="/lang" className="lang-switch" reloadDocument>
      <CsrfField />
      <input type="hidden" name="next" value={location.pathname + location.search} />
      <label htmlFor="lang-select">{t("lang.label")}</label>
      <select id="lang-select" name="locale" defaultValue={data?.locale}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="button-secondary">
        {t("lang.switch")}
      </button>
    </Form>
  );
}

function Header() {
  const t = useT();
  const data = useRootData();
  const items = navFor(data?.user?.roles ?? null);
  const links = (
    <ul>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink to={item.to} end={item.to === "/" || item.to === "/admin"}>
            {t(item.label)}
          </NavLink>
        </li>
      ))}
    </ul>
  );
  return (
    <header className="site-header">
      <div className="bar">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <nav aria-label={t("nav.label")} className="nav-wide">
          {links}
        </nav>
        <div className="session">
          {data?.user ? (
            <Form method="post" action="/signout">
              <CsrfField />
              <span className="who">{data.user.displayName}</span>{" "}
              <button type="submit" className="button-secondary">
                {t("nav.signOut")}
              </button>
            </Form>
          ) : (
            <>
              <Link to="/signin">{t("nav.signIn")}</Link> <Link to="/signup">{t("nav.signUp")}</Link>
            </>
          )}
        </div>
      </div>
      <details className="nav-narrow">
        <summary>{t("nav.menu")}</summary>
        <nav aria-label={t("nav.label")}>{links}</nav>
      </details>
    </header>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = useLocale();
  const t = translator(locale);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {t("app.skipToContent")}
        </a>
        {children}
        <ScrollRestoration nonce={data?.cspNonce} />
        <Scripts nonce={data?.cspNonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { engine } = useLoaderData<typeof loader>();
  const t = useT();
  // Says the page has come alive: a browser test that changes the page's fields by hand waits for it,
  // since hydration sets a hidden field's value back to what the server rendered.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t("app.footer")}</p>
        <p className="engine" data-engine={engine}>
          {t(engine === "offline" ? "app.engine.offline" : "app.engine.openai")}
        </p>
        <div className="footer-lang">
          <LanguageSwitch />
        </div>
      </footer>
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 404
      ? t("errors.notFound")
      : status === 400
        ? t(isRouteErrorResponse(error) && error.statusText === "form" ? "errors.badForm" : "errors.badRequest")
        : status === 403
          ? isRouteErrorResponse(error) && error.statusText === "csrf"
            ? t("errors.csrf")
            : t("errors.forbidden")
          : status === 503
            ? t("errors.unavailable")
            : t("errors.internal");
  // The header stays, so a refused or missing page still offers the way on (and Sign out).
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1} className="error-page">
        <h1>{t("errors.title")}</h1>
        <p role="alert">
          {status}: {message}
        </p>
        <p>
          <Link to="/">{t("errors.goHome")}</Link>
        </p>
      </main>
    </>
  );
}
