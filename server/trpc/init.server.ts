import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { isDatabaseUnavailable } from "../../db/connection.js";
import { DomainError, type DomainErrorKind } from "../../deliberation/errors.js";
import type { Role } from "../../deliberation/roles.js";
import { beginModelCall, type ModelProcedure } from "../services/limits.server.js";
import { log } from "../log.server.js";
import type { Context } from "./context.server.js";

/** Who may call a procedure. Every procedure declares it through the builder it is made from. */
export type Access = "public" | "signed-in" | Role;
export interface Meta {
  access: Access;
}

const KIND_TO_CODE: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  invalid: "BAD_REQUEST",
  unauthenticated: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  rate_limited: "TOO_MANY_REQUESTS",
};

interface Issue {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

function pathOf(issue: Issue): string[] {
  return (issue.path ?? []).map((p) => (typeof p === "object" ? String(p.key) : String(p)));
}

function readableIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => {
      const path = pathOf(issue).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** What procedures see: the inner context, and over HTTP the request's id (X-Request-Id) for their logs. */
export type TrpcContext = Context & { requestId?: string };

const t = initTRPC
  .context<TrpcContext>()
  .meta<Meta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error }) {
      const cause = error.cause as { issues?: Issue[] } | undefined;
      const issues = error.code === "BAD_REQUEST" && Array.isArray(cause?.issues) ? cause.issues : null;
      const domain = error.cause instanceof DomainError ? error.cause : null;
      const internal = error.code === "INTERNAL_SERVER_ERROR";
      // The adapter's own refusals carry JSON.parse's wording or a bare code; say it in words instead.
      const unparsable = error.code === "BAD_REQUEST" && error.cause instanceof SyntaxError;
      const tooLarge = error.code === "PAYLOAD_TOO_LARGE";
      // The database went away (a dropped connection, a restart, no free connection): worth asking again, so 503.
      if (internal && isDatabaseUnavailable(error.cause)) {
        return {
          message: "The database cannot be reached just now. Try again in a moment.",
          code: shape.code,
          data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, path: shape.data.path, key: "errors.unavailable", params: {}, issues: null },
        };
      }
      return {
        message: issues
          ? `Please check your input. ${readableIssues(issues)}`
          : unparsable
            ? "The request is not valid JSON."
            : tooLarge
              ? "The request is too large."
              : internal
                ? "Something went wrong on our side."
                : shape.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          key: domain?.key ?? (issues || unparsable ? "errors.invalidInput" : internal ? "errors.internal" : null),
          params: domain?.params ?? {},
          issues: issues?.slice(0, 20).map((i) => ({ path: pathOf(i), message: i.message })) ?? null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors become their tRPC codes here, once, for every procedure. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: KIND_TO_CODE[cause.kind], message: cause.message, cause });
  }
  return result;
});

/** A NUL character, or a UTF-16 surrogate without its pair (JSON's "\ud800" parses to one). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function containsUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (depth > 8 || value === null || typeof value !== "object") return false;
  // Only what JSON makes: plain objects and arrays (a stored upload is a class instance the server made).
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
  return Object.entries(value).some(([key, v]) => UNSTORABLE.test(key) || containsUnstorable(v, depth + 1));
}

/**
 * Text that cannot be kept faithfully is refused on every input: PostgreSQL cannot store a NUL
 * character (SQLite can), and a lone surrogate is not Unicode text, cannot be UTF-8, and has no RFC 8785
 * canonical form, so no ledger event could hold it.
 */
const noUnstorableText = t.middleware(async ({ getRawInput, next }) => {
  // A body that does not parse is the input parser's to refuse (or to ignore, for a procedure without input).
  const raw = await getRawInput().catch(() => undefined);
  if (containsUnstorable(raw))
    throw new TRPCError({ code: "BAD_REQUEST", message: "Text may not contain NUL characters or unpaired surrogates (broken Unicode)." });
  return next();
});

const base = t.procedure.use(domainErrors);

function requireUser(access: Exclude<Access, "public">) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
    if (access !== "signed-in" && !ctx.user.roles.includes(access)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${access} role.` });
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

// The only procedure builders routers may use. Role checks run before input is parsed.
export const publicProcedure = base.meta({ access: "public" }).use(noUnstorableText);
export const signedInProcedure = base.meta({ access: "signed-in" }).use(requireUser("signed-in")).use(noUnstorableText);
export const citizenProcedure = base.meta({ access: "citizen" }).use(requireUser("citizen")).use(noUnstorableText);
export const delegateProcedure = base.meta({ access: "delegate" }).use(requireUser("delegate")).use(noUnstorableText);
export const clerkProcedure = base.meta({ access: "clerk" }).use(requireUser("clerk")).use(noUnstorableText);
export const adminProcedure = base.meta({ access: "admin" }).use(requireUser("admin")).use(noUnstorableText);

/**
 * A model-backed procedure (decision 17): after its input is parsed and before its handler runs, a
 * per-person limit on calls running at once and, with a model, per hour. Use it after `.input(…)`, so a
 * call refused for its input takes no place. The handler's own cheap checks (the context exists, the card
 * is hers) run before it reaches the model.
 */
export function modelBacked(procedure: ModelProcedure) {
  return t.middleware(async ({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
    const release = await beginModelCall(ctx.deps, ctx.user.id, procedure);
    try {
      return await next();
    } finally {
      await release().catch((error: unknown) =>
        log.warn({ requestId: ctx.requestId, reason: (error as Error).message }, `[limits] ${procedure}: could not give back a running place`),
      );
    }
  });
}

/** Seconds a refused call should wait (429), for the Retry-After header: the longest any of the errors asks for. */
export function retryAfterOf(errors: readonly TRPCError[]): string | null {
  let wait = 0;
  for (const error of errors) {
    const cause = error.cause;
    if (cause instanceof DomainError && cause.kind === "rate_limited" && typeof cause.params.retryAfter === "number")
      wait = Math.max(wait, cause.params.retryAfter);
  }
  return wait > 0 ? String(Math.ceil(wait)) : null;
}
