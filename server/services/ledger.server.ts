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
