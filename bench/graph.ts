import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildGraphFromArrays, pageRank, type EdgeArrays } from "../deliberation/values/moral-graph.js";
import { round, summary, table } from "./support.js";
import { prng } from "../deliberation/random.js";
import { openDatabase } from "../db/connection.js";
import { migrateToLatest } from "../db/migrate.js";
import { systemClock } from "../server/services/deps.server.js";
import { createGraphRegistry, createGraphWorker } from "../server/services/graph.server.js";

/**
 * The moral graph at scale: synthetic graphs of 1e4, 1e5 and 1e6 values with ~5 aggregated edges
 * per value, generated straight into typed arrays (no per-edge objects). Times the CSR build and a
 * cold PageRank separately, then a warm recompute (rebuild + PageRank warm-started from the previous
 * scores) after 1% new judgments, and the memory held by the edges, the CSR and the scores.
 *
 * Then what the server does (issue 15): the longest event-loop block during a warm recompute run in
 * the event loop (as before) and in the graph worker, at 10 k and 100 k values; and the graph
 * registry itself on a SQLite database of 100 k values (`--registry-values N` to change), its first
 * recompute (the whole context) and an incremental one after one new judgment: time, rows written,
 * longest event-loop block.
 */

// A real collection when the flag can be turned on at run time; otherwise memory figures are noisier.
setFlagsFromString("--expose-gc");
const gc = (runInNewContext("gc") as (() => void) | undefined) ?? (() => {});

