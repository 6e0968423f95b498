import { type Kysely, PostgresAdapter, sql } from "kysely";
import { chainEvent, type JsonValue, type LedgerEvent } from "../../deliberation/ledger.js";
import type { Database, LedgerEventRow } from "../schema.js";

export interface AppendInput {
  matterId: string;
  type: string;
  actor: string;
  payload: JsonValue;
  createdAt: string;
}

function toEvent(row: LedgerEventRow): LedgerEvent {
  return { ...row, payload: JSON.parse(row.payload) as JsonValue };
}

export async function ledgerHead(db: Kysely<Database>, matterId: string): Promise<LedgerEvent | null> {
  const row = await db
    .selectFrom("ledgerEvents")
    .selectAll()
    .where("matterId", "=", matterId)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? toEvent(row) : null;
}

/** Advisory-lock namespace of ledger appends ("LEDG"), so other advisory locks never clash with ours. */
const LEDGER_LOCK_CLASS = 0x4c454447;

/**
 * Appends one event to a stream. Call it inside the transaction that makes the change the event
 * records. On PostgreSQL, appends to one stream take turns (a transaction-scoped advisory lock), so
 * concurrent writers don't all race for the same next seq; should two writers still collide on the
 * (matter_id, seq) key (SQLite across processes), the loser's transaction fails and withLedger retries.
 */
export async function appendLedgerEvent(db: Kysely<Database>, input: AppendInput, knownHead?: LedgerEvent): Promise<LedgerEvent> {
  // A head this transaction appended itself is still the head: the lock (or SQLite's single writer) holds.
  if (knownHead?.matterId === input.matterId) return insertAfter(db, knownHead, input);
  await lockStream(db, input.matterId);
  return insertAfter(db, await ledgerHead(db, input.matterId), input);
}

/**
 * Takes the stream's append lock for the rest of the transaction (PostgreSQL; SQLite has one writer).
 * Call it first in a transaction that decides on the stream's state before appending to it, so that
 * what it read cannot change before it writes. Taking it again in the same transaction is free.
 */
export async function lockStream(db: Kysely<Database>, matterId: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK_CLASS)}, hashtext(${matterId}))`.execute(db);
  }
}

async function insertAfter(db: Kysely<Database>, head: LedgerEvent | null, input: AppendInput): Promise<LedgerEvent> {
  const event = chainEvent(head, input);
  await db
    .insertInto("ledgerEvents")
    .values({ ...event, payload: JSON.stringify(event.payload) })
    .execute();
  return event;
}

export async function readLedger(
  db: Kysely<Database>,
  matterId: string,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<LedgerEvent[]> {
  let query = db
    .selectFrom("ledgerEvents")
    .selectAll()
    .where("matterId", "=", matterId)
    .where("seq", ">", options.afterSeq ?? 0)
    .orderBy("seq", "asc");
  if (options.limit) query = query.limit(options.limit);
  return (await query.execute()).map(toEvent);
}
