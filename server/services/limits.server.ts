import { createHash } from "node:crypto";
import { CompiledQuery, type Kysely } from "kysely";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../deliberation/errors.js";
import type { AppDeps } from "./deps.server.js";

/**
 * Rate limits that hold across processes (decision 17). On PostgreSQL every counter is a row of
 * `rate_limits` (rate-limiter-flexible's Postgres store, reached through the app's own Kysely pool, so
 * it obeys the same connection wait and its failures are the same 503); every process sees the same
 * counts. On SQLite there is one process (decision 16), so the counters live in its memory: exact,
 * no write on the single writer per sign-in, and a restart (which an attacker cannot cause) clears them.
 */
export const RATE_LIMITS_TABLE = "rate_limits";

export const LIMITS = {
  /** Wrong passwords for one account from one address: then that address waits out the window. */
  signInAccountAddress: { points: 5, duration: 15 * 60 },
  /** Wrong passwords from one address for any accounts. */
  signInAddress: { points: 100, duration: 15 * 60 },
  /** Wrong passwords for one account from anywhere before its tries are spaced out (never locked). */
  signInAccountFree: 10,
  signInAccountWindow: 15 * 60,
  /** The spacing: 1, 2, 4 … seconds, at most this many. */
  signInMaxWaitS: 30,
  /** Failed returns from the OpenID provider to one address (a tampered or replayed answer, a person not in the registry). */
  oidcSignInAddress: { points: 100, duration: 15 * 60 },
  /** Sign-ups from one address (a library, a school: one public address for many people). */
  signUpAddress: { points: 300, duration: 60 * 60 },
  /** Sign-up tries for one personal code, and for one email. */
  signUpPerson: { points: 10, duration: 60 * 60 },
  /** Model-backed calls running at once for one person, across processes. */
  modelConcurrent: 2,
  /** How long a running call's place is held at most (a process that dies mid-call gives it back then). */
  modelConcurrentHoldS: 10 * 60,
  /** Model-backed calls per person per hour, per procedure (with a model; the offline engine costs no more than any request). */
  modelPerHour: { "values.submit": 30, "values.draft": 30, "values.split": 60 },
} as const;

export type ModelProcedure = keyof typeof LIMITS.modelPerHour;

interface Limiters {
  accountAddress: RateLimiterAbstract;
  address: RateLimiterAbstract;
  account: RateLimiterAbstract;
  accountGate: RateLimiterAbstract;
  oidcAddress: RateLimiterAbstract;
  signUpAddress: RateLimiterAbstract;
  signUpPerson: RateLimiterAbstract;
  running: RateLimiterAbstract;
  modelPerHour: Record<ModelProcedure, RateLimiterAbstract>;
}

/**
 * What rate-limiter-flexible's Postgres store needs of a pg pool (`query({text, values})` answering
 * rows and rowCount), run through Kysely: the connection's search_path, pool, wait and error handling.
 */
function kyselyPgClient(db: Kysely<Database>) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const result = await db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
      return { rows: result.rows, rowCount: result.rows.length || Number(result.numAffectedRows ?? 0) };
    },
  };
}

const perDeps = new WeakMap<AppDeps, Limiters>();

function limiters(deps: AppDeps): Limiters {
  let found = perDeps.get(deps);
  if (found) return found;
  let first = true;
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    if (deps.dialect !== "postgres") return new RateLimiterMemory({ keyPrefix, points, duration });
    // One table for all (keys carry their prefix), made by a migration; one limiter sweeps old rows.
    const limiter = new RateLimiterPostgres({
      storeClient: kyselyPgClient(deps.db),
      storeType: "pool",
      tableName: RATE_LIMITS_TABLE,
      tableCreated: true,
      clearExpiredByTimeout: first,
      keyPrefix,
      points,
      duration,
    });
    first = false;
    return limiter;
  };
  const big = 1_000_000_000;
  found = {
    accountAddress: make("signin-account-address", LIMITS.signInAccountAddress.points, LIMITS.signInAccountAddress.duration),
    address: make("signin-address", LIMITS.signInAddress.points, LIMITS.signInAddress.duration),
    // Counted, never refused by itself: the count decides how long the account's next try waits.
    account: make("signin-account", big, LIMITS.signInAccountWindow),
    // One try through it per wait (its duration is set per try).
    accountGate: make("signin-account-gate", 1, 1),
    oidcAddress: make("oidc-address", LIMITS.oidcSignInAddress.points, LIMITS.oidcSignInAddress.duration),
    signUpAddress: make("signup-address", LIMITS.signUpAddress.points, LIMITS.signUpAddress.duration),
    signUpPerson: make("signup-person", LIMITS.signUpPerson.points, LIMITS.signUpPerson.duration),
    running: make("model-running", LIMITS.modelConcurrent, LIMITS.modelConcurrentHoldS),
    modelPerHour: Object.fromEntries(
      Object.entries(LIMITS.modelPerHour).map(([procedure, points]) => [procedure, make(`model-hour-${procedure}`, points, 60 * 60)]),
    ) as Record<ModelProcedure, RateLimiterAbstract>,
  };
  perDeps.set(deps, found);
  return found;
}

/** Keys are hashed: fixed length for the store's varchar(255), and no emails or addresses in the table. */
function key(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url");
}

/** A refusal by the limiter (over the limit), as opposed to the store failing (the database away: 503). */
async function tryConsume(limiter: RateLimiterAbstract, k: string, options?: { customDuration: number }): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(k, 1, options);
    return null;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res;
    throw res;
  }
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

function refusal(key: string, message: string, retryAfterS: number, params: Record<string, number> = {}): DomainError {
  return new DomainError("rate_limited", key, message, { ...params, retryAfter: retryAfterS });
}