/** Live heap + array buffers after a collection; array buffers are freed a moment after it. */
async function heapMb(): Promise<number> {
  gc();
  await sleep(50);
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

const EDGES_PER_NODE = 5;

/**
 * Edges A→B with B drawn skewed towards low indices (a few values are judged wiser by many), and
 * vote counts of which ~85% pass the filter: mostly 2–8 "wiser", some "not wiser" and "unsure".
 */
function writeEdges(random: () => number, n: number, arrays: EdgeArraysMut, start: number, end: number): void {
  for (let e = start; e < end; e++) {
    const from = Math.floor(random() * n);
    let to = Math.floor(n * random() ** 2);
    if (to === from) to = (to + 1) % n;
    arrays.from[e] = from;
    arrays.to[e] = to;
    const r = random();
    arrays.wiser[e] = r < 0.1 ? 1 : 2 + Math.floor(random() * 7);
    arrays.notWiser[e] = r < 0.05 ? 4 : random() < 0.3 ? 1 : 0;
    arrays.unsure[e] = random() < 0.25 ? 1 : 0;
  }
}

interface EdgeArraysMut extends EdgeArrays {
  wiser: Uint16Array;
  notWiser: Uint16Array;
  unsure: Uint16Array;
}

function allocate(m: number): EdgeArraysMut {
  return {
    from: new Int32Array(m),
    to: new Int32Array(m),
    wiser: new Uint16Array(m),
    notWiser: new Uint16Array(m),
    unsure: new Uint16Array(m),
  };
}

function time<T>(run: () => T): [T, number] {
  const started = performance.now();
  const value = run();
  return [value, performance.now() - started];
}

type Row = {
  nodes: number;
  edges: number;
  counting: number;
  build_ms: number;
  pagerank_ms: number;
  iterations: number;
  warm_build_ms: number;
  warm_pagerank_ms: number;
  warm_iterations: number;
  warm_ms: number;
  strict_ms: number;
  strict_iterations: number;
  memory_mb: number;
  csr_mb: number;
};

async function run(n: number, seed: number, reps: number): Promise<Row> {
  const random = prng(seed);
  const m = n * EDGES_PER_NODE;
  const before = await heapMb();
  const edges = allocate(m);
  writeEdges(random, n, edges, 0, m);

  // Best of a few runs: the figures should not depend on what else the machine is doing.
  let [graph, buildMs] = time(() => buildGraphFromArrays(n, edges));
  let [cold, pagerankMs] = time(() => pageRank(graph));
  for (let rep = 1; rep < reps; rep++) {
    const [g, b] = time(() => buildGraphFromArrays(n, edges));
    const [c, p] = time(() => pageRank(g));
    [graph, cold] = [g, c];
    buildMs = Math.min(buildMs, b);
    pagerankMs = Math.min(pagerankMs, p);
  }
  const memoryMb = (await heapMb()) - before;
  // For reference: a 100× stricter tolerance (L1 change < 1e-14).
  const [strict, strictMs] = time(() => pageRank(graph, { tolerance: 1e-14 }));
  const csrMb = [graph.inOffsets, graph.inSources, graph.inWeights, graph.outWeight, graph.outDegree].reduce((sum, a) => sum + a.byteLength, 0) / 2 ** 20;

  // 1% new judgments: one more vote on 1% of the existing pairs, and 1% new pairs.
  const extra = Math.ceil(m / 100);
  const grown = allocate(m + extra);
  grown.from.set(edges.from);
  grown.to.set(edges.to);
  grown.wiser.set(edges.wiser);
  grown.notWiser.set(edges.notWiser);
  grown.unsure.set(edges.unsure);
  for (let i = 0; i < extra; i++) {
    const e = Math.floor(random() * m);
    const r = random();
    if (r < 0.7) grown.wiser[e]!++;
    else if (r < 0.85) grown.notWiser[e]!++;
    else grown.unsure[e]!++;
  }
  writeEdges(random, n, grown, m, m + extra);
  let [graph2, warmBuildMs] = time(() => buildGraphFromArrays(n, grown));
  let [warm, warmPagerankMs] = time(() => pageRank(graph2, { initial: cold.scores }));
  for (let rep = 1; rep < reps; rep++) {
    const [g, b] = time(() => buildGraphFromArrays(n, grown));
    const [w, p] = time(() => pageRank(g, { initial: cold.scores }));
    [graph2, warm] = [g, w];
    warmBuildMs = Math.min(warmBuildMs, b);
    warmPagerankMs = Math.min(warmPagerankMs, p);
  }
  if (!cold.converged || !warm.converged || !strict.converged) throw new Error(`PageRank did not converge at n=${n}`);

  return {
    nodes: n,
    edges: m,
    counting: graph.edgeCount,
    build_ms: round(buildMs),
    pagerank_ms: round(pagerankMs),
    iterations: cold.iterations,
    warm_build_ms: round(warmBuildMs),
    warm_pagerank_ms: round(warmPagerankMs),
    warm_iterations: warm.iterations,
    warm_ms: round(warmBuildMs + warmPagerankMs),
    strict_ms: round(strictMs),
    strict_iterations: strict.iterations,
    memory_mb: round(memoryMb),
    csr_mb: round(csrMb),
  };
}

// `--registry-only`: just the last part (the registry on SQLite).
const registryOnly = process.argv.includes("--registry-only");
// A small warm-up so the first measured size is not paying for the JIT.
if (!registryOnly) await run(2_000, 1, 3);
const rows = registryOnly ? [] : [await run(10_000, 10, 5), await run(100_000, 100, 3), await run(1_000_000, 1000, 3)];
console.log("moral graph: ~5 aggregated edges per value, damping 0.85, stop when the L1 change < 1e-12 (absolute)");
console.log("warm = rebuild + PageRank warm-started from the previous scores, after 1% new judgments");
console.log("memory = heapUsed + arrayBuffers held by the edge arrays, CSR and scores (after gc); csr = the CSR alone");
console.log("strict = cold PageRank with tolerance 1e-14 instead of 1e-12; times are the best of several runs (ms)\n");
if (!registryOnly) table(rows);

// ---------------------------------------------------------------------------------------------
// The event loop during a recompute: in it (as the registry did) or in the graph worker.

/** The longest event-loop delay while `work` runs, in ms (1 ms resolution). */
async function longestBlock(work: () => Promise<unknown> | unknown): Promise<[number, number]> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await sleep(20); // the first samples set the clock: a block before them would go unseen
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  await sleep(20); // a block at the very end is recorded on the next turn
  histogram.disable();
  return [histogram.max / 1e6, ms];
}

