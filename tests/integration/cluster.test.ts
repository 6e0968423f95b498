import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/connection.js";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { deliberationState } from "../../server/services/deliberation.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, signInAs } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import type { TranscriptFragment } from "../../server/realtime/contract.js";
import {
  consecutive,
  freshDatabase,
  offlineAnswer,
  type ServerProcess,
  seededDatabase,
  startServerProcess,
  transcriptRead,
  type Watcher,
  watch,
} from "./cluster-support.js";
import { resultKeys } from "../support/ledger.js";

/**
 * Issue 16, "several processes, one polity": three real server processes on one PostgreSQL database.
 * Watchers spread over them see every ledger event of a deliberation that one of them runs, in order,
 * none twice, and every streamed fragment; a delegate's pause through another process stops the
 * runner, a resume through a third carries it on; presence is the same on every process; and a backend
 * connection of each process terminated mid-run crashes nothing and loses or doubles nothing.
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
const wanted = dialects().includes("postgres");

describe.runIf(wanted && BASE_URL)("three server processes on one PostgreSQL database", () => {
  let database: { url: string; drop(): Promise<void> };
  let handle: DbHandle;
  let model: ScriptedServer;
  const processes: ServerProcess[] = [];
  let clerk: HttpClient;
  const delegates: HttpClient[] = [];
  const watchers: Watcher[] = [];
  /** Processes a test killed on purpose. */
  const killed: ServerProcess[] = [];

  beforeAll(async () => {
    database = await freshDatabase(BASE_URL!);
    handle = await seededDatabase(database.url);
    // Each answer takes a moment, as a model's does: a deliberation must still be under way when a test
    // pauses it, cuts its connections or kills its runner (an instant model had finished it, and a pause
    // sent after the first position was refused as too late).
    model = await startScriptedServer({ respond: offlineAnswer, latencyMs: 60 });
    const env = {
      DATABASE_URL: database.url,
      AGORA_PROCESSES: "3",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test-key",
      AGORA_MODEL: "scripted-model",
      AGORA_LLM_TIMEOUT_MS: "5000",
      AGORA_DB_POOL: "6",
      SESSION_SECRET: "a-session-secret-shared-by-every-process-of-the-test",
    };
    processes.push(...(await Promise.all(["p0", "p1", "p2"].map((name) => startServerProcess(name, env)))));
    clerk = await signInAs(processes[0]!.url, "clerk@demo.agora");
    delegates.push(await signInAs(processes[1]!.url, "delegate1@demo.agora"), await signInAs(processes[2]!.url, "delegate2@demo.agora"));
    // On each process: an anonymous watcher and a signed-in one (the clerk on p0, a delegate on p1 and p2).
    const signedIn = [clerk, ...delegates];
    for (const [i, p] of processes.entries()) {
      watchers.push(
        await watch(`anonymous@${p.name}`, p.url, null),
        await watch(`${i === 0 ? "clerk" : `delegate${i}`}@${p.name}`, p.url, signedIn[i]!.cookie),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const w of watchers) w.socket.disconnect();
    const codes = await Promise.all(processes.filter((p) => !killed.includes(p)).map((p) => p.stop()));
    await model?.close();
    await handle?.close();
    await database?.drop();
    // Closed cleanly on SIGTERM: nothing had ended them before.
    expect(codes).toEqual(processes.filter((p) => !killed.includes(p)).map(() => 0));
  });

  function expectAllAlive() {
    for (const p of processes) if (!killed.includes(p)) expect(p.alive(), `${p.name} died:\n${p.log.slice(-30).join("\n")}`).toBe(true);
  }

  async function finished(matterId: string) {
    return waitFor(async () => {
      expectAllAlive();
      const state = await deliberationState(handle, matterId);
      return state && ["drafted", "halted"].includes(state.stage) ? state : null;
    }, `deliberation ${matterId} to finish`);
  }

  /** Every watcher holds exactly the ledger, and what arrived live came in order, none twice, no gap. */
  async function expectEveryWatcherHasTheLedger(matterId: string) {
    const ledger = await readLedger(handle.db, matterId);
    expect(verifyChain(ledger)).toMatchObject({ ok: true, length: ledger.length });
    const keys = resultKeys(ledger);
    expect(new Set(keys).size, "a protocol call's result is in the ledger twice").toBe(keys.length);
    // Lost notifications are caught up from the ledger within the feed check (3 s).
    await waitFor(async () => watchers.every((w) => w.events.size === ledger.length), "every watcher to hold the whole ledger", 10_000);
    for (const w of watchers) {
      expect(
        [...w.events.values()].sort((a, b) => a.seq - b.seq),
        w.name,
      ).toEqual(ledger);
      expect(consecutive(w.live), `${w.name} received ${w.live.join(",")}`).toBe(true);
    }
    return ledger;
  }

  /** Every watcher reads what the runner's own watcher read (see transcriptRead). */
  async function everyWatcherReads(reference: readonly TranscriptFragment[]) {
    const read = transcriptRead(reference);
    const same = (w: Watcher) => JSON.stringify(transcriptRead(w.fragments)) === JSON.stringify(read);
    // Waited for, then compared, so that a difference shows as one.
    await waitFor(async () => (watchers.every(same) ? true : null), "every call's words everywhere", 5_000).catch(() => {});
    for (const w of watchers) expect(transcriptRead(w.fragments), w.name).toEqual(read);
  }

  async function joinAll(matterId: string) {
    for (const w of watchers) {
      w.live.length = 0;
      w.events.clear();
      w.fragments.length = 0;
      await w.join(matterId);
    }
  }

  it("presence is polity-wide: a watcher on one process sees who is in the room on the others", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 2, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await joinAll(matterId);
    const clerkWatcher = watchers[1]!;
    const seen = await waitFor(
      async () => {
        const p = clerkWatcher.presence;
        return p?.matterId === matterId && p.people.length === 3 && p.anonymous === 3 ? p : null;
      },
      "the clerk on p0 to see both delegates (on p1 and p2) and three anonymous watchers",
      5_000,
    );
    expect(seen.people.map((p) => p.name).sort()).toHaveLength(3);
    expect(seen.citizens).toBe(0);
    // Every watcher, signed in or not, on every process, is told the same, and no one any user id.
    await waitFor(
      async () => watchers.every((w) => w.presence?.matterId === matterId && w.presence.people.length === 3 && w.presence.anonymous === 3),
      "the same presence everywhere",
      5_000,
    );
    for (const w of watchers) expect(JSON.stringify(w.presence)).not.toMatch(/userId|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it("every watcher on every process sees every event and fragment in order; a pause through another process stops the runner, a resume through a third carries it on", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 4, candidates: 3, rounds: 2, approvalThreshold: 0.95 });
    await joinAll(matterId);
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    // Who runs it: the lease's holder is one of the processes' runners (p0, which the clerk asked, unless another's sweep came first).
    const holder = await waitFor(
      async () => (await handle.db.selectFrom("deliberationLeases").select("holder").where("matterId", "=", matterId).executeTakeFirst())?.holder,
      "the lease",
    );
    const runner = processes.findIndex((p) => p.runner === holder);
    expect(runner).toBeGreaterThanOrEqual(0);
    const [pauser, resumer] = [0, 1, 2].filter((i) => i !== runner);
    const delegateOn = (i: number) => signInAs(processes[i]!.url, `delegate${3 + i}@demo.agora`);

    // Mid-run (the first position is in), a delegate pauses through a process that is not running it.
    await waitFor(async () => (await readLedger(handle.db, matterId)).some((e) => e.type === "deliberation.position"), "a first position");
    const paused = await (await delegateOn(pauser!)).mutate("room.pause", { id: matterId, reason: "Reading the positions" });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    const pausedAt = Date.now();
    // The runner folds the pause (it went through the ledger) and starts no call after it: calls under
    // way finish and are written, then the model hears nothing more.
    let last = model.received.length;
    let quietSince = Date.now();
    await waitFor(
      async () => {
        if (model.received.length !== last || model.inFlight > 0) {
          last = model.received.length;
          quietSince = Date.now();
        }
        return Date.now() - quietSince > 1_500;
      },
      "the runner to go quiet after the pause",
      15_000,
    );
    expect(quietSince - pausedAt).toBeLessThan(10_000);
    const requestsWhilePaused = model.received.length;
    const headWhilePaused = (await readLedger(handle.db, matterId)).at(-1)!.seq;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(model.received.length).toBe(requestsWhilePaused);
    expect((await readLedger(handle.db, matterId)).at(-1)!.seq).toBe(headWhilePaused);

    expect((await (await delegateOn(resumer!)).mutate("room.resume", { id: matterId })).status).toBe(200);
    const state = await finished(matterId);
    expect(state.stage).toBe("drafted");

    const ledger = await expectEveryWatcherHasTheLedger(matterId);
    expect(ledger.filter((e) => e.type === "room.paused")).toHaveLength(1);
    expect(ledger.filter((e) => e.type === "room.resumed")).toHaveLength(1);
    // Streamed fragments: the same words, in the same order, on every process as on the runner's own.
    const reference = watchers[2 * runner]!.fragments;
    expect(reference.length).toBeGreaterThan(20);
    await everyWatcherReads(reference);
    expectAllAlive();
  });

  it("a backend connection of each process terminated mid-run (its queries' and its fan-out's): nothing crashes, nothing is lost or doubled", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 4, candidates: 3, rounds: 2, approvalThreshold: 0.95 });
    await joinAll(matterId);
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    await waitFor(async () => (await readLedger(handle.db, matterId)).length >= 8, "the deliberation under way");

    // For each process: one connection of its pool (the busiest state first) and the one its socket.io fan-out listens on.
    const { rows } = await sql<{ name: string; pid: number; kind: string }>`
      (SELECT DISTINCT ON (application_name) application_name AS name, pid, 'pool' AS kind
        FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('p0', 'p1', 'p2')
        ORDER BY application_name, state = 'idle', pid)
      UNION ALL
      SELECT application_name, pid, 'listen' FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE 'p_-realtime' AND query LIKE 'LISTEN%'`.execute(handle.db);
    expect(
      rows
        .filter((r) => r.kind === "pool")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["p0", "p1", "p2"]);
    expect(rows.filter((r) => r.kind === "listen")).toHaveLength(3);
    await sql`SELECT pg_terminate_backend(pid) FROM unnest(${sql.val(rows.map((r) => r.pid))}::int[]) AS pid`.execute(handle.db);

    const state = await finished(matterId);
    expect(state.stage).toBe("drafted");
    await expectEveryWatcherHasTheLedger(matterId);
    expectAllAlive();
    // Every process still answers, its database and its fan-out: once each has listened again, a new
    // deliberation's fragments (which only the fan-out carries, nothing reads them back) reach every process.
    for (const p of processes) expect(await (await fetch(`${p.url}/healthz`)).json()).toMatchObject({ ok: true, db: "postgres" });
    await waitFor(
      async () => {
        const { rows: listening } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE 'p_-realtime' AND query LIKE 'LISTEN%'`.execute(handle.db);
        return listening[0]!.n === 3;
      },
      "every process's fan-out to listen again",
      10_000,
    );
    const { matterId: next } = await conveneFixture(handle.db, { representatives: 2, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await joinAll(next);
    expect((await clerk.mutate("matters.start", { id: next })).status).toBe(200);
    const holder = await waitFor(
      async () => (await handle.db.selectFrom("deliberationLeases").select("holder").where("matterId", "=", next).executeTakeFirst())?.holder,
      "the lease",
    );
    const runner = processes.findIndex((p) => p.runner === holder);
    await finished(next);
    await expectEveryWatcherHasTheLedger(next);
    const reference = watchers[2 * runner]!.fragments;
    expect(reference.length).toBeGreaterThan(10);
    await everyWatcherReads(reference);
  });
  // Last: it kills a process.
  it("the runner's process killed mid-run (SIGKILL) is replaced within 5 s: another process takes the lease and finishes, nothing lost or doubled", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 4, candidates: 3, rounds: 2, approvalThreshold: 0.95 });
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    const leaseHolder = async () =>
      (await handle.db.selectFrom("deliberationLeases").select("holder").where("matterId", "=", matterId).executeTakeFirst())?.holder;
    const holder = await waitFor(leaseHolder, "the lease");
    const victim = processes.find((p) => p.runner === holder)!;
    expect(victim).toBeDefined();
    await waitFor(async () => (await readLedger(handle.db, matterId)).length >= 8, "the deliberation under way");

    killed.push(victim);
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    await victim.exited;
    const successor = await waitFor(
      async () => {
        const now = await leaseHolder();
        return now && now !== holder ? now : null;
      },
      "another process to take the lease",
      15_000,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover after SIGKILL: ${takeoverMs} ms (lease ${3_000} ms)`);
    expect(processes.some((p) => p !== victim && p.runner === successor)).toBe(true);
    expect(takeoverMs).toBeLessThanOrEqual(5_000);

    const state = await finished(matterId);
    expect(state.stage).toBe("drafted");
    const ledger = await readLedger(handle.db, matterId);
    expect(verifyChain(ledger)).toMatchObject({ ok: true, length: ledger.length });
    const keys = resultKeys(ledger);
    expect(new Set(keys).size, "a protocol call's result is in the ledger twice").toBe(keys.length);
    expectAllAlive();
  });
});
