import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompiledQuery, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type DbHandle, openDatabase } from "../../db/connection.js";
import type { Worker } from "node:worker_threads";
import { isDatabaseUnavailable, isUniqueViolation } from "../../db/errors.js";
import { WorkerSqliteDriver } from "../../db/sqlite-worker.js";

/**
 * Decision 31: a SQLite file is served from a worker thread, so a statement that takes long (or waits
 * for the disk) leaves the event loop free, and liveness reads on a connection of its own.
 */

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), "agora-sqlite-worker-"));
  dirs.push(dir);
  const handle = openDatabase({ kind: "sqlite", file: join(dir, "agora.sqlite") });
  handles.push(handle);
  await sql`CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE)`.execute(handle.db);
  await sql`INSERT INTO users (id, email) VALUES ('u1', 'a@example.ee')`.execute(handle.db);
  return handle;
}

/** A statement that keeps SQLite busy for a good while: a count to `n` by a recursive query. */
const longCount = (n: number) => sql<{ n: number }>`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n}) SELECT count(*) AS n FROM c`;

/** How many times a 5 ms timer fired while `work` ran, and how long it took. */
async function ticksDuring(work: () => Promise<unknown>) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { ticks, ms };
}

describe("SQLite served from a worker thread", () => {
  it("keeps the event loop turning while a long statement runs", async () => {
    const handle = await open();
    let answer = 0;
    const { ticks, ms } = await ticksDuring(async () => {
      const { rows } = await longCount(3_000_000).execute(handle.db);
      answer = rows[0]!.n;
    });
    expect(answer).toBe(3_000_000);
    // On the main thread the timer could not have fired at all while the statement ran.
    expect(ms).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / 5 / 4));
  });

  it("answers liveness while the serving connection is busy in a statement and held by a transaction", async () => {
    const handle = await open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside = false;
    const transaction = handle.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO users (id, email) VALUES ('u2', 'b@example.ee')`.execute(trx);
      inside = true;
      await held;
    });
    while (!inside) await new Promise((resolve) => setTimeout(resolve, 1));
    const long = longCount(3_000_000).execute(handle.db); // waits behind the transaction
    const started = performance.now();
    await handle.liveness();
    const livenessMs = performance.now() - started;
    release();
    await Promise.all([transaction, long]);
    expect(livenessMs).toBeLessThan(50);
    // A plain query waited for the transaction and saw what it committed.
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM users`.execute(handle.db);
    expect(rows[0]!.n).toBe(2);
  });

  it("keeps a transaction's connection to itself: others' statements wait for its end, and a rollback takes back only its own", async () => {
    const handle = await open();
    await sql`CREATE TABLE log (n INTEGER)`.execute(handle.db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside = false;
    const transaction = handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO log (n) VALUES (1)`.execute(trx);
        inside = true;
        await held;
        throw new Error("taken back");
      })
      .catch((e: Error) => e.message);
    while (!inside) await new Promise((resolve) => setTimeout(resolve, 1));
    const outside = sql`INSERT INTO log (n) VALUES (2)`.execute(handle.db);
    const seen = sql<{ n: number }>`SELECT group_concat(n) AS n FROM log`.execute(handle.db);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await transaction).toBe("taken back");
    await outside;
    // Had the outside insert run inside the transaction, the rollback would have taken it back too.
    expect((await seen).rows[0]!.n).toBe("2");
  });

  it("runs many statements and transactions at once: each transaction sees only its own rows, the rest run in the order sent", async () => {
    const handle = await open();
    await sql`CREATE TABLE log (n INTEGER, who TEXT)`.execute(handle.db);
    const plain = Array.from({ length: 300 }, (_, i) => sql`INSERT INTO log (n, who) VALUES (${i}, 'plain')`.execute(handle.db));
    const transactions = Array.from({ length: 6 }, (_, t) =>
      handle.db.transaction().execute(async (trx) => {
        const count = async () => (await sql<{ n: number }>`SELECT count(*) AS n FROM log`.execute(trx)).rows[0]!.n;
        const before = await count();
        for (let k = 0; k < 10; k++) await sql`INSERT INTO log (n, who) VALUES (${k}, ${`t${t}`})`.execute(trx);
        return (await count()) - before;
      }),
    );
    const more = Array.from({ length: 300 }, (_, i) => sql`INSERT INTO log (n, who) VALUES (${300 + i}, 'plain')`.execute(handle.db));
    const grew = await Promise.all(transactions);
    await Promise.all([...plain, ...more]);
    expect(grew).toEqual([10, 10, 10, 10, 10, 10]);
    const { rows } = await sql<{ who: string; n: number }>`SELECT who, count(*) AS n FROM log GROUP BY who ORDER BY who`.execute(handle.db);
    expect(rows).toEqual([{ who: "plain", n: 600 }, ...Array.from({ length: 6 }, (_, t) => ({ who: `t${t}`, n: 10 }))]);
    // The plain statements ran in the order they were sent.
    const order = await sql<{ n: number }>`SELECT n FROM log WHERE who = 'plain' ORDER BY rowid`.execute(handle.db);
    expect(order.rows.map((r) => r.n)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it("lends the connection whole to a db.connection(): no other caller's statement joins the transaction it begins", async () => {
    const handle = await open();
    await sql`CREATE TABLE log (n INTEGER)`.execute(handle.db);
    let other: Promise<unknown> | undefined;
    await handle.db.connection().execute(async (connection) => {
      await sql`BEGIN IMMEDIATE`.execute(connection);
      await sql`INSERT INTO log (n) VALUES (1)`.execute(connection);
      other = sql`INSERT INTO log (n) VALUES (99)`.execute(handle.db);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await sql`ROLLBACK`.execute(connection);
      // Two transactions in one borrowed connection, one after the other.
      await connection.transaction().execute((trx) => sql`INSERT INTO log (n) VALUES (2)`.execute(trx));
      await connection.transaction().execute((trx) => sql`INSERT INTO log (n) VALUES (3)`.execute(trx));
    });
    await other;
    const { rows } = await sql<{ n: number }>`SELECT n FROM log ORDER BY rowid`.execute(handle.db);
    expect(rows.map((r) => r.n)).toEqual([2, 3, 99]);
  });

  it("reports rows changed and the last row id, and keeps SQLite's error codes", async () => {
    const handle = await open();
    const inserted = await handle.db
      .insertInto("users" as never)
      .values({ id: "u3", email: "c@example.ee" } as never)
      .executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
    expect(typeof inserted.insertId).toBe("bigint");
    const error = await sql`INSERT INTO users (id, email) VALUES ('u4', 'c@example.ee')`.execute(handle.db).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect((error as Error).message).toMatch(/UNIQUE constraint failed/);
  });

  it("rolls a failed transaction back whole, and goes on serving after a bad parameter", async () => {
    const handle = await open();
    const failed = await handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO users (id, email) VALUES ('u5', 'd@example.ee')`.execute(trx);
        await sql`INSERT INTO users (id, email) VALUES ('u1', 'e@example.ee')`.execute(trx);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(failed)).toBe(true);
    // A value that cannot be sent to the worker is refused like one SQLite would refuse.
    const bad = await sql`SELECT ${sql.val(Symbol("not a value"))} AS x`.execute(handle.db).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    const { rows } = await sql<{ id: string }>`SELECT id FROM users ORDER BY id`.execute(handle.db);
    expect(rows.map((r) => r.id)).toEqual(["u1"]);
  });

  it("says, once its worker has stopped or died, that the connection no longer serves: to liveness and to every query, as a 503", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-sqlite-worker-"));
    dirs.push(dir);
    const driver = new WorkerSqliteDriver(join(dir, "agora.sqlite"));
    await driver.init();
    const connection = await driver.acquireConnection();
    const { rows } = await connection.executeQuery<{ n: number }>(CompiledQuery.raw("SELECT 1 AS n"));
    expect(rows).toEqual([{ n: 1 }]);
    expect(() => driver.assertServing()).not.toThrow();
    // The worker dies (as it would out of memory): what was asked fails, and so does all that follows.
    const asked = connection.executeQuery(
      CompiledQuery.raw("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000000) SELECT count(*) FROM c"),
    );
    await (driver as unknown as { worker: Worker }).worker.terminate();
    const error = await asked.catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(() => driver.assertServing()).toThrow(/SQLite worker stopped/);
    await expect(connection.executeQuery(CompiledQuery.raw("SELECT 1"))).rejects.toThrow(/SQLite worker stopped/);
    // Closing after that does not wait for an exit that has already happened.
    await driver.releaseConnection();
    await driver.destroy();
  });

  it("says why when the file cannot be opened, on the first query and on liveness", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-sqlite-worker-"));
    dirs.push(dir);
    writeFileSync(join(dir, "not-a-database.sqlite"), "this is not a database, just text long enough to be read as a header....");
    const handle = openDatabase({ kind: "sqlite", file: join(dir, "not-a-database.sqlite") });
    handles.push(handle);
    await expect(sql`SELECT 1`.execute(handle.db)).rejects.toThrow(/not a database/);
    await expect(handle.liveness()).rejects.toThrow();
  });

  it("lets a process end once it has closed its database, or left it idle, and not before a query it awaits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-sqlite-worker-"));
    dirs.push(dir);
    const connection = join(import.meta.dirname, "../../db/connection.ts");
    const run = (name: string, end: string) => {
      const script = join(dir, `${name}.mts`);
      writeFileSync(
        script,
        `import { openDatabase } from ${JSON.stringify(connection)};
         const handle = openDatabase({ kind: "sqlite", file: ${JSON.stringify(join(dir, `${name}.sqlite`))} });
         await handle.db.selectNoFrom((eb) => eb.lit(0).as("n")).execute(); // opened, and its workers idle
         await new Promise((resolve) => setTimeout(resolve, 100));
         // Nothing but the worker's answer keeps this process alive while it is awaited.
         const row = await handle.db.selectNoFrom((eb) => eb.lit(41).as("n")).executeTakeFirstOrThrow();
         console.log("answered", row.n + 1);
         ${end}`,
      );
      return new Promise<{ code: number | null; stdout: string }>((resolve) =>
        execFile(
          process.execPath,
          ["--import", "tsx", script],
          { encoding: "utf8", cwd: join(import.meta.dirname, "../.."), timeout: 20_000 },
          (error, stdout) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout }),
        ),
      );
    };
    expect(await run("closed", `await handle.close(); console.log("after close");`)).toEqual({ code: 0, stdout: "answered 42\nafter close\n" });
    // A script that never closes its database still ends: an idle worker holds no process.
    expect(await run("idle", `console.log("left open");`)).toEqual({ code: 0, stdout: "answered 42\nleft open\n" });
  });
});
