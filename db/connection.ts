import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import {
  CamelCasePlugin,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  type KyselyPlugin,
  LimitNode,
  OffsetNode,
  type OperationNode,
  OperationNodeTransformer,
  PostgresDialect,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryCompiler,
  type QueryResult,
  type RootOperationNode,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type TransactionSettings,
  type UnknownRow,
  ValueNode,
} from "kysely";
import pg from "pg";
import { startCheckpointer } from "./checkpointer.js";
import type { Database } from "./schema.js";
import { WorkerSqliteDriver } from "./sqlite-worker.js";

export type DialectName = "sqlite" | "postgres";

export interface DbHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Whether the database answers, as this process last found it (always up for SQLite). */
  health: DatabaseHealth;
  /**
   * A liveness read (`/healthz`): one row of `users`, read from the database on a connection of its own,
   * not queued behind the requests: on a SQLite file a read-only connection (decision 31), on PostgreSQL
   * a pool of one (decision 28). On `:memory:` it goes first among the queries waiting for the loop
   * (db/loop.ts) and takes the one connection in its turn, after a transaction that holds it.
   */
  liveness(): Promise<void>;
  close(): Promise<void>;
}

export type DbConfig =
  | { kind: "sqlite"; file: string }
  | {
      kind: "postgres";
      url: string;
      schema?: string;
      poolSize?: number;
      /** How long a query waits for a free connection (or a new one) before it fails; default 5 s. */
      connectTimeoutMs?: number;
      /** Shown in pg_stat_activity, so an operator (or a test) can tell the processes' connections apart. */
      applicationName?: string;
    };

/** The default wait for a connection: a request then fails (503) instead of hanging behind an exhausted pool. */
const CONNECT_TIMEOUT_MS = 5_000;

// PostgreSQL returns BIGINT (count(*)) as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; a prepared statement can be reused as long as
 * the connection lives, and preparing was a sixth of a submission's time on the intake benchmark.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (statement) {
          cache.delete(source); // refresh its place: the map's order is the eviction order
        } else {
          statement = prepare(source);
          if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        }
        cache.set(source, statement);
        return statement;
      };
    },
  });
}

/** An integer LIMIT or OFFSET as a literal, not a bound parameter (see InlineLimits). */
class LimitInliner extends OperationNodeTransformer {
  private inline(node: OperationNode): OperationNode {
    return ValueNode.is(node) && !node.immediate && typeof node.value === "number" && Number.isSafeInteger(node.value) && node.value >= 0
      ? ValueNode.createImmediate(node.value)
      : node;
  }

  protected override transformLimit(node: LimitNode): LimitNode {
    return LimitNode.create(this.inline(node.limit));
  }

  protected override transformOffset(node: OffsetNode): OffsetNode {
    return OffsetNode.create(this.inline(node.offset));
  }
}

/**
 * On SQLite every query answers synchronously, so a chain of queries (a citizen's submission, a batch
 * job, the census import's steps) runs as one chain of microtasks that no request or timer can
 * interrupt. Before each query takes the connection, and before each transaction begins, this waits
 * for the loop's next turn once the current slice (db/loop.ts) is used up, so no chain of queries
 * holds the loop for more than about a slice.
 *
 * The wait comes before the connection is taken, never while it is held: SQLite has one connection,
 * and a query that waited for a turn holding it (as queries did when the wait followed each answer)
 * made every other query wait that turn too, /healthz's among them, and the next holder its own turn
 * (measured during the census import and the intake: /healthz's one read waited two turns for the
 * connection, its whole wait). The statements of a transaction therefore run without waiting: a
 * transaction is short by design (batched jobs fit theirs to about 40 ms, `batchSize`), and holds
 * the connection only while it runs.
 */
class LoopSharingDriver implements Driver {
  private initialised = false;

  constructor(private readonly driver: Driver) {}

  async init(): Promise<void> {
    await this.driver.init();
    this.initialised = true;
  }

