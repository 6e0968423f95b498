import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors.js";
import type { Database } from "../../db/schema.js";
import { deleteSession, findLiveSession, insertSession } from "../../db/repos/sessions.js";
import { findUserByEmail, grantRoles, insertUser, rolesOf } from "../../db/repos/users.js";
import { DomainError } from "../../deliberation/errors.js";
import type { Role } from "../../deliberation/roles.js";
import { completeOidc, personalCodeFrom } from "../auth/oidc.server.js";
import { decoyHash, hashPassword, verifyPassword } from "../auth/password.server.js";
import { newToken, sha256 } from "../auth/tokens.server.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { beginOidcSignIn, beginSignIn, beginSignUp } from "./limits.server.js";

export const SESSION_DAYS = 14;

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  locale: string;
  citizenId: string | null;
  roles: Role[];
}

export interface NewSession {
  token: string;
  expiresAt: Date;
  user: SessionUser;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What an account made through OpenID Connect holds instead of a password hash: no password matches it. */
const NO_PASSWORD = "oidc";

async function openSession(deps: AppDeps, userId: string, oidcSignOutUrl: string | null = null): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 24 * 3600 * 1000);
  await insertSession(deps.db, { id: sha256(token), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), oidcSignOutUrl });
  return { token, expiresAt };
}

export async function signIn(deps: AppDeps, input: { email: string; password: string }, address: string): Promise<NewSession> {
  const email = normaliseEmail(input.email);
  // Limits (decision 17): per address, per account and address, and a per-account wait that never locks.
  const attempt = await beginSignIn(deps, email, address);

  const user = await findUserByEmail(deps.db, email);
  // An account without a password (made through OpenID Connect) takes as long to refuse as an unknown email.
  const valid =
    user && user.passwordHash !== NO_PASSWORD
      ? await verifyPassword(input.password, user.passwordHash)
      : (await verifyPassword(input.password, await decoyHash(deps.config.scryptLogN)), false);
  if (!user || !valid) throw new DomainError("invalid", "auth.invalidCredentials", "That email and password do not match an account.");
  await attempt.succeeded();
  const session = await openSession(deps, user.id);
  const roles = await rolesOf(deps.db, user.id);
  return { ...session, user: { id: user.id, email: user.email, displayName: user.displayName, locale: user.locale, citizenId: user.citizenId, roles } };
}

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  personalCode?: string | undefined;
  locale: string;
}

/**
 * One person, one citizen record: when a registry is loaded, a new account must name a registry
 * entry that no other account holds, and the email the registry has for it (when it has one).
 */
export async function signUp(deps: AppDeps, input: SignUpInput, address: string): Promise<NewSession> {
  const email = normaliseEmail(input.email);
  await beginSignUp(deps, email, input.personalCode?.trim() || undefined, address);
  // Refusals that need no password come first: hashing is the expensive part.
  await deps.db.transaction().execute((trx) => linkedCitizen(trx, email, input.personalCode));
  const passwordHash = await hashPassword(input.password, deps.config.scryptLogN);
  const userId = deps.ids();
  const createdAt = nowIso(deps);

  const citizenId = await deps.db.transaction().execute(async (trx) => {
    const linked = await linkedCitizen(trx, email, input.personalCode);
    await insertUser(trx, { id: userId, email, passwordHash, displayName: input.displayName.trim(), citizenId: linked, locale: input.locale, createdAt }).catch(
      (error: unknown) => {
        // Two sign-ups racing for one email or one citizen: the database keeps one person, one account.
        if (isUniqueViolation(error))
          throw new DomainError("conflict", "auth.emailTaken", "An account with this email or for this citizen already exists. Sign in instead.");
        throw error;
      },
    );
    await grantRoles(trx, userId, ["citizen"], null, createdAt);
    return linked;
  });

  const session = await openSession(deps, userId);
  return { ...session, user: { id: userId, email, displayName: input.displayName.trim(), locale: input.locale, citizenId, roles: ["citizen"] } };
}

/**
 * The citizen record a new account for this email may hold (null when no registry is loaded), or the
 * reason it may not: the email is taken, the person is not in the registry, or already has an account.
 */
