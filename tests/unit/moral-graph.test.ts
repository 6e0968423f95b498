import { describe, expect, it } from "vitest";
import { isDomainError } from "../../deliberation/errors.js";
import {
  buildGraph,
  buildGraphFromArrays,
  createMoralGraph,
  DEFAULT_PAGERANK,
  edgeVerdict,
  pageRank,
  type AggregatedEdge,
  type MoralGraphCsr,
} from "../../deliberation/values/moral-graph.js";
import type { Answer } from "../../deliberation/values/types.js";
import { prng, shuffled } from "../../deliberation/random.js";

const TIGHT = { tolerance: 1e-14, maxIterations: 5000 };

function scoresById(graph: MoralGraphCsr, scores: Float64Array): Map<string, number> {
  return new Map(graph.nodeIds!.map((id, i) => [id, scores[i]!]));
}

// ---------------------------------------------------------------------------------------------
// A deliberately plain reference: objects and maps, the textbook formulas, no shared code.

function referenceCounts(w: number, n: number, u: number): { counts: boolean; likelihood: number } {
  const t = w + n + u;
  if (t === 0) return { counts: false, likelihood: 0 };
  const likelihood = (w - n) / t;
  let entropy = 0;
  for (const c of [w, n, u]) {
    if (c > 0) entropy -= (c / t) * Math.log2(c / t);
  }
  return { counts: w >= 2 && likelihood >= 0.33 - 1e-12 && likelihood > 0 && entropy <= 1.0 + 1e-12, likelihood };
}

function referencePageRank(ids: string[], edges: AggregatedEdge[], damping = 0.85): Map<string, number> {
  const merged = new Map<string, { from: string; to: string; w: number; n: number; u: number }>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const key = JSON.stringify([e.from, e.to]);
    const m = merged.get(key) ?? { from: e.from, to: e.to, w: 0, n: 0, u: 0 };
    m.w += e.wiser;
    m.n += e.notWiser;
    m.u += e.unsure;
    merged.set(key, m);
  }
  const out: Record<string, { to: string; weight: number }[]> = {};
  for (const id of ids) out[id] = [];
  for (const m of merged.values()) {
    const verdict = referenceCounts(m.w, m.n, m.u);
    if (verdict.counts) out[m.from]!.push({ to: m.to, weight: verdict.likelihood });
  }
  const N = ids.length;
  let rank: Record<string, number> = {};
  for (const id of ids) rank[id] = 1 / N;
  for (let iteration = 0; iteration < 1000; iteration++) {
    const next: Record<string, number> = {};
    let dangling = 0;
    for (const id of ids) next[id] = (1 - damping) / N;
    for (const id of ids) {
      const total = out[id]!.reduce((s, e) => s + e.weight, 0);
      if (total === 0) dangling += rank[id]!;
      else for (const e of out[id]!) next[e.to]! += (damping * rank[id]! * e.weight) / total;
    }
    for (const id of ids) next[id]! += (damping * dangling) / N;
    rank = next;
  }
  return new Map(Object.entries(rank));
}

function randomGraph(random: () => number, nodes: number, density: number): { ids: string[]; edges: AggregatedEdge[] } {
  const ids = Array.from({ length: nodes }, (_, i) => `v${String(i).padStart(2, "0")}`);
  const edges: AggregatedEdge[] = [];
  const votes = () => Math.floor(random() * random() * 7);
  for (const a of ids) {
    for (const b of ids) {
      if (random() >= density) continue;
      edges.push({ from: a, to: b, wiser: votes() + (random() < 0.6 ? 2 : 0), notWiser: votes() >> 1, unsure: votes() >> 1 });
      // A few repeated pairs, which the builders must merge.
      if (random() < 0.05) edges.push({ from: a, to: b, wiser: 1, notWiser: 0, unsure: 0 });
    }
  }
  return { ids, edges };
}

// ---------------------------------------------------------------------------------------------

