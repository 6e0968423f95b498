import { DomainError } from "../errors.js";
import type { Answer } from "./types.js";

/**
 * The moral graph (DESIGN.md, "Why thick values"; after the Meaning Alignment Institute's moral
 * graph elicitation). Nodes are canonical values in one choice context. A judgment on the ordered
 * pair (A, B) answers "is B wiser than A?" with wiser | not_wiser | unsure; the edge A→B aggregates
 * every judgment on that pair. An edge COUNTS only with enough agreement (see `edgeVerdict`), and
 * scores are a likelihood-weighted PageRank in which rank flows from A to B along counting edges,
 * so a value that many agree is wiser than others gains score.
 *
 * Pure: no I/O. Built for scale: the graph is a CSR of typed arrays built without per-edge objects
 * (bench/graph.ts: for 1e6 values and 5e6 edges the CSR takes ~64 MB, PageRank about half a second).
 */

// ---------------------------------------------------------------------------------------------
// Edge filter

export interface EdgeThresholds {
  /** At least this many "wiser" votes (default 2: one citizen alone never makes an edge). */
  minWiser: number;
  /** likelihood = (wiser − notWiser) / total must reach this (default 0.33). */
  minLikelihood: number;
  /**
   * Shannon entropy, in bits, of the vote distribution (wiser, notWiser, unsure)/total must not
   * exceed this. Default 1.0 bit (the maximum for three outcomes is log2 3 ≈ 1.585): e.g. 2 wiser +
   * 2 unsure (exactly 1.0) still counts, 3 wiser + 1 not wiser + 1 unsure (≈1.37) does not: votes
   * spread over all three answers mean the crowd has not settled the question.
   */
  maxEntropy: number;
}

export const DEFAULT_EDGE_THRESHOLDS: Readonly<EdgeThresholds> = Object.freeze({
  minWiser: 2,
  minLikelihood: 0.33,
  maxEntropy: 1.0,
});

/** Comparisons at the thresholds forgive floating-point noise of this size. */
const EPSILON = 1e-12;

export interface VoteCounts {
  wiser: number;
  notWiser: number;
  unsure: number;
}

export interface EdgeVerdict {
  counts: boolean;
  /** (wiser − notWiser) / total, 0 when there are no votes. */
  likelihood: number;
  /** Shannon entropy of (wiser, notWiser, unsure)/total in bits, 0 when there are no votes. */
  entropy: number;
}

function resolveThresholds(partial?: Partial<EdgeThresholds>): EdgeThresholds {
  const t = { ...DEFAULT_EDGE_THRESHOLDS, ...partial };
  if (!Number.isFinite(t.minWiser) || !Number.isFinite(t.minLikelihood) || !Number.isFinite(t.maxEntropy)) {
    throw new RangeError("moral graph thresholds must be finite numbers");
  }
  return t;
}

/** c·log2(c) for small whole c, looked up rather than computed (the builder calls it ~4 times per edge). */
const XLOG2X = new Float64Array(1024).map((_, c) => (c > 0 ? c * Math.log2(c) : 0));

/** x·log2(x), with 0·log2(0) = 0. */
function xlog2x(x: number): number {
  if (x >= 0 && x < 1024 && (x | 0) === x) return XLOG2X[x]!;
  return x > 0 ? x * Math.log2(x) : 0;
}

/** Entropy in bits of (w, n, u)/t, computed as (t·log2 t − Σ c·log2 c) / t. */
function voteEntropy(w: number, n: number, u: number, t: number): number {
  if (t <= 0) return 0;
  const h = (xlog2x(t) - xlog2x(w) - xlog2x(n) - xlog2x(u)) / t;
  return h > 0 ? h : 0; // clamp −0 and rounding noise below zero
}

/**
 * The weight of an edge if it counts, otherwise NaN. A counting edge also needs a positive
 * likelihood whatever the thresholds say, since the likelihood is its PageRank weight.
 */
function countingLikelihood(w: number, n: number, u: number, th: EdgeThresholds): number {
  const t = w + n + u;
  if (t <= 0 || w < th.minWiser) return Number.NaN;
  const likelihood = (w - n) / t;
  if (!(likelihood > 0) || likelihood < th.minLikelihood - EPSILON) return Number.NaN;
  if (voteEntropy(w, n, u, t) > th.maxEntropy + EPSILON) return Number.NaN;
  return likelihood;
}

