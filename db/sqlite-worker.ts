import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type CompiledQuery, CompiledQuery as Compiled, type DatabaseConnection, type Driver, type QueryResult, SelectQueryNode } from "kysely";

/**
 * SQLite's serving connection, in a worker thread of its own (decision 31). better-sqlite3 answers
 * synchronously, so on the main thread every statement held the event loop for as long as it took,
 * and a statement that waits for the disk (a commit that restarts the WAL and syncs its header, a
 * checkpoint, a write throttled behind the checkpointer's) held it for as long as the disk took: the
 * 1.3 M nation bench found the main thread asleep in fsync for 200 ms at a time during the census
 * import, and 2 s once in publication. Here the connection lives in a worker; a query is a message
 * there and back (about 30 µs), and while the worker waits for the disk the loop serves requests.
 *
 * The worker is plain JavaScript, so it runs the same under tsx, vitest and compiled. It prepares each
 * text once (an LRU of STATEMENT_CACHE_SIZE, as the main-thread driver did), and answers each message
 * with the rows of a statement that returns rows, else with its changes and last row id.
 */

const STATEMENT_CACHE_SIZE = 500;

/** The code of the error every query gets once the worker has stopped (db/errors.ts: answered 503, not 500). */
export const SQLITE_WORKER_STOPPED = "SQLITE_WORKER_STOPPED";

/** What a benchmark's recorder hears (bench/lib/nation-recorder.ts): each statement's round trip, and each wait for the connection. */
export type ServingEvent = { kind: "statement"; sql: string; ms: number } | { kind: "connection-wait"; ms: number };
const observers = new Set<(event: ServingEvent) => void>();

/** Listens to every SQLite worker's statements and connection waits in this process; returns the way to stop. */
export function observeServing(observer: (event: ServingEvent) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const open = () => {
  try {
    const db = new SQLite(workerData.file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    parentPort.postMessage({ ready: true });
    return db;
  } catch (error) {
    parentPort.postMessage({ failed: { message: error.message, code: error.code, name: error.name } });
    parentPort.close();
    return null;
  }
};
const db = open();
const cache = new Map();
const prepare = (source) => {
  let statement = cache.get(source);
  if (statement) cache.delete(source);
  else {
    statement = db.prepare(source);
    if (cache.size >= workerData.cacheSize) cache.delete(cache.keys().next().value);
  }
  cache.set(source, statement);
  return statement;
};
if (db) parentPort.on("message", (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, parameters } = message;
  try {
    const statement = prepare(sql);
    if (statement.reader) {
      parentPort.postMessage({ id, rows: statement.all(parameters) });
    } else {
      const { changes, lastInsertRowid } = statement.run(parameters);
      parentPort.postMessage({ id, changes, lastInsertRowid });
    }
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code, name: error.name } });
  }
});
`;

type Answer =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; changes: number; lastInsertRowid: number | bigint }
  | { id: number; error: { message: string; code?: string; name?: string } };

/** An error from the worker, with SQLite's code kept (db/errors.ts reads it: unique violations, SQLITE_BUSY). */
function sqliteError(error: { message: string; code?: string; name?: string }): Error {
  return Object.assign(new Error(error.message), { name: error.name ?? "SqliteError", code: error.code });
}

/** The one connection, as the main thread holds it: statements out to the worker, answers back, in order. */
class WorkerConnection implements DatabaseConnection {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  /** Why the worker is no longer serving (it stopped, or failed), once it is not. */
  gone: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on("message", (answer: Answer) => {
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      waiter.resolve(answer);
    });
    const fail = (error: Error) => {
      this.gone ??= error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", (error) => fail(Object.assign(error, { code: (error as { code?: string }).code ?? SQLITE_WORKER_STOPPED })));
    worker.on("exit", (code) => {
      this.exited = true;
      fail(Object.assign(new Error(`The SQLite worker stopped (exit code ${code}).`), { code: SQLITE_WORKER_STOPPED }));
    });
  }

  /** Whether the worker thread has ended (closed, or died). */
  exited = false;

  /** Sends one statement and waits for its answer. The worker is held (ref'd) only while a statement is out. */
  private ask(sql: string, parameters: readonly unknown[]): Promise<Answer> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      try {
        this.worker.postMessage({ id, sql, parameters });
      } catch (error) {
        // A parameter that cannot be sent (a function, say): as bad a parameter as SQLite would refuse.
        this.waiting.delete(id);
        if (this.waiting.size === 0) this.worker.unref();
        reject(error as Error);
      }
    });
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const started = observers.size > 0 ? performance.now() : 0;
    const answer = await this.ask(compiledQuery.sql, compiledQuery.parameters);
    if (started) for (const observe of observers) observe({ kind: "statement", sql: compiledQuery.sql, ms: performance.now() - started });
    if ("error" in answer) throw sqliteError(answer.error);
    if ("rows" in answer) return { rows: answer.rows as R[] };
    return { rows: [], numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid) };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) throw new Error("Sqlite driver only supports streaming of select queries");
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}

/** The one connection, lent to one holder at a time (a query, a transaction, a `db.connection()`), in the order asked. */
class Mutex {
  private held = false;
  private readonly queue: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Hands the connection to the next in line, or frees it. */
  unlock(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

/**
 * Kysely's driver for a SQLite file served from a worker thread. As Kysely's own SQLite driver does, it
 * lends the one connection to one holder at a time, from acquiring it to releasing it: a transaction,
 * and a `db.connection()` (Kysely's migrator runs in one), have it to themselves. (Sending statements
 * from different holders as they came, several in flight, was tried: it let another caller's statement
 * into a `BEGIN` sent through `db.connection()`, and it took the 1.3 M intake only from 108 to 115
 * participants a second.)
 */
export class WorkerSqliteDriver implements Driver {
  private worker: Worker | null = null;
  private connection: WorkerConnection | null = null;
  private readonly mutex = new Mutex();

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER, { eval: true, workerData: { file: this.file, driver, cacheSize: STATEMENT_CACHE_SIZE } });
    await new Promise<void>((resolve, reject) => {
      worker.once("message", (message: { ready?: true; failed?: { message: string; code?: string } }) => {
        if (message.ready) resolve();
        else reject(sqliteError(message.failed ?? { message: "The SQLite worker did not start." }));
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(Object.assign(new Error(`The SQLite worker stopped (exit code ${code}).`), { code: SQLITE_WORKER_STOPPED })));
    });
    this.worker = worker;
    this.connection = new WorkerConnection(worker);
    // After the connection's listeners: adding a 'message' listener refs a worker again.
    worker.unref();
  }

  /** Throws why, if the worker has stopped serving (liveness: a file that answers is not enough). */
  assertServing(): void {
    if (this.connection?.gone) throw this.connection.gone;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const started = observers.size > 0 ? performance.now() : 0;
    await this.mutex.lock();
    if (started) for (const observe of observers) observe({ kind: "connection-wait", ms: performance.now() - started });
    return this.connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw("rollback"));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`rollback to ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`release ${quoted(name)}`));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  /** Closes the connection and waits for the worker to end; at once if it has ended already (died). */
  async destroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    if (this.connection?.exited) return;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
  }
}

/** A savepoint's name as an identifier (Kysely's names are plain, but nothing unquoted reaches SQL). */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