describe("edgeVerdict", () => {
  it("never counts an edge with a single wiser vote, however unanimous", () => {
    expect(edgeVerdict({ wiser: 1, notWiser: 0, unsure: 0 })).toEqual({ counts: false, likelihood: 1, entropy: 0 });
    expect(edgeVerdict({ wiser: 2, notWiser: 0, unsure: 0 })).toEqual({ counts: true, likelihood: 1, entropy: 0 });
  });

  it("counts a likelihood of exactly 0.33 and rejects just below it", () => {
    const at = edgeVerdict({ wiser: 33, notWiser: 0, unsure: 67 });
    expect(at.likelihood).toBe(0.33);
    expect(at.entropy).toBeLessThan(1);
    expect(at.counts).toBe(true);
    const below = edgeVerdict({ wiser: 32, notWiser: 0, unsure: 68 });
    expect(below.likelihood).toBeCloseTo(0.32, 12);
    expect(below.counts).toBe(false);
    // 2 wiser against 1 not wiser: likelihood 1/3 passes
    expect(edgeVerdict({ wiser: 2, notWiser: 1, unsure: 0 }).counts).toBe(true);
    // 3 against 2: 0.2 fails
    expect(edgeVerdict({ wiser: 3, notWiser: 2, unsure: 0 }).counts).toBe(false);
  });

  it("rejects spread-out votes by entropy, with the threshold inclusive and adjustable", () => {
    const spread = edgeVerdict({ wiser: 3, notWiser: 1, unsure: 1 });
    expect(spread.likelihood).toBeCloseTo(0.4, 12);
    expect(spread.entropy).toBeCloseTo(1.370950594454669, 12);
    expect(spread.counts).toBe(false);
    expect(edgeVerdict({ wiser: 3, notWiser: 1, unsure: 1 }, { maxEntropy: 1.4 }).counts).toBe(true);
    const half = edgeVerdict({ wiser: 2, notWiser: 0, unsure: 2 });
    expect(half.entropy).toBe(1);
    expect(half.counts).toBe(true);
    expect(edgeVerdict({ wiser: 2, notWiser: 0, unsure: 2 }, { maxEntropy: 0.99 }).counts).toBe(false);
  });

  it("handles no votes, custom thresholds and bad input", () => {
    expect(edgeVerdict({ wiser: 0, notWiser: 0, unsure: 0 })).toEqual({ counts: false, likelihood: 0, entropy: 0 });
    expect(edgeVerdict({ wiser: 1, notWiser: 0, unsure: 0 }, { minWiser: 1 }).counts).toBe(true);
    // a non-positive likelihood never counts: it would be a non-positive PageRank weight
    expect(edgeVerdict({ wiser: 2, notWiser: 2, unsure: 0 }, { minLikelihood: -1, maxEntropy: 2 }).counts).toBe(false);
    expect(() => edgeVerdict({ wiser: -1, notWiser: 0, unsure: 0 })).toThrow(RangeError);
    expect(() => edgeVerdict({ wiser: 2, notWiser: 0, unsure: 0 }, { maxEntropy: Number.NaN })).toThrow(RangeError);
  });

  it("agrees with the reference filter on every small vote distribution", () => {
    for (let w = 0; w <= 12; w++)
      for (let n = 0; n <= 12; n++)
        for (let u = 0; u <= 12; u++) {
          const ours = edgeVerdict({ wiser: w, notWiser: n, unsure: u });
          expect(ours.counts, `(${w}, ${n}, ${u})`).toBe(referenceCounts(w, n, u).counts);
        }
  });
});

