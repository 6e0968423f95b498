import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/connection.js";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { deliberationState } from "../../server/services/deliberation.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, isReadableMessage, signInAs } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { consecutive, offlineAnswer, type ServerProcess, seededDatabase, startServerProcess, type Watcher, watch } from "./cluster-support.js";
import { resultKeys } from "../support/ledger.js";

/**
 * Issue 16, "the database may go away": a PostgreSQL server of the test's own (initdb on a temporary
 * folder, a free port) is stopped and started again under a running server process with a deliberation
 * in flight, and its pool is exhausted. While it is away the server answers 503 (API, pages, sockets)
 * and /healthz says "db": "down"; nothing crashes; afterwards it carries on, the deliberation resumes
 * from the ledger with nothing lost or doubled, and the room's watcher has every event in order.
 */
const BIN = "/usr/lib/postgresql/15/bin";
const wanted = dialects().includes("postgres");
const haveBinaries = existsSync(join(BIN, "pg_ctl")) && existsSync(join(BIN, "initdb"));
if (wanted && !haveBinaries) {
  const message = `db-outage: PostgreSQL's server binaries are not at ${BIN}; the restart test cannot run`;
  if (process.env.REQUIRE_E2E === "1" || process.env.CI) throw new Error(message);
  console.warn(`\n!!! ${message}: SKIPPED !!!\n`);
}

