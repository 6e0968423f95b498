import type { Option, Reading, Slot, Verdict } from "../reading/types.js";
import { TOP_VALUES_PER_MANDATE } from "./limits.js";

/**
 * Packages of clauses and what they do to each constituency (DESIGN.md, "The deliberation protocol",
 * steps 2–6). A package chooses one option per slot of the rule (or, for a clause citizens proposed to
 * add, none); its text is the chosen options' words, numbered. Everything here is computed from
 * readings: what an option does to a value was read before it counts.
 *
 * A value's verdict on a package: eroded when any chosen clause erodes it (an exception that lets the
 * police in is not undone by a prohibition beside it), honoured when some chosen clause honours it and
 * none erodes it, silent otherwise. A constituency's honoured share is the weight of its honoured
 * values (a mandate's weights sum to 1); the search's utility also counts eroded weight against it, so
 * striking a clause that erodes a value is worth something even when nothing honours the value yet.
 */

export interface MandateValue {
  valueId: string;
  title: string;
  weight: number;
}

export interface Constituency {
  id: string;
  citizens: number;
  mandate: readonly MandateValue[];
}

/** A package: per slot, the id of the chosen option, or null when the slot is left out. */
export type Choice = (string | null)[];

export interface RuleOptions {
  slots: readonly Slot[];
  options: readonly Option[];
}

/** Readings by option id, then value id. */
export type ReadingIndex = ReadonlyMap<string, ReadonlyMap<string, Reading>>;

export function indexReadings(readings: Iterable<Reading>): Map<string, Map<string, Reading>> {
  const index = new Map<string, Map<string, Reading>>();
  for (const r of readings) {
    let byValue = index.get(r.optionId);
    if (!byValue) index.set(r.optionId, (byValue = new Map()));
    byValue.set(r.valueId, r);
  }
  return index;
}

/** The options of each slot, in their order; an addition's slot may also be left empty (null). */
export function slotChoices(rule: RuleOptions): (string | null)[][] {
  return rule.slots.map((slot, i) => {
    const ids: (string | null)[] = rule.options.filter((o) => o.slot === i).map((o) => o.id);
    if (slot.kind === "addition") ids.unshift(null);
    return ids;
  });
}

/** The clerk's proposal: each clause as written, no additions. */
export function proposal(rule: RuleOptions): Choice {
  return rule.slots.map((slot, i) => (slot.kind === "clause" ? (rule.options.find((o) => o.slot === i && o.source === "clerk")?.id ?? null) : null));
}

export function optionById(rule: RuleOptions): Map<string, Option> {
  return new Map(rule.options.map((o) => [o.id, o]));
}

/** The clauses of a package, in order, without empty ones (a strike) and without a clause twice. */
export function clausesOf(rule: RuleOptions, choice: Choice): { slot: number; option: Option }[] {
  const byId = optionById(rule);
  const seen = new Set<string>();
  const out: { slot: number; option: Option }[] = [];
  choice.forEach((id, slot) => {
    const option = id === null ? undefined : byId.get(id);
    if (!option || option.text.trim() === "") return;
    const key = normalise(option.text);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ slot, option });
  });
  return out;
}

const normalise = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

/** The rule as a person reads it: "1. …\n2. …". */
export function packageText(rule: RuleOptions, choice: Choice): string {
  return clausesOf(rule, choice)
    .map(({ option }, i) => `${i + 1}. ${option.text.trim()}`)
    .join("\n");
}

export interface ValueVerdict {
  valueId: string;
  verdict: Verdict;
  /** The readings that decide it: the eroding ones when eroded, else the honouring ones. */
  by: Reading[];
}