describe("buildGraph", () => {
  it("keeps only counting edges, merges repeated pairs, ignores self-pairs", () => {
    const graph = buildGraph(
      ["a", "b", "c"],
      [
        { from: "a", to: "b", wiser: 1, notWiser: 0, unsure: 0 },
        { from: "a", to: "b", wiser: 1, notWiser: 0, unsure: 0 }, // together: 2 wiser, counts
        { from: "b", to: "c", wiser: 1, notWiser: 0, unsure: 0 }, // alone: never counts
        { from: "c", to: "c", wiser: 9, notWiser: 0, unsure: 0 }, // self-pair
        { from: "c", to: "a", wiser: 4, notWiser: 0, unsure: 1 },
      ],
    );
    expect(graph.n).toBe(3);
    expect(graph.edgeCount).toBe(2);
    expect(graph.pairCount).toBe(3);
    expect([...graph.inOffsets]).toEqual([0, 1, 2, 2]);
    expect([...graph.inSources]).toEqual([2, 0]);
    expect([...graph.inWeights]).toEqual([0.8, 1]);
    expect([...graph.outDegree]).toEqual([1, 0, 1]);
    expect([...graph.outWeight]).toEqual([1, 0, 0.8]);
  });

  it("sorts each node's sources, whatever the input order", () => {
    const edges: AggregatedEdge[] = ["d", "b", "c", "a"].map((from) => ({ from, to: "e", wiser: 3, notWiser: 0, unsure: 0 }));
    const graph = buildGraph(["a", "b", "c", "d", "e"], edges);
    expect([...graph.inSources]).toEqual([0, 1, 2, 3]);
  });

  it("handles values judged against hundreds of others, with repeated pairs, like the reference", () => {
    const random = prng(77);
    const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
    const edges: AggregatedEdge[] = [];
    for (let i = 0; i < 1200; i++) {
      // most judgments end at a handful of popular values: long runs per target
      const to = ids[Math.floor(random() ** 4 * 10)]!;
      const from = ids[Math.floor(random() * 300)]!;
      edges.push({ from, to, wiser: Math.floor(random() * 4), notWiser: random() < 0.2 ? 1 : 0, unsure: random() < 0.2 ? 1 : 0 });
    }
    const graph = buildGraph(ids, edges);
    for (let v = 0; v < graph.n; v++) {
      for (let k = graph.inOffsets[v]! + 1; k < graph.inOffsets[v + 1]!; k++) {
        expect(graph.inSources[k]!).toBeGreaterThan(graph.inSources[k - 1]!);
      }
    }
    expect(graph.inOffsets[1]! - graph.inOffsets[0]!).toBeGreaterThan(100);
    const ours = scoresById(graph, pageRank(graph, TIGHT).scores);
    const reference = referencePageRank(ids, edges);
    for (const [id, score] of ours) expect(Math.abs(score - reference.get(id)!)).toBeLessThan(1e-9);
  });

  it("refuses unknown or duplicate ids and out-of-range indices", () => {
    const unknown = () => buildGraph(["a"], [{ from: "a", to: "z", wiser: 2, notWiser: 0, unsure: 0 }]);
    expect(unknown).toThrow(/unknown node "z"/);
    try {
      unknown();
    } catch (error) {
      expect(isDomainError(error) && error.kind).toBe("invalid");
    }
    expect(() => buildGraph(["a", "a"], [])).toThrow(/duplicate/);
    const one = new Int32Array([0]);
    expect(() => buildGraphFromArrays(1, { from: one, to: new Int32Array([1]), wiser: one, notWiser: one, unsure: one })).toThrow(RangeError);
  });
});