type LoopRow = { nodes: number; inloop_ms: number; inloop_block_ms: number; worker_ms: number; worker_block_ms: number; worker_iterations: number };

async function loop(n: number, seed: number): Promise<LoopRow> {
  const random = prng(seed);
  const m = n * EDGES_PER_NODE;
  const edges = allocate(m);
  writeEdges(random, n, edges, 0, m);
  const previous = pageRank(buildGraphFromArrays(n, edges)).scores;
  // A small update: one pair gets five "wiser" votes and nothing else (an edge that counts, now or more).
  const e = Math.floor(random() * m);
  [edges.wiser[e], edges.notWiser[e], edges.unsure[e]] = [5, 0, 0];
  const [inloopBlock, inloopMs] = await longestBlock(() => pageRank(buildGraphFromArrays(n, edges), { initial: previous }));
  const worker = createGraphWorker();
  const job = () => ({
    n,
    from: edges.from.slice(),
    to: edges.to.slice(),
    wiser: Int32Array.from(edges.wiser),
    notWiser: Int32Array.from(edges.notWiser),
    unsure: Int32Array.from(edges.unsure),
    initial: previous.slice(),
  });
  await worker.run(job()); // the worker starts and warms up
  let iterations = 0;
  const [workerBlock, workerMs] = await longestBlock(async () => {
    const result = await worker.run(job());
    if (result.ok) iterations = result.iterations;
  });
  await worker.terminate();
  return {
    nodes: n,
    inloop_ms: round(inloopMs),
    inloop_block_ms: round(inloopBlock),
    worker_ms: round(workerMs),
    worker_block_ms: round(workerBlock),
    worker_iterations: iterations,
  };
}

const loops = registryOnly ? [] : [await loop(10_000, 11), await loop(100_000, 101)];
if (!registryOnly) console.log("\nwarm recompute (rebuild + PageRank) after a small update: in the event loop, or in the graph worker");
if (!registryOnly) console.log("(worker = copying the tallies out, the job, the answer back); block = longest event-loop delay (ms)\n");
if (!registryOnly) table(loops);

// ---------------------------------------------------------------------------------------------
// The registry on SQLite: the first recompute of a context, then one after one new judgment.