function tooManySignIns(res: RateLimiterRes): DomainError {
  const retryAfter = seconds(res);
  const minutes = Math.ceil(retryAfter / 60);
  return refusal("auth.tooManyAttempts", `Too many sign-in attempts. Try again in ${minutes} minutes.`, retryAfter, { minutes });
}

/** How long the next try waits once an account has had `failures` wrong passwords (at least the free ones). */
export function signInWaitS(failures: number): number {
  return Math.min(LIMITS.signInMaxWaitS, 2 ** Math.max(0, failures - LIMITS.signInAccountFree));
}

export interface SignInTry {
  /** The password was right: the try's points are given back (its earlier failures stay). */
  succeeded(): Promise<void>;
}

/**
 * Before a password is checked. A try takes its points first (so guesses sent all at once count too)
 * and gets them back when it succeeds:
 * - five wrong passwords per account and address, a hundred per address, then 429 until the window ends;
 * - per account from anywhere, never a lock: past ten wrong passwords in 15 minutes, tries from an address
 *   that has wrong passwords of its own for the account go through one at a time, 1, 2, 4 … 30 s apart
 *   (429 with Retry-After in between). An address with none of its own is not held back, so nobody can
 *   lock a delegate out by guessing at her account before a vote: she signs in from her own address.
 */
export async function beginSignIn(deps: AppDeps, email: string, address: string): Promise<SignInTry> {
  const l = limiters(deps);
  const pair = key(email, address);
  const account = key(email);
  const addr = key(address);
  const taken: [RateLimiterAbstract, string][] = [];
  const giveBack = () => Promise.all(taken.map(([limiter, k]) => limiter.reward(k))).then(() => undefined);

  const byAddress = await tryConsume(l.address, addr);
  if (byAddress) throw tooManySignIns(byAddress);
  taken.push([l.address, addr]);

  let own = 0;
  try {
    own = (await l.accountAddress.consume(pair)).consumedPoints - 1;
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    await giveBack();
    throw tooManySignIns(res);
  }
  taken.push([l.accountAddress, pair]);

  const failures = (await l.account.penalty(account)).consumedPoints - 1;
  taken.push([l.account, account]);

  if (failures >= LIMITS.signInAccountFree && own > 0) {
    const wait = signInWaitS(failures);
    const held = await tryConsume(l.accountGate, account, { customDuration: wait });
    if (held) {
      await giveBack(); // not checked, so not a failure
      const retryAfter = seconds(held);
      throw refusal("auth.signInWait", `Many wrong passwords were tried for this account just now. Try again in ${retryAfter} seconds.`, retryAfter, {
        seconds: retryAfter,
      });
    }
  }
  return { succeeded: giveBack };
}

/**
 * Before the answer of an OpenID provider is checked: as with passwords, a hundred failures per address
 * in 15 minutes, then 429 until the window ends. The try takes its point first and gets it back when it
 * succeeds, so only failures count.
 */
export async function beginOidcSignIn(deps: AppDeps, address: string): Promise<SignInTry> {
  const limiter = limiters(deps).oidcAddress;
  const k = key(address);
  const refused = await tryConsume(limiter, k);
  if (refused) throw tooManySignIns(refused);
  return { succeeded: () => limiter.reward(k).then(() => undefined) };
}

/**
 * Before a sign-up hashes its password: 300 an hour per address (a library or a school signs up a class
 * from one public address), and 10 tries an hour per personal code and per email, so one person's
 * registry entry cannot be hammered from many addresses either.
 */
export async function beginSignUp(deps: AppDeps, email: string, personalCode: string | undefined, address: string): Promise<void> {
  const l = limiters(deps);
  const checks: [RateLimiterAbstract, string][] = [
    [l.signUpPerson, key("email", email)],
    ...(personalCode ? ([[l.signUpPerson, key("code", personalCode)]] as [RateLimiterAbstract, string][]) : []),
    [l.signUpAddress, key(address)],
  ];
  for (const [i, [limiter, k]] of checks.entries()) {
    const refused = await tryConsume(limiter, k);
    if (refused) {
      await Promise.all(checks.slice(0, i).map(([lim, kk]) => lim.reward(kk)));
      const retryAfter = seconds(refused);
      const minutes = Math.ceil(retryAfter / 60);
      throw refusal("auth.tooManySignUps", `Too many sign-ups just now. Try again in ${minutes} minutes.`, retryAfter, { minutes });
    }
  }
}

/**
 * Before a model-backed call (after its input is checked): at most two running at once per person,
 * across processes, and with a model an hourly number per procedure. Returns what gives the running
 * place back; call it when the call ends, however it ends.
 */
export async function beginModelCall(deps: AppDeps, userId: string, procedure: ModelProcedure): Promise<() => Promise<void>> {
  const l = limiters(deps);
  const person = key(userId);
  const hourly = deps.llm.engine === "offline" ? null : l.modelPerHour[procedure];
  if (hourly) {
    const spent = await tryConsume(hourly, person);
    if (spent) {
      const retryAfter = seconds(spent);
      const minutes = Math.ceil(retryAfter / 60);
      throw refusal("limits.modelCalls", `You have asked for many checks and drafts in the last hour. Try again in ${minutes} minutes.`, retryAfter, {
        minutes,
      });
    }
  }
  const busy = await tryConsume(l.running, person);
  if (busy) {
    await l.running.reward(person);
    if (hourly) await hourly.reward(person);
    throw refusal("limits.busy", `You already have ${LIMITS.modelConcurrent} requests being worked on. Wait for them to finish, then try again.`, 2, {
      limit: LIMITS.modelConcurrent,
    });
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const after = await l.running.reward(person);
    // Held past its window (a very long call): the count started again, so do not leave it below zero.
    if (after.consumedPoints < 0) await l.running.delete(person);
  };
}
