/**
 * What held the server's event loop, for `npm run bench -- nation` with NATION_RECORD=<file> (one JSON
 * line per event, appended): every hold of the main thread's loop over HOLD_MS, with the CPU time the
 * main thread spent in it and the time it waited for a core (`/proc/self/task/<pid>/schedstat`: on a
 * shared machine a long hold may be mostly waiting); every GC pause over GC_MS (its kind and the heap);
 * every SQLite statement over STATEMENT_MS (its text, cut); every /healthz wait over 80 ms the bench's
 * probe reports (`healthz`, so a wait can be told from a hold). Each event names the stage whose progress
 * bar was last drawn. While the loop is held, a watcher thread samples every 5 ms where the main thread
 * is in the kernel (`/proc/self/task/<pid>/stat`, `wchan`, `syscall`): running, asleep in a read of the
 * disk, in an fsync, in SQLite's own sleep (nanosleep) or throttled as a writer of dirty pages; each
 * hold's tally is noted as a `where` event. Costs little: a 10 ms timer, a clock read around each
 * statement and a thread that reads three small files only while the loop is held.
 *
 * `node bench/lib/nation-recorder.ts <file>` sums a record up: per stage, the longest holds, the GC
 * pauses and the slowest statements.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PerformanceObserver } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { observeServing } from "../../db/sqlite-worker.js";

const HOLD_MS = 80;
const GC_MS = 20;
const STATEMENT_MS = 30;
const TICK_MS = 10;
/** The watcher samples the main thread once the loop has not ticked for this long. */
const WATCH_AFTER_MS = 60;

/**
 * The watcher (plain JavaScript, run from a string): the main thread stores Date.now() in `beat` at
 * every tick; while the beat is older than WATCH_AFTER_MS, the watcher reads where the main thread is
 * and tallies it; when the beat comes back, it posts the tally. x86-64 syscall numbers are named.
 */