function checkCounts(w: number, n: number, u: number): void {
  if (!(w >= 0 && n >= 0 && u >= 0) || !Number.isFinite(w + n + u)) {
    throw new RangeError(`vote counts must be non-negative finite numbers, got (${w}, ${n}, ${u})`);
  }
}

/** Whether the aggregated votes on one ordered pair make a counting edge, and why. */
export function edgeVerdict(counts: VoteCounts, thresholds?: Partial<EdgeThresholds>): EdgeVerdict {
  const { wiser: w, notWiser: n, unsure: u } = counts;
  checkCounts(w, n, u);
  const th = resolveThresholds(thresholds);
  const t = w + n + u;
  return {
    counts: !Number.isNaN(countingLikelihood(w, n, u, th)),
    likelihood: t > 0 ? (w - n) / t : 0,
    entropy: voteEntropy(w, n, u, t),
  };
}

// ---------------------------------------------------------------------------------------------
// CSR graph

/**
 * Only counting edges are kept, grouped by target ("in-CSR", which is what pull-style PageRank
 * reads): the sources of node v are inSources[inOffsets[v] .. inOffsets[v + 1]), sorted by index,
 * with their likelihoods in inWeights at the same positions.
 */
export interface MoralGraphCsr {
  /** Number of nodes. */
  n: number;
  /** Node index → id, when the graph was built from ids. */
  nodeIds?: readonly string[];
  inOffsets: Int32Array;
  inSources: Int32Array;
  inWeights: Float64Array;
  /** Per node: sum of the likelihoods of its counting out-edges (0 = dangling). */
  outWeight: Float64Array;
  /** Per node: number of counting out-edges. */
  outDegree: Int32Array;
  /** Number of counting edges. */
  edgeCount: number;
  /** Number of distinct ordered pairs that had votes (self-pairs ignored), counting or not. */
  pairCount: number;
}

/** Aggregated edges as parallel arrays: edge i is from[i] → to[i] with its vote counts. */
export interface EdgeArrays {
  from: Int32Array;
  to: Int32Array;
  wiser: ArrayLike<number>;
  notWiser: ArrayLike<number>;
  unsure: ArrayLike<number>;
}

/** Runs longer than this are sorted through a permutation rather than by insertion. */
const INSERTION_SORT_MAX = 32;

/** Sorts src[start..end) ascending, moving weight[] along; ties keep no particular order. */
function sortRun(src: Int32Array, weight: Float64Array, start: number, end: number): void {
  if (end - start <= INSERTION_SORT_MAX) {
    for (let i = start + 1; i < end; i++) {
      const s = src[i]!;
      const w = weight[i]!;
      let j = i - 1;
      while (j >= start && src[j]! > s) {
        src[j + 1] = src[j]!;
        weight[j + 1] = weight[j]!;
        j--;
      }
      src[j + 1] = s;
      weight[j + 1] = w;
    }
    return;
  }
  const s2 = src.slice(start, end);
  const w2 = weight.slice(start, end);
  const perm = new Int32Array(end - start);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  perm.sort((a, b) => s2[a]! - s2[b]!);
  for (let i = 0; i < perm.length; i++) {
    src[start + i] = s2[perm[i]!]!;
    weight[start + i] = w2[perm[i]!]!;
  }
}

/** In the scatter, a pair with no votes at all (it counts for nothing, not even pairCount). */
const NO_VOTES = -1;

/**
 * The low-level builder: node indices 0..n-1, edges straight from typed arrays (no per-edge
 * objects). Repeated pairs are merged by summing their counts before the filter; self-pairs are
 * ignored. O(n + m) time, built to touch memory at random as little as possible: one sequential
 * pass scatters (source, verdict) into per-target runs, each run is sorted by source in place, and
 * the counting edges are compacted. Only when a pair is repeated is the input read once more.
 */
