import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type KyselyPlugin, PostgresAdapter, type QueryResult, sql } from "kysely";
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
  const row = await db.selectFrom("ledgerEvents").selectAll().where("matterId", "=", matterId).orderBy("seq", "desc").limit(1).executeTakeFirst();
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
export async function appendLedgerEvent(
  db: Kysely<Database>,
  input: AppendInput,
  knownHead?: Pick<LedgerEvent, "matterId" | "seq" | "hash">,
): Promise<LedgerEvent> {
  // A head this transaction appended itself is still the head: the lock (or SQLite's single writer) holds.
  if (knownHead?.matterId === input.matterId) return insertAfter(db, knownHead, input);
  await lockStream(db, input.matterId);
  const { rows } = await headQuery.execute(db, { matterId: input.matterId });
  return insertAfter(db, rows[0] ?? null, input);
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

async function insertAfter(db: Kysely<Database>, head: Pick<LedgerEvent, "seq" | "hash"> | null, input: AppendInput): Promise<LedgerEvent> {
  const event = chainEvent(head, input);
  await insertQuery.execute(db, { ...event, payload: JSON.stringify(event.payload) });
  return event;
}

/**
 * A query built and compiled once per database (and set of plugins), then run with new values.
 * Building a Kysely query, passing it through the CamelCasePlugin and compiling it took longer than
 * SQLite's own work on an append; the SQL text never changes, only the parameters do. The values are
 * found in the compiled parameters by compiling with a unique stand-in for each; should a plugin
 * change them so they cannot be found, the query is built afresh every time, as before. (A plugin
 * that rewrote some values by their content but left the stand-ins alone would be bypassed: ours,
 * CamelCasePlugin and withSchema, touch names only.) Rows still pass through the plugins.
 */
class PreparedQuery<Args extends Record<string, unknown>, Row> {
  readonly #byDatabase = new WeakMap<
    object,
    { plugins: readonly KyselyPlugin[]; query: CompiledQuery<Row>; slots: ({ arg: keyof Args } | { value: unknown })[] | null }
  >();

  constructor(
    private readonly names: readonly (keyof Args & string)[],
    private readonly build: (db: Kysely<Database>, args: Args) => Compilable<Row>,
  ) {}

  execute(db: Kysely<Database>, args: Args): Promise<QueryResult<Row>> {
    const executor = db.getExecutor();
    // The adapter is made once per Kysely instance and shared by its transactions, as is the compiler.
    let prepared = this.#byDatabase.get(executor.adapter);
    if (!prepared || !samePlugins(prepared.plugins, executor.plugins)) {
      prepared = this.#prepare(db, executor.plugins);
      this.#byDatabase.set(executor.adapter, prepared);
    }
    if (!prepared.slots) return db.executeQuery(this.build(db, args));
    const parameters = prepared.slots.map((slot) => ("arg" in slot ? args[slot.arg] : slot.value));
    return db.executeQuery({ ...prepared.query, parameters, queryId: createQueryId() });
  }

  #prepare(db: Kysely<Database>, plugins: readonly KyselyPlugin[]) {
    const standIns = Object.fromEntries(this.names.map((name) => [name, `\u0000agora:${name}\u0000`])) as Record<string, string>;
    const query = this.build(db, standIns as unknown as Args).compile();
    const slots = query.parameters.map((value) => {
      const arg = this.names.find((name) => standIns[name] === value);
      return arg === undefined ? { value } : { arg };
    });
    const found = this.names.every((name) => slots.some((slot) => "arg" in slot && slot.arg === name));
    return { plugins: [...plugins], query, slots: found ? slots : null };
  }
}

function samePlugins(a: readonly KyselyPlugin[], b: readonly KyselyPlugin[]): boolean {
  return a.length === b.length && a.every((plugin, i) => plugin === b[i]);
}

/**
 * The head's seq and hash: all an append needs (not the payload, so nothing to parse). Its LIMIT is
 * written as a literal by the connection's InlineLimits plugin (db/connection.ts).
 */
const headQuery = new PreparedQuery<{ matterId: string }, { seq: number; hash: string }>(["matterId"], (db, { matterId }) =>
  db.selectFrom("ledgerEvents").select(["seq", "hash"]).where("matterId", "=", matterId).orderBy("seq", "desc").limit(1),
);

const insertQuery = new PreparedQuery<LedgerEventRow, never>(["matterId", "seq", "type", "actor", "payload", "prevHash", "hash", "createdAt"], (db, row) =>
  db.insertInto("ledgerEvents").values(row),
);

export async function readLedger(db: Kysely<Database>, matterId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<LedgerEvent[]> {
  let query = db
    .selectFrom("ledgerEvents")
    .selectAll()
    .where("matterId", "=", matterId)
    .where("seq", ">", options.afterSeq ?? 0)
    .orderBy("seq", "asc");
  if (options.limit) query = query.limit(options.limit);
  return (await query.execute()).map(toEvent);
}