/** What a package does to one value, from the readings of its chosen options. */
export function valueVerdict(rule: RuleOptions, choice: Choice, valueId: string, readings: ReadingIndex): ValueVerdict {
  const eroding: Reading[] = [];
  const honouring: Reading[] = [];
  for (const { option } of clausesOf(rule, choice)) {
    const r = readings.get(option.id)?.get(valueId);
    if (r?.verdict === "erodes") eroding.push(r);
    else if (r?.verdict === "honours") honouring.push(r);
  }
  if (eroding.length) return { valueId, verdict: "erodes", by: eroding };
  if (honouring.length) return { valueId, verdict: "honours", by: honouring };
  return { valueId, verdict: "silent", by: [] };
}

export interface Standing {
  constituencyId: string;
  /** Σ weight of honoured values: the share of the mandate the package honours, 0..1. */
  honoured: number;
  /** Σ weight of eroded values. */
  eroded: number;
  /** honoured − eroded: what the search maximises, worst-off first. */
  utility: number;
  values: (MandateValue & ValueVerdict)[];
}

export function standing(rule: RuleOptions, choice: Choice, constituency: Constituency, readings: ReadingIndex): Standing {
  let honoured = 0;
  let eroded = 0;
  const values = constituency.mandate.map((v) => {
    const verdict = valueVerdict(rule, choice, v.valueId, readings);
    if (verdict.verdict === "honours") honoured += v.weight;
    if (verdict.verdict === "erodes") eroded += v.weight;
    return { ...v, ...verdict };
  });
  return { constituencyId: constituency.id, honoured, eroded, utility: honoured - eroded, values };
}

/** A mandate's top values: the three of most weight (ties by id), what a representative will not give up. */
export function topValues(mandate: readonly MandateValue[], n = TOP_VALUES_PER_MANDATE): MandateValue[] {
  return [...mandate].sort((a, b) => b.weight - a.weight || (a.valueId < b.valueId ? -1 : 1)).slice(0, n);
}

const EPS = 1e-9;

export interface Scored {
  choice: Choice;
  standings: Standing[];
  /** Utilities sorted ascending: the leximin key. */
  sorted: number[];
  /** Σ citizens × utility / Σ citizens. */
  total: number;
  /** Slots whose option differs from the clerk's proposal. */
  changes: number;
  text: string;
}

export function score(rule: RuleOptions, choice: Choice, constituencies: readonly Constituency[], readings: ReadingIndex, base: Choice): Scored {
  const standings = constituencies.map((c) => standing(rule, choice, c, readings));
  const citizens = constituencies.reduce((s, c) => s + c.citizens, 0);
  const total = citizens === 0 ? 0 : standings.reduce((s, st, i) => s + constituencies[i]!.citizens * st.utility, 0) / citizens;
  return {
    choice,
    standings,
    sorted: standings.map((s) => s.utility).sort((a, b) => a - b),
    total,
    changes: choice.reduce((n, id, i) => n + (id === base[i] ? 0 : 1), 0),
    text: packageText(rule, choice),
  };
}

/**
 * The leximin order: the worst-off constituency's utility first, then the citizen-weighted total, then
 * the next worst-off and so on, then the fewest changes to the clerk's text, then the text itself (so
 * the order is total and deterministic). Negative: `a` is better.
 */