export function buildGraphFromArrays(n: number, edges: EdgeArrays, thresholds?: Partial<EdgeThresholds>, nodeIds?: readonly string[]): MoralGraphCsr {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`bad node count ${n}`);
  if (nodeIds && nodeIds.length !== n) throw new RangeError("nodeIds.length must equal n");
  const th = resolveThresholds(thresholds);
  const { from, to, wiser, notWiser, unsure } = edges;
  const m = from.length;
  if (to.length !== m || wiser.length !== m || notWiser.length !== m || unsure.length !== m) {
    throw new RangeError("edge arrays must all have the same length");
  }

  // Pass 1 (sequential): count edges per target.
  const inOffsets = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const s = from[e]!;
    const d = to[e]!;
    if (!(s >= 0 && s < n && d >= 0 && d < n)) throw new RangeError(`edge ${e} (${s} → ${d}) is outside 0..${n - 1}`);
    inOffsets[d + 1]!++;
  }
  for (let i = 0; i < n; i++) inOffsets[i + 1]! += inOffsets[i]!;

  // Pass 2 (sequential reads): scatter each edge's source and verdict into its target's run.
  // The verdict is the likelihood if the edge counts on its own, NaN if not, NO_VOTES if empty.
  let inSources = new Int32Array(m);
  let inWeights = new Float64Array(m);
  const cursor = inOffsets.slice(0, n);
  for (let e = 0; e < m; e++) {
    const w = wiser[e]!;
    const nw = notWiser[e]!;
    const u = unsure[e]!;
    checkCounts(w, nw, u);
    const position = cursor[to[e]!]!++;
    inSources[position] = from[e]!;
    inWeights[position] = w + nw + u > 0 ? countingLikelihood(w, nw, u, th) : NO_VOTES;
  }

  // Pass 3: sort every run by source; note the targets that have a repeated source.
  let repeated: Uint8Array | undefined;
  for (let v = 0; v < n; v++) {
    const start = inOffsets[v]!;
    const end = inOffsets[v + 1]!;
    if (end - start < 2) continue;
    sortRun(inSources, inWeights, start, end);
    for (let k = start + 1; k < end; k++) {
      if (inSources[k] === inSources[k - 1]) {
        (repeated ??= new Uint8Array(n))[v] = 1;
        break;
      }
    }
  }

  // Only with repeated pairs: sum their counts in one more sequential pass over the input.
  let merged: Map<string, [number, number, number]> | undefined;
  if (repeated) {
    merged = new Map();
    for (let e = 0; e < m; e++) {
      const d = to[e]!;
      if (repeated[d] === 0) continue;
      const key = `${from[e]!},${d}`;
      const sum = merged.get(key) ?? [0, 0, 0];
      sum[0] += wiser[e]!;
      sum[1] += notWiser[e]!;
      sum[2] += unsure[e]!;
      merged.set(key, sum);
    }
  }

  // Pass 4 (sequential): keep the counting edges, compacted in place, skipping self-pairs.
  const outWeight = new Float64Array(n);
  const outDegree = new Int32Array(n);
  let written = 0;
  let pairCount = 0;
  for (let v = 0; v < n; v++) {
    const start = inOffsets[v]!;
    const end = inOffsets[v + 1]!;
    inOffsets[v] = written;
    let k = start;
    while (k < end) {
      const s = inSources[k]!;
      let likelihood = inWeights[k]!;
      k++;
      if (k < end && inSources[k] === s) {
        while (k < end && inSources[k] === s) k++;
        const [w, nw, u] = merged!.get(`${s},${v}`)!;
        checkCounts(w, nw, u);
        likelihood = w + nw + u > 0 ? countingLikelihood(w, nw, u, th) : NO_VOTES;
      }
      if (s === v || likelihood === NO_VOTES) continue;
      pairCount++;
      if (Number.isNaN(likelihood)) continue;
      inSources[written] = s;
      inWeights[written] = likelihood;
      written++;
      outWeight[s]! += likelihood;
      outDegree[s]!++;
    }
  }
  inOffsets[n] = written;
  if (written < m) {
    // Trim to size: the oversized buffers become garbage.
    inSources = inSources.slice(0, written);
    inWeights = inWeights.slice(0, written);
  }
  return { n, nodeIds, inOffsets, inSources, inWeights, outWeight, outDegree, edgeCount: written, pairCount };
}

export interface AggregatedEdge extends VoteCounts {
  from: string;
  to: string;
}

/** Builds the CSR from node ids and aggregated edges (repeated pairs are summed). */
export function buildGraph(nodeIds: readonly string[], edges: readonly AggregatedEdge[], thresholds?: Partial<EdgeThresholds>): MoralGraphCsr {
  const index = new Map<string, number>();
  nodeIds.forEach((id, i) => {
    if (index.has(id)) throw new DomainError("invalid", "moral_graph.duplicate_node", `duplicate node id "${id}"`);
    index.set(id, i);
  });
  const m = edges.length;
  const arrays = {
    from: new Int32Array(m),
    to: new Int32Array(m),
    wiser: new Float64Array(m),
    notWiser: new Float64Array(m),
    unsure: new Float64Array(m),
  };
  edges.forEach((edge, e) => {
    const s = index.get(edge.from);
    const d = index.get(edge.to);
    if (s === undefined || d === undefined) {
      const missing = s === undefined ? edge.from : edge.to;
      throw new DomainError("invalid", "moral_graph.unknown_node", `edge names unknown node "${missing}"`, { id: missing });
    }
    arrays.from[e] = s;
    arrays.to[e] = d;
    arrays.wiser[e] = edge.wiser;
    arrays.notWiser[e] = edge.notWiser;
    arrays.unsure[e] = edge.unsure;
  });
  return buildGraphFromArrays(nodeIds.length, arrays, thresholds, nodeIds.slice());
}

