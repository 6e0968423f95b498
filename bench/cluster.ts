/**
 * `npm run bench -- cluster [--pg postgres://…/db]`: three server processes on one PostgreSQL database
 * (their rooms fan out through `@socket.io/postgres-adapter`, decision 16), 5,000 watchers of one room
 * spread over them, and a deliberation that one of them runs against a scripted model streaming its
 * answers. Prints:
 *
 * - broadcast latency across processes: from a ledger event's append on the runner's process (its
 *   createdAt) to its receipt by watchers of the other processes, p50/p99; and on the runner's own.
 *   Timed by a latency probe (bench/lib/latency-probe.ts): 20 watchers on each process in a process of
 *   their own, joined among the others. The same figures as the bench's own 5,000 watchers read them
 *   are printed beside, with that process's event-loop delay: one process reading every broadcast
 *   5,000 times runs hundreds of milliseconds behind (a group commit of 12 positions is about 40 KB a
 *   watcher), and its receipts measured mostly that;
 * - takeover: the runner's process is killed (SIGKILL) mid-run; the time until another process holds the
 *   lease (AGORA_LEASE_MS, default 3 s), and until it appends its first event;
 * - that every watcher ends at the ledger head with no gap (the killed process's watchers join another
 *   process and catch up from the ledger), and that watchers on every process read the same transcript.
 *
 * `--pg` names a database that is emptied first (never point it at one you keep); without it the bench
 * makes a database of its own on TEST_DATABASE_URL's server and drops it after. The watchers are light
 * clients (bench/lib/light-watcher.ts) but for 20 socket.io clients on each process; all live in this
 * process, whose CPU the bench prints beside the servers'.
 */
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";
import type { DbHandle } from "../db/connection.js";
import { readLedger } from "../db/repos/ledger.js";
import { type ScriptedServer, startScriptedServer } from "../deliberation/llm/scripted-server.js";
import type { TranscriptFragment } from "../server/realtime/contract.js";
import { deliberationState } from "../server/services/deliberation.server.js";
import { conveneFixture } from "../tests/fixtures/deliberation.js";
import { freshDatabase, offlineAnswer, type ServerProcess, seededDatabase, startServerProcess, transcriptRead } from "../tests/integration/cluster-support.js";
import { signInAs } from "../tests/support/database.js";
import { progress } from "./lib/nation-support.js";
import { type LatencyProbe, startLatencyProbe } from "./lib/latency-probe.js";
import { inBatches, type RoomWatcher, roomWatcher } from "./lib/room-watchers.js";
import { cpuSeconds, percentile, round, summary, table } from "./support.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PROCESSES = 3;
const CLIENTS = Number(arg("--clients") ?? process.env.BENCH_CLIENTS ?? 5_000);
const REAL_CLIENTS_PER_PROCESS = 20;
const REPRESENTATIVES = 12;
/** How fast the scripted model streams: 24 characters every 15 ms, so a deliberation lasts long enough to kill its runner mid-way. */
const CHUNK = { chunkSize: 24, chunkDelayMs: 15 };
const LEASE_MS = 3_000;
/** Watchers joining at once; the latency probe adds one watcher on each process after each batch. */
const BATCH = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function database(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const named = arg("--pg");
  if (named) {
    const client = new pg.Client({ connectionString: named });
    await client.connect();
    await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    await client.end();
    return { url: named, drop: async () => {} };
  }
  return process.env.TEST_DATABASE_URL ? freshDatabase(process.env.TEST_DATABASE_URL) : null;
}

const db = await database();
if (!db) {
  console.log("bench cluster needs PostgreSQL: --pg postgres://…/db (emptied first), or TEST_DATABASE_URL (a database of its own is made there)");
  summary("cluster", { skipped: "no PostgreSQL" });
  process.exit(0);
}

let handle: DbHandle | undefined;
let model: ScriptedServer | undefined;
const servers: ServerProcess[] = [];
let probe: LatencyProbe | undefined;
// Whatever happens, the servers do not outlive the bench.
process.on("exit", () => {
  for (const s of servers) s.child.kill("SIGKILL");
});

