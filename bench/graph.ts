import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildGraphFromArrays, pageRank, type EdgeArrays } from "../deliberation/values/moral-graph.js";
import { round, summary, table } from "./support.js";
import { prng } from "../deliberation/random.js";

/**
 * The moral graph at scale: synthetic graphs of 1e4, 1e5 and 1e6 values with ~5 aggregated edges
 * per value, generated straight into typed arrays (no per-edge objects). Times the CSR build and a
 * cold PageRank separately, then a warm recompute (rebuild + PageRank warm-started from the previous
 * scores) after 1% new judgments, and the memory held by the edges, the CSR and the scores.
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
  // For reference: a 1000× stricter tolerance (L1 change < 1e-12·n).
  const [strict, strictMs] = time(() => pageRank(graph, { tolerance: 1e-12 }));
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

// A small warm-up so the first measured size is not paying for the JIT.
await run(2_000, 1, 3);
const rows = [await run(10_000, 10, 5), await run(100_000, 100, 3), await run(1_000_000, 1000, 3)];
console.log("moral graph: ~5 aggregated edges per value, damping 0.85, L1 tolerance 1e-9·n");
console.log("warm = rebuild + PageRank warm-started from the previous scores, after 1% new judgments");
console.log("memory = heapUsed + arrayBuffers held by the edge arrays, CSR and scores (after gc); csr = the CSR alone");
console.log("strict = cold PageRank with tolerance 1e-12·n instead of 1e-9·n; times are the best of several runs (ms)\n");
table(rows);
const big = rows[2]!;
summary("graph", {
  pagerank_1e4_ms: rows[0]!.pagerank_ms,
  pagerank_1e5_ms: rows[1]!.pagerank_ms,
  pagerank_1e6_ms: big.pagerank_ms,
  build_1e6_ms: big.build_ms,
  warm_1e6_ms: big.warm_ms,
  memory_1e6_mb: big.memory_mb,
  iterations_1e6: big.iterations,
});