// ---------------------------------------------------------------------------------------------
// PageRank

export interface PageRankOptions {
  /** Probability of following an edge rather than jumping to a uniformly random node. */
  damping?: number;
  /**
   * Stop when the L1 change of one iteration is below this, an ABSOLUTE bound: the scores sum to 1
   * whatever n is, so the rule must not grow with n (a bound of tolerance · n let a warm start at
   * 100,000 values stop after one step with ranks thousands of places off). See DEFAULT_PAGERANK.
   */
  tolerance?: number;
  /** A safety cap, far above what a cold start needs at the default tolerance (about 170 steps at most). */
  maxIterations?: number;
  /** Warm start: previous scores, one per node (normalised to sum 1 before use). */
  initial?: Float64Array;
}

export interface PageRankResult {
  /** One score per node, summing to 1. */
  scores: Float64Array;
  iterations: number;
  /** L1 change of the last iteration. */
  delta: number;
  converged: boolean;
}

/**
 * The power iteration is a contraction of factor d (damping) in L1, so when one step changes the
 * scores by delta, the scores are within delta · d / (1 − d) of the fixed point (≈ 5.7 · delta at
 * d = 0.85). With delta < 1e-12 that is < 6e-12 in L1 over ALL values together, far below 1e-9, the
 * gap under which two scores count as a tie for ranking (graph.server.ts): whatever n, a warm start
 * and a cold start give the same ranks. Per value the bound alone guarantees only 6e-12 absolute
 * (the smallest score is (1 − d)/n, 1.5e-6 at 100,000 values); measured, warm and cold agree to
 * within 1e-9 relative on every value (tests/unit/moral-graph.test.ts, 100,000 values). Rounding in
 * a sum of n scores stays near 1e-16 · √n in L1, so the bound is reachable up to tens of millions of
 * values. From the uniform start (at most 2 from the fixed point in L1) a cold start needs at most
 * log(1e-12 / 2)/log(d) ≈ 175 steps; the cap of 1,000 is never reached by one.
 */
export const DEFAULT_PAGERANK = Object.freeze({ damping: 0.85, tolerance: 1e-12, maxIterations: 1000 });

/**
 * Likelihood-weighted PageRank by pull-style power iteration over the in-CSR. A node passes
 * damping · its score to its counting out-edges in proportion to their likelihoods (normalised by
 * its outWeight); a dangling node (no counting out-edge) spreads its score uniformly; every node
 * receives (1 − damping)/n teleport.
 */
export function pageRank(graph: MoralGraphCsr, options: PageRankOptions = {}): PageRankResult {
  const damping = options.damping ?? DEFAULT_PAGERANK.damping;
  const tolerance = options.tolerance ?? DEFAULT_PAGERANK.tolerance;
  const maxIterations = options.maxIterations ?? DEFAULT_PAGERANK.maxIterations;
  if (!(damping >= 0 && damping < 1)) throw new RangeError("damping must be in [0, 1)");
  if (!(tolerance >= 0)) throw new RangeError("tolerance must be ≥ 0");
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError("maxIterations must be a positive integer");
  const { n, inOffsets, inSources, inWeights, outWeight } = graph;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, delta: 0, converged: true };

  let rank = new Float64Array(n);
  const initial = options.initial;
  let initialSum = 0;
  if (initial) {
    if (initial.length !== n) throw new RangeError(`initial has ${initial.length} scores for ${n} nodes`);
    for (let i = 0; i < n; i++) {
      const x = initial[i]!;
      if (x > 0 && Number.isFinite(x)) initialSum += x;
    }
  }
  if (initial && initialSum > 0 && Number.isFinite(initialSum)) {
    for (let i = 0; i < n; i++) {
      const x = initial[i]!;
      rank[i] = x > 0 && Number.isFinite(x) ? x / initialSum : 0;
    }
  } else {
    rank.fill(1 / n);
  }

  let next = new Float64Array(n);
  const contrib = new Float64Array(n);
  const teleport = (1 - damping) / n;
  let iterations = 0;
  let delta = Number.POSITIVE_INFINITY;
  const limit = tolerance;
  while (iterations < maxIterations) {
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      const ow = outWeight[u]!;
      if (ow > 0) contrib[u] = rank[u]! / ow;
      else {
        contrib[u] = 0;
        dangling += rank[u]!;
      }
    }
    const base = teleport + (damping * dangling) / n;
    delta = 0;
    let k = inOffsets[0]!;
    for (let v = 0; v < n; v++) {
      const end = inOffsets[v + 1]!;
      let sum = 0;
      for (; k < end; k++) sum += contrib[inSources[k]!]! * inWeights[k]!;
      const value = base + damping * sum;
      const diff = value - rank[v]!;
      delta += diff < 0 ? -diff : diff;
      next[v] = value;
    }
    const swap = rank;
    rank = next;
    next = swap;
    iterations++;
    if (delta < limit) break;
  }
  return { scores: rank, iterations, delta, converged: delta < limit };
}

