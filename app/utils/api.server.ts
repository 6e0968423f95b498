import { redirect } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { isDatabaseUnavailable } from "../../db/errors.js";
import type { DomainError } from "../../deliberation/errors.js";
import type { Locale } from "../i18n/locales";
import { translateError, translator } from "../i18n/translate";
import { type FormError, fieldErrors, type ZodIssueLike } from "./form-errors";

export type { FieldError, FormError } from "./form-errors";

export type Attempt<T> = { ok: true; data: T } | { ok: false; error: FormError };

/** What an action returns for one form: which form (its intent), and how it went. */
export type ActionResult<T = unknown> = ({ intent: string; ok: true; data: T } | { intent: string; ok: false; error: FormError }) & {
  /** Which of a page's forms with the same intent (one per statement, say) was sent. */
  formKey?: string;
};

function describe(error: TRPCError): FormError {
  const cause = error.cause as { issues?: ZodIssueLike[] } | undefined;
  // By name, not instanceof: the Remix build bundles its own copy of the class the server throws.
  if (error.cause instanceof Error && error.cause.name === "DomainError") {
    const domain = error.cause as DomainError;
    return { key: domain.key, message: domain.message, params: domain.params, fields: {} };
  }
  if (Array.isArray(cause?.issues))
    return { key: "errors.invalidInput", message: "Some of what you entered is not valid.", params: {}, fields: fieldErrors(cause.issues) };
  if (error.code === "INTERNAL_SERVER_ERROR") return { key: "errors.internal", message: "Something went wrong on our side.", params: {}, fields: {} };
  return { key: null, message: error.message, params: {}, fields: {} };
}

function signInRedirect(request: Request): Response {
  const url = new URL(request.url);
  return redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
}

/**
 * For pages that only make sense to a role (a form whose procedure needs it): sign-in first, or 403.
 * A convenience for the page, not the guard: every procedure checks the role again on the server.
 */
export function requireRole(request: Request, user: { roles: readonly string[] } | null, role: string): void {
  if (!user) throw signInRedirect(request);
  if (!user.roles.includes(role)) throw new Response("Your role does not allow this page.", { status: 403 });
}

/** A failure on our side is logged for the operator with its cause; the person is told only that it happened. */
function logInternal(request: Request, error: TRPCError): void {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[page] ${request.method} ${new URL(request.url).pathname}:`, error.cause ?? error);
}

/**
 * A database that is away for a moment (a terminated connection, a restart, a pool with nothing free):
 * the page may be asked again, so a 503 that says when, never a 500. The server marks the database down
 * on the same error (load-context.server.ts), and answers pages 503 at once while it stays down.
 */
function unavailable(locale?: Locale): Response {
  const message = translateError(translator(locale ?? "en"), {
    key: "errors.unavailable",
    message: "Agora cannot reach its database just now. Please try again in a moment.",
    params: {},
  });
  return new Response(message, { status: 503, statusText: "unavailable", headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "5" } });
}

/** For loaders: the API's answer, or the right HTTP answer (sign-in redirect, 403, 404, 503…). */
export async function api<T>(request: Request, call: () => Promise<T>, locale?: Locale): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw unavailable(locale);
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "UNAUTHORIZED") throw signInRedirect(request);
    logInternal(request, error);
    // A page's error boundary says it in the person's language; a resource route's body is what she reads.
    const described = describe(error);
    const message = locale ? translateError(translator(locale), described) : described.message;
    throw new Response(message, { status: getHTTPStatusCodeFromError(error), headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}

/** For actions: errors a person can fix come back as data for the form; the rest as for loaders. */
export async function attempt<T>(request: Request, call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw unavailable();
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "UNAUTHORIZED") throw signInRedirect(request);
    if (["BAD_REQUEST", "CONFLICT", "TOO_MANY_REQUESTS", "NOT_FOUND"].includes(error.code)) return { ok: false, error: describe(error) };
    logInternal(request, error);
    throw new Response(describe(error).message, { status: getHTTPStatusCodeFromError(error) });
  }
}

/**
 * For a form's action: the procedure's answer tagged with the form's intent, so the page shows it at
 * that form. Errors a person can fix come back as data; the rest as for loaders.
 */
export async function act<T>(request: Request, intent: string, call: () => Promise<T>, formKey?: string): Promise<ActionResult<T>> {
  const result = await attempt(request, call);
  const which = formKey ? { formKey: formKey.slice(0, 200) } : {};
  return result.ok ? { intent, ok: true, data: result.data, ...which } : { intent, ok: false, error: result.error, ...which };
}

/**
 * What a form action answers a body that is not a form (JSON, plain text, broken multipart) or a field
 * far past any form's size: the sender's to fix, never ours, so a 400 the error page words (statusText "form").
 */
export function unreadableForm(): Response {
  // A resource route (the language switch, sign-out) answers with this text as it is.
  return new Response(translator("en")("errors.badForm"), {
    status: 400,
    statusText: "form",
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** Reads a posted form after checking its CSRF token against the one in the cookie. */
export async function readForm(request: Request, csrfToken: string): Promise<FormData> {
  const form = await request.formData().catch(() => {
    throw unreadableForm();
  });
  if (form.get("csrf") !== csrfToken) throw new Response("Your form expired. Please try again.", { status: 403, statusText: "csrf" });
  return form;
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** Stands for this site's origin when a destination is parsed: any origin gives the same answer. */
const SITE = "http://agora.invalid";

/**
 * Only a path on this site may be a destination after sign-in (or a change of language). The test is
 * what a browser makes of the string, not what it starts with: parsed against the site's origin it
 * must stay there, and so must the path it comes out as, parsed again. The parser turns "/..//host"
 * and "/%2e%2e//host" into "//host", which a browser reads as another host; "/\\host" and a tab or
 * newline inside ("/<tab>/host") are other hosts to a browser too, and are refused before parsing.
 */
export function safeNext(next: string | null): string {
  if (!next?.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  const path = pathOnSite(next);
  return path !== null && pathOnSite(path) === path ? path : "/";
}

/** The path, query and fragment a target names on this site, or null when it leaves the site. */
function pathOnSite(target: string): string | null {
  try {
    const url = new URL(target, SITE);
    const path = url.pathname + url.search + url.hash;
    return url.origin === SITE && path.startsWith("/") && !path.startsWith("//") ? path : null;
  } catch {
    return null;
  }
}
