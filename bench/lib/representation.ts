import { type DeliberationState, drive, indexReadings, rankPackages, type StartedPayload, standing, topValues } from "../../deliberation/protocol/index.js";
import type { LlmPort } from "../../deliberation/llm/port.js";
import { draftHygiene } from "../../deliberation/reading/hygiene.js";
import type { Option, Reading, Slot, Verdict } from "../../deliberation/reading/types.js";
import type { Scenario } from "../../tests/fixtures/representation/types.js";

/**
 * Representation measured on a labelled scenario (issue 13): the scenario is deliberated as the
 * server would (every option read, positions, the leximin search, critiques, Schulze, revision), and
 * the result is held against the gold readings and stances written by hand.
 */

/** The rule's slots and options as the server builds them for a matter (server/services/clauses.server.ts). */
export function scenarioRule(s: Scenario): { slots: Slot[]; options: Option[] } {
  const slots: Slot[] = [];
  const options: Option[] = [];
  const additions = (after: number) =>
    s.amendments.forEach((a, i) => {
      if (a.action !== "add" || a.clause !== after) return;
      slots.push({ kind: "addition", number: after });
      options.push({ id: `m${i + 1}`, slot: slots.length - 1, source: "citizen", text: a.text, valueId: a.value });
    });
  additions(0);
  s.clauses.forEach((text, k) => {
    const slot = slots.length;
    slots.push({ kind: "clause", number: k + 1 });
    options.push({ id: `c${k + 1}`, slot, source: "clerk", text, valueId: null });
    s.alternatives
      .filter((a) => a.clause === k + 1)
      .forEach((a, j) => options.push({ id: `c${k + 1}a${j + 1}`, slot, source: "alternative", text: a.text, valueId: null }));
    s.amendments.forEach((a, i) => {
      if (a.action === "add" || a.clause !== k + 1) return;
      options.push({ id: `m${i + 1}`, slot, source: "citizen", text: a.action === "strike" ? "" : a.text, valueId: a.value });
    });
    additions(k + 1);
  });
  return { slots, options };
}

export function scenarioStarted(s: Scenario, engine: string): StartedPayload {
  const rule = scenarioRule(s);
  return {
    protocol: 2,
    title: s.title,
    ruleText: s.clauses.map((c, i) => `${i + 1}. ${c}`).join("\n"),
    contextId: s.id,
    language: s.language,
    slots: rule.slots,
    options: rule.options,
    engine,
    settings: { rounds: 3, candidates: 4, approvalThreshold: 0.6, tokenBudget: 5_000_000 },
    representatives: s.constituencies.map((c) => ({
      id: c.id,
      label: c.label,
      citizens: c.citizens,
      mandateHash: c.id,
      mandate: c.mandate.map((m) => ({ valueId: m.value, ...s.values[m.value]!, weight: m.weight })),
    })),
  };
}

export interface ScenarioResult {
  id: string;
  language: "en" | "et" | "ru";
  /** (gold, predicted) per (option, value) pair. */
  pairs: { gold: Verdict; predicted: Verdict; optionId: string; valueId: string }[];
  stances: { id: string; gold: string; predicted: string }[];
  /** The worst-off constituency's honoured share of the final draft under the gold readings. */
  worstOff: number;
  /** The most any package of the scenario's options gives the worst-off under the gold readings: what a perfect reader could reach. */
  worstOffCeiling: number;
  falseApprovals: { representative: string; value: string }[];
  hygiene: { clause: number; problem: string }[];
  draft: string;
  rounds: number;
}

export async function measureScenario(s: Scenario, engine: LlmPort | null): Promise<ScenarioResult> {
  const { state } = await drive(s.id, scenarioStarted(s, engine?.engine ?? "offline"), { engine, concurrency: 4 });
  return judge(s, state);
}

