import { CLAUSE_LIMITS } from "../matters.js";
import { DEFAULT_MANDATE_TOP_N } from "../mandates.js";

/**
 * The bounds of a deliberation, in one place: every cap of a protocol task's schema is derived from
 * these, so none of them is a number picked on its own. A cap that counts representatives, their
 * values, the candidates or the options follows what a run of that size produces; the bounds are above
 * what a nation's parliament asks for (Estonia: 101 members of parliament, each a representative with a
 * mandate of DEFAULT_MANDATE_TOP_N = 8 values, so at most 808 values, read in batches of READING_BATCH).
 * A start beyond them is refused when the clerk presses Start (`startLimitProblems`), never found out by
 * a schema halfway through a run.
 */

/** Representatives (constituencies) in one deliberation: above a parliament of 101, or the largest (about 3,000) halved. */
export const MAX_REPRESENTATIVES = 1_500;

/** Values in one representative's mandate: convening keeps DEFAULT_MANDATE_TOP_N (8); a polity may keep more, up to this. */
export const MAX_MANDATE_VALUES = 64;

/** Distinct mandate values of one deliberation: what a candidate's `addresses` and the readings of one option count. */
export const MAX_DELIBERATION_VALUES = MAX_REPRESENTATIVES * MAX_MANDATE_VALUES;

/** Candidates a round offers (a matter's setting: 2..8, deliberation/matters.ts). */
export const MAX_CANDIDATES = 8;

/** Values read in one call: a model reads a clause against a few dozen values at a time. */
export const READING_BATCH = 48;

/** The clerk's clauses and the citizens' additions, each a slot of the rule. */
export const MAX_SLOTS = 2_000;

/** Options on the table: every wording of every slot (the clerk's, alternatives, amendments, the mediator's, delegates'). */
export const MAX_OPTIONS = 10_000;

/** One clause's words. */
export const MAX_CLAUSE_CHARS = CLAUSE_LIMITS.text.max;

/** A whole rule as one numbered text. */
export const MAX_RULE_CHARS = MAX_SLOTS * (MAX_CLAUSE_CHARS + 8);

/** Readings a representative's position or critique is computed from: every option against each of its mandate values. */
export const MAX_READINGS_PER_REPRESENTATIVE = MAX_OPTIONS * MAX_MANDATE_VALUES;

/**
 * Concerns the mediator's pen is given: one per top value (three per mandate) that the standing
 * package erodes or leaves unserved, constituencies holding the same value named together.
 */
export const TOP_VALUES_PER_MANDATE = 3;
export const MAX_WORDING_CONCERNS = MAX_REPRESENTATIVES * TOP_VALUES_PER_MANDATE;

/** The delegates' latest guidance texts the mediator is given (every override of a representative's position comes on top). */
export const MAX_GUIDANCE = 20;

/** Texts of candidates offered in earlier rounds (a returned draft adds a round each time). */
export const MAX_OFFERED = 1_000;

/** What a deliberation's start must stay within: the problems, in words, or none. */
export function startLimitProblems(started: {
  representatives: readonly { id: string; mandate: readonly unknown[] }[];
  slots?: readonly unknown[];
  options?: readonly unknown[];
  settings: { candidates: number };
}): string[] {
  const problems: string[] = [];
  if (started.representatives.length > MAX_REPRESENTATIVES)
    problems.push(`${started.representatives.length} representatives are more than a deliberation takes (${MAX_REPRESENTATIVES})`);
  for (const r of started.representatives)
    if (r.mandate.length > MAX_MANDATE_VALUES) problems.push(`the mandate of ${r.id} holds ${r.mandate.length} values, more than ${MAX_MANDATE_VALUES}`);
  if ((started.slots?.length ?? 0) > MAX_SLOTS) problems.push(`the rule has ${started.slots!.length} slots, more than ${MAX_SLOTS}`);
  if ((started.options?.length ?? 0) > MAX_OPTIONS) problems.push(`the rule has ${started.options!.length} options, more than ${MAX_OPTIONS}`);
  if (started.settings.candidates > MAX_CANDIDATES) problems.push(`${started.settings.candidates} candidates a round are more than ${MAX_CANDIDATES}`);
  return problems;
}

export { DEFAULT_MANDATE_TOP_N };