const WATCHER = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const beat = new Float64Array(workerData.beat);
const task = "/proc/self/task/" + workerData.tid + "/";
const SYSCALLS = { 0: "read", 1: "write", 17: "pread64", 18: "pwrite64", 35: "nanosleep", 230: "clock_nanosleep", 74: "fsync", 75: "fdatasync", 202: "futex", 281: "epoll_pwait", 232: "epoll_wait", 7: "poll", 72: "fcntl", 9: "mmap", 11: "munmap", 10: "mprotect", 28: "madvise" };
const read = (f) => { try { return readFileSync(task + f, "utf8").trim(); } catch { return "?"; } };
let tally = null, since = 0;
setInterval(() => {
  const late = Date.now() - beat[0];
  if (late > workerData.after) {
    if (!tally) { tally = {}; since = beat[0]; }
    const stat = read("stat");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    const call = read("syscall").split(" ")[0];
    const key = state + " " + (call === "running" ? "running" : (SYSCALLS[call] || "sys" + call)) + " " + read("wchan");
    tally[key] = (tally[key] || 0) + 1;
  } else if (tally) {
    parentPort.postMessage({ ms: beat[0] - since, samples: tally });
    tally = null;
  }
}, 5);
`;

type Event =
  | { t: number; stage: string; kind: "hold"; ms: number; cpuMs: number; queuedMs: number }
  | { t: number; stage: string; kind: "gc"; ms: number; gc: string; heapMb: number }
  | { t: number; stage: string; kind: "sql"; ms: number; sql: string }
  | { t: number; stage: string; kind: "healthz"; ms: number }
  | { t: number; stage: string; kind: "wait"; ms: number }
  | { t: number; stage: string; kind: "where"; ms: number; samples: Record<string, number> };

const GC_KINDS: Record<number, string> = { 1: "scavenge", 2: "mark-compact", 4: "incremental", 8: "weak-callbacks" };

export function startRecorder(file: string): { healthz(ms: number): void } {
  const started = performance.now();
  const at = () => Math.round(performance.now() - started);
  let stage = "start";
  const pending: string[] = [];
  const note = (event: Event) => pending.push(JSON.stringify(event));
  const flush = () => {
    if (pending.length > 0) appendFileSync(file, `${pending.splice(0).join("\n")}\n`);
  };

  // The stage: the name on the progress bar last drawn (bench/lib/nation-support.ts).
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === "string") {
      const m = /^\r {2}(\S.*?) {2,}\[/.exec(chunk);
      if (m) stage = m[1]!.trim();
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;

  // Holds of the loop: a 10 ms timer that came late.
  const schedstat = `/proc/self/task/${process.pid}/schedstat`;
  const cpu = (): [number, number] => {
    try {
      const [run, wait] = readFileSync(schedstat, "utf8").split(" ");
      return [Number(run) / 1e6, Number(wait) / 1e6];
    } catch {
      return [0, 0];
    }
  };
  let last = performance.now();
  let [lastRun, lastWait] = cpu();
  const beat = new Float64Array(new SharedArrayBuffer(8));
  beat[0] = Date.now();
  const watcher = new Worker(WATCHER, { eval: true, workerData: { beat: beat.buffer, tid: process.pid, after: WATCH_AFTER_MS } });
  watcher.on("message", (m: { ms: number; samples: Record<string, number> }) =>
    note({ t: at(), stage, kind: "where", ms: Math.round(m.ms), samples: m.samples }),
  );
  // After the listener: adding one refs the worker again, and the bench would never end.
  watcher.unref();
  setInterval(() => {
    beat[0] = Date.now();
    const now = performance.now();
    const [run, wait] = cpu();
    const gap = now - last - TICK_MS;
    if (gap > HOLD_MS) note({ t: at(), stage, kind: "hold", ms: Math.round(gap), cpuMs: Math.round(run - lastRun), queuedMs: Math.round(wait - lastWait) });
    last = now;
    lastRun = run;
    lastWait = wait;
  }, TICK_MS).unref();

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < GC_MS) continue;
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      note({
        t: at(),
        stage,
        kind: "gc",
        ms: Math.round(entry.duration),
        gc: GC_KINDS[kind] ?? String(kind),
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      });
    }
  }).observe({ entryTypes: ["gc"] });

  // SQLite's statements served from the worker (db/sqlite-worker.ts): each round trip over STATEMENT_MS,
  // and each wait for the serving connection over HOLD_MS (a request's query behind a job's transaction).
  observeServing((event) => {
    if (event.kind === "statement" && event.ms > STATEMENT_MS)
      note({ t: at(), stage, kind: "sql", ms: Math.round(event.ms), sql: event.sql.replace(/\s+/g, " ").slice(0, 160) });
    if (event.kind === "connection-wait" && event.ms > HOLD_MS) note({ t: at(), stage, kind: "wait", ms: Math.round(event.ms) });
  });

  // SQLite's statements on the main thread (`:memory:`), timed where better-sqlite3 runs them.
  const require = createRequire(import.meta.url);
  const SQLite = require("better-sqlite3") as typeof import("better-sqlite3");
  const probe = new SQLite(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>;
  probe.close();
  for (const method of ["run", "get", "all"]) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const t = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t;
        if (ms > STATEMENT_MS) note({ t: at(), stage, kind: "sql", ms: Math.round(ms), sql: this.source.replace(/\s+/g, " ").slice(0, 160) });
      }
    };
  }

  setInterval(flush, 5_000).unref();
  process.on("exit", flush);
  return { healthz: (ms) => note({ t: at(), stage, kind: "healthz", ms: Math.round(ms) }) };
}

/** The record summed up, per stage. */
function summarise(file: string): void {
  const events = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
  const stages = [...new Set(events.map((e) => e.stage))];
  for (const stage of stages) {
    const of = events.filter((e) => e.stage === stage);
    const holds = of.filter((e) => e.kind === "hold").sort((a, b) => b.ms - a.ms);
    const gcs = of.filter((e) => e.kind === "gc").sort((a, b) => b.ms - a.ms);
    const sqls = of.filter((e) => e.kind === "sql").sort((a, b) => b.ms - a.ms);
    const waits = of.filter((e) => e.kind === "healthz").sort((a, b) => b.ms - a.ms);
    const wheres = of.filter((e) => e.kind === "where").sort((a, b) => b.ms - a.ms);
    const connectionWaits = of.filter((e) => e.kind === "wait").sort((a, b) => b.ms - a.ms);
    console.log(
      `\n## ${stage}: ${holds.length} holds > ${HOLD_MS} ms, ${gcs.length} GC > ${GC_MS} ms, ${sqls.length} statements > ${STATEMENT_MS} ms, ${waits.length} /healthz waits > 80 ms`,
    );
    for (const w of waits.slice(0, 6)) console.log(`  /healthz waited ${w.ms} ms, answered at ${w.t}`);
    if (connectionWaits.length > 0)
      console.log(
        `  ${connectionWaits.length} waits for the serving connection > ${HOLD_MS} ms, longest ${connectionWaits
          .slice(0, 5)
          .map((w) => w.ms)
          .join(", ")} ms`,
      );
    for (const h of holds.slice(0, 8)) if (h.kind === "hold") console.log(`  hold ${h.ms} ms (cpu ${h.cpuMs}, queued ${h.queuedMs}) at ${h.t}`);
    for (const w of wheres.slice(0, 6)) {
      if (w.kind !== "where") continue;
      const samples = Object.entries(w.samples).sort((a, b) => b[1] - a[1]);
      console.log(`  held ${w.ms} ms at ${w.t}, main thread sampled: ${samples.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    }
    const overall = new Map<string, number>();
    for (const w of wheres) if (w.kind === "where") for (const [k, n] of Object.entries(w.samples)) overall.set(k, (overall.get(k) ?? 0) + n);
    if (overall.size > 0)
      console.log(
        `  all holds, main thread sampled: ${[...overall]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, n]) => `${k} ×${n}`)
          .join(", ")}`,
      );
    for (const g of gcs.slice(0, 6)) if (g.kind === "gc") console.log(`  gc ${g.gc} ${g.ms} ms heap ${g.heapMb} MB at ${g.t}`);
    const bySql = new Map<string, { n: number; max: number; sum: number }>();
    for (const s of sqls) {
      if (s.kind !== "sql") continue;
      const key = s.sql.slice(0, 100);
      const agg = bySql.get(key) ?? { n: 0, max: 0, sum: 0 };
      agg.n++;
      agg.max = Math.max(agg.max, s.ms);
      agg.sum += s.ms;
      bySql.set(key, agg);
    }
    for (const [sql, agg] of [...bySql].sort((a, b) => b[1].max - a[1].max).slice(0, 6))
      console.log(`  sql ×${agg.n} max ${agg.max} ms mean ${Math.round(agg.sum / agg.n)}: ${sql}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!) && process.argv[2]) summarise(process.argv[2]);
