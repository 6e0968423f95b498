import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { TranscriptFragment } from "../server/realtime/contract.js";
import { httpClient } from "../tests/support/database.js";
import { startLatencyProbe } from "./lib/latency-probe.js";
import { decodeStats } from "./lib/light-watcher.js";
import { inBatches, type RoomWatcher, roomWatcher, type WatcherKind } from "./lib/room-watchers.js";
import { addressOf, cpuSeconds, percentile, round, summary, table } from "./support.js";

/**
 * The live room at scale: 101 delegates (signed in, real socket.io clients) and 5,000 anonymous
 * observers on loopback, in one room of one server process (the server runs in a process of its own).
 *
 * 1. Broadcast: a delegate sends guidance every 150 ms; each client notes when the event arrives,
 *    against the time the server appended it (the event's createdAt; same machine, same clock). The
 *    headline figures are timed by a latency probe (bench/lib/latency-probe.ts): 21 watchers in a process
 *    of their own, joined one after each batch of 250 observers so that they sit all along the order the
 *    server writes the room in. The bench's own clients' figures are printed beside: their one process
 *    reads 5,101 sockets a broadcast, on the same two cores, and its last reads come late by its own
 *    work. The server's own figure (append to the room's last write, `room_fanout_seconds`) and its CPU
 *    per broadcast say what the server costs, apart from the clients.
 * 2. The same while 12 representatives speak: the server streams a fragment of each every 40 ms, as the
 *    runner does (decision 6); every client must read every speaker's words, in order.
 * 3. Reconnect storm: every 2 s, 10 % of the observers drop; each comes back 300 ms later and joins
 *    again from the last contiguous sequence number it has, while events keep coming every 100 ms.
 *    At the end every client must hold the stream up to the ledger head with no gap.
 *
 * The observers are light clients (bench/lib/light-watcher.ts) unless BENCH_OBSERVERS_CLIENT=socket.io:
 * 5,000 socket.io clients in one process spend more CPU reading a broadcast than the server spends
 * writing it, and the bench then measures itself. Light clients each read their own bytes, frame by
 * frame, but the JSON of identical frames is parsed once for all of them, and a fragment's words are
 * numbered once: each client still checks that its own words follow on from its last (see
 * light-watcher.ts; the bench prints how many frames were read and how many parsed). Either way the bench
 * prints how busy each side was, and the server's own figure for writing to the room
 * (`room_push_seconds` at /metrics).
 */

const DELEGATES = Number(process.env.BENCH_DELEGATES ?? 101);
const OBSERVERS = Number(process.env.BENCH_OBSERVERS ?? 5_000);
const OBSERVER_KIND: WatcherKind = process.env.BENCH_OBSERVERS_CLIENT === "socket.io" ? "socket.io" : "light";
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 40);
const STORM_MS = Number(process.env.BENCH_STORM_MS ?? 10_000);
const SPEAKERS = Number(process.env.BENCH_SPEAKERS ?? 12);

