import type { AppLoadContext } from "@remix-run/node";
import type { Request, Response } from "express";
import { parse as parseCookies } from "cookie";
import type { SessionUser } from "./services/accounts.server.js";
import type { AppDeps } from "./services/deps.server.js";
import { isValidCsrfToken, newCsrfToken } from "./auth/tokens.server.js";
import { CSRF_COOKIE, contextFromRequest } from "./trpc/context.server.js";
import { type Caller, createCaller } from "./trpc/router.server.js";
import type { Locale } from "../app/i18n/locales.js";

/** What every Remix loader and action receives: the tRPC caller bound to this request's session. */
export interface AgoraLoadContext {
  trpc: Caller;
  user: SessionUser | null;
  locale: Locale;
  engine: "offline" | "openai";
  csrfToken: string;
  cspNonce: string;
}

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends AgoraLoadContext {}
}

export async function remixLoadContext(deps: AppDeps, req: Request, res: Response): Promise<AppLoadContext> {
  const ctx = await contextFromRequest(deps, req, res);
  let csrfToken = parseCookies(req.headers.cookie ?? "")[CSRF_COOKIE];
  if (!isValidCsrfToken(csrfToken, deps.config.sessionSecret)) {
    csrfToken = newCsrfToken(deps.config.sessionSecret);
    ctx.cookies.set(CSRF_COOKIE, csrfToken);
  }
  return {
    trpc: createCaller(ctx),
    user: ctx.user,
    locale: ctx.locale,
    engine: deps.llm.engine,
    csrfToken: csrfToken!,
    cspNonce: String(res.locals.cspNonce ?? ""),
  };
}
