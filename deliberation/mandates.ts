import { sha256Hex } from "#crypto";
import { DomainError } from "./errors.js";
import { canonicalJson } from "./ledger.js";

/**
 * Mandates (DESIGN.md, "Constituencies and mandates"). A constituency's mandate is the frozen
 * snapshot its AI representative argues from: its top canonical values in the matter's context,
 * each with its moral-graph score, its support among the constituents, the dissent recorded
 * against it and its weight in the mandate, plus a SHA-256 over the canonical JSON of the whole,
 * so a ruling can be re-audited years later against exactly what the representative was given.
 *
 * Pure: no I/O (hashing is computation). Nothing depends on the order of the members, of their
 * holdings or of the maps.
 */

export interface MandateValue {
  valueId: string;
  /** The value's moral-graph score in the context (as given; 0 when it has none). */
  score: number;
  /** Members holding or endorsing it. */
  support: number;
  /** support / size. */
  supportShare: number;
  /** Dissent recorded against it in the moral graph (as given; 0 when none). */
  dissent: number;
  /** Its share of the mandate; the weights of a mandate sum to 1. */
  weight: number;
}

export interface MandateBasis {
  /** The ranking formula, written out so an auditor can recompute every weight from the mandate alone. */
  formula: typeof MANDATE_FORMULA;
  floor: number;
  /** The highest moral-graph score in the context: scores enter the formula relative to it. */
  scoreScale: number;
  topN: number;
}

export interface Mandate {
  constituencyId: string;
  /** Members of the constituency (the citizens its representative speaks for). */
  size: number;
  /** By weight descending, then value id. */
  values: MandateValue[];
  basis: MandateBasis;
  /** SHA-256 hex of the canonical JSON (RFC 8785) of the mandate without this field. */
  hash: string;
}

export const DEFAULT_MANDATE_TOP_N = 8;
/** The floor keeps a widely held value that the graph has not (yet) judged from counting for nothing. */
export const MANDATE_SCORE_FLOOR = 0.1;
export const MANDATE_FORMULA = "priority = support * (floor + score / scoreScale); weight = priority / sum(priority over the kept values)";

export interface MandateInput {
  constituencyId: string;
  members: readonly { id: string; holds: readonly string[] }[];
  /** Moral-graph score per value id in the matter's context (graph_scores). */
  scores: ReadonlyMap<string, number>;
  /** Dissent per value id in the context. */
  dissent: ReadonlyMap<string, number>;
  topN?: number;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkMeasure(kind: string, id: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) {
    throw new DomainError("invalid", `mandate.bad_${kind}`, `${kind} of "${id}" must be a finite number ≥ 0, got ${x}`, { id });
  }
}

export function hashMandate(content: Omit<Mandate, "hash">): string {
  return sha256Hex(canonicalJson(content));
}

/**
 * The constituency's mandate. Each value its members hold or endorse is ranked by
 *   support × (MANDATE_SCORE_FLOOR + score / scoreScale)    (scoreScale: the context's best score)
 * because support says what THESE citizens hold and the moral graph says which of those the polity
 * judges wiser: a value held by many members but judged less wise, and a value judged wise but
 * held by few of them, both yield to one that is both. Scores enter relative to the context's best
 * (PageRank scores sum to 1 over the context, so their raw size shrinks as values are added), and
 * the floor keeps a widely held value the graph has not judged from vanishing. The topN highest
 * are kept (ties by value id), weighted in proportion to that product and normalised to sum 1.
 */
export function buildMandate(input: MandateInput): Mandate {
  const { constituencyId, members, scores, dissent } = input;
  const topN = input.topN ?? DEFAULT_MANDATE_TOP_N;
  if (!Number.isInteger(topN) || topN < 1) throw new RangeError(`topN must be a positive integer, got ${topN}`);

  const support = new Map<string, number>();
  const seen = new Set<string>();
  for (const member of members) {
    if (seen.has(member.id)) {
      throw new DomainError("invalid", "mandate.duplicate_member", `member "${member.id}" appears twice`, { id: member.id });
    }
    seen.add(member.id);
    for (const valueId of new Set(member.holds)) support.set(valueId, (support.get(valueId) ?? 0) + 1);
  }
  let scoreScale = 0;
  for (const [id, score] of scores) {
    checkMeasure("score", id, score);
    if (score > scoreScale) scoreScale = score;
  }
  for (const [id, d] of dissent) checkMeasure("dissent", id, d);

  const size = members.length;
  const ranked = [...support]
    .map(([valueId, count]) => {
      const score = scores.get(valueId) ?? 0;
      return { valueId, score, support: count, priority: count * (MANDATE_SCORE_FLOOR + (scoreScale > 0 ? score / scoreScale : 0)) };
    })
    .sort((x, y) => y.priority - x.priority || compareStrings(x.valueId, y.valueId))
    .slice(0, topN);
  let total = 0;
  for (const v of ranked) total += v.priority;
  const values: MandateValue[] = ranked.map((v) => ({
    valueId: v.valueId,
    score: v.score,
    support: v.support,
    supportShare: v.support / size,
    dissent: dissent.get(v.valueId) ?? 0,
    weight: v.priority / total,
  }));
  const content: Omit<Mandate, "hash"> = {
    constituencyId,
    size,
    values,
    basis: { formula: MANDATE_FORMULA, floor: MANDATE_SCORE_FLOOR, scoreScale, topN },
  };
  return { ...content, hash: hashMandate(content) };
}

/** Whether the mandate is exactly what was hashed: its hash recomputed from everything else. */
export function verifyMandate(mandate: Mandate): boolean {
  const { hash, ...content } = mandate;
  try {
    return hashMandate(content) === hash;
  } catch {
    return false; // something canonical JSON cannot hold was put into it
  }
}

export interface CitizenShare {
  /** Her values that went into the mandate, in the mandate's order. */
  valueIds: string[];
  /** The total weight they carry there (0..1): "weight 14 % of its mandate". */
  weight: number;
}

/** Which of a citizen's values went into a mandate, and with what weight together. */
export function citizenShareInMandate(mandate: Pick<Mandate, "values">, citizenHolds: readonly string[]): CitizenShare {
  const holds = new Set(citizenHolds);
  const valueIds: string[] = [];
  let weight = 0;
  for (const v of mandate.values) {
    if (!holds.has(v.valueId)) continue;
    valueIds.push(v.valueId);
    weight += v.weight;
  }
  return { valueIds, weight };
}
