import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompiledQuery, Kysely, Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDatabase } from "../../db/connection.js";
import { migrateToLatest } from "../../db/migrate.js";
import { readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { createEngine } from "../../deliberation/llm/index.js";
import { loadConfig } from "../../server/env.server.js";
import { dbCallRecorder } from "../../server/llm-recorder.server.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import { createDeliberationRunner, type DeliberationRunner, deliberationState, startDeliberation } from "../../server/services/deliberation.server.js";
import { type AppDeps, systemClock } from "../../server/services/deps.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { createTestDatabase, dialects, type TestDatabase } from "../support/database.js";
import { resultKeys } from "../support/ledger.js";
import { waitFor } from "../support/wait.js";

/**
 * Issue 16, "a deliberation in flight resumes with nothing lost or doubled". Once, in a loaded CI run of
 * db-outage.test.ts, three positions stood in the ledger twice after PostgreSQL restarted (seq 10–12 and
 * 13–15, chained properly). The path: the database went away as the runner wrote the positions; their write
 * failed and waited to be asked again; a catch-up read of the same run failed too, and the run ended there,
 * with its calls' writes still under way; once the database answered, the sweep started the next run in the
 * same process (the same lease holder), which folded a ledger without the positions and wrote them; then the
 * old run's write was asked again, passed the lease check (same holder), did not find its own payload among
 * the new ones (other call ids) and appended the same three positions again.
 *
 * Here the database "goes away" for one view of it at the moment the positions are written (the write fails
 * with a connection error before its COMMIT), and every transaction asked of that view while it is away is
 * held until the test lets it through, so the order of what follows is the test's, not the scheduler's. Both
 * tests failed on both databases before the fix, every time (a result twice; or the run ending first).
 */

const CONNECTION_LOST = () => new Error("Connection terminated unexpectedly");
const CLERK: SessionUser = { id: "clerk", email: "", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk"] };

interface Fault {
  /** Whether the view's database is away: transactions wait at the gate (and reads fail, with `failReads`). */
  down: boolean;
  /** Whether the positions that take the database away have been written (or failed). */
  tripped: boolean;
  /** Transactions that were held, and those of them that have finished (committed or not). */
  held: number;
  heldDone: number;
  failedReads: number;
  open(): void;
  onTrip: () => void;
  onHeldDone: () => void;
}

/**
 * A view of `real` whose database goes away as positions are written to the ledger through it: `fail`, the
 * first position's write fails before its COMMIT (a connection error); `hold`, once every representative's
 * position is written through it, what comes after waits. From then on the view's transactions wait at a
 * gate the test opens; with `failReads`, its reads outside a transaction fail until the test says the
 * database is back (`down = false`).
 */
function faultyView(
  real: Kysely<Database>,
  options: { positions: "fail" | "hold"; failReads: boolean; representatives: number },
): { db: Kysely<Database>; fault: Fault } {
  let positions = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const fault: Fault = { down: false, tripped: false, held: 0, heldDone: 0, failedReads: 0, open, onTrip: () => {}, onHeldDone: () => {} };
  const bound = <T extends object>(target: T, property: string | symbol) => {
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  };
  // The ledger's appends run as prepared queries through executeQuery: the position's insert is found there.
  const watched = (trx: Transaction<Database>) =>
    new Proxy(trx, {
      get(target, property) {
        if (property !== "executeQuery") return bound(target, property);
        return async (query: CompiledQuery | { compile(): CompiledQuery }) => {
          const compiled = "compile" in query ? query.compile() : query;
          const position = !fault.tripped && /insert into "ledger_events"/i.test(compiled.sql) && compiled.parameters.includes("deliberation.position");
          if (position && options.positions === "fail") {
            fault.tripped = fault.down = true;
            fault.onTrip();
            throw CONNECTION_LOST();
          }
          const result = await target.executeQuery(compiled);
          if (position && ++positions === options.representatives) {
            fault.tripped = fault.down = true;
            fault.onTrip();
          }
          return result;
        };
      },
    });
  const db = new Proxy(real, {
    get(target, property) {
      if (property === "transaction") {
        return () => ({
          execute: async <T>(work: (trx: Transaction<Database>) => Promise<T>) => {
            const held = fault.down;
            if (held) {
              fault.held++;
              await gate;
            }
            try {
              return await target.transaction().execute((trx) => work(watched(trx)));
            } finally {
              if (held) {
                fault.heldDone++;
                fault.onHeldDone();
              }
            }
          },
        });
      }
      if (fault.down && options.failReads && ["selectFrom", "insertInto", "updateTable", "deleteFrom"].includes(property as string)) {
        return () => {
          fault.failedReads++;
          throw CONNECTION_LOST();
        };
      }
      return bound(target, property);
    },
  });
  return { db, fault };
}

describe.each(dialects())("the database goes away as a run writes positions, on %s", (dialect) => {
  let database: TestDatabase;
  let handle: DbHandle;
  let dataDir: string;
  const runners: DeliberationRunner[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    handle = openDatabase(database.config);
    await migrateToLatest(handle.db);
    dataDir = mkdtempSync(join(tmpdir(), "agora-blip-"));
  });
  afterAll(async () => {
    for (const runner of runners) await runner.close();
    await handle?.close();
    await database?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** What a runner needs, over the given view of the database (the offline engine: no model). */
  function depsOver(db: Kysely<Database>): AppDeps {
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: "test" });
    const ids = () => randomUUID();
    const deps = {
      db,
      dialect,
      config: { ...config, database: database.config },
      clock: systemClock,
      ids,
      events: { ledgerAppended: () => {} },
    } as unknown as AppDeps;
    deps.llm = createEngine({ ...config.llm, recorder: dbCallRecorder(() => deps), clock: systemClock, ids });
    return deps;
  }

  function runner(getDeps: () => AppDeps, holder: string): DeliberationRunner {
    const r = createDeliberationRunner(getDeps, { holder, leaseMs: 300, concurrency: 4, sweepMs: 0 });
    runners.push(r);
    return r;
  }

  async function positionsIn(matterId: string): Promise<number> {
    return (await readLedger(handle.db, matterId)).filter((e) => e.type === "deliberation.position").length;
  }

  /** The deliberation reaches its draft with every result once, one tally a round, one draft, and a chain that verifies. */
  async function expectWholeOnce(matterId: string, settled: () => Promise<void>) {
    await waitFor(async () => ((await deliberationState(handle, matterId))?.stage === "drafted" ? true : null), "the deliberation to draft", 30_000);
    await settled();
    const ledger = await readLedger(handle.db, matterId);
    expect(verifyChain(ledger)).toMatchObject({ ok: true, length: ledger.length });
    const keys = resultKeys(ledger);
    const listing = ledger
      .map((e) => `${e.seq} ${e.type} ${(e.payload as { key?: string; round?: number }).key ?? (e.payload as { round?: number }).round ?? ""}`)
      .join("\n");
    expect(new Set(keys).size, `a result is in the ledger twice:\n${listing}`).toBe(keys.length);
    const tallies = ledger.filter((e) => e.type === "deliberation.tallied").map((e) => (e.payload as { round: number }).round);
    expect(new Set(tallies).size, listing).toBe(tallies.length);
    expect(
      ledger.filter((e) => e.type === "deliberation.drafted"),
      listing,
    ).toHaveLength(1);
    expect(ledger.filter((e) => e.type === "deliberation.position")).toHaveLength(3);
  }

  it("the run that lost the write ends only after it, and the next run in the process does not write the positions again", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 3, candidates: 2, rounds: 2, approvalThreshold: 0.95 });
    const first = faultyView(handle.db, { positions: "fail", failReads: true, representatives: 3 });
    // The next run is held once it has written positions, so it still holds the lease when the first run's write comes.
    const next = faultyView(handle.db, { positions: "hold", failReads: false, representatives: 3 });
    const depsA = depsOver(first.db);
    const depsB = depsOver(next.db);
    let current = depsA;
    const r = runner(() => current, "the-process");
    depsA.deliberations = depsB.deliberations = r;
    const order: string[] = [];
    first.fault.onTrip = () => {
      // From here the process's new work (lease renewals, the next run) reaches the database; the run that
      // was writing keeps its own view, which is away.
      current = depsB;
      void r.settled(matterId).then(() => order.push("the run ended"));
    };
    first.fault.onHeldDone = () => order.push("its held write finished");

    await startDeliberation(depsA, CLERK, matterId);
    // The positions' write failed, its retry waits for the database, and the run's catch-up read failed.
    await waitFor(
      async () => (first.fault.tripped && first.fault.held > 0 && first.fault.failedReads > 0) || null,
      "the write to fail and the run to find the database away",
    );
    first.fault.down = false;
    // What the sweep does once the database answers.
    r.kick(matterId);
    // Before the fix the run had ended at its failed read, and the next one writes the positions now.
    await waitFor(async () => !order.includes("the run ended") || (await positionsIn(matterId)) >= 3 || null, "the next run's positions");
    first.fault.open();
    await waitFor(async () => first.fault.heldDone === first.fault.held || null, "the held write to finish");
    next.fault.down = false;
    next.fault.open();
    await expectWholeOnce(matterId, () => r.settled(matterId));
    expect(order.lastIndexOf("its held write finished"), order.join(", ")).toBeLessThan(order.indexOf("the run ended"));
  });

  it("a run that folded the ledger before another's positions landed does not append them again", async () => {
    // Two runs under one lease holder at once: what the process above came to, and what a resumed run is to
    // a write of the run before it that is still on its way. The check in the write's transaction stops it.
    const { matterId } = await conveneFixture(handle.db, { representatives: 3, candidates: 2, rounds: 2, approvalThreshold: 0.95 });
    const one = faultyView(handle.db, { positions: "fail", failReads: false, representatives: 3 });
    const two = faultyView(handle.db, { positions: "hold", failReads: false, representatives: 3 });
    const depsA = depsOver(one.db);
    const depsB = depsOver(two.db);
    const first = runner(() => depsA, "one-holder");
    const second = runner(() => depsB, "one-holder");
    depsA.deliberations = first;
    depsB.deliberations = second;
    one.fault.onTrip = () => second.kick(matterId);

    await startDeliberation(depsA, CLERK, matterId);
    // The first run's positions failed and wait to be written again; the second run has written its own and waits.
    await waitFor(async () => (one.fault.held > 0 && two.fault.tripped && (await positionsIn(matterId)) >= 3) || null, "the second run's positions");
    one.fault.down = false;
    one.fault.open();
    await waitFor(async () => one.fault.heldDone === one.fault.held || null, "the first run's write to finish");
    two.fault.down = false;
    two.fault.open();
    await expectWholeOnce(matterId, async () => {
      await first.settled(matterId);
      await second.settled(matterId);
    });
  });
});