export function leximin(a: Scored, b: Scored): number {
  if (Math.abs(a.sorted[0]! - b.sorted[0]!) > EPS) return b.sorted[0]! - a.sorted[0]!;
  if (Math.abs(a.total - b.total) > EPS) return b.total - a.total;
  for (let i = 1; i < a.sorted.length; i++) if (Math.abs(a.sorted[i]! - b.sorted[i]!) > EPS) return b.sorted[i]! - a.sorted[i]!;
  if (a.changes !== b.changes) return a.changes - b.changes;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/** Above this many packages the search goes slot by slot, keeping the best partial packages (a beam). */
export const EXHAUSTIVE_LIMIT = 20_000;
export const BEAM_WIDTH = 256;

/**
 * A fast scorer for the search: per package only the utilities, the total, the changes and a text key,
 * from verdicts laid out once per option as a vector over every (constituency, value) of the mandates.
 * `score` (with standings and readings) is built only for the packages the search returns.
 */
function scorer(rule: RuleOptions, constituencies: readonly Constituency[], readings: ReadingIndex, base: Choice) {
  const pairs = constituencies.flatMap((c, ci) => c.mandate.map((v) => ({ ci, valueId: v.valueId, weight: v.weight })));
  const vectors = new Map<string, Int8Array>();
  const texts = new Map<string, string>();
  for (const o of rule.options) {
    if (o.text.trim() === "") continue;
    texts.set(o.id, normalise(o.text));
    const byValue = readings.get(o.id);
    vectors.set(
      o.id,
      Int8Array.from(pairs, (p) => (byValue?.get(p.valueId)?.verdict === "erodes" ? -1 : byValue?.get(p.valueId)?.verdict === "honours" ? 1 : 0)),
    );
  }
  const citizens = constituencies.reduce((n, c) => n + c.citizens, 0);
  return (choice: Choice) => {
    const chosen: Int8Array[] = [];
    const key: string[] = [];
    const seen = new Set<string>();
    let changes = 0;
    choice.forEach((id, slot) => {
      if (id !== base[slot]) changes++;
      const text = id === null ? undefined : texts.get(id);
      if (text === undefined || seen.has(text)) return;
      seen.add(text);
      key.push(text);
      chosen.push(vectors.get(id!)!);
    });
    const utilities = new Array<number>(constituencies.length).fill(0);
    pairs.forEach((p, i) => {
      let verdict = 0;
      for (const v of chosen) {
        if (v[i] === -1) {
          verdict = -1;
          break;
        }
        if (v[i] === 1) verdict = 1;
      }
      utilities[p.ci]! += verdict * p.weight;
    });
    const total = citizens === 0 ? 0 : utilities.reduce((sum, u, ci) => sum + constituencies[ci]!.citizens * u, 0) / citizens;
    return { choice, sorted: [...utilities].sort((a, b) => a - b), total, changes, text: key.join("\n") };
  };
}

type Light = ReturnType<ReturnType<typeof scorer>>;

/**
 * The distinct packages (by text), best first in the leximin order: exhaustively when there are at
 * most EXHAUSTIVE_LIMIT, else by a beam over the slots. Only the first `limit` come back, scored in full.
 */
export function rankPackages(
  rule: RuleOptions,
  constituencies: readonly Constituency[],
  readings: ReadingIndex,
  base: Choice = proposal(rule),
  limit = 64,
): Scored[] {
  const choices = slotChoices(rule);
  const count = choices.reduce((n, c) => n * Math.max(1, c.length), 1);
  const light = scorer(rule, constituencies, readings, base);
  const order = (a: Light, b: Light) => leximin(a as Scored, b as Scored);
  let pool: Choice[] = [[]];
  for (let slot = 0; slot < choices.length; slot++) {
    const options = choices[slot]!.length ? choices[slot]! : [null];
    const grown: Choice[] = [];
    for (const partial of pool) for (const id of options) grown.push([...partial, id]);
    if (count > EXHAUSTIVE_LIMIT && grown.length > BEAM_WIDTH) {
      // Partial packages are scored as if the slots still open were left as the clerk wrote them.
      const scored = grown.map((g) => ({ g, s: light([...g, ...base.slice(slot + 1)]) }));
      scored.sort((x, y) => order(x.s, y.s));
      pool = scored.slice(0, BEAM_WIDTH).map((x) => x.g);
    } else pool = grown;
  }
  const ranked = pool.map(light).sort(order);
  const seen = new Set<string>();
  const distinct: Light[] = [];
  for (const r of ranked) {
    if (seen.has(r.text)) continue;
    seen.add(r.text);
    distinct.push(r);
    if (distinct.length >= limit) break;
  }
  return distinct.map((r) => score(rule, r.choice, constituencies, readings, base));
}

/** How many distinct packages the options allow at most (for how many candidates a round can offer). */
export function packageCount(rule: RuleOptions): number {
  return slotChoices(rule).reduce((n, c) => Math.min(Number.MAX_SAFE_INTEGER, n * Math.max(1, c.length)), 1);
}

/**
 * Revision (step 6): the top values eroded in the winner that an option not yet tried could turn
 * around, in its slot, without lowering the worst-off constituency's utility.
 */
export interface Fix {
  constituencyId: string;
  valueId: string;
  slot: number;
  optionId: string | null;
}

export function fixesFor(
  rule: RuleOptions,
  winner: Choice,
  constituencies: readonly Constituency[],
  readings: ReadingIndex,
  tried: ReadonlySet<string>,
): Fix[] {
  const base = proposal(rule);
  const current = score(rule, winner, constituencies, readings, base);
  const choices = slotChoices(rule);
  const fixes: Fix[] = [];
  constituencies.forEach((c, ci) => {
    for (const top of topValues(c.mandate)) {
      const v = current.standings[ci]!.values.find((x) => x.valueId === top.valueId);
      if (v?.verdict !== "erodes") continue;
      choices.forEach((ids, slot) => {
        for (const id of ids) {
          if (id === winner[slot] || (id !== null && tried.has(id))) continue;
          if (id === null && tried.has(`omit:${slot}`)) continue;
          const next = [...winner];
          next[slot] = id;
          if (valueVerdict(rule, next, top.valueId, readings).verdict === "erodes") continue;
          const after = score(rule, next, constituencies, readings, base);
          if (after.sorted[0]! + EPS < current.sorted[0]!) continue;
          fixes.push({ constituencyId: c.id, valueId: top.valueId, slot, optionId: id });
        }
      });
    }
  });
  return fixes;
}

/** The options a package uses (and the additions it leaves out, as "omit:<slot>"): what counts as tried. */
export function triedBy(rule: RuleOptions, choice: Choice): string[] {
  return choice.map((id, slot) => id ?? `omit:${slot}`);
}

// ---------------------------------------------------------------------------------------------
// Fairness of the winner

export interface WeightedRanking {
  /** Tiers of candidate ids, best first. */
  ranking: readonly (readonly string[])[];
  weight: number;
}

/**
 * The proportional veto core (Moulin 1981; computed as in Ianovski & Kondratev, "Computing the
 * proportional veto core", AAAI 2021). With m candidates and voters of total weight n, a coalition T
 * may veto v(T) = ⌈m·w(T)/n⌉ − 1 candidates. T blocks c when there is a set B of at least m − v(T)
 * candidates every member of T strictly prefers to c: by vetoing the rest, T could force one of B. c is
 * in the core when no coalition blocks it. For each c and each B ⊆ others, the coalition that can
 * block with B is the largest one, everyone preferring all of B to c; candidates are few (≤ 8).
 */
export function vetoCore(candidates: readonly string[], ballots: readonly WeightedRanking[]): string[] {
  const m = candidates.length;
  const total = ballots.reduce((s, b) => s + b.weight, 0);
  if (m === 0 || total <= 0) return [...candidates];
  const rankOf = ballots.map((b) => {
    const rank = new Map<string, number>();
    b.ranking.forEach((tier, i) => {
      for (const id of tier) if (!rank.has(id)) rank.set(id, i);
    });
    // Unlisted candidates rank below every listed one, equal to each other.
    for (const id of candidates) if (!rank.has(id)) rank.set(id, b.ranking.length);
    return rank;
  });
  return candidates.filter((c) => {
    const others = candidates.filter((x) => x !== c);
    for (let mask = 1; mask < 1 << others.length; mask++) {
      const set = others.filter((_, i) => mask & (1 << i));
      let weight = 0;
      ballots.forEach((b, i) => {
        const r = rankOf[i]!;
        if (set.every((x) => r.get(x)! < r.get(c)!)) weight += b.weight;
      });
      if (weight <= 0) continue;
      const veto = Math.ceil((m * weight) / total - EPS) - 1;
      if (set.length >= m - veto) return false;
    }
    return true;
  });
}
