import { contentStems, textLanguage } from "../values/dedupe.js";

/**
 * How the offline engine reads a text against a mandate (DESIGN.md, "The LLM"): a value's attentional
 * policies say what a person living by it pays attention to, so a text honours the value as far as it
 * attends to those things. A policy counts as attended to when most of its content words (stemmed,
 * stopwords and the generic "MOMENTS when…" heads dropped) occur in the text.
 *
 * It is lexical, deterministic and explainable (every figure can be traced to the words that matched);
 * it cannot tell a rule that attends to something in order to protect it from one that attends to it in
 * order to erode it. That is what a model is for; the offline engine says what it can see.
 */

/** Share of a policy's content words a text must contain for the policy to count as attended to. */
export const POLICY_MATCH_SHARE = 0.6;
/** A value is honoured by a text when at least this share of its policies are attended to. */
export const HONOURED_SHARE = 0.5;

export interface CoverableValue {
  valueId: string;
  policies: readonly string[];
  weight: number;
}

export interface ValueCoverage {
  valueId: string;
  /** Attended-to policies / all policies, 0..1. */
  share: number;
  honoured: boolean;
  /** The policies the text does not attend to, in the card's order. */
  uncovered: string[];
}

export interface MandateCoverage {
  /** Σ weight × share over the mandate's values (weights sum to 1), 0..1. */
  score: number;
  values: ValueCoverage[];
}

export type StemSet = ReadonlySet<string>;

/**
 * The stems of a text, sentence by sentence: a ruling may carry clauses in both of the polity's
 * languages (citizens write in either), and each sentence is stemmed in its own.
 */
export function stemSet(text: string): StemSet {
  const stems = new Set<string>();
  for (const sentence of text.split(/[\n.;!?]+/u)) for (const stem of contentStems(sentence)) stems.add(stem);
  return stems;
}

export function policyAttended(policy: string, text: StemSet): boolean {
  const stems = [...new Set(contentStems(policy, true))];
  if (stems.length === 0) return false;
  const matched = stems.filter((s) => text.has(s)).length;
  return matched / stems.length >= POLICY_MATCH_SHARE;
}

export function valueCoverage(value: CoverableValue, text: StemSet): ValueCoverage {
  const uncovered = value.policies.filter((p) => !policyAttended(p, text));
  const share = value.policies.length === 0 ? 0 : (value.policies.length - uncovered.length) / value.policies.length;
  return { valueId: value.valueId, share, honoured: share >= HONOURED_SHARE, uncovered };
}

export function mandateCoverage(values: readonly CoverableValue[], text: StemSet): MandateCoverage {
  const covered = values.map((v) => valueCoverage(v, text));
  let score = 0;
  values.forEach((v, i) => (score += v.weight * covered[i]!.share));
  return { score, values: covered };
}

/**
 * A clause that makes a rule attend to what a policy names. Policies are written "MOMENTS when a
 * person realises…"; the clause keeps the citizen's words (so the coverage it creates is real and
 * auditable) in a sentence a ruling can carry.
 */
export function clauseFor(policy: string): string {
  const phrase = policy.trim().replace(/[.;:\s]+$/u, "");
  const lowered = phrase.replace(/^\p{Lu}{2,}/u, (head) => head.toLowerCase());
  // In the policy's own language, so the clause reads as one sentence and is stemmed as one.
  return textLanguage(phrase) === "et"
    ? `Sellise süsteemi juurutajad ja käitajad peavad pöörama tähelepanu järgmisele: ${lowered}.`
    : `Those who deploy or operate such a system shall attend to ${lowered}.`;
}
