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
    query: pool.query.bind(pool),
  } as unknown as pg.Pool;
}
