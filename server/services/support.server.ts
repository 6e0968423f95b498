import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { Database } from "../../db/schema.js";

/**
 * A value's support is the number of distinct citizens holding an active card of it or endorsing it.
 * It is kept on the value (`canonical_values.support_count`) by the transaction that changes one
 * citizen's cards or endorsements (decision 29), so the moral graph reads one row per value whatever
 * its support; counting holders and endorsers again for every changed value grew with the value.
 *
 * Such a transaction first takes `lockSupporter` for the citizen, before it reads her card or her
 * endorsement, then `supportChange` for the values involved, which notes which of them she supports and
 * returns `settle`, to be awaited after the writes: each value she has come to support or stopped
 * supporting moves by one. Asking before and after, rather than adding by kind of change, keeps a
 * citizen who holds a value and endorsed it too counted once.
 */
export async function supportChange(
  trx: Kysely<Database>,
  citizenId: string,
  valueIds: readonly (string | null | undefined)[],
): Promise<{ settle: () => Promise<void> }> {
  const ids = [...new Set(valueIds.filter((id): id is string => typeof id === "string"))];
  if (ids.length === 0) return { settle: async () => {} };
  const before = await supported(trx, citizenId, ids);
  return {
    settle: async () => {
      const after = await supported(trx, citizenId, ids);
      for (const id of ids) {
        const delta = Number(after.has(id)) - Number(before.has(id));
        if (delta !== 0)
          await trx
            .updateTable("canonicalValues")
            .set((eb) => ({ supportCount: eb("supportCount", "+", delta) }))
            .where("id", "=", id)
            .execute();
      }
    },
  };
}

/**
 * One citizen's changes to her cards and endorsements, one at a time, until the transaction ends. On
 * PostgreSQL two of them at once (her endorsement while her card joins the same value; a clerk's split
 * while she revises the card) would each read "not yet" or the card's old value, and move the count
 * twice or the wrong value's. An advisory lock on her, not the values' rows: different citizens'
 * changes only add to a count, which the database does atomically, so they need not wait on a
 * popular value. SQLite has one writer.
 */
export async function lockSupporter(trx: Kysely<Database>, citizenId: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`SELECT pg_advisory_xact_lock(hashtext(${`supporter:${citizenId}`}))`.execute(trx);
}

/** Which of `ids` she supports now: by her id and the value, from the indexes that start at her. */
async function supported(trx: Kysely<Database>, citizenId: string, ids: readonly string[]): Promise<Set<string>> {
  const [held, endorsed] = await Promise.all([
    trx
      .selectFrom("valueCards")
      .select("canonicalId")
      .where("citizenId", "=", citizenId)
      .where("canonicalId", "in", ids)
      .where("status", "=", "active")
      .execute(),
    trx.selectFrom("endorsements").select("canonicalId").where("citizenId", "=", citizenId).where("canonicalId", "in", ids).execute(),
  ]);
  return new Set([...held.map((r) => r.canonicalId!), ...endorsed.map((r) => r.canonicalId)]);
}