async function registry(n: number) {
  const dir = mkdtempSync(join(tmpdir(), "agora-graph-bench-"));
  const file = join(dir, "graph.sqlite");
  const handle = openDatabase({ kind: "sqlite", file });
  try {
    await migrateToLatest(handle.db);
    const context = "bench";
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const raw = new Database(file);
    raw.pragma("foreign_keys = OFF"); // no citizens or cards: the graph reads neither for these rows
    const random = prng(7);
    let judgments = 0;
    raw.transaction(() => {
      raw.prepare("INSERT INTO contexts (id, title, title_et, description, created_at) VALUES (?, 'Bench', NULL, 'Bench', ?)").run(context, old);
      const value = raw.prepare(
        "INSERT INTO canonical_values (id, context_id, title, description, policies, source_card_id, embedding, created_at) VALUES (?, ?, 't', 'd', '[]', ?, NULL, ?)",
      );
      for (let i = 0; i < n; i++) value.run(`v${i}`, context, `card${i}`, old);
      const pair = raw.prepare(
        "INSERT INTO value_pairs (id, context_id, from_id, to_id, story, llm_call_id, created_at, random_key) VALUES (?, ?, ?, ?, '', NULL, ?, 0)",
      );
      const judgment = raw.prepare("INSERT INTO judgments (id, pair_id, citizen_id, answer, why, created_at) VALUES (?, ?, ?, ?, NULL, ?)");
      const made = new Set<number>();
      for (let p = 0; p < 3 * n; p++) {
        const from = Math.floor(random() * n);
        let to = Math.floor(n * random() ** 2);
        if (to === from) to = (to + 1) % n;
        if (made.has(from * n + to)) continue; // one pair per ordered (from, to)
        made.add(from * n + to);
        pair.run(`p${p}`, context, `v${from}`, `v${to}`, old);
        const answers = [
          ...Array(random() < 0.1 ? 1 : 2 + Math.floor(random() * 4)).fill("wiser"),
          ...(random() < 0.2 ? ["not_wiser"] : []),
          ...(random() < 0.2 ? ["unsure"] : []),
        ];
        for (const [k, answer] of answers.entries()) judgment.run(`j${p}-${k}`, `p${p}`, `c${k}`, answer, old);
        judgments += answers.length;
      }
    })();

    const graphs = createGraphRegistry(() => ({ db: handle.db, clock: systemClock }));
    const [fullBlock, fullMs] = await longestBlock(async () => {
      graphs.changed(context);
      await graphs.settled();
    });
    const before = new Date().toISOString();
    // The update: three citizens judge the last value wiser than the first (a new edge that counts).
    raw
      .prepare(
        "INSERT OR IGNORE INTO value_pairs (id, context_id, from_id, to_id, story, llm_call_id, created_at, random_key) VALUES ('p-new', ?, 'v0', ?, '', NULL, ?, 0)",
      )
      .run(context, `v${n - 1}`, before);
    const pairId = (raw.prepare("SELECT id FROM value_pairs WHERE from_id = 'v0' AND to_id = ?").get(`v${n - 1}`) as { id: string }).id;
    for (const k of [1, 2, 3])
      raw
        .prepare("INSERT INTO judgments (id, pair_id, citizen_id, answer, why, created_at) VALUES (?, ?, ?, 'wiser', NULL, ?)")
        .run(`j-new-${k}`, pairId, `c-new-${k}`, before);
    raw.close();
    const [incrementalBlock, incrementalMs] = await longestBlock(async () => {
      graphs.changed(context);
      await graphs.settled();
    });
    const rewritten = await handle.db
      .selectFrom("graphScores")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("updatedAt", ">=", before)
      .executeTakeFirstOrThrow();
    await graphs.close();
    return {
      values: n,
      judgments,
      first_ms: round(fullMs),
      first_block_ms: round(fullBlock),
      incremental_ms: round(incrementalMs),
      incremental_block_ms: round(incrementalBlock),
      incremental_rows_written: Number(rewritten.n),
    };
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const flag = process.argv.indexOf("--registry-values");
const registryValues = flag >= 0 ? Number(process.argv[flag + 1]) : 100_000;
const reg = await registry(registryValues);
console.log("\nthe graph registry on SQLite: first recompute of a context (reads it whole), then one after three new judgments on a new pair");
console.log("(ms from changed() to settled(), including the 200 ms debounce; block = longest event-loop delay)\n");
table([reg]);

const big = rows[2];
const inThread: Record<string, number> = big
  ? {
      pagerank_1e4_ms: rows[0]!.pagerank_ms,
      pagerank_1e5_ms: rows[1]!.pagerank_ms,
      pagerank_1e6_ms: big.pagerank_ms,
      build_1e6_ms: big.build_ms,
      warm_1e6_ms: big.warm_ms,
      memory_1e6_mb: big.memory_mb,
      iterations_1e4: rows[0]!.iterations,
      warm_iterations_1e4: rows[0]!.warm_iterations,
      iterations_1e5: rows[1]!.iterations,
      warm_iterations_1e5: rows[1]!.warm_iterations,
      iterations_1e6: big.iterations,
      warm_iterations_1e6: big.warm_iterations,
      inloop_block_1e5_ms: loops[1]!.inloop_block_ms,
      worker_block_1e4_ms: loops[0]!.worker_block_ms,
      worker_block_1e5_ms: loops[1]!.worker_block_ms,
      worker_recompute_1e5_ms: loops[1]!.worker_ms,
    }
  : {};
summary("graph", {
  ...inThread,
  registry_values: reg.values,
  registry_first_ms: reg.first_ms,
  registry_first_block_ms: reg.first_block_ms,
  registry_incremental_ms: reg.incremental_ms,
  registry_incremental_block_ms: reg.incremental_block_ms,
  registry_incremental_rows_written: reg.incremental_rows_written,
});
