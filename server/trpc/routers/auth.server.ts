import { z } from "zod";
import { DomainError } from "../../../deliberation/errors.js";
import { LOCALES } from "../../../app/i18n/locales.js";
import { beginOidc, OIDC_FLOW_COOKIE, OIDC_FLOW_SECONDS } from "../../auth/oidc.server.js";
import { SESSION_DAYS, type SessionUser, setLocale, signIn, signInWithOidc, signOut, signUp } from "../../services/accounts.server.js";
import { type Context, LOCALE_COOKIE, SESSION_COOKIE } from "../context.server.js";
import { publicProcedure, router, signedInProcedure } from "../init.server.js";
import { OidcBeginInput, OidcCompleteInput, SignInInput, SignUpInput } from "../schemas/auth.js";

const SESSION_MAX_AGE = SESSION_DAYS * 24 * 3600;

/** A new session in this browser: the previous one ends, and a language chosen here before signing in wins. */
async function startSession(ctx: Context, session: { token: string; user: SessionUser }): Promise<void> {
  if (ctx.sessionToken) await signOut(ctx.deps, ctx.sessionToken);
  ctx.cookies.set(SESSION_COOKIE, session.token, { maxAge: SESSION_MAX_AGE });
  if (ctx.chosenLocale && ctx.chosenLocale !== session.user.locale) {
    await setLocale(ctx.deps, session.user.id, ctx.chosenLocale);
    session.user.locale = ctx.chosenLocale;
  }
  ctx.cookies.set(LOCALE_COOKIE, session.user.locale, { maxAge: 365 * 24 * 3600, httpOnly: false });
}

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ({ user: ctx.user, locale: ctx.locale, engine: ctx.deps.llm.engine })),

  profile: signedInProcedure.query(async ({ ctx }) => {
    const citizen = ctx.user.citizenId
      ? await ctx.deps.db.selectFrom("citizens").select(["fullName", "district"]).where("id", "=", ctx.user.citizenId).executeTakeFirst()
      : undefined;
    const { email, displayName, roles, locale } = ctx.user;
    return { email, displayName, roles, locale, citizen: citizen ?? null };
  }),

  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    const session = await signIn(ctx.deps, input, ctx.address);
    await startSession(ctx, session);
    return { user: session.user };
  }),

  /** How one may sign in here besides a password: the OpenID provider's name, when one is configured. */
  signInOptions: publicProcedure.query(({ ctx }) => ({ oidc: ctx.deps.config.oidc ? { name: ctx.deps.config.oidc.providerName } : null })),

  /**
   * The start of OpenID Connect sign-in: the provider's authorization URL to send the browser to, with
   * state, nonce and PKCE verifier sealed into a short-lived httpOnly cookie for the way back.
   */
  oidcBegin: publicProcedure.input(OidcBeginInput).mutation(async ({ ctx, input }) => {
    const oidc = ctx.deps.config.oidc;
    if (!oidc) throw new DomainError("not_found", "auth.oidcOff", "Sign-in through an identity provider is not set up here.");
    const begun = await beginOidc(oidc, { ...input, secret: ctx.deps.config.sessionSecret, now: ctx.deps.clock.now() });
    ctx.cookies.set(OIDC_FLOW_COOKIE, begun.sealedFlow, { maxAge: OIDC_FLOW_SECONDS });
    return { url: begun.url };
  }),

  /** The way back from the provider: its answer (the callback's query) and the flow cookie; one use only. */
  oidcComplete: publicProcedure.input(OidcCompleteInput).mutation(async ({ ctx, input }) => {
    ctx.cookies.clear(OIDC_FLOW_COOKIE);
    const session = await signInWithOidc(ctx.deps, { query: new URLSearchParams(input.query), sealedFlow: input.flow, locale: ctx.locale }, ctx.address);
    await startSession(ctx, session);
    return { user: session.user, next: session.next };
  }),

  signUp: publicProcedure.input(SignUpInput).mutation(async ({ ctx, input }) => {
    const session = await signUp(ctx.deps, { ...input, locale: ctx.locale }, ctx.address);
    if (ctx.sessionToken) await signOut(ctx.deps, ctx.sessionToken);
    ctx.cookies.set(SESSION_COOKIE, session.token, { maxAge: SESSION_MAX_AGE });
    return { user: session.user };
  }),

  /**
   * Ends this browser's session. One opened through OpenID Connect also answers where to send the
   * browser to end the provider's session (when it has an end_session_endpoint), which comes back to `/`.
   */
  signOut: signedInProcedure.mutation(async ({ ctx }) => {
    const ended = ctx.sessionToken ? await signOut(ctx.deps, ctx.sessionToken) : { providerSignOut: null };
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true as const, providerSignOut: ended.providerSignOut };
  }),

  setLocale: publicProcedure.input(z.object({ locale: z.enum(LOCALES) })).mutation(async ({ ctx, input }) => {
    if (ctx.user) await setLocale(ctx.deps, ctx.user.id, input.locale);
    ctx.cookies.set(LOCALE_COOKIE, input.locale, { maxAge: 365 * 24 * 3600, httpOnly: false });
    return { locale: input.locale };
  }),
});
