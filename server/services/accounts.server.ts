import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors.js";
import type { Database } from "../../db/schema.js";
import { deleteSession, findLiveSession, insertSession } from "../../db/repos/sessions.js";
import { findUserByEmail, grantRoles, insertUser, rolesOf } from "../../db/repos/users.js";
import { DomainError } from "../../deliberation/errors.js";
import type { Role } from "../../deliberation/roles.js";
import { decoyHash, hashPassword, verifyPassword } from "../auth/password.server.js";
import { newToken, sha256 } from "../auth/tokens.server.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { beginSignIn, beginSignUp } from "./limits.server.js";

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

async function openSession(deps: AppDeps, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 24 * 3600 * 1000);
  await insertSession(deps.db, { id: sha256(token), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return { token, expiresAt };
}

export async function signIn(deps: AppDeps, input: { email: string; password: string }, address: string): Promise<NewSession> {
  const email = normaliseEmail(input.email);
  // Limits (decision 17): per address, per account and address, and a per-account wait that never locks.
  const attempt = await beginSignIn(deps, email, address);

  const user = await findUserByEmail(deps.db, email);
  const valid = user
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

export async function signOut(deps: AppDeps, token: string): Promise<void> {
  await deleteSession(deps.db, sha256(token));
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
