import type { Request, Response } from "express";
import { parse as parseCookies, serialize, type SerializeOptions } from "cookie";
import { type SessionUser, userForSessionToken } from "../services/accounts.server.js";
import type { AppDeps } from "../services/deps.server.js";
import { isLocale, type Locale, negotiateLocale } from "../../app/i18n/locales.js";

export const SESSION_COOKIE = "agora_session";
export const LOCALE_COOKIE = "agora_lang";
export const CSRF_COOKIE = "agora_csrf";

export interface CookieWriter {
  set(name: string, value: string, options?: SerializeOptions): void;
  clear(name: string): void;
}

/** The inner context: real dependencies and who is asking. Tests build it directly. */
export interface Context {
  deps: AppDeps;
  user: SessionUser | null;
  sessionToken: string | null;
  /** The caller's network address, for rate limits. */
  address: string;
  locale: Locale;
  /** The language chosen in this browser (the language switch's cookie), if any. */
  chosenLocale: Locale | null;
  cookies: CookieWriter;
}

export function innerContext(deps: AppDeps, init: Partial<Omit<Context, "deps">> = {}): Context {
  return {
    deps,
    user: init.user ?? null,
    sessionToken: init.sessionToken ?? null,
    address: init.address ?? "127.0.0.1",
    locale: init.locale ?? "en",
    chosenLocale: init.chosenLocale ?? null,
    cookies: init.cookies ?? { set() {}, clear() {} },
  };
}

export function cookieWriter(deps: AppDeps, append: (header: string) => void): CookieWriter {
  const base: SerializeOptions = { path: "/", httpOnly: true, sameSite: "lax", secure: deps.config.cookieSecure };
  return {
    set: (name, value, options) => append(serialize(name, value, { ...base, ...options })),
    clear: (name) => append(serialize(name, "", { ...base, maxAge: 0 })),
  };
}

/** The thin outer layer: from an HTTP request (tRPC over HTTP, Remix loaders) to the inner context. */
export async function contextFromRequest(deps: AppDeps, req: Request, res: Response): Promise<Context> {
  const cookies = parseCookies(req.headers.cookie ?? "");
  const token = cookies[SESSION_COOKIE] ?? null;
  const user = await userForSessionToken(deps, token ?? undefined);
  const chosen = cookies[LOCALE_COOKIE];
  const locale = negotiateLocale(chosen ?? user?.locale, req.headers["accept-language"]);
  return innerContext(deps, {
    user,
    sessionToken: user ? token : null,
    address: req.ip ?? req.socket.remoteAddress ?? "unknown",
    locale,
    chosenLocale: isLocale(chosen) ? chosen : null,
    cookies: cookieWriter(deps, (header) => res.append("Set-Cookie", header)),
  });
}
