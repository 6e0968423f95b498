import { randomUUID } from "node:crypto";
import { createEngine } from "../deliberation/llm/index.js";
import type { LlmPort } from "../deliberation/llm/port.js";
import { DEV, FRESH, HOLDOUT } from "../tests/fixtures/representation/index.js";
import type { Scenario } from "../tests/fixtures/representation/types.js";
import { figures, measureScenario, perClass, type ScenarioResult } from "./lib/representation.js";
import { round, summary, table } from "./support.js";

/**
 * Representation, measured (issue 13): every scenario of the labelled corpus in tests/fixtures/
 * representation is deliberated to a draft, and what the readers and representatives did is held
 * against the gold readings and stances written by hand. The holdout and fresh splits are reported on
 * their own: the offline reader was never tuned on them, and their per-scenario rows, false approvals
 * and hygiene lines are not printed (only their aggregates), so that reading the bench's output cannot
 * tune the reader on them either. `--show-blind` prints them (for the corpus's authors, not the reader's).
 *
 *   npm run bench -- representation                  the offline engine
 *   npm run bench -- representation --engine openai  OPENAI_BASE_URL, OPENAI_API_KEY, AGORA_MODEL
 *
 * Goals (issue 13, offline): reading_macro_f1 ≥ 0.85, stance_accuracy ≥ 0.90, worst_off_min ≥ 0.6,
 * false_approvals = 0, hygiene_violations = 0. worst_off_min_ceiling is what a perfect reader would
 * reach: the corpus has scenarios whose options cannot give every constituency more (0.5 at present).
 */

const args = process.argv.slice(2);
const engineName = args.includes("--engine") ? args[args.indexOf("--engine") + 1] : (process.env.BENCH_ENGINE ?? "offline");
if (engineName !== "offline" && engineName !== "openai") {
  console.error(`--engine is "offline" or "openai", not "${engineName}"`);
  process.exit(2);
}

let engine: LlmPort | null = null;
if (engineName === "openai") {
  if (!process.env.OPENAI_BASE_URL || !process.env.OPENAI_API_KEY) {
    console.error("--engine openai needs OPENAI_BASE_URL and OPENAI_API_KEY (and AGORA_MODEL).");
    process.exit(2);
  }
  engine = createEngine({
    baseUrl: process.env.OPENAI_BASE_URL,
    apiKey: process.env.OPENAI_API_KEY,
    model: process.env.AGORA_MODEL ?? null,
    recorder: { record: async () => {} },
    clock: { now: () => new Date() },
    ids: randomUUID,
  });
}

type Split = "dev" | "holdout" | "fresh";
const showBlind = args.includes("--show-blind");
const shown = (split: Split) => split === "dev" || showBlind;
const started = Date.now();
const results: { split: Split; result: ScenarioResult }[] = [];
const all: [Scenario, Split][] = [
  ...DEV.map((s) => [s, "dev"] as [Scenario, Split]),
  ...HOLDOUT.map((s) => [s, "holdout"] as [Scenario, Split]),
  ...FRESH.map((s) => [s, "fresh"] as [Scenario, Split]),
];
for (const [i, [scenario, split]] of all.entries()) {
  process.stderr.write(`\r[${i + 1}/${all.length}] ${shown(split) ? scenario.id : split}`.padEnd(60));
  results.push({ split, result: await measureScenario(scenario, engine) });
}
process.stderr.write("\n");

const pct = (x: number) => `${round(100 * x, 0)} %`;
table(
  results
    .filter(({ split }) => shown(split))
    .map(({ split, result: r }) => {
      const f = figures([r]);
      return {
        scenario: r.id,
        split,
        f1: round(f.reading_macro_f1, 2),
        stances: `${r.stances.filter((s) => s.gold === s.predicted).length}/${r.stances.length}`,
        worst_off: pct(r.worstOff),
        ceiling: pct(r.worstOffCeiling),
        false_approvals: r.falseApprovals.length,
        hygiene: r.hygiene.length,
        rounds: r.rounds,
      };
    }),
);
console.log("");
const slices: [string, ScenarioResult[]][] = [
  ["all", results.map((r) => r.result)],
  ["dev", results.filter((r) => r.split === "dev").map((r) => r.result)],
  ["holdout", results.filter((r) => r.split === "holdout").map((r) => r.result)],
  ["fresh", results.filter((r) => r.split === "fresh").map((r) => r.result)],
  ["english", results.filter((r) => r.result.language === "en").map((r) => r.result)],
  ["estonian", results.filter((r) => r.result.language === "et").map((r) => r.result)],
  // One dev scenario so far (decision 26): tuned on, read it as the Russian cues' first check, not a measure.
  ["russian", results.filter((r) => r.result.language === "ru").map((r) => r.result)],
];
table(
  slices.map(([name, rs]) => {
    const f = figures(rs);
    return {
      slice: name,
      scenarios: f.scenarios,
      reading_macro_f1: round(f.reading_macro_f1, 3),
      stance_accuracy: round(f.stance_accuracy, 3),
      worst_off_mean: round(f.worst_off_mean, 3),
      worst_off_min: round(f.worst_off_min, 3),
      ceiling_min: round(f.worst_off_min_ceiling, 3),
      false_approvals: f.false_approvals,
      hygiene: f.hygiene_violations,
    };
  }),
);
console.log("");
const allPairs = results.flatMap((r) => r.result.pairs);
table(perClass(allPairs).map((c) => ({ verdict: c.verdict, gold: c.gold, precision: round(c.precision, 3), recall: round(c.recall, 3), f1: round(c.f1, 3) })));
for (const { split, result: r } of results)
  for (const f of r.falseApprovals)
    console.log(
      `false approval: ${shown(split) ? `${r.id}: ${f.representative}` : `(${split})`} approves a draft eroding ${shown(split) ? f.value : "a top value"}`,
    );
for (const { split, result: r } of results)
  for (const h of r.hygiene) console.log(`hygiene: ${shown(split) ? `${r.id}: clause ${h.clause}` : `(${split})`}: ${h.problem}`);

const total = figures(results.map((r) => r.result));
const holdout = figures(results.filter((r) => r.split === "holdout").map((r) => r.result));
const fresh = figures(results.filter((r) => r.split === "fresh").map((r) => r.result));
summary("representation", {
  engine: engineName,
  scenarios: total.scenarios,
  reading_macro_f1: round(total.reading_macro_f1, 3),
  stance_accuracy: round(total.stance_accuracy, 3),
  worst_off_mean: round(total.worst_off_mean, 3),
  worst_off_min: round(total.worst_off_min, 3),
  worst_off_min_ceiling: round(total.worst_off_min_ceiling, 3),
  false_approvals: total.false_approvals,
  hygiene_violations: total.hygiene_violations,
  holdout_reading_macro_f1: round(holdout.reading_macro_f1, 3),
  holdout_stance_accuracy: round(holdout.stance_accuracy, 3),
  fresh_reading_macro_f1: round(fresh.reading_macro_f1, 3),
  fresh_stance_accuracy: round(fresh.stance_accuracy, 3),
  run_ms: Date.now() - started,
});
