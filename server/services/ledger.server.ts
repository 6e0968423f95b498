import type { Kysely } from "kysely";
import { isDatabaseUnavailable } from "../../db/connection.js";
import { appendLedgerEvent, type AppendInput } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { log } from "../log.server.js";
import { ledgerAppends, typePrefix } from "../metrics.server.js";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import type { AppDeps } from "./deps.server.js";

/**
 * Runs `work` in a transaction that also appends ledger events, and pushes those events to live
 * clients once the transaction has committed. Retries when another writer took the same sequence.
 */
export async function withLedger<T>(
  deps: AppDeps,
  work: (trx: Kysely<Database>, append: (input: Omit<AppendInput, "createdAt">) => Promise<LedgerEvent>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const appended: LedgerEvent[] = [];
    let done: { result: T } | null = null;
    try {
      const result = await deps.db.transaction().execute(async (trx) => {
        const value = await work(trx, async (input) => {
          requireNoCitizenNamed(input);
          const previous = [...appended].reverse().find((e) => e.matterId === input.matterId);
          const event = await appendLedgerEvent(trx, { ...input, createdAt: deps.clock.now().toISOString() }, previous);
          appended.push(event);
          return event;
        });
        done = { result: value };
        return value;
      });
      for (const event of appended) {
        ledgerAppends.inc({ type: typePrefix(event.type) });
        deps.events.ledgerAppended(event);
      }
      return result;
    } catch (error) {
      if (attempt < 5 && isSequenceCollision(error)) continue;
      // The connection died after the work was done: the COMMIT may have landed. Asked again blindly, the
      // caller (the runner writing a result) would append the same thing twice, so find out first.
      const finished = done as { result: T } | null;
      if (finished && appended.length > 0 && isDatabaseUnavailable(error) && (await committed(deps, appended))) {
        for (const event of appended) {
          ledgerAppends.inc({ type: typePrefix(event.type) });
          deps.events.ledgerAppended(event);
        }
        return finished.result;
      }
      throw error;
    }
  }
}

/** How long a write whose commit is in doubt waits for the database to say whether it landed. */
const COMMIT_DOUBT_MS = 30_000;

/**
 * Whether the events of a transaction whose COMMIT got no answer are in the ledger: the first one at its
 * seq with its hash (a hash covers its content, time and predecessor, so nothing else has it). Asks until
 * the database answers, for up to COMMIT_DOUBT_MS; past that the doubt is logged and the error stands.
 */
async function committed(deps: AppDeps, events: readonly LedgerEvent[]): Promise<boolean> {
  const first = events[0]!;
  const deadline = Date.now() + COMMIT_DOUBT_MS;
  for (;;) {
    try {
      const row = await deps.db
        .selectFrom("ledgerEvents")
        .select("hash")
        .where("matterId", "=", first.matterId)
        .where("seq", "=", first.seq)
        .executeTakeFirst();
      return row?.hash === first.hash;
    } catch (error) {
      if (Date.now() > deadline || !isDatabaseUnavailable(error)) {
        log.error({ matterId: first.matterId, seq: first.seq, err: error }, "[ledger] could not learn whether an append was written");
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function isSequenceCollision(error: unknown): boolean {
  const { message, constraint } = (error ?? {}) as { message?: string; constraint?: string };
  return constraint === "ledger_events_pk" || /constraint failed: ledger_events\.matter_id, ledger_events\.seq/.test(message ?? "");
}

/** How the public ledger names who acted: officials by name and role, a citizen only as "a citizen", Agora's own jobs by what they are. */
export type ActorLabel = { kind: "official"; name: string; roles: string[] } | { kind: "citizen" } | { kind: "system"; job: string } | { kind: "unknown" };

const OFFICIAL_ROLES = ["clerk", "delegate", "admin"];

/**
 * The actor of what a citizen does in public (an amendment, a harm report): never her id, since the
 * ledger is public (the room's socket replays it, the provenance bundle holds it) and hashed for good.
 * Who she is stays in the private tables that need it (matter_options, harm_reports).
 */
export const CITIZEN_ACTOR = "citizen";

/** Acts anyone signed in may do as a member of the public: whoever did them is never named, whatever roles she holds (docs/privacy.md). */
export const CITIZEN_ACTS: ReadonlySet<string> = new Set(["ruling.harmReported", "matter.amendmentProposed", "matter.amendmentWithdrawn"]);

/** The ledger is public and hashed for good: a citizen's act that names her is a bug to stop before it is written, not after. */
function requireNoCitizenNamed(input: Pick<AppendInput, "type" | "actor">): void {
  if (CITIZEN_ACTS.has(input.type) && input.actor !== CITIZEN_ACTOR) {
    throw new Error(`A ${input.type} event must have the actor "${CITIZEN_ACTOR}", never who did it.`);
  }
}

/** Labels for the actors of a page of events (at most a page's worth of ids: one indexed query). */
export async function actorLabels(db: Kysely<Database>, actors: readonly string[]): Promise<Map<string, ActorLabel>> {
  const labels = new Map<string, ActorLabel>();
  if (actors.includes(CITIZEN_ACTOR)) labels.set(CITIZEN_ACTOR, { kind: "citizen" });
  actors = actors.filter((a) => a !== CITIZEN_ACTOR);
  // Agora's own jobs act as "agora:<job>"; the seed of a demo polity as "system:seed".
  const job = (actor: string) => /^(agora|system):/.exec(actor) && actor.slice(actor.indexOf(":") + 1);
  const userIds = [...new Set(actors)].filter((a) => !job(a));
  for (const actor of new Set(actors)) if (job(actor)) labels.set(actor, { kind: "system", job: job(actor)! });
  if (userIds.length === 0) return labels;
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("userRoles as r", "r.userId", "u.id")
    .select(["u.id", "u.displayName", "r.role"])
    .where("u.id", "in", userIds)
    .execute();
  const byUser = new Map<string, { name: string; roles: string[] }>();
  for (const row of rows) {
    const entry = byUser.get(row.id) ?? { name: row.displayName, roles: [] };
    if (row.role && OFFICIAL_ROLES.includes(row.role)) entry.roles.push(row.role);
    byUser.set(row.id, entry);
  }
  for (const id of userIds) {
    const user = byUser.get(id);
    // Officials act in public; what a citizen does is hers alone.
    labels.set(id, !user ? { kind: "unknown" } : user.roles.length ? { kind: "official", name: user.name, roles: user.roles.sort() } : { kind: "citizen" });
  }
  return labels;
}
