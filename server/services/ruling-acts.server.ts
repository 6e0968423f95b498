import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { JsonValue } from "../../deliberation/ledger.js";

/**
 * The acts on a published ruling as its matter's ledger records them: its publication, then each
 * renewal, repeal or lapse. Each act after publication is a leaf of the transparency log whose data is
 * the canonical JSON of `record` (registry-log.server.ts, recordAct); the ledger event carries that
 * record with the leaf's index and the checkpoint it went under.
 */

export const ACT_TYPES = ["ruling.published", "ruling.renewed", "ruling.repealed", "ruling.lapsed"] as const;

export interface LoggedAct {
  act: "published" | "renewed" | "repealed" | "lapsed";
  /** The log leaf's data: for a renewal, repeal or lapse its record; for the publication, the bundle (not repeated here). */
  record: Record<string, JsonValue> | null;
  leafIndex: number;
  at: string;
}

export async function loggedActs(db: Kysely<Database>, matterId: string): Promise<LoggedAct[]> {
  const rows = await db
    .selectFrom("ledgerEvents")
    .select(["type", "payload", "createdAt"])
    .where("matterId", "=", matterId)
    .where("type", "in", [...ACT_TYPES])
    .orderBy("seq")
    .execute();
  return rows.map((row) => {
    const { leafIndex, checkpoint: _checkpoint, ...record } = JSON.parse(row.payload) as Record<string, JsonValue> & { leafIndex: number };
    const act = row.type.slice("ruling.".length) as LoggedAct["act"];
    return act === "published" ? { act, record: null, leafIndex, at: row.createdAt } : { act, record, leafIndex, at: String(record.at ?? row.createdAt) };
  });
}
