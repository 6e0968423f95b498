import { z } from "zod";
import { LOCALES } from "../../../app/i18n/locales.js";
import { SESSION_DAYS, setLocale, signIn, signOut, signUp } from "../../services/accounts.server.js";
import { LOCALE_COOKIE, SESSION_COOKIE } from "../context.server.js";
import { publicProcedure, router, signedInProcedure } from "../init.server.js";
import { SignInInput, SignUpInput } from "../schemas/auth.js";

const SESSION_MAX_AGE = SESSION_DAYS * 24 * 3600;

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
    if (ctx.sessionToken) await signOut(ctx.deps, ctx.sessionToken); // the browser's previous session ends here
    ctx.cookies.set(SESSION_COOKIE, session.token, { maxAge: SESSION_MAX_AGE });
    // A language chosen in this browser before signing in wins, and the account remembers it.
    if (ctx.chosenLocale && ctx.chosenLocale !== session.user.locale) {
      await setLocale(ctx.deps, session.user.id, ctx.chosenLocale);
      session.user.locale = ctx.chosenLocale;
    }
    ctx.cookies.set(LOCALE_COOKIE, session.user.locale, { maxAge: 365 * 24 * 3600, httpOnly: false });
    return { user: session.user };
  }),

  signUp: publicProcedure.input(SignUpInput).mutation(async ({ ctx, input }) => {
    const session = await signUp(ctx.deps, { ...input, locale: ctx.locale }, ctx.address);
    if (ctx.sessionToken) await signOut(ctx.deps, ctx.sessionToken);
    ctx.cookies.set(SESSION_COOKIE, session.token, { maxAge: SESSION_MAX_AGE });
    return { user: session.user };
  }),

  signOut: signedInProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await signOut(ctx.deps, ctx.sessionToken);
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true as const };
  }),

  setLocale: publicProcedure.input(z.object({ locale: z.enum(LOCALES) })).mutation(async ({ ctx, input }) => {
    if (ctx.user) await setLocale(ctx.deps, ctx.user.id, input.locale);
    ctx.cookies.set(LOCALE_COOKIE, input.locale, { maxAge: 365 * 24 * 3600, httpOnly: false });
    return { locale: input.locale };
  }),
});