/** Runs a PostgreSQL binary as the postgres user (initdb and the server refuse to run as root). */
function asPostgres(command: string, args: string[]) {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ["runuser", ["-u", "postgres", "--", join(BIN, command), ...args]] : [join(BIN, command), args];
  return execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }).toString();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.runIf(wanted && haveBinaries)("the database goes away under a running server (PostgreSQL started by the test)", () => {
  let dir: string;
  let port: number;
  let url: string;
  let handle: DbHandle;
  let model: ScriptedServer;
  let server: ServerProcess;
  let clerk: HttpClient;
  let watcher: Watcher;
  const pgCtl = (...args: string[]) => asPostgres("pg_ctl", ["-D", join(dir, "data"), "-w", "-t", "20", ...args]);
  const startPostgres = () =>
    pgCtl("-l", join(dir, "postgres.log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`, "start");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "agora-pg-"));
    if (process.getuid?.() === 0)
      chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
    asPostgres("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    port = await freePort();
    startPostgres();
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    handle = await seededDatabase(url);
    // Each answer takes a moment, so the deliberation is in flight when the database goes.
    model = await startScriptedServer({ respond: (request) => ({ ...offlineAnswer(request), delayMs: 60 }) });
    server = await startServerProcess("outage", {
      DATABASE_URL: url,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test-key",
      AGORA_MODEL: "scripted-model",
      AGORA_LLM_TIMEOUT_MS: "5000",
      // The sweep that takes up a deliberation whose run stopped comes every lease period.
      AGORA_LEASE_MS: "1500",
      AGORA_DB_POOL: "3",
      AGORA_DB_WAIT_MS: "1000",
      SESSION_SECRET: "a-session-secret-for-the-database-outage-test",
    });
    clerk = await signInAs(server.url, "clerk@demo.agora");
    watcher = await watch("anonymous", server.url, null);
  }, 60_000);

  afterAll(async () => {
    watcher?.socket.disconnect();
    const code = await server?.stop();
    await model?.close();
    await handle?.close();
    try {
      if (dir) pgCtl("-m", "immediate", "stop");
    } catch {
      // Already stopped (a failed test left it so).
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  function expectAlive() {
    expect(server.alive(), `the server died:\n${server.log.slice(-30).join("\n")}`).toBe(true);
  }

  it("answers 503 while PostgreSQL is stopped, says db down, and carries the deliberation on after it restarts", async () => {
    const { matterId } = await conveneFixture(handle.db, { representatives: 3, candidates: 2, rounds: 2, approvalThreshold: 0.95 });
    // A room nobody has opened on this process: joining it needs the database.
    const { matterId: unopened } = await conveneFixture(handle.db, { representatives: 2, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await watcher.join(matterId);
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    await waitFor(async () => (await readLedger(handle.db, matterId)).length >= 4, "the deliberation under way");
    const before = await deliberationState(handle, matterId);
    expect(before?.stage, "still in flight when the database goes").not.toMatch(/drafted|halted/);

    pgCtl("-m", "fast", "stop");
    // /healthz says so, at once (no wait for a connection), and the API and pages answer 503, never 500.
    const health = await waitFor(
      async () => {
        const response = await fetch(`${server.url}/healthz`);
        return response.status === 503 ? response : null;
      },
      "/healthz to answer 503",
      10_000,
    );
    expect(await health.json()).toMatchObject({ ok: false, db: "down" });
    const query = await clerk.query("matters.deliberation", { id: matterId });
    expect(query.status).toBe(503);
    expect(isReadableMessage(query.error?.message)).toBe(true);
    expect(query.headers.get("retry-after")).toBe("5");
    const mutation = await clerk.mutate("room.guide", { id: matterId, text: "Keep the police exception narrow." });
    expect(mutation.status).toBe(503);
    const page = await fetch(`${server.url}/rulings`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("try again in a moment");
    const join = (id: string) =>
      watch("during", server.url, null).then(async (w) => {
        const result = await w.socket.timeout(5_000).emitWithAck("room:join", { matterId: id, afterSeq: 0 });
        w.socket.disconnect();
        return result;
      });
    // A room this process has open answers a join from the events it holds (its recent events, in order)...
    const held = await join(matterId);
    expect(held.ok, JSON.stringify(held)).toBe(true);
    const seqs = (held as { data: { events: { seq: number }[] } }).data.events.map((e) => e.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // ...and one that must read the ledger says the database is away: 503, never a 500 or a hang.
    expect(await join(unopened)).toMatchObject({ ok: false, error: { status: 503, code: "UNAVAILABLE" } });
    expectAlive();

    startPostgres();
    const back = await waitFor(
      async () => {
        const response = await fetch(`${server.url}/healthz`);
        return response.status === 200 ? response : null;
      },
      "/healthz to answer 200 again",
      15_000,
    );
    expect(await back.json()).toEqual({ ok: true, db: "postgres", engine: "openai" });
    expect((await clerk.query("matters.deliberation", { id: matterId })).status).toBe(200);

    // The deliberation carries on from the ledger to its draft: every result once, the chain whole.
    const state = await waitFor(
      async () => {
        expectAlive();
        const s = await deliberationState(handle, matterId);
        return s && ["drafted", "halted"].includes(s.stage) ? s : null;
      },
      "the deliberation to finish",
      25_000,
    );
    expect(state.stage).toBe("drafted");
    const ledger = await readLedger(handle.db, matterId);
    expect(verifyChain(ledger)).toMatchObject({ ok: true, length: ledger.length });
    const keys = resultKeys(ledger);
    expect(new Set(keys).size, ledger.map((e) => `${e.seq} ${e.type} ${(e.payload as { key?: string }).key}`).join("\n")).toBe(keys.length);
    // The watcher that stayed through it has every event, in order, what it missed read back from the ledger.
    await waitFor(async () => watcher.events.size === ledger.length, "the watcher to hold the whole ledger", 10_000);
    expect([...watcher.events.values()].sort((a, b) => a.seq - b.seq)).toEqual(ledger);
    expect(consecutive(watcher.live)).toBe(true);
    expectAlive();
    if (process.env.AGORA_TEST_LOG) console.log(server.log.join("\n"));
  });

  it("an exhausted pool is a 503 after AGORA_DB_WAIT_MS, not a hang, /healthz still answers, and the server recovers when connections free up", async () => {
    // The test holds a lock every session read needs: the server's three connections wait behind it.
    const locker = new pg.Client({ connectionString: url });
    locker.on("error", () => {});
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE");
    const held = Array.from({ length: 3 }, () => clerk.query("auth.me"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const refused = await clerk.query("auth.me");
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(isReadableMessage(refused.error?.message)).toBe(true);
    // /healthz reads on a connection of its own (decision 28): with every pooled connection lent out,
    // the process and its database still answer, where it waited for the pool and said "down".
    const live = await fetch(`${server.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ ok: true, db: "postgres" });
    await locker.query("ROLLBACK");
    await locker.end();
    // The requests that waited behind the lock are answered; new ones too.
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
    await waitFor(async () => (await fetch(`${server.url}/healthz`)).status === 200, "/healthz to answer 200", 10_000);
    expect((await clerk.query("auth.me")).status).toBe(200);
    expectAlive();
  });
});
