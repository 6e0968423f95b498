import { DEMO_CARDS } from "../db/demo-values.js";
import { createCanonicalIndex, DEFAULT_DEDUPE_THRESHOLD, findCanonical } from "../deliberation/values/dedupe.js";
import { prng } from "../deliberation/random.js";
import {
  ALL_PAIRS,
  DEV_PAIRS,
  HOLDOUT_2_PAIRS,
  HOLDOUT_3_PAIRS,
  HOLDOUT_PAIRS,
  type LabelledPair,
  type PairKind,
  RUSSIAN_HOLDOUT_PAIRS,
  RUSSIAN_PAIRS,
} from "../tests/fixtures/dedupe-pairs.js";
import { round, summary, table } from "./support.js";

/**
 * Dedupe by meaning, measured (issue 14, item 3): each labelled pair of tests/fixtures/dedupe-pairs.ts
 * is put to the offline dedupe as intake puts it (the first card is the only canonical value, does the
 * second join it?) and held against the label. A wrong merge folds a citizen's value into one she does
 * not hold, so precision is the figure that matters most. The holdout splits were never tuned on (the
 * first written before tuning, the second after the lexicon, the third before the last change of the
 * bars was measured; see the fixture): only their figures are printed, never their pairs.
 *
 *   npm run bench -- dedupe
 *
 * Goals (issue 14, offline): merge_precision ≥ 0.95, merge_recall ≥ 0.70 over all pairs.
 * Also: the index's work per match on a synthetic context (canonicals scored per match).
 */

const started = Date.now();

interface Decided {
  pair: LabelledPair;
  merged: boolean;
  similarity: number;
}

function decide(pair: LabelledPair): Decided {
  // Both directions: intake may meet either card first.
  const ab = findCanonical(pair.b, [{ id: "a", ...pair.a }]);
  const ba = findCanonical(pair.a, [{ id: "b", ...pair.b }]);
  if ((ab === null) !== (ba === null)) throw new Error(`dedupe is not symmetric on ${pair.id}`);
  return { pair, merged: ab !== null, similarity: ab?.similarity ?? ba?.similarity ?? 0 };
}

