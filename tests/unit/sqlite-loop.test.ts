import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDatabase } from "../../db/connection.js";
import { LOOP_SLICE_MS } from "../../db/loop.js";

/** Holds the thread for `ms`, as a synchronous step does. */
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** Counts turns of the event loop (an immediate that queues itself): which turn a step ran in. */
function turnCounter() {
  let turn = 0;
  let stop = false;
  const tick = () => {
    if (stop) return;
    turn++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turn() {
      return turn;
    },
    stop() {
      stop = true;
    },
  };
}

/**
 * Decision 18: on SQLite a chain of queries shares the event loop, and waits for its turn before it
 * takes the one connection, never while holding it; a transaction's statements run without waiting.
 */
describe("SQLite queries and the event loop", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = openDatabase({ kind: "sqlite", file: ":memory:" });
    await sql`CREATE TABLE steps (n INTEGER)`.execute(handle.db);
    await sql`CREATE TABLE users (id TEXT)`.execute(handle.db);
    await sql`INSERT INTO users (id) VALUES ('u1')`.execute(handle.db);
  });
  afterAll(() => handle.close());

  it("lets the loop turn during a long chain of queries", async () => {
    const turns = turnCounter();
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      await sql`SELECT ${i} AS n`.execute(handle.db);
      seen.push(turns.turn);
      busy(LOOP_SLICE_MS / 2);
    }
    turns.stop();
    // Ten slices' worth of steps: the loop turned between them, several times.
    expect(new Set(seen).size).toBeGreaterThanOrEqual(4);
  });

  it("runs a transaction's statements without waiting for turns, so it holds the connection only while it runs", async () => {
    const turns = turnCounter();
    const seen: number[] = [];
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++) {
        // Each statement after a slice's worth of work: a statement that waited for its turn would
        // wait here, with the connection held and every other query waiting behind it.
        busy(LOOP_SLICE_MS + 2);
        await sql`INSERT INTO steps (n) VALUES (${i})`.execute(trx);
        seen.push(turns.turn);
      }
    });
    turns.stop();
    expect(new Set(seen).size).toBe(1);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM steps`.execute(handle.db);
    expect(rows[0]!.n).toBe(5);
  });

  it("reads for liveness first in the next turn, ahead of the jobs waiting for theirs; a plain query waits behind them", async () => {
    let stop = false;
    let steps = 0;
    // Six jobs of steps a slice long: each turn has room for one step, so a query waits a step per job before it.
    const jobs = Array.from({ length: 6 }, async () => {
      while (!stop) {
        await sql`SELECT n FROM steps LIMIT 1`.execute(handle.db);
        steps++;
        busy(LOOP_SLICE_MS + 2);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 5 * LOOP_SLICE_MS));
    /** How many of the jobs' steps ran between asking and the answer, asked when the slice is used up. */
    const stepsWaited = async (read: () => Promise<unknown>) => {
      busy(LOOP_SLICE_MS + 2);
      const asked = steps;
      await read();
      return steps - asked;
    };
    const liveness = await stepsWaited(() => handle.liveness());
    const plain = await stepsWaited(() => sql`SELECT id FROM users LIMIT 1`.execute(handle.db));
    stop = true;
    await Promise.all(jobs);
    expect(liveness).toBe(0);
    expect(plain).toBeGreaterThanOrEqual(3);
  });

  it("reads for liveness after a transaction that holds the connection, never inside it", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const transaction = handle.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO steps (n) VALUES (100)`.execute(trx);
      await held;
      order.push("commit");
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const read = handle.liveness().then(() => order.push("liveness"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await Promise.all([transaction, read]);
    expect(order).toEqual(["commit", "liveness"]);
  });
});
