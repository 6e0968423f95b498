import type { Kysely } from "kysely";
import { appendLedgerEvent, type AppendInput } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
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
    try {
      const result = await deps.db.transaction().execute((trx) =>
        work(trx, async (input) => {
          const previous = [...appended].reverse().find((e) => e.matterId === input.matterId);
          const event = await appendLedgerEvent(trx, { ...input, createdAt: deps.clock.now().toISOString() }, previous);
          appended.push(event);
          return event;
        }),
      );
      for (const event of appended) deps.events.ledgerAppended(event);
      return result;
    } catch (error) {
      if (attempt < 5 && isSequenceCollision(error)) continue;
      throw error;
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

/** Labels for the actors of a page of events (at most a page's worth of ids: one indexed query). */
/**
 * The actor of what a citizen does in public (an amendment, a harm report): never her id, since the
 * ledger is public (the room's socket replays it, the provenance bundle holds it) and hashed for good.
 * Who she is stays in the private tables that need it (matter_options, harm_reports).
 */
export const CITIZEN_ACTOR = "citizen";

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