const child = spawn(
  process.execPath,
  [...(process.env.BENCH_SERVER_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/roomprof"] : []), "--import", "tsx", join(import.meta.dirname, "room-server.ts")],
  {
    // The server's JSON log shares its stdout with the address line; warnings and errors are all the bench wants of it.
    env: { LOG_LEVEL: "warn", ...process.env, BENCH_DELEGATES: String(DELEGATES) },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  },
);
// The bench ends the server however it ends itself (a thrown error included).
process.on("exit", () => child.kill("SIGINT"));
const { url, matterId } = await addressOf<{ url: string; matterId: string }>(child);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Latency of each live delivery in the phase being measured, by the kind of client. */
let latencies = { delegates: [] as number[], observers: [] as number[] };
let deliveriesOf = new Map<number, number>(); // seq → clients that got it live
let collecting = false;
/** The server's fragments carry "n|" for each of a speaker's words, so a client sees whether it read them all, in order. */
const words = { read: 0, outOfOrder: 0, fragments: 0 };
const lastWord = new Map<RoomWatcher, Map<string, number>>();
/**
 * A fragment's word numbers, read once per fragment object (light watchers share the object parsed from
 * identical bytes): the first and last, how many, and how many follow their predecessor wrongly within it.
 * Each client then checks its own order from the first word on, as if it read them one by one.
 */
interface Words {
  first: number;
  last: number;
  count: number;
  outOfOrder: number;
}
const wordsOf = new WeakMap<TranscriptFragment, Words>();
function readWords(chunk: TranscriptFragment): Words {
  let words = wordsOf.get(chunk);
  if (words) return words;
  words = { first: -1, last: -1, count: 0, outOfOrder: 0 };
  for (const [, n] of (chunk.fragment ?? "").matchAll(/(\d+)\|/g)) {
    const k = Number(n);
    if (words.count === 0) words.first = k;
    else if (k !== words.last + 1) words.outOfOrder++;
    words.last = k;
    words.count++;
  }
  wordsOf.set(chunk, words);
  return words;
}

const listener = {
  event(watcher: RoomWatcher, event: { seq: number; createdAt: string }) {
    if (!collecting) return;
    (delegateSet.has(watcher) ? latencies.delegates : latencies.observers).push(Date.now() - Date.parse(event.createdAt));
    deliveriesOf.set(event.seq, (deliveriesOf.get(event.seq) ?? 0) + 1);
  },
  fragment(watcher: RoomWatcher, chunk: TranscriptFragment) {
    words.fragments++;
    let last = lastWord.get(watcher);
    if (!last) lastWord.set(watcher, (last = new Map<string, number>()));
    const read = readWords(chunk);
    if (read.count === 0) return;
    if (read.first !== (last.get(chunk.key) ?? -1) + 1) words.outOfOrder++;
    words.outOfOrder += read.outOfOrder;
    last.set(chunk.key, read.last);
    words.read += read.count;
  },
};

const started = Date.now();
const cookies = await inBatches(DELEGATES, 20, async (i) => {
  const client = httpClient(url);
  const res = await client.signIn(`delegate${i + 1}@demo.agora`);
  if (res.status !== 200) throw new Error(`delegate${i + 1} could not sign in: ${res.status}`);
  return client.cookie;
});
const delegates = await inBatches(DELEGATES, 50, async (i) => {
  const watcher = roomWatcher({ url, matterId, kind: "socket.io", cookie: cookies[i], listener });
  await watcher.connect();
  return watcher;
});
const delegateSet = new Set(delegates);
const probe = startLatencyProbe();
await probe.connect(url, 0, matterId);
const observers: RoomWatcher[] = [];
for (let from = 0; from < OBSERVERS; from += 250) {
  const batch = await inBatches(Math.min(250, OBSERVERS - from), 250, async () => {
    const watcher = roomWatcher({ url, matterId, kind: OBSERVER_KIND, listener });
    await watcher.connect();
    return watcher;
  });
  observers.push(...batch);
  // A probe's watcher after each batch: they sit all along the order the server writes the room in.
  await probe.connect(url, 0, matterId);
}
const clients = [...delegates, ...observers];
const connectMs = Date.now() - started;
console.log(`${delegates.length} delegates (socket.io) and ${observers.length} observers (${OBSERVER_KIND}) connected and joined in ${connectMs} ms`);

const speaker = httpClient(url, { cookie: cookies[0]! });
const guide = async (i: number) => {
  const res = await speaker.mutate("room.guide", { id: matterId, text: `bench guidance ${i}` });
  if (res.status !== 200) throw new Error(`guidance refused: ${res.status} ${JSON.stringify(res.body)}`);
};

/** The sum and count of a histogram at the server's /metrics, and its count at or under `le` seconds. */
async function histogram(name: string, le?: number): Promise<{ sum: number; count: number; within: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (suffix: string) => Number(new RegExp(`^${name}_${suffix} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  const within = le === undefined ? Number.NaN : Number(new RegExp(`^${name}_bucket\\{le="${le}"\\} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { sum: value("sum"), count: value("count"), within };
}

interface Phase {
  deliveries: number;
  /** Broadcasts that did not reach every client live. */
  missed: number;
  p50: number;
  p99: number;
  max: number;
  delegatesP99: number;
  /** The same broadcasts timed by the latency probe's watchers, in a process of their own. */
  probe: { deliveries: number; p50: number; p99: number; max: number; loopDelayP99: number };
  /** The server's mean time to write one push to the room (its own histogram). */
  pushMs: number;
  /** The server's own figure: from a ledger event's append to its write to the room's last watcher, mean, and the share within 50 ms. */
  writtenMs: number;
  writtenWithin50: number;
  serverCores: number;
  /** The server's CPU per broadcast: the guidance's request, its append and the write to the room. */
  serverCpuMs: number;
  benchCores: number;
  /** The machine's load (1-minute average) at the end: other work on the cores stretches every figure. */
  load: number;
}

/** Guidance every 150 ms: latency of each delivery, and how busy each side was meanwhile. */
async function broadcastPhase(offset: number): Promise<Phase> {
  latencies = { delegates: [], observers: [] };
  deliveriesOf = new Map();
  const pushBefore = await histogram("room_push_seconds");
  const fanoutBefore = await histogram("room_fanout_seconds", 0.05);
  await probe.reset();
  const before = { bench: cpuSeconds(process.pid), server: cpuSeconds(child.pid!), at: Date.now() };
  collecting = true;
  for (let i = 0; i < BROADCASTS; i++) {
    await guide(offset + i);
    await sleep(150);
  }
  await sleep(1_000);
  collecting = false;
  const wall = (Date.now() - before.at) / 1000;
  const pushAfter = await histogram("room_push_seconds");
  const fanoutAfter = await histogram("room_fanout_seconds", 0.05);
  const probed = await probe.report();
  const timed = probed.receipts.map((r) => r.at - r.appendedAt).sort((a, b) => a - b);
  const all = [...latencies.delegates, ...latencies.observers].sort((a, b) => a - b);
  const ofDelegates = [...latencies.delegates].sort((a, b) => a - b);
  return {
    deliveries: all.length,
    missed: [...deliveriesOf.values()].filter((n) => n < clients.length).length + BROADCASTS - deliveriesOf.size,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    max: all.at(-1) ?? Number.NaN,
    delegatesP99: percentile(ofDelegates, 99),
    probe: {
      deliveries: timed.length,
      p50: percentile(timed, 50),
      p99: percentile(timed, 99),
      max: timed.at(-1) ?? Number.NaN,
      loopDelayP99: round(probed.loopDelay.p99),
    },
    writtenMs: round((1000 * (fanoutAfter.sum - fanoutBefore.sum)) / (fanoutAfter.count - fanoutBefore.count)),
    writtenWithin50: round((fanoutAfter.within - fanoutBefore.within) / (fanoutAfter.count - fanoutBefore.count), 2),
    pushMs: round((1000 * (pushAfter.sum - pushBefore.sum)) / (pushAfter.count - pushBefore.count)),
    serverCores: round((cpuSeconds(child.pid!) - before.server) / wall, 2),
    serverCpuMs: round((1000 * (cpuSeconds(child.pid!) - before.server)) / BROADCASTS),
    benchCores: round((cpuSeconds(process.pid) - before.bench) / wall, 2),
    load: round(loadavg()[0]!, 2),
  };
}

// 1. Broadcast alone.
const quiet = await broadcastPhase(0);

// 2. Broadcast while the representatives speak; then the last words reach everyone.
const streamed = new Promise<number>((resolve) => child.once("message", (m: { streamed: number }) => resolve(m.streamed)));
child.send({ stream: SPEAKERS });
const speaking = await broadcastPhase(BROADCASTS);
child.send({ stream: 0 });
const wordsSent = await streamed;
for (let waited = 0; words.read < wordsSent * clients.length && waited < 30_000; waited += 250) await sleep(250);

// 3. Reconnect storm.
const stormStart = Date.now();
let dropped = 0;
let sent = 0;
const ticker = setInterval(() => void guide(2 * BROADCASTS + sent++).catch((e) => console.error(e)), 100);
while (Date.now() - stormStart < STORM_MS) {
  const victims = observers.filter(() => Math.random() < 0.1);
  dropped += victims.length;
  for (const v of victims) v.close();
  await sleep(300);
  await inBatches(victims.length, 250, (k) => victims[k]!.connect());
  await sleep(Math.max(0, 2_000 - 300));
}
clearInterval(ticker);
await sleep(2_000);
const head = ((await httpClient(url).query("matters.deliberation", { id: matterId })).data as { lastSeq: number }).lastSeq;
const converged = clients.filter((c) => c.tracker.head === head).length;
const withGaps = clients.filter((c) => c.tracker.waiting > 0).length;

for (const c of clients) c.close();
probe.close();
child.kill("SIGINT");

const phases = [
  ["alone", quiet],
  [`with ${SPEAKERS} speaking`, speaking],
] as const;
table(
  phases.flatMap(([label, phase]) => [
    { measure: `broadcast ${label}: deliveries measured`, value: phase.deliveries },
    { measure: `broadcast ${label}: broadcasts some client missed`, value: phase.missed },
    {
      measure: `broadcast ${label}: p50 / p99 / max, timed by the probe's ${Math.ceil(OBSERVERS / 250) + 1} watchers (ms)`,
      value: `${phase.probe.p50} / ${phase.probe.p99} / ${phase.probe.max}`,
    },
    { measure: `broadcast ${label}: the probe's event-loop delay, p99 (ms)`, value: phase.probe.loopDelayP99 },
    { measure: `broadcast ${label}: p50 / p99 / max, as the bench's clients read them (ms)`, value: `${phase.p50} / ${phase.p99} / ${phase.max}` },
    { measure: `broadcast ${label}: p99 of the ${DELEGATES} delegates (ms)`, value: phase.delegatesP99 },
    { measure: `broadcast ${label}: server, append to the room's last write, mean (ms)`, value: phase.writtenMs },
    { measure: `broadcast ${label}: server, rooms written within 50 ms of the append`, value: phase.writtenWithin50 },
    { measure: `broadcast ${label}: server's write to the room, mean (ms)`, value: phase.pushMs },
    { measure: `broadcast ${label}: CPU of the server (cores)`, value: phase.serverCores },
    { measure: `broadcast ${label}: CPU of the server per broadcast (ms)`, value: phase.serverCpuMs },
    { measure: `broadcast ${label}: CPU of the bench's clients (cores)`, value: phase.benchCores },
    { measure: `broadcast ${label}: the machine's load average`, value: phase.load },
  ]),
);
table([
  { measure: "clients", value: clients.length },
  { measure: "observers' client", value: OBSERVER_KIND },
  { measure: "light clients: frames read", value: decodeStats.frames },
  { measure: "light clients: frames parsed (once per identical bytes)", value: decodeStats.parsed },
  { measure: "connect + join, all (ms)", value: connectMs },
  { measure: "broadcasts per phase", value: BROADCASTS },
  { measure: "words streamed", value: wordsSent },
  { measure: "words read (all clients)", value: words.read },
  { measure: "fragments received (all clients)", value: words.fragments },
  { measure: "words out of order", value: words.outOfOrder },
  { measure: "storm: reconnects", value: dropped },
  { measure: "storm: events sent", value: sent },
  { measure: "ledger head", value: head },
  { measure: "clients at the head", value: converged },
  { measure: "clients with a gap", value: withGaps },
]);
console.log("goal: broadcast p99 ≤ 50 ms; every word to every client in order; every client at the head with no gap after the storm");
summary("room", {
  delegates: delegates.length,
  observers: observers.length,
  observers_client: OBSERVER_KIND,
  broadcast_p50_ms: quiet.probe.p50,
  broadcast_p99_ms: quiet.probe.p99,
  broadcast_speaking_p50_ms: speaking.probe.p50,
  broadcast_speaking_p99_ms: speaking.probe.p99,
  bench_clients_p50_ms: quiet.p50,
  bench_clients_p99_ms: quiet.p99,
  bench_clients_speaking_p99_ms: speaking.p99,
  server_written_ms: quiet.writtenMs,
  server_written_speaking_ms: speaking.writtenMs,
  push_ms: quiet.pushMs,
  push_speaking_ms: speaking.pushMs,
  server_cores: quiet.serverCores,
  server_cpu_per_broadcast_ms: quiet.serverCpuMs,
  bench_cores: quiet.benchCores,
  load_avg: quiet.load,
  words_missing: wordsSent * clients.length - words.read,
  words_out_of_order: words.outOfOrder,
  reconnects: dropped,
  clients_converged: converged,
  clients_with_gaps: withGaps,
});
const whole = words.read === wordsSent * clients.length && words.outOfOrder === 0;
process.exit(whole && converged === clients.length && withGaps === 0 ? 0 : 1);
