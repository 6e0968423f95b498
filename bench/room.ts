import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { io, type Socket } from "socket.io-client";
import { SeqTracker } from "../server/realtime/contract.js";
import { httpClient } from "../tests/support/database.js";
import { percentile, round, summary, table } from "./support.js";

/**
 * The live room at scale: 101 delegates (signed in) and 5,000 anonymous observers, all socket.io
 * clients on loopback, in one room of one server process (the server runs in a process of its own).
 *
 * 1. Broadcast: a delegate sends guidance every 150 ms; each client notes when the event arrives,
 *    against the time the server appended it (the event's createdAt; same machine, same clock).
 * 2. Reconnect storm: every 2 s, 10 % of the observers drop; each comes back 300 ms later and joins
 *    again from the last contiguous sequence number it has, while events keep coming every 100 ms.
 *    At the end every client must hold the stream up to the ledger head with no gap.
 *
 * The clients all live in this one process, so their own work (parsing 5,101 copies of each event) is
 * part of the latency measured; the figures are an upper bound on what one server process costs.
 */

const DELEGATES = Number(process.env.BENCH_DELEGATES ?? 101);
const OBSERVERS = Number(process.env.BENCH_OBSERVERS ?? 5_000);
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 40);
const STORM_MS = Number(process.env.BENCH_STORM_MS ?? 10_000);

interface Client {
  socket: Socket;
  tracker: SeqTracker;
  cookie: string | null;
  observer: boolean;
}

const child = spawn(
  process.execPath,
  [...(process.env.BENCH_SERVER_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/roomprof"] : []), "--import", "tsx", join(import.meta.dirname, "room-server.ts")],
  {
    env: { ...process.env, BENCH_DELEGATES: String(DELEGATES) },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const { url, matterId } = JSON.parse(String((await lines.next()).value)) as { url: string; matterId: string };

const latencies = new Map<number, number[]>(); // seq → ms per client
let collecting = true;

function connect(client: Omit<Client, "socket">): Promise<Client> {
  const socket = io(url, {
    transports: ["websocket"],
    extraHeaders: { origin: url, ...(client.cookie ? { cookie: client.cookie } : {}) },
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
  });
  const full = { ...client, socket } as Client;
  socket.on("ledger:event", (event: { seq: number; createdAt: string }) => {
    if (!full.tracker.add(event.seq)) return;
    if (collecting) {
      const list = latencies.get(event.seq) ?? [];
      list.push(Date.now() - Date.parse(event.createdAt));
      latencies.set(event.seq, list);
    }
  });
  const join = async (): Promise<void> => {
    const ack = (await socket.timeout(30_000).emitWithAck("room:join", { matterId, afterSeq: full.tracker.head })) as {
      ok: boolean;
      data: { events: { seq: number }[]; more: boolean };
    };
    if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
    for (const event of ack.data.events) full.tracker.add(event.seq);
    if (ack.data.more) await join();
  };
  return new Promise((resolve, reject) => {
    socket.once("connect", () => join().then(() => resolve(full), reject));
    socket.once("connect_error", reject);
  });
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k)))));
  }
  return out;
}

const started = Date.now();
const cookies = await inBatches(DELEGATES, 20, async (i) => {
  const client = httpClient(url);
  const res = await client.signIn(`delegate${i + 1}@demo.agora`);
  if (res.status !== 200) throw new Error(`delegate${i + 1} could not sign in: ${res.status}`);
  return client.cookie;
});
const delegates = await inBatches(DELEGATES, 50, (i) => connect({ tracker: new SeqTracker(), cookie: cookies[i]!, observer: false }));
const observers = await inBatches(OBSERVERS, 250, () => connect({ tracker: new SeqTracker(), cookie: null, observer: true }));
const clients = [...delegates, ...observers];
const connectMs = Date.now() - started;
console.log(`${delegates.length} delegates and ${observers.length} observers connected and joined in ${connectMs} ms`);

const speaker = httpClient(url, { cookie: cookies[0]! });
const guide = async (i: number) => {
  const res = await speaker.mutate("room.guide", { id: matterId, text: `bench guidance ${i}` });
  if (res.status !== 200) throw new Error(`guidance refused: ${res.status} ${JSON.stringify(res.body)}`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// 1. Broadcast latency.
for (let i = 0; i < BROADCASTS; i++) {
  await guide(i);
  await sleep(150);
}
await sleep(1_000);
const all: number[] = [];
let incomplete = 0;
for (const list of latencies.values()) {
  all.push(...list);
  if (list.length < clients.length) incomplete++;
}
all.sort((a, b) => a - b);
collecting = false;

// 2. Reconnect storm.
const stormStart = Date.now();
let dropped = 0;
let sent = 0;
const ticker = setInterval(() => void guide(BROADCASTS + sent++).catch((e) => console.error(e)), 100);
while (Date.now() - stormStart < STORM_MS) {
  const victims = observers.filter(() => Math.random() < 0.1);
  dropped += victims.length;
  for (const v of victims) v.socket.disconnect();
  await sleep(300);
  await inBatches(victims.length, 250, async (k) => {
    const v = victims[k]!;
    const again = await connect({ tracker: v.tracker, cookie: null, observer: true });
    v.socket = again.socket;
  });
  await sleep(Math.max(0, 2_000 - 300));
}
clearInterval(ticker);
await sleep(2_000);
const head = ((await httpClient(url).query("matters.deliberation", { id: matterId })).data as { lastSeq: number }).lastSeq;
const converged = clients.filter((c) => c.tracker.head === head).length;
const withGaps = clients.filter((c) => c.tracker.waiting > 0).length;

for (const c of clients) c.socket.close();
child.kill("SIGINT");

table([
  { measure: "clients", value: clients.length },
  { measure: "connect + join, all (ms)", value: connectMs },
  { measure: "broadcasts", value: BROADCASTS },
  { measure: "deliveries measured", value: all.length },
  { measure: "broadcasts some client missed", value: incomplete },
  { measure: "broadcast p50 (ms)", value: percentile(all, 50) },
  { measure: "broadcast p99 (ms)", value: percentile(all, 99) },
  { measure: "broadcast max (ms)", value: all.at(-1) ?? Number.NaN },
  { measure: "storm: reconnects", value: dropped },
  { measure: "storm: events sent", value: sent },
  { measure: "ledger head", value: head },
  { measure: "clients at the head", value: converged },
  { measure: "clients with a gap", value: withGaps },
]);
console.log(`goal: broadcast p99 ≤ 50 ms; every client at the head with no gap after the storm`);
summary("room", {
  delegates: delegates.length,
  observers: observers.length,
  broadcast_p50_ms: round(percentile(all, 50)),
  broadcast_p99_ms: round(percentile(all, 99)),
  reconnects: dropped,
  clients_converged: converged,
  clients_with_gaps: withGaps,
});
process.exit(converged === clients.length && withGaps === 0 ? 0 : 1);