// ---------------------------------------------------------------------------------------------
// Incremental moral graph of one choice context

export interface JudgmentInput {
  /** The value judged against (A). */
  from: string;
  /** The value judged wiser or not (B): "is B wiser than A?". */
  to: string;
  answer: Answer;
  /** When a citizen changes a judgment: their earlier answer, whose vote is withdrawn. */
  previous?: Answer;
}

export interface RankedValue {
  id: string;
  score: number;
  /** 1-based; equal scores share a rank (1, 2, 2, 4); order among them is by id. */
  rank: number;
  /** Citizens holding or endorsing the value, as given by the caller. */
  support: number;
  /** Total "not_wiser" votes on all edges into the value, counting or not. */
  dissent: number;
  /** Counting edges into / out of the value. */
  edgesIn: number;
  edgesOut: number;
}

export interface RecomputeResult {
  scores: Float64Array;
  iterations: number;
  /** False when nothing had changed since the last recompute (the cached result is returned). */
  rebuilt: boolean;
}

export interface MoralGraphOptions {
  thresholds?: Partial<EdgeThresholds>;
  pageRank?: Omit<PageRankOptions, "initial">;
}

export interface MoralGraph {
  readonly contextId: string;
  /** Adds a node if it is new; returns its index. */
  addNode(id: string): number;
  /** Records one judgment (adding unknown nodes), or replaces an earlier one given `previous`. */
  addJudgment(judgment: JudgmentInput): void;
  /** The aggregated votes on the ordered pair, if any were ever cast. */
  edge(from: string, to: string): VoteCounts | undefined;
  nodeCount(): number;
  /** Ordered pairs with aggregated votes. */
  pairCount(): number;
  isDirty(): boolean;
  /** Rebuilds the CSR if anything changed and reruns PageRank warm-started from the last scores. */
  recompute(): RecomputeResult;
  /** The CSR of the last recompute (recomputing first if dirty). */
  graph(): MoralGraphCsr;
  /** All values, by score descending then id (recomputing first if dirty). */
  ranking(support?: ReadonlyMap<string, number>): RankedValue[];
}

/** Pairs are keyed by from · 2^26 + to, an exact integer below 2^53. */
const NODE_LIMIT = 2 ** 26;
const ANSWERS: readonly Answer[] = ["wiser", "not_wiser", "unsure"];