describe("pageRank", () => {
  it("agrees with a plain reference implementation on random graphs", () => {
    const random = prng(20261124);
    let cases = 0;
    for (const nodes of [1, 2, 3, 7, 15, 30]) {
      for (const density of [0, 0.05, 0.2, 0.5, 0.9]) {
        for (let repeat = 0; repeat < 3; repeat++) {
          const { ids, edges } = randomGraph(random, nodes, density);
          const graph = buildGraph(ids, edges);
          const { scores, converged } = pageRank(graph, TIGHT);
          expect(converged).toBe(true);
          const reference = referencePageRank(ids, edges);
          for (const [id, score] of scoresById(graph, scores)) {
            expect(Math.abs(score - reference.get(id)!), `${nodes} nodes, density ${density}, ${id}`).toBeLessThan(1e-9);
          }
          const sum = scores.reduce((s, x) => s + x, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
          cases++;
        }
      }
    }
    expect(cases).toBe(90);
  });

  it("agrees with the reference for another damping", () => {
    const { ids, edges } = randomGraph(prng(7), 20, 0.3);
    const graph = buildGraph(ids, edges);
    const ours = scoresById(graph, pageRank(graph, { ...TIGHT, damping: 0.5 }).scores);
    const reference = referencePageRank(ids, edges, 0.5);
    for (const [id, score] of ours) expect(Math.abs(score - reference.get(id)!)).toBeLessThan(1e-9);
  });

  it("ranks the end of a chain A → B → C highest", () => {
    const strong = { wiser: 5, notWiser: 0, unsure: 0 };
    const graph = buildGraph(
      ["A", "B", "C"],
      [
        { from: "A", to: "B", ...strong },
        { from: "B", to: "C", ...strong },
      ],
    );
    const { scores } = pageRank(graph);
    expect(scores[2]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
  });

  it("gives every node 1/n when no edge counts, and handles the empty graph", () => {
    const graph = buildGraph(["a", "b", "c", "d"], [{ from: "a", to: "b", wiser: 1, notWiser: 0, unsure: 0 }]);
    const { scores, iterations } = pageRank(graph);
    expect([...scores]).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(iterations).toBe(1);
    expect(pageRank(buildGraph([], []))).toEqual({ scores: new Float64Array(0), iterations: 0, delta: 0, converged: true });
  });

  it("warm-starts to the cold result in fewer iterations", () => {
    const random = prng(99);
    const { ids, edges } = randomGraph(random, 30, 0.3);
    const before = buildGraph(ids, edges);
    const previous = pageRank(before, TIGHT);
    // a converged start needs one iteration to confirm itself
    const again = pageRank(before, { ...TIGHT, initial: previous.scores });
    expect(again.iterations).toBe(1);
    // a little new evidence: a few more edges
    const more = [...edges];
    for (let i = 0; i < 4; i++) {
      more.push({ from: ids[Math.floor(random() * 30)]!, to: ids[Math.floor(random() * 30)]!, wiser: 3, notWiser: 0, unsure: 0 });
    }
    const after = buildGraph(ids, more);
    const cold = pageRank(after, TIGHT);
    const warm = pageRank(after, { ...TIGHT, initial: previous.scores });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    for (let i = 0; i < ids.length; i++) expect(Math.abs(warm.scores[i]! - cold.scores[i]!)).toBeLessThan(1e-12);
    // the default tolerance also converges, with an absolute L1 change below 1e-12 whatever n
    const loose = pageRank(after);
    expect(loose.converged).toBe(true);
    expect(loose.delta).toBeLessThan(1e-12);
  });

  it("at 100,000 values a warm start after a small update gives the cold start's scores and ranks", () => {
    // A realistic national context: 3 judged pairs per value, wiser values drawn towards the
    // front, most pairs with agreement (2–6 "wiser", a dissenting or unsure vote now and then).
    const n = 100_000;
    const random = prng(15);
    const m = 3 * n;
    const extra = 200;
    const edges = {
      from: new Int32Array(m + extra),
      to: new Int32Array(m + extra),
      wiser: new Uint16Array(m + extra),
      notWiser: new Uint16Array(m + extra),
      unsure: new Uint16Array(m + extra),
    };
    for (let e = 0; e < m; e++) {
      const from = Math.floor(random() * n);
      let to = Math.floor(n * random() ** 2);
      if (to === from) to = (to + 1) % n;
      edges.from[e] = from;
      edges.to[e] = to;
      edges.wiser[e] = random() < 0.1 ? 1 : 2 + Math.floor(random() * 5);
      edges.notWiser[e] = random() < 0.2 ? 1 : 0;
      edges.unsure[e] = random() < 0.2 ? 1 : 0;
    }
    const slice = (length: number) => ({
      from: edges.from.subarray(0, length),
      to: edges.to.subarray(0, length),
      wiser: edges.wiser.subarray(0, length),
      notWiser: edges.notWiser.subarray(0, length),
      unsure: edges.unsure.subarray(0, length),
    });
    const before = pageRank(buildGraphFromArrays(n, slice(m)));
    expect(before.converged).toBe(true);
    // The update: a value far down the ranking is judged wiser than a few high-ranked ones (a
    // judgment that moves it thousands of places), plus a couple of hundred ordinary new pairs.
    const order = Array.from(before.scores.keys()).sort((a, b) => before.scores[b]! - before.scores[a]!);
    const riser = order[60_000]!;
    for (let e = m; e < m + extra; e++) {
      const k = e - m;
      edges.from[e] = k < 20 ? order[10 + k]! : Math.floor(random() * n);
      edges.to[e] = k < 20 ? riser : Math.floor(n * random() ** 2);
      if (edges.to[e] === edges.from[e]) edges.to[e] = (edges.to[e]! + 1) % n;
      edges.wiser[e] = 3;
    }
    const after = buildGraphFromArrays(n, slice(m + extra));
    const cold = pageRank(after);
    const warm = pageRank(after, { initial: before.scores });
    expect(cold.converged && warm.converged).toBe(true);
    expect(cold.iterations).toBeLessThan(DEFAULT_PAGERANK.maxIterations / 2);
    // The old rule (L1 change below 1e-9 · n) stopped this warm start after one step.
    expect(warm.iterations).toBeGreaterThan(1);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(warm.scores[i]! - cold.scores[i]!) / cold.scores[i]!);
    expect(worst).toBeLessThan(1e-9);
    // Ranks as the registry gives them (competition ranks, scores within 1e-9 of each other tie).
    const rank = (scores: Float64Array) => {
      const sorted = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
      const ranks = new Int32Array(n);
      let first = 0;
      sorted.forEach((v, i) => {
        if (i > 0 && scores[sorted[i - 1]!]! - scores[v]! > 1e-9) first = i;
        ranks[v] = first + 1;
      });
      return ranks;
    };
    const coldRanks = rank(cold.scores);
    const warmRanks = rank(warm.scores);
    let differing = 0;
    for (let i = 0; i < n; i++) if (coldRanks[i] !== warmRanks[i]) differing++;
    expect(differing).toBe(0);
    // The update mattered: the riser climbed thousands of places.
    expect(coldRanks[riser]!).toBeLessThan(60_000 - 1_000);
  }, 60_000); // about 3 s on an idle 2-core machine; the margin is for a busy one

  it("stops at maxIterations and validates its options", () => {
    const { ids, edges } = randomGraph(prng(3), 10, 0.4);
    const graph = buildGraph(ids, edges);
    const capped = pageRank(graph, { tolerance: 0, maxIterations: 3 });
    expect(capped).toMatchObject({ iterations: 3, converged: false });
    expect(() => pageRank(graph, { damping: 1 })).toThrow(RangeError);
    expect(() => pageRank(graph, { initial: new Float64Array(3) })).toThrow(RangeError);
    // an all-zero warm start falls back to the uniform start
    expect(pageRank(graph, { initial: new Float64Array(10) }).scores).toEqual(pageRank(graph).scores);
  });
});

describe("createMoralGraph", () => {
  type Judgment = { from: string; to: string; answer: Answer };

  function randomJudgments(random: () => number, nodes: number, count: number): Judgment[] {
    const ids = Array.from({ length: nodes }, (_, i) => `value-${i}`);
    const list: Judgment[] = [];
    while (list.length < count) {
      const from = ids[Math.floor(random() * nodes)]!;
      const to = ids[Math.floor(random() * nodes)]!;
      if (from === to) continue;
      const r = random();
      list.push({ from, to, answer: r < 0.7 ? "wiser" : r < 0.85 ? "not_wiser" : "unsure" });
    }
    return list;
  }

  function aggregate(judgments: Judgment[]): AggregatedEdge[] {
    const byPair = new Map<string, AggregatedEdge>();
    for (const j of judgments) {
      const key = `${j.from}→${j.to}`;
      const edge = byPair.get(key) ?? { from: j.from, to: j.to, wiser: 0, notWiser: 0, unsure: 0 };
      if (j.answer === "wiser") edge.wiser++;
      else if (j.answer === "not_wiser") edge.notWiser++;
      else edge.unsure++;
      byPair.set(key, edge);
    }
    return [...byPair.values()];
  }

  it("adding judgments one by one and recomputing equals building from scratch", () => {
    const random = prng(42);
    const judgments = randomJudgments(random, 25, 400);
    const moral = createMoralGraph("ctx", { pageRank: TIGHT });
    let iterationsWarm = 0;
    judgments.forEach((judgment, i) => {
      moral.addJudgment(judgment);
      expect(moral.isDirty()).toBe(true);
      if (i % 7 === 0 || i === judgments.length - 1) {
        const result = moral.recompute();
        expect(result.rebuilt).toBe(true);
        expect(moral.isDirty()).toBe(false);
        if (i === judgments.length - 1) iterationsWarm = result.iterations;
      }
    });
    const ids = [...new Set(judgments.flatMap((j) => [j.from, j.to]))];
    const scratch = buildGraph(ids, aggregate(judgments));
    const cold = pageRank(scratch, TIGHT);
    expect(iterationsWarm).toBeLessThan(cold.iterations);
    const expected = scoresById(scratch, cold.scores);
    const ranking = moral.ranking();
    expect(ranking).toHaveLength(ids.length);
    for (const row of ranking) expect(Math.abs(row.score - expected.get(row.id)!)).toBeLessThan(1e-12);
    expect(moral.graph().edgeCount).toBe(scratch.edgeCount);
    // and against the plain reference too
    const reference = referencePageRank(ids, aggregate(judgments));
    for (const row of ranking) expect(Math.abs(row.score - reference.get(row.id)!)).toBeLessThan(1e-9);
    // nothing changed: the cached result comes back
    expect(moral.recompute().rebuilt).toBe(false);
  });

  it("replaces a changed judgment given its previous answer", () => {
    const moral = createMoralGraph("ctx");
    moral.addJudgment({ from: "a", to: "b", answer: "wiser" });
    moral.addJudgment({ from: "a", to: "b", answer: "wiser" });
    moral.addNode("c");
    expect(moral.graph().edgeCount).toBe(1);
    expect(moral.ranking()[0]!.id).toBe("b");
    moral.addJudgment({ from: "a", to: "b", answer: "not_wiser", previous: "wiser" });
    expect(moral.isDirty()).toBe(true);
    expect(moral.edge("a", "b")).toEqual({ wiser: 1, notWiser: 1, unsure: 0 });
    expect(moral.graph().edgeCount).toBe(0);
    const ranking = moral.ranking();
    expect(ranking.map((r) => [r.id, r.rank])).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 1],
    ]);
    expect(ranking.find((r) => r.id === "b")!.dissent).toBe(1);
    // back again: dissent withdrawn
    moral.addJudgment({ from: "a", to: "b", answer: "wiser", previous: "not_wiser" });
    expect(moral.edge("a", "b")).toEqual({ wiser: 2, notWiser: 0, unsure: 0 });
    expect(moral.ranking().find((r) => r.id === "b")!.dissent).toBe(0);
    // the same answer again is no change
    moral.recompute();
    moral.addJudgment({ from: "a", to: "b", answer: "wiser", previous: "wiser" });
    expect(moral.isDirty()).toBe(false);
    // there must be a vote to withdraw
    expect(() => moral.addJudgment({ from: "a", to: "b", answer: "wiser", previous: "unsure" })).toThrow(/no "unsure" vote/);
    expect(() => moral.addJudgment({ from: "x", to: "y", answer: "wiser", previous: "wiser" })).toThrow();
    // a failed replacement changes nothing
    expect(moral.nodeCount()).toBe(3);
    expect(moral.edge("x", "y")).toBeUndefined();
    expect(moral.edge("a", "b")).toEqual({ wiser: 2, notWiser: 0, unsure: 0 });
    expect(moral.isDirty()).toBe(false);
    expect(() => moral.addJudgment({ from: "a", to: "a", answer: "wiser" })).toThrow(/itself/);
  });

  it("equals the from-scratch graph after changed judgments", () => {
    const random = prng(5);
    const judgments = randomJudgments(random, 12, 150);
    const moral = createMoralGraph("ctx", { pageRank: TIGHT });
    const final = judgments.map((j) => ({ ...j }));
    judgments.forEach((j, i) => {
      moral.addJudgment(j);
      if (i % 3 === 0) {
        // the citizen changes their mind
        const answer: Answer = j.answer === "wiser" ? "unsure" : "wiser";
        moral.addJudgment({ ...j, answer, previous: j.answer });
        final[i]!.answer = answer;
      }
      if (i % 10 === 0) moral.recompute();
    });
    const ids = [...new Set(judgments.flatMap((j) => [j.from, j.to]))];
    const edges = aggregate(final);
    for (const edge of edges) {
      expect(moral.edge(edge.from, edge.to)).toEqual({ wiser: edge.wiser, notWiser: edge.notWiser, unsure: edge.unsure });
    }
    const scratch = buildGraph(ids, edges);
    const expected = scoresById(scratch, pageRank(scratch, TIGHT).scores);
    for (const row of moral.ranking()) expect(Math.abs(row.score - expected.get(row.id)!)).toBeLessThan(1e-12);
  });

  it("reports support, dissent and counting degrees, ranked by score then id", () => {
    const moral = createMoralGraph("ai-decisions");
    expect(moral.contextId).toBe("ai-decisions");
    const vote = (from: string, to: string, answer: Answer, times: number) => {
      for (let i = 0; i < times; i++) moral.addJudgment({ from, to, answer });
    };
    vote("A", "B", "wiser", 3);
    vote("B", "C", "wiser", 3);
    vote("B", "C", "not_wiser", 1);
    vote("A", "C", "not_wiser", 2); // no wiser votes: does not count, but is dissent on C
    moral.addNode("Z"); // isolated
    moral.addNode("Y"); // isolated: ties with Z, ordered by id
    const ranking = moral.ranking(
      new Map([
        ["C", 40],
        ["A", 3],
      ]),
    );
    expect(ranking.map((r) => r.id)).toEqual(["C", "B", "A", "Y", "Z"]);
    const [c, b, a, y, z] = ranking;
    expect(c).toMatchObject({ rank: 1, support: 40, dissent: 3, edgesIn: 1, edgesOut: 0 });
    expect(b).toMatchObject({ rank: 2, support: 0, dissent: 0, edgesIn: 1, edgesOut: 1 });
    expect(a).toMatchObject({ rank: 3, support: 3, dissent: 0, edgesIn: 0, edgesOut: 1 });
    expect(y!.score).toBe(z!.score);
    expect(a!.score).toBe(y!.score);
    expect([a!.rank, y!.rank, z!.rank]).toEqual([3, 3, 3]);
    expect(ranking.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 12);
  });

  it("is deterministic, whatever the order of the judgments", () => {
    const judgments = randomJudgments(prng(11), 20, 300);
    const nodes = [...new Set(judgments.flatMap((j) => [j.from, j.to]))].sort();
    const run = (list: Judgment[]) => {
      const moral = createMoralGraph("ctx");
      for (const id of nodes) moral.addNode(id);
      for (const j of list) moral.addJudgment(j);
      return moral.ranking(new Map([["value-3", 7]]));
    };
    const first = run(judgments);
    expect(run(judgments)).toEqual(first);
    expect(run(shuffled(judgments, prng(12)))).toEqual(first);
    for (let i = 1; i < first.length; i++) {
      const [p, q] = [first[i - 1]!, first[i]!];
      expect(p.score > q.score || (p.score === q.score && p.id < q.id)).toBe(true);
    }
  });
});