interface Scores {
  pairs: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

function scores(decided: readonly Decided[]): Scores {
  const tp = decided.filter((d) => d.merged && d.pair.same).length;
  const fp = decided.filter((d) => d.merged && !d.pair.same).length;
  const fn = decided.filter((d) => !d.merged && d.pair.same).length;
  const tn = decided.length - tp - fp - fn;
  // No merge at all folds nobody's value into another: precision 1, and recall says the rest.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { pairs: decided.length, tp, fp, fn, tn, precision, recall, f1 };
}

const dev = DEV_PAIRS.map(decide);
const holdout1 = HOLDOUT_PAIRS.map(decide);
const holdout2 = HOLDOUT_2_PAIRS.map(decide);
const holdout3 = HOLDOUT_3_PAIRS.map(decide);
const russian = RUSSIAN_PAIRS.map(decide);
const holdoutRu = RUSSIAN_HOLDOUT_PAIRS.map(decide);
const holdout = [...holdout1, ...holdout2, ...holdout3, ...holdoutRu];
const all = [...dev, ...russian, ...holdout];
const allBeforeRussian = [...dev, ...holdout1, ...holdout2, ...holdout3];
// The demo polity's cards (db/demo-values.ts), written by others for the demo: every pair of cards in
// one context, the same value when they share the `value` key. Not part of the goals; a second look.
const demoPairs: LabelledPair[] = DEMO_CARDS.flatMap((a, i) =>
  DEMO_CARDS.slice(i + 1)
    .filter((b) => b.contextId === a.contextId)
    .map((b) => ({ id: `${a.value}~${b.value}`, a, b, same: a.value === b.value, kind: a.value === b.value ? "paraphrase" : "related" }) as LabelledPair),
);
const demo = demoPairs.map(decide);

const row = (slice: string, s: Scores) => ({
  slice,
  pairs: s.pairs,
  merged_right: s.tp,
  merged_wrong: s.fp,
  missed: s.fn,
  kept_apart: s.tn,
  precision: round(s.precision, 3),
  recall: round(s.recall, 3),
  f1: round(s.f1, 3),
});
table([
  row("all", scores(all)),
  row("dev", scores(dev)),
  row("russian (dev)", scores(russian)),
  row("holdout", scores(holdout)),
  row("holdout 1", scores(holdout1)),
  row("holdout 2", scores(holdout2)),
  row("holdout 3", scores(holdout3)),
  row("russian holdout", scores(holdoutRu)),
  row("demo cards", scores(demo)),
]);

console.log("");
const kinds: PairKind[] = ["paraphrase", "cross-language", "related", "opposite"];
table(
  kinds.map((kind) => {
    const of = (ds: readonly Decided[]) => ds.filter((d) => d.pair.kind === kind);
    const right = (ds: readonly Decided[]) => of(ds).filter((d) => d.merged === d.pair.same).length;
    return { kind, dev: `${right(dev)}/${of(dev).length}`, holdout: `${right(holdout)}/${of(holdout).length}` };
  }),
);

console.log("");
for (const d of [...dev, ...russian]) {
  if (d.merged !== d.pair.same) console.log(`dev ${d.merged ? "wrong merge" : "missed"}: ${d.pair.id} (${d.pair.kind}, ${round(d.similarity, 2)})`);
}

// The index's work per match: a context of synthetic canonical values drawn from the corpus's cards
// with words shuffled between them, so postings are as shared as in a real context.
const cards = [...new Map(ALL_PAIRS.flatMap((p) => [p.a, p.b]).map((c) => [c.title, c])).values()];
const rand = prng(14);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const index = createCanonicalIndex();
const CONTEXT = 2_000;
for (let i = 0; i < CONTEXT; i++) {
  const [x, y] = [pick(cards), pick(cards)];
  index.add({ id: `v${i}`, title: `${x.title} ${pick(y.title.split(" "))}`, description: y.description, policies: [pick(x.policies), pick(y.policies)] });
}
index.resetStats();
const matchStarted = performance.now();
const QUERIES = 1_000;
for (let i = 0; i < QUERIES; i++) {
  const x = pick(cards);
  index.match({ title: x.title, description: x.description, policies: x.policies }, DEFAULT_DEDUPE_THRESHOLD);
}
const matchMs = (performance.now() - matchStarted) / QUERIES;
const stats = index.stats();
console.log("");
console.log(
  `index: ${CONTEXT} canonical values, ${QUERIES} matches: ${round(stats.candidates / QUERIES, 1)} reached and ${round(stats.scored / QUERIES, 1)} scored per match, ${round(matchMs, 3)} ms per match`,
);

const total = scores(all);
const held = scores(holdout);
const devScores = scores(dev);
summary("dedupe", {
  engine: "offline",
  pairs: all.length,
  merge_precision: round(total.precision, 3),
  merge_recall: round(total.recall, 3),
  merge_f1: round(total.f1, 3),
  dev_merge_precision: round(devScores.precision, 3),
  dev_merge_recall: round(devScores.recall, 3),
  russian_merge_precision: round(scores(russian).precision, 3),
  russian_merge_recall: round(scores(russian).recall, 3),
  en_et_merge_precision: round(scores(allBeforeRussian).precision, 3),
  en_et_merge_recall: round(scores(allBeforeRussian).recall, 3),
  holdout_merge_precision: round(held.precision, 3),
  holdout_merge_recall: round(held.recall, 3),
  holdout_merge_f1: round(held.f1, 3),
  holdout1_merge_precision: round(scores(holdout1).precision, 3),
  holdout1_merge_recall: round(scores(holdout1).recall, 3),
  holdout2_merge_precision: round(scores(holdout2).precision, 3),
  holdout2_merge_recall: round(scores(holdout2).recall, 3),
  holdout3_merge_precision: round(scores(holdout3).precision, 3),
  holdout3_merge_recall: round(scores(holdout3).recall, 3),
  russian_holdout_merge_precision: round(scores(holdoutRu).precision, 3),
  russian_holdout_merge_recall: round(scores(holdoutRu).recall, 3),
  demo_merge_precision: round(scores(demo).precision, 3),
  demo_merge_recall: round(scores(demo).recall, 3),
  index_scored_per_match: round(stats.scored / QUERIES, 1),
  index_match_ms: round(matchMs, 3),
  run_ms: Date.now() - started,
});