async function linkedCitizen(trx: Kysely<Database>, email: string, personalCode: string | undefined): Promise<string | null> {
  if (await findUserByEmail(trx, email)) {
    throw new DomainError("conflict", "auth.emailTaken", "An account with this email already exists. Sign in instead.");
  }
  // Is a registry loaded at all? One row answers it; counting 1.3 M rows per sign-up does not scale.
  const anyCitizen = await trx.selectFrom("citizens").select("id").limit(1).executeTakeFirst();
  if (!anyCitizen) return null;
  const code = personalCode?.trim();
  const citizen = code ? await trx.selectFrom("citizens").select(["id", "email"]).where("personalCode", "=", code).executeTakeFirst() : undefined;
  if (!citizen || (citizen.email !== null && normaliseEmail(citizen.email) !== email)) {
    throw new DomainError(
      "invalid",
      "auth.notInRegistry",
      "We could not find you in the citizen registry. Check your personal code and the email the registry has for you.",
    );
  }
  const holder = await trx.selectFrom("users").select("id").where("citizenId", "=", citizen.id).executeTakeFirst();
  if (holder) throw new DomainError("conflict", "auth.citizenTaken", "This citizen already has an account. Sign in, or ask an administrator for help.");
  return citizen.id;
}

/** Ends the session; answers where to end the provider's too, for one opened through OpenID Connect. */
export async function signOut(deps: AppDeps, token: string): Promise<{ providerSignOut: string | null }> {
  const ended = await deleteSession(deps.db, sha256(token));
  return { providerSignOut: ended?.oidcSignOutUrl ?? null };
}

export async function userForSessionToken(deps: AppDeps, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 128) return null;
  const session = await findLiveSession(deps.db, sha256(token), nowIso(deps));
  if (!session) return null;
  return {
    id: session.userId,
    email: session.email,
    displayName: session.displayName,
    locale: session.locale,
    citizenId: session.citizenId,
    roles: await rolesOf(deps.db, session.userId),
  };
}

export async function setLocale(deps: AppDeps, userId: string, locale: string): Promise<void> {
  await deps.db.transaction().execute((trx) => trx.updateTable("users").set({ locale }).where("id", "=", userId).execute());
}

/**
 * The end of an OpenID Connect sign-in (decision 20): the provider's answer checked against the flow
 * this browser started, the person found in the citizen registry by the configured claim, and a session
 * for her account (made on her first sign-in, from the registry's record). Someone the registry does not
 * know gets no account. Failures count against the address like wrong passwords (decision 17).
 */
export async function signInWithOidc(
  deps: AppDeps,
  input: { query: URLSearchParams; sealedFlow: string | undefined; locale: string },
  address: string,
): Promise<NewSession & { next: string }> {
  const oidc = deps.config.oidc;
  if (!oidc) throw new DomainError("not_found", "auth.oidcOff", "Sign-in through an identity provider is not set up here.");
  const attempt = await beginOidcSignIn(deps, address);
  const { identity, next } = await completeOidc(oidc, { ...input, secret: deps.config.sessionSecret, now: deps.clock.now() });
  const code = personalCodeFrom(identity.claims, oidc);
  const find = (personalCode: string) => deps.db.transaction().execute((trx) => accountForCitizen(deps, trx, personalCode, input.locale));
  // Two first sign-ins of one person at once: the database keeps one account, and the loser finds it.
  const userId = code ? await find(code).catch((error: unknown) => (isUniqueViolation(error) ? find(code) : Promise.reject(error))) : null;
  if (!userId) {
    throw new DomainError(
      "not_found",
      "auth.oidcUnknownPerson",
      "You signed in at the identity provider, but you are not in this polity's citizen registry, so there is no account for you here.",
    );
  }
  await attempt.succeeded();
  const session = await openSession(deps, userId, identity.signOutUrl);
  const user = (await userForSessionToken(deps, session.token))!;
  return { ...session, user, next };
}

/**
 * The account of the registry's citizen with this personal code: hers if she has one (made with a
 * password or earlier through the provider), else a new one without a password, with the registry's
 * name and email. Null when the registry has no such citizen.
 */
async function accountForCitizen(deps: AppDeps, trx: Kysely<Database>, personalCode: string, locale: string): Promise<string | null> {
  const citizen = await trx.selectFrom("citizens").select(["id", "fullName", "email"]).where("personalCode", "=", personalCode).executeTakeFirst();
  if (!citizen) return null;
  const holder = await trx.selectFrom("users").select("id").where("citizenId", "=", citizen.id).executeTakeFirst();
  if (holder) return holder.id;
  // The email column is unique and required; a registry without her email (or one another account
  // uses) gets an address that can never receive mail, so nobody's account is taken over by it.
  const registryEmail = citizen.email ? normaliseEmail(citizen.email) : null;
  const email = registryEmail && !(await findUserByEmail(trx, registryEmail)) ? registryEmail : `citizen-${citizen.id}@registry.invalid`;
  const userId = deps.ids();
  const createdAt = nowIso(deps);
  await insertUser(trx, { id: userId, email, passwordHash: NO_PASSWORD, displayName: citizen.fullName, citizenId: citizen.id, locale, createdAt });
  await grantRoles(trx, userId, ["citizen"], null, createdAt);
  return userId;
}