  /**
   * One short query that goes first among those waiting for the loop (a health check's read: it would
   * otherwise wait a turn behind each job that asked before it). It takes the connection as any query
   * does, so it waits for a transaction under way. False if the driver is not initialised yet (no
   * query has run): the caller then runs the query as any other.
   */
  async runFirst(query: CompiledQuery): Promise<boolean> {
    if (!this.initialised) return false;
    await shareTheLoop({ first: true });
    const connection = await this.driver.acquireConnection();
    try {
      await connection.executeQuery(query);
    } finally {
      await this.driver.releaseConnection(connection);
    }
    return true;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await shareTheLoop();
    return this.driver.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.driver.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.driver.savepoint?.(connection, name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.driver.rollbackToSavepoint?.(connection, name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.driver.releaseSavepoint?.(connection, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** SQLite, its driver wrapped to share the loop: on the main thread (`:memory:`) or in a worker (a file). */
class LoopSharingSqliteDialect implements Dialect {
  driver: LoopSharingDriver | undefined;

  constructor(private readonly inner: () => Driver) {}

  createDriver(): Driver {
    this.driver = new LoopSharingDriver(this.inner());
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Writes `.limit(n)` and `.offset(n)` as literals. With `LIMIT ?`, SQLite (as better-sqlite3 prepares
 * it) took more than twice as long on an ordered one-row read as with `LIMIT 1`, at every run; it is
 * harmless on PostgreSQL. Only non-negative safe integers are inlined, so nothing else reaches the SQL.
 */
class InlineLimits implements KyselyPlugin {
  readonly #transformer = new LimitInliner();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

// ---------------------------------------------------------------------------------------------
// When the database goes away (what says so: db/errors.ts)

import { isDatabaseUnavailable } from "./errors.js";
import { shareTheLoop } from "./loop.js";

export { isDatabaseUnavailable };

export interface DatabaseHealth {
  /** False from a failed probe until a probe succeeds again. */
  readonly up: boolean;
  /** Tell it about an error: a connection-level one has the database probed at once (and then every second while down). */
  noteError(error: unknown): void;
  /** Asks the database now (a trivial query) and returns whether it answered. */
  probe(): Promise<boolean>;
  close(): void;
}

const PROBE_EVERY_MS = 1_000;

/**
 * One failed query does not make the database down: a single terminated connection is gone with its
 * error. A connection-level error has the database probed at once; only a probe that fails marks it
 * down, and then it is probed every second until it answers. While it is down, pages and /healthz
 * answer 503 at once instead of each waiting for a connection of its own.
 */
function createHealth(ping: () => Promise<unknown>, label: string): DatabaseHealth {
  let up = true;
  let probing: Promise<boolean> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const probe = () =>
    (probing ??= ping()
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        probing = null;
        if (ok !== up) console.warn(`[db] ${label} ${ok ? "answers again" : "does not answer: serving 503 until it does"}`);
        up = ok;
        if (!ok && !closed && !timer) {
          timer = setTimeout(() => {
            timer = null;
            void probe();
          }, PROBE_EVERY_MS).unref();
        }
        return ok;
      }));
  return {
    get up() {
      return up;
    },
    noteError(error) {
      if (!closed && isDatabaseUnavailable(error)) void probe();
    },
    probe,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * A pg pool that survives its connections going away. Without an `error` listener, a pooled
 * connection that PostgreSQL terminates (pg_terminate_backend, a restart, a network cut) emits an
 * unhandled 'error' event and ends the process. Idle connections report through the pool's 'error';
 * a connection that is checked out (inside a transaction, or held for LISTEN) reports on the client
 * itself, so every client gets a listener as it connects. pg-pool drops a broken client when it is
 * released, and the query that was on it fails with an error that isDatabaseUnavailable recognises.
 */
export function createPgPool(
  config: Extract<DbConfig, { kind: "postgres" }>,
  onError?: (error: Error) => void,
  options: { idleTimeoutMillis?: number } = {},
): pg.Pool {
  const name = config.applicationName ?? "agora";
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    connectionTimeoutMillis: config.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    ...options,
    application_name: name,
    // A schema per test file keeps suites apart without a database per file.
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  const report = (error: Error) => {
    console.warn(`[db] ${name}: a connection failed: ${error.message}`);
    onError?.(error);
  };
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
  return pool;
}

/** What `liveness()` reads: one row of a table every database has, not a constant (which would not touch it). */
const livenessRead = (db: Kysely<Database>) => db.selectFrom("users").select("id").limit(1);

/**
 * SQLite. A file is served from a worker thread (db/sqlite-worker.ts, decision 31), so no statement
 * holds the event loop while it waits for the disk; its WAL is checkpointed from another worker
 * (db/checkpointer.ts). `:memory:` (tests) stays on the main thread: it has no disk to wait for, and a
 * memory database belongs to the connection that made it.
 *
 * Liveness, for a file, reads on a read-only connection of its own, on the main thread (decision 31):
 * a read in WAL mode waits for no writer and never syncs, so it answers whatever the serving connection
 * is busy with, as on PostgreSQL (decision 28). For `:memory:` it goes first among the queries waiting
 * for the loop and takes the one connection in its turn.
 */
function openSqlite(file: string, plugins: KyselyPlugin[]): DbHandle {
  const health: DatabaseHealth = { up: true, noteError: () => {}, probe: async () => true, close: () => {} };
  if (file === ":memory:") {
    const sqlite = new SQLite(file);
    sqlite.pragma("foreign_keys = ON");
    const dialect = new LoopSharingSqliteDialect(() => new SqliteDriver({ database: withStatementCache(sqlite) }));
    const db = new Kysely<Database>({ dialect, plugins });
    const read = livenessRead(db);
    return {
      db,
      dialect: "sqlite",
      health,
      liveness: async () => {
        if (!(await dialect.driver?.runFirst(read.compile()))) await read.execute();
      },
      close: () => db.destroy(),
    };
  }
  mkdirSync(dirname(file), { recursive: true });
  let serving: WorkerSqliteDriver | null = null;
  const dialect = new LoopSharingSqliteDialect(() => (serving = new WorkerSqliteDriver(file)));
  const db = new Kysely<Database>({ dialect, plugins });
  // The checkpointer starts once the serving connection has opened (and made) the file.
  const checkpointer = startCheckpointer(file, (pages) => sql.raw(`PRAGMA wal_autocheckpoint = ${pages}`).execute(db));
  // A failure to open is the first query's to report, and every query's after it.
  const started = checkpointer.catch(() => null);
  const read = livenessRead(db).compile();
  let reader: SQLite.Database | null = null;
  let statement: SQLite.Statement | null = null;
  let closed = false;
  return {
    db,
    dialect: "sqlite",
    health,
    liveness: async () => {
      if (!statement) {
        await started;
        if (closed) throw new Error("The database is closed.");
        // A reader in WAL mode is busy only in rare moments (a WAL being recovered): wait briefly, on the loop.
        reader ??= new SQLite(file, { readonly: true, fileMustExist: true, timeout: 50 });
        statement = reader.prepare(read.sql);
      }
      (serving as WorkerSqliteDriver | null)?.assertServing();
      statement.get(...read.parameters);
    },
    close: async () => {
      closed = true;
      reader?.close();
      await (await started)?.stop();
      await db.destroy();
    },
  };
}

/** The connection factory: SQLite (WAL) by default, PostgreSQL when a URL is given. */
export function openDatabase(config: DbConfig): DbHandle {
  const plugins = [new CamelCasePlugin(), new InlineLimits()];
  if (config.kind === "sqlite") return openSqlite(config.file, plugins);
  let health: DatabaseHealth | undefined;
  const pool = createPgPool(config, (error) => health?.noteError(error));
  // Failures to get a connection (refused, timed out behind a full pool) never reach Kysely's log: noted here.
  const noted = {
    connect: () =>
      pool.connect().catch((error: unknown) => {
        health?.noteError(error);
        throw error;
      }),
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: noted }),
    plugins,
    log: (event) => {
      if (event.level === "error") health?.noteError(event.error);
    },
  });
  health = createHealth(() => pool.query("SELECT 1"), config.applicationName ?? "PostgreSQL");
  // Liveness reads on a connection of its own (decision 28): under load every pooled connection is lent
  // out and requests queue for them, and /healthz waited its turn among them (634 ms once in the 1.3 M
  // run's sign-ups, with the loop never held over 80 ms). Kept a minute between probes.
  const livenessPool = createPgPool(
    { ...config, poolSize: 1, applicationName: `${config.applicationName ?? "agora"}-liveness`.slice(0, 63) },
    (error) => health?.noteError(error),
    {
      idleTimeoutMillis: 60_000,
    },
  );
  const read = livenessRead(db).compile();
  return {
    db,
    dialect: "postgres",
    health,
    liveness: async () => {
      await livenessPool.query(read.sql, [...read.parameters]);
    },
    close: async () => {
      health.close();
      await livenessPool.end();
      await db.destroy();
    },
  };
}