try {
  handle = await seededDatabase(db.url);
  model = await startScriptedServer({ respond: (request) => ({ ...offlineAnswer(request), ...CHUNK }) });
  const env = {
    DATABASE_URL: db.url,
    AGORA_PROCESSES: String(PROCESSES),
    AGORA_LEASE_MS: String(LEASE_MS),
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "bench-key",
    AGORA_MODEL: "scripted-model",
    SESSION_SECRET: "a-session-secret-shared-by-every-process-of-the-bench",
    LOG_LEVEL: "warn",
  };
  servers.push(...(await Promise.all(Array.from({ length: PROCESSES }, (_, i) => startServerProcess(`bench-${i}`, env)))));
  probe = startLatencyProbe();
  await run(handle, servers, probe);
} finally {
  probe?.close();
  for (const s of servers) await s.stop();
  await model?.close();
  await handle?.close();
  await db.drop();
}

async function run(handle: DbHandle, servers: ServerProcess[], probe: LatencyProbe) {
  const { matterId } = await conveneFixture(handle.db, { representatives: REPRESENTATIVES, candidates: 3, rounds: 2, approvalThreshold: 0.95 });

  /** Which process each watcher is on now (the killed one's move). */
  const home = new Map<RoomWatcher, number>();
  const real = new Set<RoomWatcher>();
  const fragments = new Map<RoomWatcher, TranscriptFragment[]>();
  /** Live receipts: when, by whom (its process then), and the event's append time and seq. */
  const receipts: { seq: number; appendedAt: number; at: number; server: number; joinedAt: number }[] = [];
  /** When each watcher last joined (the killed process's watchers join again). */
  const joinedAt = new Map<RoomWatcher, number>();
  /** How late the bench's own event loop ran: its watchers' receipts are late by as much. */
  const benchLoop = monitorEventLoopDelay({ resolution: 10 });
  benchLoop.enable();
  const listener = {
    event(watcher: RoomWatcher, event: { seq: number; createdAt: string }) {
      receipts.push({ seq: event.seq, appendedAt: Date.parse(event.createdAt), at: Date.now(), server: home.get(watcher)!, joinedAt: joinedAt.get(watcher)! });
    },
    fragment(watcher: RoomWatcher, chunk: TranscriptFragment) {
      if (real.has(watcher)) fragments.get(watcher)!.push(chunk);
    },
  };

  const connecting = progress("watchers joining", CLIENTS);
  const started = Date.now();
  const watchers: RoomWatcher[] = [];
  for (let from = 0; from < CLIENTS; from += BATCH) {
    const batch = await inBatches(Math.min(BATCH, CLIENTS - from), BATCH, async (k) => {
      const i = from + k;
      const at = i % PROCESSES;
      const isReal = Math.floor(i / PROCESSES) < REAL_CLIENTS_PER_PROCESS;
      const watcher = roomWatcher({ url: servers[at]!.url, matterId, kind: isReal ? "socket.io" : "light", listener });
      home.set(watcher, at);
      joinedAt.set(watcher, Date.now());
      if (isReal) {
        real.add(watcher);
        fragments.set(watcher, []);
      }
      await watcher.connect();
      connecting.tick();
      return watcher;
    });
    watchers.push(...batch);
    // A probe's watcher on each process after each batch: they sit all along the order a process writes its room in.
    for (let at = 0; at < PROCESSES; at++) await probe.connect(servers[at]!.url, at, matterId);
  }
  connecting.end();
  const connectMs = Date.now() - started;

  const clerk = await signInAs(servers[0]!.url, "clerk@demo.agora");
  const cpuBefore = { bench: cpuSeconds(process.pid), servers: servers.map((s) => cpuSeconds(s.child.pid!)), at: Date.now() };
  const startedRun = await clerk.mutate("matters.start", { id: matterId });
  if (startedRun.status !== 200) throw new Error(`the deliberation did not start: ${startedRun.status} ${JSON.stringify(startedRun.body)}`);
  const leaseHolder = async () =>
    (await handle.db.selectFrom("deliberationLeases").select("holder").where("matterId", "=", matterId).executeTakeFirst())?.holder ?? null;
  const waitFor = async <T>(probe: () => Promise<T | null>, everyMs = 25, timeoutMs = 120_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() > deadline) throw new Error("timed out");
      await sleep(everyMs);
    }
  };
  const holder = await waitFor(leaseHolder);
  const runner = servers.findIndex((s) => s.runner === holder);
  console.log(`the deliberation runs on ${servers[runner]!.name}`);

  // Mid-run (half the positions in), the runner's process is killed.
  const positions = async () => (await readLedger(handle.db, matterId)).filter((e) => e.type === "deliberation.position").length;
  await waitFor(async () => ((await positions()) >= REPRESENTATIVES / 2 ? true : null), 100);
  const headAtKill = (await readLedger(handle.db, matterId)).length;
  const victim = servers[runner]!;
  victim.child.kill("SIGKILL");
  const killedAt = Date.now();
  await victim.exited;
  const successor = await waitFor(async () => {
    const now = await leaseHolder();
    return now && now !== holder ? now : null;
  });
  const takeoverMs = Date.now() - killedAt;
  const successorIndex = servers.findIndex((s) => s.runner === successor);
  const firstEventMs = await waitFor(async () => {
    const events = await readLedger(handle.db, matterId, { afterSeq: headAtKill });
    return events.length > 0 ? Date.parse(events[0]!.createdAt) - killedAt : null;
  });
  console.log(`killed ${victim.name}; ${servers[successorIndex]!.name} took the lease after ${takeoverMs} ms`);

  // The killed process's watchers come back through the others and catch up from the ledger.
  const survivors = servers.map((_, i) => i).filter((i) => i !== runner);
  const orphans = watchers.filter((w) => home.get(w) === runner);
  await inBatches(orphans.length, BATCH, async (k) => {
    const watcher = orphans[k]!;
    watcher.close();
    const to = survivors[k % survivors.length]!;
    home.set(watcher, to);
    joinedAt.set(watcher, Date.now());
    await watcher.connect(servers[to]!.url);
  });
  await probe.move(
    runner,
    survivors.map((i) => ({ url: servers[i]!.url, server: i })),
  );

  const state = await waitFor(async () => {
    const now = await deliberationState(handle, matterId);
    return now && ["drafted", "halted"].includes(now.stage) ? now : null;
  }, 250);
  const wall = (Date.now() - cpuBefore.at) / 1000;
  const cores = {
    bench: round((cpuSeconds(process.pid) - cpuBefore.bench) / wall, 2),
    servers: servers.map((s, i) => (i === runner ? "killed" : String(round((cpuSeconds(s.child.pid!) - cpuBefore.servers[i]!) / wall, 2)))),
  };
  const load = round(loadavg()[0]!, 2);
  // Rooms compare themselves with the ledger every 3 s: a lost notification is made good by then.
  const ledger = await readLedger(handle.db, matterId);
  const head = ledger.at(-1)!.seq;
  for (let waited = 0; waited < 10_000 && !watchers.every((w) => w.tracker.head === head); waited += 250) await sleep(250);
  const converged = watchers.filter((w) => w.tracker.head === head).length;
  const withGaps = watchers.filter((w) => w.tracker.waiting > 0).length;

  // Latency by where the event was appended: the first runner's events before the kill, the successor's after.
  // A watcher that moved after the kill reads what it missed as catch-up, not as a broadcast: not counted.
  const runnerOf = (appendedAt: number) => (appendedAt < killedAt ? runner : successorIndex);
  const split = (all: { appendedAt: number; at: number; server: number; joinedAt: number }[]) => {
    const live = all.filter((r) => r.appendedAt >= r.joinedAt);
    const across = live.filter((r) => r.server !== runnerOf(r.appendedAt)).map((r) => r.at - r.appendedAt);
    const own = live.filter((r) => r.server === runnerOf(r.appendedAt)).map((r) => r.at - r.appendedAt);
    return { across: across.sort((a, b) => a - b), own: own.sort((a, b) => a - b) };
  };
  const probed = await probe.report();
  const timed = split(probed.receipts);
  const benchRead = split(receipts);
  // What the real clients read of the transcript, against one on the successor's process. The killed
  // process's own watchers missed what streamed while they were away; all the others must agree.
  const stayed = [...real].filter((w) => !orphans.includes(w));
  const readOf = (w: RoomWatcher) => JSON.stringify(transcriptRead(fragments.get(w)!));
  const reference = readOf(stayed.find((w) => home.get(w) === successorIndex)!);
  const agreeing = stayed.filter((w) => readOf(w) === reference).length;
  const comparable = stayed.length;

  table([
    { measure: "server processes", value: PROCESSES },
    { measure: "watchers (socket.io + light)", value: `${real.size} + ${CLIENTS - real.size}` },
    { measure: "connect + join, all (ms)", value: connectMs },
    { measure: "deliberation", value: `${state.stage}, ${ledger.length} events` },
    { measure: `timed by the probe (${probed.watchers} watchers in a process of their own): deliveries across processes`, value: timed.across.length },
    { measure: "across processes: p50 (ms)", value: percentile(timed.across, 50) },
    { measure: "across processes: p99 (ms)", value: percentile(timed.across, 99) },
    { measure: "deliveries on the runner's process", value: timed.own.length },
    { measure: "on the runner's process: p50 (ms)", value: percentile(timed.own, 50) },
    { measure: "on the runner's process: p99 (ms)", value: percentile(timed.own, 99) },
    { measure: "the probe's event-loop delay, p99 / max (ms)", value: `${round(probed.loopDelay.p99)} / ${round(probed.loopDelay.max)}` },
    {
      measure: `as the bench's ${CLIENTS} watchers read them (their one process's delay included): across p50 / p99 (ms)`,
      value: `${percentile(benchRead.across, 50)} / ${percentile(benchRead.across, 99)}`,
    },
    {
      measure: "as the bench's watchers read them: on the runner's process p50 / p99 (ms)",
      value: `${percentile(benchRead.own, 50)} / ${percentile(benchRead.own, 99)}`,
    },
    { measure: "the bench's event-loop delay, p99 / max (ms)", value: `${round(benchLoop.percentile(99) / 1e6)} / ${round(benchLoop.max / 1e6)}` },
    { measure: `takeover after SIGKILL (ms; lease ${LEASE_MS} ms)`, value: takeoverMs },
    { measure: "first event of the successor after the kill (ms)", value: firstEventMs },
    { measure: "watchers at the head", value: `${converged} of ${watchers.length}` },
    { measure: "watchers with a gap", value: withGaps },
    { measure: "real clients reading the same transcript", value: `${agreeing} of ${comparable}` },
    { measure: "CPU: servers (cores)", value: cores.servers.join(", ") },
    { measure: "CPU: the bench's watchers (cores)", value: cores.bench },
    { measure: "the machine's load average", value: load },
  ]);
  summary("cluster", {
    processes: PROCESSES,
    clients: CLIENTS,
    events: ledger.length,
    cross_process_p50_ms: percentile(timed.across, 50),
    cross_process_p99_ms: percentile(timed.across, 99),
    same_process_p50_ms: percentile(timed.own, 50),
    same_process_p99_ms: percentile(timed.own, 99),
    bench_clients_cross_process_p50_ms: percentile(benchRead.across, 50),
    bench_clients_same_process_p50_ms: percentile(benchRead.own, 50),
    bench_loop_delay_p99_ms: round(benchLoop.percentile(99) / 1e6),
    takeover_ms: takeoverMs,
    first_event_after_kill_ms: firstEventMs,
    clients_converged: converged,
    clients_with_gaps: withGaps,
    bench_cores: cores.bench,
    load_avg: load,
  });
  for (const w of watchers) w.close();
  process.exitCode = converged === watchers.length && withGaps === 0 && agreeing === comparable && state.stage === "drafted" ? 0 : 1;
}
