import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { buildGraphFromArrays, pageRank } from "../../deliberation/values/moral-graph.js";

/**
 * The moral graph's heavy half, run in a `node:worker_threads` worker so that a recompute at
 * national scale never blocks the event loop: CSR build, PageRank (warm-started) and the ranking.
 * Stateless: the registry (graph.server.ts) keeps the edge tallies and posts them, copied into
 * fresh buffers that are transferred, not cloned; the answer's buffers are transferred back.
 */

/** Marks the worker so that importing this module elsewhere (tests, benches, a threads pool) starts no listener. */
export const GRAPH_WORKER_MARK = "agora-graph-worker";

/** Scores within this of each other share a rank (1, 2, 2, 4): a tie the judgments do not break is not a ranking. */
export const RANK_TIE = 1e-9;

export interface GraphJob {
  seq: number;
  /** Nodes 0..n-1, in the registry's order. */
  n: number;
  /** Aggregated votes per judged ordered pair. */
  from: Int32Array;
  to: Int32Array;
  wiser: Int32Array;
  notWiser: Int32Array;
  unsure: Int32Array;
  /** The previous scores (warm start), one per node, or null for a cold start. */
  initial: Float64Array | null;
}

export type GraphJobResult =
  | {
      seq: number;
      ok: true;
      scores: Float64Array;
      /** Competition ranks, 1-based, ties within RANK_TIE share a rank. */
      ranks: Int32Array;
      iterations: number;
      converged: boolean;
      edgeCount: number;
      buildMs: number;
      pagerankMs: number;
    }
  | { seq: number; ok: false; message: string };

/** Competition ranks of the scores: sorted by score descending (then index), equal within RANK_TIE. */
export function competitionRanks(scores: Float64Array): Int32Array {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const ranks = new Int32Array(n);
  let first = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    if (i > 0 && scores[order[i - 1]!]! - scores[v]! > RANK_TIE) first = i;
    ranks[v] = first + 1;
  }
  return ranks;
}

/** One recompute, synchronously: what the worker runs (exported for tests and the bench). */
export function runGraphJob(job: GraphJob): GraphJobResult {
  try {
    const started = performance.now();
    const graph = buildGraphFromArrays(job.n, { from: job.from, to: job.to, wiser: job.wiser, notWiser: job.notWiser, unsure: job.unsure });
    const built = performance.now();
    const initial = job.initial && job.initial.length === job.n ? job.initial : undefined;
    const result = pageRank(graph, initial ? { initial } : {});
    const ranks = competitionRanks(result.scores);
    return {
      seq: job.seq,
      ok: true,
      scores: result.scores,
      ranks,
      iterations: result.iterations,
      converged: result.converged,
      edgeCount: graph.edgeCount,
      buildMs: built - started,
      pagerankMs: performance.now() - built,
    };
  } catch (error) {
    return { seq: job.seq, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

if (parentPort && workerData === GRAPH_WORKER_MARK) {
  const port = parentPort;
  port.on("message", (job: GraphJob) => {
    const result = runGraphJob(job);
    port.postMessage(result, result.ok ? [result.scores.buffer as ArrayBuffer, result.ranks.buffer as ArrayBuffer] : []);
  });
}