describe("the graph worker's job", () => {
  it("ranks ties within 1e-9 together (1, 2, 2, 4) and gives pageRank's scores, warm or cold", async () => {
    const { competitionRanks, runGraphJob } = await import("../../server/services/graph-worker.server.js");
    expect([...competitionRanks(Float64Array.of(0.1, 0.4, 0.3, 0.3 + 5e-10))]).toEqual([4, 1, 2, 2]);
    const { ids, edges } = randomGraph(prng(8), 25, 0.3);
    const graph = buildGraph(ids, edges);
    const index = new Map(ids.map((id, i) => [id, i]));
    const job = {
      seq: 7,
      n: ids.length,
      from: Int32Array.from(edges, (e) => index.get(e.from)!),
      to: Int32Array.from(edges, (e) => index.get(e.to)!),
      wiser: Int32Array.from(edges, (e) => e.wiser),
      notWiser: Int32Array.from(edges, (e) => e.notWiser),
      unsure: Int32Array.from(edges, (e) => e.unsure),
      initial: null,
    };
    const cold = runGraphJob(job);
    if (!cold.ok) throw new Error(cold.message);
    expect(cold.seq).toBe(7);
    expect([...cold.scores]).toEqual([...pageRank(graph).scores]);
    const warm = runGraphJob({ ...job, initial: cold.scores.slice() });
    if (!warm.ok) throw new Error(warm.message);
    expect(warm.iterations).toBe(1);
    expect([...warm.ranks]).toEqual([...cold.ranks]);
    // A bad job is an answer, not a crash of the worker.
    expect(runGraphJob({ ...job, n: 3 })).toMatchObject({ seq: 7, ok: false });
  });
});
