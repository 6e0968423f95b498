import type { AppLoadContext } from "@remix-run/node";
import type { Request, Response } from "express";
import { parse as parseCookies } from "cookie";
import { isDatabaseUnavailable } from "../db/errors.js";
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

/**
 * `onDatabaseError`: told of a page's call that failed because the database is away, so that the server
 * probes it and answers pages 503 at once while it stays down (the page itself answers 503: api.server.ts).
 */
export async function remixLoadContext(deps: AppDeps, req: Request, res: Response, onDatabaseError?: (error: unknown) => void): Promise<AppLoadContext> {
  const ctx = await contextFromRequest(deps, req, res);
  let csrfToken = parseCookies(req.headers.cookie ?? "")[CSRF_COOKIE];
  if (!isValidCsrfToken(csrfToken, deps.config.sessionSecret)) {
    csrfToken = newCsrfToken(deps.config.sessionSecret);
    ctx.cookies.set(CSRF_COOKIE, csrfToken);
  }
  return {
    trpc: createCaller(ctx, {
      onError: ({ error }) => {
        if (onDatabaseError && isDatabaseUnavailable(error)) onDatabaseError(error.cause ?? error);
      },
    }),
    user: ctx.user,
    locale: ctx.locale,
    engine: deps.llm.engine,
    csrfToken: csrfToken!,
    cspNonce: String(res.locals.cspNonce ?? ""),
  };
}
