import { createAdapter } from "@socket.io/postgres-adapter";
import type pg from "pg";
import { createPgPool, type DbConfig } from "../../db/connection.js";

/**
 * socket.io across server processes, through PostgreSQL alone (decision 0016): the
 * `@socket.io/postgres-adapter` carries broadcasts and server-to-server messages over LISTEN/NOTIFY,
 * and a message over NOTIFY's 8,000-byte limit goes through its attachments table.
 */

/** The adapter's table for payloads too large for a notification; rows are deleted after 30 s. */
export const ATTACHMENTS_TABLE = "socket_io_attachments";

/** Advisory-lock key of the table's creation ("SOCK"), so processes starting together do not race on it. */
const CREATE_LOCK = 0x534f434b;

export interface Fanout {
  /** What `new Server(…, { adapter })` takes. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/**
 * The adapter with a pool of its own (it holds one connection for LISTEN for as long as it runs, so it
 * must never wait behind the requests' pool, nor they behind it).
 *
 * The pool has exactly two connections, one for LISTEN and one for every NOTIFY this process sends:
 * notifications from one connection are delivered in the order they were sent, so transcript fragments
 * reach the other processes in the order the runner streamed them. With more publishing connections,
 * two fragments sent a millisecond apart could overtake each other.
 */
export async function createFanout(config: Extract<DbConfig, { kind: "postgres" }>): Promise<Fanout> {
  const name = `${config.applicationName ?? "agora"}-realtime`.slice(0, 63);
  const pool = createPgPool({ ...config, poolSize: 2, applicationName: name });
  try {
    // A table of the realtime layer's own, made here rather than by a migration: SQLite never needs it.
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT pg_advisory_xact_lock(${CREATE_LOCK})`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (id bigserial UNIQUE, created_at timestamptz DEFAULT now(), payload bytea)`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  // Notification channels are per database, not per schema: suites that share a database in schemas of
  // their own must not hear one another.
  const channelPrefix = `agora:${config.schema ?? "public"}`;
  const adapter = createAdapter(listenSafePool(pool), {
    channelPrefix,
    tableName: ATTACHMENTS_TABLE,
    // A lost NOTIFY (the database away) is logged; ledger events are caught up from the ledger, never from here.
    errorHandler: (error) => console.warn(`[realtime] fan-out through PostgreSQL failed: ${error.message}`),
  });
  return {
    adapter,
    close: () => pool.end().catch(() => {}),
  };
}

/**
 * The adapter takes a connection for LISTEN and, when that connection ends, takes a new one without
 * giving the dead one back: the pool would count it for ever, and after one terminated connection the
 * only other one would be the new LISTEN, leaving none to publish with. The connection handed out
 * here is given back (as broken) when it ends, once.
 */
function listenSafePool(pool: pg.Pool): pg.Pool {
  return {
    connect: async () => {
      const client = await pool.connect();
      const release = client.release.bind(client);
      let released = false;
      client.release = (error?: Error | boolean) => {
        if (released) return;
        released = true;
        release(error);
      };
      client.once("end", () => client.release(true));
      return client;
    },
    query: coalescingNotify(pool),
  } as unknown as pg.Pool;
}

/** The query the adapter sends each message with (`@socket.io/postgres-adapter` 0.5). */
const NOTIFY = "SELECT pg_notify($1, $2)";
/** At most this many notifications in one query. */
const NOTIFY_BATCH = 64;

/**
 * The adapter sends each message in a query of its own, and the publishing connection takes one at a
 * time: a burst (a group commit's 12 ledger events, the fragments streamed meanwhile) waited out a
 * round trip and a commit per message, in line (measured in `bench cluster` under load: 82 to 243 ms
 * from a ledger event's publish to its answer, 3 to 4 queries ahead of it). Messages asked for while a
 * query is under way go together in the next one, in the order asked: one round trip and one commit
 * for all, and PostgreSQL delivers a transaction's notifications in the order they were sent. It also
 * drops a notification identical to one already sent in the same transaction, so an identical message
 * (a speaker repeating itself) starts the next batch instead. Any other query goes as it is.
 */
export function coalescingNotify(pool: pg.Pool) {
  type Waiting = { channel: string; payload: string; resolve: (result: unknown) => void; reject: (error: unknown) => void };
  const batches: Waiting[][] = [];
  let sending = false;

  function send() {
    const batch = batches.shift();
    if (!batch) {
      sending = false;
      return;
    }
    sending = true;
    const text = `SELECT ${batch.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(", ")}`;
    pool
      .query(
        text,
        batch.flatMap((w) => [w.channel, w.payload]),
      )
      .then(
        (result) => {
          for (const w of batch) w.resolve(result);
          send();
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
          send();
        },
      );
  }

  return (text: string, values?: unknown[]) => {
    if (text !== NOTIFY || !values || values.length !== 2) return pool.query(text, values);
    const [channel, payload] = values as [string, string];
    return new Promise((resolve, reject) => {
      const last = batches.at(-1);
      const fits = last && last.length < NOTIFY_BATCH && !last.some((w) => w.channel === channel && w.payload === payload);
      const item = { channel, payload, resolve, reject };
      if (fits) last.push(item);
      else batches.push([item]);
      if (!sending) send();
    });
  };
}