export function createMoralGraph(contextId: string, options: MoralGraphOptions = {}): MoralGraph {
  const thresholds = resolveThresholds(options.thresholds);
  const rankOptions = options.pageRank ?? {};
  const ids: string[] = [];
  const index = new Map<string, number>();
  const dissent: number[] = [];
  // Per-pair aggregates as growable parallel typed arrays.
  const pairIndex = new Map<number, number>();
  let capacity = 16;
  let pairs = 0;
  let from = new Int32Array(capacity);
  let to = new Int32Array(capacity);
  let votes = [new Int32Array(capacity), new Int32Array(capacity), new Int32Array(capacity)] as const;
  let dirty = true;
  let last: { graph: MoralGraphCsr; result: PageRankResult } | undefined;

  function grow(): void {
    capacity *= 2;
    const widen = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    from = widen(from);
    to = widen(to);
    votes = [widen(votes[0]), widen(votes[1]), widen(votes[2])] as const;
  }

  function addNode(id: string): number {
    const known = index.get(id);
    if (known !== undefined) return known;
    if (ids.length >= NODE_LIMIT) throw new DomainError("conflict", "moral_graph.too_many_nodes", "too many values in one context");
    const i = ids.length;
    ids.push(id);
    index.set(id, i);
    dissent.push(0);
    dirty = true;
    return i;
  }

  function answerSlot(answer: Answer): 0 | 1 | 2 {
    const slot = ANSWERS.indexOf(answer);
    if (slot < 0) throw new DomainError("invalid", "moral_graph.bad_answer", `unknown answer "${String(answer)}"`);
    return slot as 0 | 1 | 2;
  }

  function addJudgment({ from: a, to: b, answer, previous }: JudgmentInput): void {
    if (a === b) throw new DomainError("invalid", "moral_graph.self_judgment", "a value cannot be judged against itself");
    const slot = answerSlot(answer);
    const previousSlot = previous === undefined ? undefined : answerSlot(previous);
    if (previousSlot !== undefined) {
      // Checked before anything changes: a failed replacement leaves the graph as it was.
      const p = pairSlot(a, b);
      if (p === undefined || votes[previousSlot][p]! <= 0) {
        throw new DomainError("conflict", "moral_graph.no_previous_judgment", `no "${previous}" vote to replace on ${a} → ${b}`);
      }
    }
    const s = addNode(a);
    const d = addNode(b);
    const key = s * NODE_LIMIT + d;
    let p = pairIndex.get(key);
    if (previousSlot !== undefined && p !== undefined) {
      if (previousSlot === slot) return;
      votes[previousSlot][p]!--;
      if (previousSlot === 1) dissent[d]!--;
    }
    if (p === undefined) {
      if (pairs === capacity) grow();
      p = pairs++;
      pairIndex.set(key, p);
      from[p] = s;
      to[p] = d;
    }
    votes[slot][p]!++;
    if (slot === 1) dissent[d]!++;
    dirty = true;
  }

  function pairSlot(a: string, b: string): number | undefined {
    const s = index.get(a);
    const d = index.get(b);
    return s === undefined || d === undefined ? undefined : pairIndex.get(s * NODE_LIMIT + d);
  }

  function recompute(): RecomputeResult {
    if (!dirty && last) return { scores: last.result.scores, iterations: last.result.iterations, rebuilt: false };
    const n = ids.length;
    const graph = buildGraphFromArrays(
      n,
      {
        from: from.subarray(0, pairs),
        to: to.subarray(0, pairs),
        wiser: votes[0].subarray(0, pairs),
        notWiser: votes[1].subarray(0, pairs),
        unsure: votes[2].subarray(0, pairs),
      },
      thresholds,
      ids.slice(),
    );
    let initial: Float64Array | undefined;
    if (last && last.graph.n > 0) {
      // Known nodes keep their score; new ones start at 1/n (pageRank renormalises).
      initial = new Float64Array(n).fill(1 / n);
      initial.set(last.result.scores.subarray(0, Math.min(n, last.graph.n)));
    }
    const result = pageRank(graph, { ...rankOptions, initial });
    last = { graph, result };
    dirty = false;
    return { scores: result.scores, iterations: result.iterations, rebuilt: true };
  }

  function current(): { graph: MoralGraphCsr; result: PageRankResult } {
    if (dirty || !last) recompute();
    return last!;
  }

  function ranking(support: ReadonlyMap<string, number> = new Map()): RankedValue[] {
    const { graph, result } = current();
    const order = ids.map((_, i) => i);
    const scores = result.scores;
    order.sort((x, y) => scores[y]! - scores[x]! || (ids[x]! < ids[y]! ? -1 : ids[x]! > ids[y]! ? 1 : 0));
    const out: RankedValue[] = [];
    order.forEach((i, position) => {
      const previous = out[position - 1];
      const score = scores[i]!;
      out.push({
        id: ids[i]!,
        score,
        rank: previous && previous.score === score ? previous.rank : position + 1,
        support: support.get(ids[i]!) ?? 0,
        dissent: dissent[i]!,
        edgesIn: graph.inOffsets[i + 1]! - graph.inOffsets[i]!,
        edgesOut: graph.outDegree[i]!,
      });
    });
    return out;
  }

  return {
    contextId,
    addNode,
    addJudgment,
    edge(a, b) {
      const p = pairSlot(a, b);
      if (p === undefined) return undefined;
      return { wiser: votes[0][p]!, notWiser: votes[1][p]!, unsure: votes[2][p]! };
    },
    nodeCount: () => ids.length,
    pairCount: () => pairs,
    isDirty: () => dirty,
    recompute,
    graph: () => current().graph,
    ranking,
  };
}