export function judge(s: Scenario, state: DeliberationState): ScenarioResult {
  const pairs: ScenarioResult["pairs"] = [];
  for (const [optionId, byValue] of Object.entries(s.gold.readings)) {
    for (const [valueId, gold] of Object.entries(byValue)) {
      pairs.push({ gold, predicted: state.readings[optionId]?.[valueId]?.verdict ?? "silent", optionId, valueId });
    }
  }
  const stances = s.constituencies.map((c) => ({ id: c.id, gold: s.gold.stances[c.id]!, predicted: state.positions[c.id]?.position.stance ?? "none" }));
  const goldReadings: Reading[] = Object.entries(s.gold.readings).flatMap(([optionId, byValue]) =>
    Object.entries(byValue).map(([valueId, verdict]) => ({ optionId, valueId, verdict, quote: "", reason: "", engine: "gold" })),
  );
  const gold = indexReadings(goldReadings);
  const draft = state.draft;
  const choice = draft?.choice ?? [];
  let worstOff = Number.POSITIVE_INFINITY;
  const falseApprovals: ScenarioResult["falseApprovals"] = [];
  for (const c of s.constituencies) {
    const mandate = c.mandate.map((m) => ({ valueId: m.value, title: s.values[m.value]!.title, weight: m.weight }));
    const st = standing(state.rule, choice, { id: c.id, citizens: c.citizens, mandate }, gold);
    worstOff = Math.min(worstOff, st.honoured);
    const approved = draft?.stances.find((x) => x.representativeId === c.id)?.approve ?? false;
    if (!approved) continue;
    for (const top of topValues(mandate)) {
      if (st.values.find((v) => v.valueId === top.valueId)?.verdict === "erodes") falseApprovals.push({ representative: c.id, value: top.valueId });
    }
  }
  const constituencies = s.constituencies.map((c) => ({
    id: c.id,
    citizens: c.citizens,
    mandate: c.mandate.map((m) => ({ valueId: m.value, title: s.values[m.value]!.title, weight: m.weight })),
  }));
  const worstOffCeiling = Math.max(
    0,
    ...rankPackages(state.rule, constituencies, gold, undefined, Number.POSITIVE_INFINITY).map((p) => Math.min(...p.standings.map((x) => x.honoured))),
  );
  return {
    id: s.id,
    language: s.language,
    pairs,
    stances,
    worstOff: Number.isFinite(worstOff) ? worstOff : 0,
    worstOffCeiling,
    falseApprovals,
    hygiene: draft ? draftHygiene(draft.text, s.language) : [{ clause: 0, problem: "no_draft" }],
    draft: draft?.text ?? "",
    rounds: Object.keys(state.tallies).length,
  };
}

const VERDICTS: Verdict[] = ["honours", "erodes", "silent"];

export function perClass(pairs: ScenarioResult["pairs"]) {
  return VERDICTS.map((v) => {
    const tp = pairs.filter((p) => p.gold === v && p.predicted === v).length;
    const fp = pairs.filter((p) => p.gold !== v && p.predicted === v).length;
    const fn = pairs.filter((p) => p.gold === v && p.predicted !== v).length;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { verdict: v, gold: tp + fn, precision, recall, f1 };
  });
}

export function macroF1(pairs: ScenarioResult["pairs"]): number {
  const classes = perClass(pairs);
  return classes.reduce((s, c) => s + c.f1, 0) / classes.length;
}

export interface Figures {
  scenarios: number;
  reading_macro_f1: number;
  stance_accuracy: number;
  worst_off_mean: number;
  worst_off_min: number;
  /** worst_off_min with a perfect reader: the least, over scenarios, of the best package's worst-off share under gold. */
  worst_off_min_ceiling: number;
  false_approvals: number;
  hygiene_violations: number;
}

export function figures(results: readonly ScenarioResult[]): Figures {
  const pairs = results.flatMap((r) => r.pairs);
  const stances = results.flatMap((r) => r.stances);
  return {
    scenarios: results.length,
    reading_macro_f1: macroF1(pairs),
    stance_accuracy: stances.length ? stances.filter((s) => s.gold === s.predicted).length / stances.length : 0,
    worst_off_mean: results.length ? results.reduce((s, r) => s + r.worstOff, 0) / results.length : 0,
    worst_off_min: results.length ? Math.min(...results.map((r) => r.worstOff)) : 0,
    worst_off_min_ceiling: results.length ? Math.min(...results.map((r) => r.worstOffCeiling)) : 0,
    false_approvals: results.reduce((s, r) => s + r.falseApprovals.length, 0),
    hygiene_violations: results.reduce((s, r) => s + r.hygiene.length, 0),
  };
}
