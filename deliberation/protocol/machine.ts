import { wordingProblems } from "../reading/hygiene.js";
import type { Language, Option, Reading, Slot } from "../reading/types.js";
import { textLanguage } from "../values/dedupe.js";
import { schulze, type SchulzeBallot } from "../schulze.js";
import {
  type Choice,
  type Constituency,
  clausesOf,
  fixesFor,
  type Fix,
  indexReadings,
  packageCount,
  packageText,
  proposal,
  type RuleOptions,
  standing,
  topValues,
  triedBy,
  vetoCore,
} from "./packages.js";
import { MAX_GUIDANCE, MAX_WORDING_CONCERNS, READING_BATCH } from "./limits.js";
import {
  type Assessment,
  type Candidate,
  type Critique,
  type CritiqueInput,
  groundReadings,
  type MediationInput,
  type Position,
  type PositionInput,
  type ProtocolTaskKind,
  type ReadInput,
  type ReadOutput,
  type RepresentativeForPrompt,
  type Stance,
  type WordInput,
  type WordOutput,
  verdictMap,
} from "./tasks.js";

/**
 * The deliberation protocol (DESIGN.md) as a pure state machine. The ledger's events of a matter are
 * folded into a state; from a state, `plan` says what must happen next (calls, and events the code
 * computes itself: tallies and the draft). The runner in server/ executes those effects and appends
 * their results as events, which are folded in turn. So the state is always a function of the ledger:
 * after a crash, folding the same events gives the same state and the same outstanding effects, and a
 * call whose result is in the ledger is never asked for again.
 *
 * The order of work: every option is read against every mandate value (readings are ledger events);
 * positions follow from the readings of the proposal; each round, the mediator (with a model: new
 * wording first, read like any option) offers the best packages of options in the leximin order, each
 * representative assesses and ranks them from the readings, Schulze weighted by citizens picks the
 * winner, and the search goes on while a top value stays eroded that an untried option could fix at no
 * loss to the worst-off, up to the round limit. The approval threshold never ends the search early.
 *
 * Nothing here depends on the order in which parallel results arrive: inputs are built in a canonical
 * order (representatives by id, options by slot, candidates by index).
 */

export const PROTOCOL_VERSION = 2;

export interface DeliberationSettings {
  rounds: number;
  candidates: number;
  /** Share of citizens represented whose representatives approve the winner: reported, never a reason to stop. */
  approvalThreshold: number;
  /** Model tokens (prompt + completion) this deliberation may spend. */
  tokenBudget: number;
}

export interface RepresentativeSpec extends RepresentativeForPrompt {
  mandateHash: string;
}

export interface CallMeta {
  /** The recorded call whose answer is this event's content (the last attempt). */
  callId: string;
  /** Every recorded attempt, for audit (retries after a 429, a malformed answer, a grounding violation). */
  callIds: string[];
  engine: string;
  model: string;
  tokens: number;
  latencyMs: number;
  /** Grounding or schema problems left after the retry with feedback: the statement is flagged. */
  flags: string[];
}

export interface StartedPayload {
  protocol: number;
  title: string;
  /** The clerk's rule as one numbered text (what the matter page shows). */
  ruleText: string;
  contextId: string;
  settings: DeliberationSettings;
  representatives: RepresentativeSpec[];
  /** The matter's language: every clause, statement and draft is in it. */
  language?: Language;
  /** The rule as clauses, and the options people wrote for them (protocol 2). */
  slots?: Slot[];
  options?: Option[];
  /** The engine the deliberation started with ("offline" or "openai"); new wording is asked of a model only. */
  engine?: string;
}

export interface Fairness {
  /** Per constituency: share of its mandate's weight the winner honours and erodes. */
  shares: { representativeId: string; citizens: number; honoured: number; eroded: number }[];
  /** The round's candidates in the proportional veto core. */
  core: string[];
  inCore: boolean;
}

export interface Tally {
  round: number;
  candidates: string[];
  tiers: string[][];
  winner: string;
  /** Citizens represented by representatives approving the winner, of all represented. */
  approval: { weight: number; total: number; share: number };
  /** d[i][j] of the Schulze method: citizens (weighted ballots) preferring candidates[i] to candidates[j]. */
  d: number[][];
  /** p[i][j]: the strongest paths. */
  p?: number[][];
  fairness?: Fairness;
  /** Top values eroded in the winner that an untried option could fix at no loss to the worst-off: why another round runs. */
  fixes?: Fix[];
}

export interface CoverageValue {
  valueId: string;
  title: string;
  weight: number;
  verdict: "honours" | "erodes" | "silent";
  honoured: boolean;
  /** The readings that decide it (the eroding ones when eroded), with the clause number in the draft. */
  by: { optionId: string; clause: number; quote: string; reason: string; engine: string }[];
}

export interface DraftStance {
  representativeId: string;
  label: string;
  citizens: number;
  stance: Stance;
  approve: boolean;
  statement: string;
  valueIds: string[];
  flags: string[];
  /** The delegate whose text replaced the representative's statement. */
  overriddenBy?: string;
  /** Why a delegate struck the statement. */
  struck?: string;
}

export interface DraftClause {
  number: number;
  text: string;
  optionId: string;
  source: Option["source"];
  /** The clerk's clause number this stands in for, or null for an added clause. */
  replaces: number | null;
}

export interface DraftRuling {
  round: number;
  candidateId: string;
  title: string;
  text: string;
  approval: Tally["approval"];
  /** True when the token budget ran out before the protocol could finish its rounds. */
  budgetExhausted: boolean;
  stances: DraftStance[];
  minorityReports: (DraftStance & { preferred: string })[];
  /** Which mandate values of which constituencies the text honours, erodes or leaves alone: from readings. */
  coverage: {
    representativeId: string;
    label: string;
    citizens: number;
    honouredWeight: number;
    erodedWeight?: number;
    values: CoverageValue[];
  }[];
  /** Σ citizens × honoured weight / Σ citizens: how much of what the polity asked for the text carries. */
  citizenWeightedCoverage: number;
  /** The clauses, each from the option it was composed of (protocol 2). */
  clauses?: DraftClause[];
  choice?: Choice;
  fairness?: Fairness;
  language?: Language;
}

export type Stage = "positions" | "mediation" | "critique" | "drafting" | "drafted" | "halted";

export interface DeliberationState {
  matterId: string;
  started: StartedPayload;
  language: Language;
  /** The rule's slots and every option on the table: the people's, and the mediator's and delegates' as they come. */
  rule: { slots: Slot[]; options: Option[] };
  stage: Stage;
  round: number;
  /** By option, then value. */
  readings: Record<string, Record<string, Reading>>;
  /** Reading calls done, by key (an option's values are read in batches). */
  readingCalls: Record<string, CallMeta>;
  /** The mediator's new wording, by round (with a model only). */
  wordings: Record<number, { options: Option[]; call: CallMeta }>;
  positions: Record<string, { position: Position; call: CallMeta }>;
  /** By round, then candidate index. */
  candidates: Record<number, Record<number, { id: string; candidate: Candidate; call: CallMeta }>>;
  critiques: Record<number, Record<string, { critique: Critique; call: CallMeta }>>;
  tallies: Record<number, Tally>;
  budgetExhausted: boolean;
  haltedBecause: string | null;
  /** What the failure that halted it was, in our own words (a schema or check problem), when known. */
  haltedDetail?: string | null;
  /** Where a halted deliberation carries on from when it is resumed. */
  resumeAt: Stage | null;
  draft: DraftRuling | null;
  tokensSpent: number;
  lastSeq: number;
  /** Delegates' actions, applied between steps. */
  room: RoomState;
}

/**
 * A statement a delegate can override or strike: a representative's position ("position:district:tartu")
 * or its assessment of one candidate in one round ("critique:2:district:tartu:r2c3"): a ledger key, built by statementRef.
 */
export type StatementRef = string;

export interface ClauseAmendment {
  slot: number;
  optionId: string;
  text: string;
  by: string;
  seq: number;
}

export interface RoomState {
  /** While paused, no new step starts; calls under way finish and are recorded. */
  paused: boolean;
  /** Guidance to the mediator, oldest first; every later mediation sees all of it. */
  guidance: { text: string; by: string; seq: number }[];
  /** The delegate's text replaces the representative's, marked as such, in the room and in later prompts. */
  overrides: Record<StatementRef, { text: string; by: string; seq: number }>;
  /** Left out of later prompts, and shown struck with the reason. */
  struck: Record<StatementRef, { reason: string; by: string; seq: number }>;
  /** The draft as the delegates amended it (the ruling's text from then on), with who amended it last. */
  amended: { text: string; by: string; seq: number } | null;
  /** The delegates' amendments of the draft, by slot: each an option, read before the ballot. */
  clauseAmendments: Record<number, ClauseAmendment>;
  /** Amendments that could not be read (the budget ran out, or the reading failed for good): they do not count. */
  unreadable: Record<string, string>;
  /** How many times the delegates sent the draft back for another round. */
  returns: number;
  /** The package the round created by the last return revises: the draft as amended. */
  revising: { round: number; text: string; choice?: Choice } | null;
}

/** The events of the protocol, as they appear in the ledger (type + payload). */
export type ProtocolEvent =
  | { type: "deliberation.started"; payload: StartedPayload }
  /** One batch of values read against one option (the key names both). */
  | { type: "deliberation.reading"; payload: { key: string; optionId: string; readings: Reading[]; call: CallMeta } }
  /** The mediator's new wording for a round: options, read before they count. */
  | { type: "deliberation.wording"; payload: { key: string; round: number; options: Option[]; call: CallMeta } }
  | { type: "deliberation.position"; payload: { key: string; representativeId: string; position: Position; call: CallMeta } }
  | { type: "deliberation.candidate"; payload: { key: string; round: number; index: number; id: string; candidate: Candidate; call: CallMeta } }
  | { type: "deliberation.critique"; payload: { key: string; round: number; representativeId: string; critique: Critique; call: CallMeta } }
  | { type: "deliberation.tallied"; payload: Tally }
  | { type: "deliberation.budgetExhausted"; payload: { spent: number; budget: number; needed: number } }
  /**
   * A call that failed for good: the deliberation halts until a clerk resumes it. `transient`: it failed
   * after every attempt the runner makes on timeouts, 429s and 5xx; otherwise it was deterministic (the
   * same input gives the same failure) and was not asked again; `detail` says what our checks found.
   */
  | { type: "deliberation.callFailed"; payload: { key: string; reason: string; transient?: boolean; attempts?: number; detail?: string } }
  /** A call that gave no usable result; its recorded attempts still cost tokens. The call is made again. */
  | { type: "deliberation.attemptFailed"; payload: { key: string; reason: string; call: CallMeta } }
  /** A clerk resumes a halted deliberation, with a new token budget if the old one ran out. */
  | { type: "deliberation.resumed"; payload: { tokenBudget?: number } }
  | { type: "deliberation.drafted"; payload: DraftRuling }
  | RoomEvent;

/** What delegates do in the room (issue 6), each a ledger event with its actor. */
export type RoomEvent =
  | { type: "room.paused"; payload: { reason?: string }; actor?: string }
  | { type: "room.resumed"; payload: Record<string, never>; actor?: string }
  | { type: "room.guidance"; payload: { text: string }; actor?: string }
  | { type: "room.override"; payload: { statement: StatementRef; text: string }; actor?: string }
  | { type: "room.strike"; payload: { statement: StatementRef; reason: string }; actor?: string }
  /** A delegate amends one clause of the draft (its slot; "" strikes it). Protocol 1 amended the whole text. */
  | { type: "room.amended"; payload: { slot?: number; text: string }; actor?: string }
  | { type: "room.returned"; payload: { guidance?: string }; actor?: string };

export type CallEffect =
  | { kind: "call"; key: string; task: "read"; input: ReadInput }
  | { kind: "call"; key: string; task: "word"; input: WordInput }
  | { kind: "call"; key: string; task: "position"; input: PositionInput }
  | { kind: "call"; key: string; task: "mediate"; input: MediationInput }
  | { kind: "call"; key: string; task: "critique"; round: number; input: CritiqueInput };
export type AppendEffect = { kind: "append"; event: Extract<ProtocolEvent, { type: "deliberation.tallied" | "deliberation.drafted" }> };
export type Effect = CallEffect | AppendEffect;

export { READING_BATCH };

export const keys = {
  reading: (optionId: string, batch: number) => `reading:${optionId}:${batch}`,
  wording: (round: number) => `wording:${round}`,
  position: (representativeId: string) => `position:${representativeId}`,
  candidate: (round: number, index: number) => `candidate:${round}:${index}`,
  critique: (round: number, representativeId: string) => `critique:${round}:${representativeId}`,
};

export const candidateId = (round: number, index: number) => `r${round}c${index + 1}`;
/** The id of a delegate's amendment of a clause (the room.amended event's seq), and of the mediator's wording. */
export const delegateOptionId = (seq: number) => `d${seq}`;
export const mediatorOptionId = (round: number, index: number) => `w${round}.${index + 1}`;

// Keys are only ever built and compared, never parsed: that is unambiguous though representative ids hold colons, as the round is numeric and candidate ids ("r2c3") have none.
export const statementRef = {
  position: (representativeId: string): StatementRef => `position:${representativeId}`,
  critique: (round: number, representativeId: string, candidate: string): StatementRef => `critique:${round}:${representativeId}:${candidate}`,
};

/** A protocol-1 start has one rule text: its lines are the clauses, the clerk's only options. */
export function clausesFromText(text: string): { slots: Slot[]; options: Option[] } {
  const lines = text
    .split("\n")
    .map((l) => l.trim().replace(/^\d+[.)]\s+/u, ""))
    .filter((l) => l !== "");
  return {
    slots: lines.map((_, i) => ({ kind: "clause", number: i + 1 })),
    options: lines.map((text, i) => ({ id: `c${i + 1}`, slot: i, source: "clerk", text, valueId: null })),
  };
}

export function initialState(matterId: string, started: StartedPayload): DeliberationState {
  const rule = started.slots && started.options ? { slots: started.slots, options: started.options } : clausesFromText(started.ruleText);
  return {
    matterId,
    started: { ...started, representatives: [...started.representatives].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) },
    language: started.language ?? textLanguage(started.ruleText),
    rule: { slots: [...rule.slots], options: [...rule.options] },
    stage: "positions",
    round: 1,
    readings: {},
    readingCalls: {},
    wordings: {},
    positions: {},
    candidates: {},
    critiques: {},
    tallies: {},
    budgetExhausted: false,
    haltedBecause: null,
    resumeAt: null,
    draft: null,
    tokensSpent: 0,
    lastSeq: 0,
    room: { paused: false, guidance: [], overrides: {}, struck: {}, amended: null, clauseAmendments: {}, unreadable: {}, returns: 0, revising: null },
  };
}

const reps = (state: DeliberationState) => state.started.representatives;
const countOf = (record: object | undefined) => (record ? Object.keys(record).length : 0);
/** Whether new wording is asked of the engine: a model writes; the offline engine only composes what people wrote. */
const writes = (state: DeliberationState) => (state.started.engine ?? "offline") !== "offline";

/** Folds one event into the state. Events of other kinds (the matter's own) leave it as it is. */
export function apply(state: DeliberationState, event: ProtocolEvent & { seq?: number }): DeliberationState {
  const next: DeliberationState = { ...state, lastSeq: event.seq ?? state.lastSeq };
  switch (event.type) {
    case "deliberation.started":
      return { ...initialState(state.matterId, event.payload), lastSeq: next.lastSeq };
    case "deliberation.reading": {
      const r = event.payload;
      if (state.readingCalls[r.key]) return next;
      next.readingCalls = { ...state.readingCalls, [r.key]: r.call };
      next.readings = { ...state.readings, [r.optionId]: { ...state.readings[r.optionId] } };
      for (const reading of r.readings) next.readings[r.optionId]![reading.valueId] = reading;
      next.tokensSpent += r.call.tokens;
      return next;
    }
    case "deliberation.wording": {
      const w = event.payload;
      if (state.wordings[w.round]) return next;
      next.wordings = { ...state.wordings, [w.round]: { options: w.options, call: w.call } };
      next.rule = { ...state.rule, options: [...state.rule.options, ...w.options] };
      next.tokensSpent += w.call.tokens;
      return next;
    }
    case "deliberation.position": {
      const p = event.payload;
      if (state.positions[p.representativeId]) return next; // a duplicate cannot count twice
      next.positions = { ...state.positions, [p.representativeId]: { position: p.position, call: p.call } };
      next.tokensSpent += p.call.tokens;
      if (next.stage === "positions" && countOf(next.positions) === reps(state).length) next.stage = "mediation";
      return next;
    }
    case "deliberation.candidate": {
      const c = event.payload;
      const round = state.candidates[c.round] ?? {};
      if (round[c.index]) return next;
      next.candidates = { ...state.candidates, [c.round]: { ...round, [c.index]: { id: c.id, candidate: c.candidate, call: c.call } } };
      next.tokensSpent += c.call.tokens;
      if (next.stage === "mediation" && c.round === state.round && countOf(next.candidates[c.round]) >= candidatesOfRound(state)) {
        next.stage = "critique";
      }
      return next;
    }
    case "deliberation.critique": {
      const k = event.payload;
      const round = state.critiques[k.round] ?? {};
      if (round[k.representativeId]) return next;
      next.critiques = { ...state.critiques, [k.round]: { ...round, [k.representativeId]: { critique: k.critique, call: k.call } } };
      next.tokensSpent += k.call.tokens;
      return next;
    }
    case "deliberation.tallied": {
      const t = event.payload;
      if (state.tallies[t.round]) return next;
      next.tallies = { ...state.tallies, [t.round]: t };
      // Protocol 1 stopped at the approval threshold; protocol 2 revises while a fix is on the table.
      const v1 = t.fixes === undefined;
      const revise = v1 ? t.approval.share < state.started.settings.approvalThreshold : t.fixes!.length > 0 || wordingMayHelp(state, t);
      if (!revise || t.round >= state.started.settings.rounds) next.stage = "drafting";
      else {
        next.round = t.round + 1;
        next.stage = "mediation";
      }
      return next;
    }
    case "deliberation.budgetExhausted":
      if (state.stage === "drafted") return markUnreadable(state, next, "budget_exhausted");
      if (state.stage === "halted") return next;
      next.budgetExhausted = true;
      if (latestTally(state)) next.stage = "drafting";
      else {
        next.resumeAt = state.stage;
        next.stage = "halted";
        next.haltedBecause = "budget_exhausted";
      }
      return next;
    case "deliberation.attemptFailed":
      next.tokensSpent += event.payload.call.tokens;
      return next;
    case "deliberation.callFailed":
      if (state.stage === "drafted") return markUnreadable(state, next, event.payload.reason);
      if (state.stage === "halted") return next;
      next.resumeAt = state.stage;
      next.stage = "halted";
      next.haltedBecause = event.payload.reason;
      next.haltedDetail = event.payload.detail ?? null;
      return next;
    case "deliberation.resumed":
      if (state.stage !== "halted" || !state.resumeAt) return next;
      next.stage = state.resumeAt;
      next.resumeAt = null;
      next.haltedBecause = null;
      next.haltedDetail = null;
      next.budgetExhausted = false;
      if (event.payload.tokenBudget !== undefined)
        next.started = { ...state.started, settings: { ...state.started.settings, tokenBudget: event.payload.tokenBudget } };
      return next;
    case "deliberation.drafted":
      next.draft = event.payload;
      next.stage = "drafted";
      // An amendment was of the previous draft; this one starts clean.
      if (state.room.amended || countOf(state.room.clauseAmendments)) next.room = { ...state.room, amended: null, clauseAmendments: {} };
      return next;
    case "room.paused":
      next.room = { ...state.room, paused: true };
      return next;
    case "room.resumed":
      next.room = { ...state.room, paused: false };
      return next;
    case "room.guidance":
      next.room = { ...state.room, guidance: [...state.room.guidance, { text: event.payload.text, by: event.actor ?? "", seq: next.lastSeq }] };
      return next;
    case "room.override":
      next.room = {
        ...state.room,
        overrides: { ...state.room.overrides, [event.payload.statement]: { text: event.payload.text, by: event.actor ?? "", seq: next.lastSeq } },
      };
      return next;
    case "room.strike":
      next.room = {
        ...state.room,
        struck: { ...state.room.struck, [event.payload.statement]: { reason: event.payload.reason, by: event.actor ?? "", seq: next.lastSeq } },
      };
      return next;
    case "room.amended": {
      if (state.stage !== "drafted" || !state.draft) return next;
      const by = event.actor ?? "";
      const slot = event.payload.slot;
      if (slot === undefined || !state.draft.choice) {
        // Protocol 1: the whole text.
        next.room = { ...state.room, amended: { text: event.payload.text, by, seq: next.lastSeq } };
        return next;
      }
      const optionId = delegateOptionId(next.lastSeq);
      const option: Option = { id: optionId, slot, source: "delegate", text: event.payload.text.trim(), valueId: null };
      next.rule = { ...state.rule, options: [...state.rule.options, option] };
      const clauseAmendments = { ...state.room.clauseAmendments, [slot]: { slot, optionId, text: option.text, by, seq: next.lastSeq } };
      const choice = amendedChoice(state.draft.choice, countedAmendments({ ...state, room: { ...state.room, clauseAmendments } }));
      next.room = { ...state.room, clauseAmendments, amended: { text: packageText(next.rule, choice), by, seq: next.lastSeq } };
      return next;
    }
    case "room.returned": {
      // Back to deliberation: one more round of revision from the draft (as amended), with the guidance.
      const last = latestTally(state);
      if (state.stage !== "drafted" || !last) return next;
      const round = last.round + 1;
      const guidance = event.payload.guidance
        ? [...state.room.guidance, { text: event.payload.guidance, by: event.actor ?? "", seq: next.lastSeq }]
        : state.room.guidance;
      next.round = round;
      next.stage = "mediation";
      next.draft = null;
      next.started = { ...state.started, settings: { ...state.started.settings, rounds: Math.max(state.started.settings.rounds, round) } };
      const amendedChoiceNow = state.draft?.choice ? amendedChoice(state.draft.choice, countedAmendments(state)) : undefined;
      next.room = {
        ...state.room,
        guidance,
        returns: state.room.returns + 1,
        amended: null,
        clauseAmendments: {},
        revising: state.room.amended ? { round, text: state.room.amended.text, ...(amendedChoiceNow ? { choice: amendedChoiceNow } : {}) } : null,
      };
      return next;
    }
    default:
      return next;
  }
}

/**
 * A drafted deliberation that cannot read a delegate's amendment (no budget left, or the reading failed
 * for good) does not wait for it forever: the amendment is marked unreadable and does not count.
 */
function markUnreadable(state: DeliberationState, next: DeliberationState, reason: string): DeliberationState {
  const pending = pendingAmendments(state);
  if (pending.length === 0) return next;
  next.room = { ...state.room, unreadable: { ...state.room.unreadable, ...Object.fromEntries(pending.map((a) => [a.optionId, reason])) } };
  const counted = countedAmendments(next);
  next.room.amended =
    state.draft?.choice && state.room.amended && Object.keys(counted).length
      ? { ...state.room.amended, text: packageText(next.rule, amendedChoice(state.draft.choice, counted)) }
      : null;
  return next;
}

/** The delegates' amendments that count: those that were, or can still be, read. */
function countedAmendments(state: DeliberationState): Record<number, ClauseAmendment> {
  return Object.fromEntries(Object.entries(state.room.clauseAmendments).filter(([, a]) => !state.room.unreadable[a.optionId]));
}

/** Amendments with words still waiting for their reading. */
function pendingAmendments(state: DeliberationState): ClauseAmendment[] {
  return Object.values(countedAmendments(state)).filter((a) => a.text !== "" && readingEffects(state, new Set([a.optionId])).length > 0);
}

/** A draft's package with the delegates' clause amendments in their slots. */
export function amendedChoice(choice: Choice, amendments: Record<number, ClauseAmendment>): Choice {
  const out = [...choice];
  for (const a of Object.values(amendments)) out[a.slot] = a.optionId;
  return out;
}

/**
 * Whether the state already holds what `event`, written by the runner, would add: the result of the same
 * call (by its key), the tally of the same round, a draft. Such an event was written before, by an attempt
 * whose answer was lost or by another run that folded the ledger earlier or later than this one; folded, it
 * would change nothing (the first one counts), and appended, it would stand in the ledger twice. A call's
 * failure is moot once its result is in (appended, it would halt a deliberation that has what it needs).
 * Delegates' actions and the other events of the runner (an attempt's cost, an exhausted budget) are never held.
 */
export function alreadyHolds(state: DeliberationState, event: ProtocolEvent): boolean {
  switch (event.type) {
    case "deliberation.reading":
      return Boolean(state.readingCalls[event.payload.key]);
    case "deliberation.wording":
      return Boolean(state.wordings[event.payload.round]);
    case "deliberation.position":
      return Boolean(state.positions[event.payload.representativeId]);
    case "deliberation.candidate":
      return Boolean(state.candidates[event.payload.round]?.[event.payload.index]);
    case "deliberation.critique":
      return Boolean(state.critiques[event.payload.round]?.[event.payload.representativeId]);
    case "deliberation.tallied":
      return Boolean(state.tallies[event.payload.round]);
    case "deliberation.drafted":
      // The runner drafts from "drafting" only; any other stage means the draft is written (or the matter moved on).
      return state.stage !== "drafting";
    case "deliberation.callFailed":
      return heldResultKeys(state).has(event.payload.key);
    default:
      return false;
  }
}

/** The keys of the calls whose results the state holds. */
function heldResultKeys(state: DeliberationState): Set<string> {
  const held = new Set(Object.keys(state.readingCalls));
  for (const round of Object.keys(state.wordings)) held.add(keys.wording(Number(round)));
  for (const id of Object.keys(state.positions)) held.add(keys.position(id));
  for (const [round, byIndex] of Object.entries(state.candidates))
    for (const index of Object.keys(byIndex)) held.add(keys.candidate(Number(round), Number(index)));
  for (const [round, byRep] of Object.entries(state.critiques)) for (const id of Object.keys(byRep)) held.add(keys.critique(Number(round), id));
  return held;
}

/** Folds a matter's ledger (any events; only the protocol's count) into a state, or null before the start. */
export function replay(matterId: string, events: readonly { type: string; payload: unknown; seq?: number; actor?: string }[]): DeliberationState | null {
  let state: DeliberationState | null = null;
  for (const event of events) {
    // A deliberation starts once; a second start (which the service refuses) would change nothing.
    if (event.type === "deliberation.started") {
      if (!state) state = initialState(matterId, event.payload as StartedPayload);
      continue;
    }
    if (state) state = apply(state, event as ProtocolEvent & { seq?: number });
  }
  return state;
}

export function latestTally(state: DeliberationState): Tally | null {
  const rounds = Object.keys(state.tallies).map(Number);
  return rounds.length ? state.tallies[Math.max(...rounds)]! : null;
}

const promptRep = ({ mandateHash: _, ...rep }: RepresentativeSpec): RepresentativeForPrompt => rep;

function roundCandidates(state: DeliberationState, round: number) {
  const byIndex = state.candidates[round] ?? {};
  return Object.keys(byIndex)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => byIndex[i]!);
}

/** How many candidates a round offers: the setting, or fewer when the options allow fewer distinct packages. */
function candidatesOfRound(state: DeliberationState): number {
  return Math.max(1, Math.min(state.started.settings.candidates, packageCount(state.rule)));
}

/** Every mandate value once, by id: what each option is read against. */
function mandateValues(state: DeliberationState) {
  const byId = new Map<string, RepresentativeForPrompt["mandate"][number]>();
  for (const r of reps(state)) for (const v of r.mandate) if (!byId.has(v.valueId)) byId.set(v.valueId, v);
  return [...byId.values()]
    .sort((a, b) => (a.valueId < b.valueId ? -1 : 1))
    .map(({ valueId, title, description, policies }) => ({ valueId, title, description, policies }));
}

/** The reading calls still missing: every option with words (or only those given), against every mandate value, in batches. */
function readingEffects(state: DeliberationState, only?: ReadonlySet<string>): CallEffect[] {
  const values = mandateValues(state);
  const effects: CallEffect[] = [];
  for (const option of state.rule.options) {
    if (option.text.trim() === "" || (only && !only.has(option.id))) continue;
    for (let batch = 0; batch * READING_BATCH < Math.max(1, values.length); batch++) {
      const key = keys.reading(option.id, batch);
      if (state.readingCalls[key]) continue;
      effects.push({
        kind: "call",
        key,
        task: "read",
        input: {
          language: state.language,
          option: { id: option.id, text: option.text },
          values: values.slice(batch * READING_BATCH, (batch + 1) * READING_BATCH),
        },
      });
    }
  }
  return effects;
}

/** Every reading there is, as a flat list (strikes read as silent by nature). */
export function allReadings(state: DeliberationState): Reading[] {
  return Object.values(state.readings).flatMap((byValue) => Object.values(byValue));
}

function readingsFor(state: DeliberationState, rep: RepresentativeForPrompt): Reading[] {
  // By option, then value, in code-unit order; looked up per mandate value, not filtered from every
  // reading there is (a parliament plans 101 of these at once, over some 10,000 readings).
  const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const valueIds = [...new Set(rep.mandate.map((v) => v.valueId))].sort(byCodeUnits);
  const out: Reading[] = [];
  for (const optionId of Object.keys(state.readings).sort(byCodeUnits)) {
    const byValue = state.readings[optionId]!;
    for (const valueId of valueIds) {
      const reading = byValue[valueId];
      if (reading) out.push(reading);
    }
  }
  return out;
}

const constituencies = (state: DeliberationState): Constituency[] =>
  reps(state).map((r) => ({ id: r.id, citizens: r.citizens, mandate: r.mandate.map((v) => ({ valueId: v.valueId, title: v.title, weight: v.weight })) }));

/** The winner of a round, as a package. */
function winnerChoice(state: DeliberationState, round: number): Choice | null {
  const tally = state.tallies[round];
  if (!tally) return null;
  return roundCandidates(state, round).find((c) => c.id === tally.winner)?.candidate.choice ?? null;
}

/**
 * What the candidates of the rounds before `round` offered: options (and additions left out) already
 * put to the representatives. The round's own candidates never count, so a round's inputs do not
 * depend on how many of its candidates were recorded before a crash.
 */
function triedBefore(state: DeliberationState, round: number): string[] {
  const tried = new Set<string>();
  for (const [r, byIndex] of Object.entries(state.candidates)) {
    if (Number(r) >= round) continue;
    for (const c of Object.values(byIndex)) if (c.candidate.choice) for (const t of triedBy(state.rule, c.candidate.choice)) tried.add(t);
  }
  return [...tried].sort();
}

/** The texts of the candidates of the rounds before `round`. */
function offeredBefore(state: DeliberationState, round: number): string[] {
  const texts = new Set<string>();
  for (const [r, byIndex] of Object.entries(state.candidates)) if (Number(r) < round) for (const c of Object.values(byIndex)) texts.add(c.candidate.text);
  return [...texts].sort();
}

function mediationInput(state: DeliberationState, index: number): MediationInput {
  const round = state.round;
  const revising = state.room.revising?.round === round ? state.room.revising.choice : undefined;
  const winner = revising ?? winnerChoice(state, round - 1);
  return {
    language: state.language,
    round,
    index,
    of: candidatesOfRound(state),
    rule: state.rule,
    constituencies: reps(state).map((r) => ({
      id: r.id,
      label: r.label,
      citizens: r.citizens,
      mandate: r.mandate.map((v) => ({ valueId: v.valueId, title: v.title, weight: v.weight })),
    })),
    verdicts: verdictMap(allReadings(state)),
    previous: winner ? { winner, tried: triedBefore(state, round), offered: offeredBefore(state, round) } : null,
  };
}

/** The concerns new wording answers: top values the standing package erodes or leaves unserved. */
function wordingInput(state: DeliberationState): WordInput {
  const round = state.round;
  const choice = (state.room.revising?.round === round ? state.room.revising.choice : undefined) ?? winnerChoice(state, round - 1) ?? proposal(state.rule);
  const readings = indexReadings(allReadings(state));
  const byValue = new Map(mandateValues(state).map((v) => [v.valueId, v]));
  const labels = new Map(reps(state).map((r) => [r.id, r.label]));
  // Every constituency's unserved top values, worst-off constituency first; a value several hold (in
  // the same slot) is one concern naming them all, so the pen hears every constituency, not the first few.
  const standings = constituencies(state)
    .map((c) => ({ c, st: standing(state.rule, choice, c, readings) }))
    .sort((a, b) => a.st.utility - b.st.utility || (a.c.id < b.c.id ? -1 : 1));
  const byConcern = new Map<string, WordInput["concerns"][number]>();
  for (const { c, st } of standings) {
    for (const top of topValues(c.mandate)) {
      const v = st.values.find((x) => x.valueId === top.valueId)!;
      if (v.verdict === "honours") continue;
      const slot = v.verdict === "erodes" ? choice.indexOf(v.by[0]!.optionId) : null;
      const key = `${top.valueId}\u0000${slot}`;
      const concern = byConcern.get(key);
      if (concern) concern.constituencies.push(labels.get(c.id)!);
      else byConcern.set(key, { constituencies: [labels.get(c.id)!], value: byValue.get(top.valueId)!, slot });
    }
  }
  const concerns = [...byConcern.values()];
  return {
    language: state.language,
    round,
    rule: packageText(state.rule, choice),
    slots: clausesOf(state.rule, choice).map(({ slot, option }) => ({ slot, number: state.rule.slots[slot]!.number, text: option.text })),
    concerns: concerns.slice(0, MAX_WORDING_CONCERNS),
    // The delegates' guidance, and the words a delegate put in a representative's mouth (a struck position says nothing).
    guidance: [
      ...state.room.guidance.slice(-MAX_GUIDANCE).map((g) => g.text),
      ...reps(state).flatMap((r) => {
        const ref = statementRef.position(r.id);
        const override = state.room.overrides[ref];
        return override && !state.room.struck[ref] ? [`${r.label}: ${override.text}`] : [];
      }),
    ],
  };
}

/** With a model, another round is worth it while a top value stays eroded and the last wording brought something new. */
function wordingMayHelp(state: DeliberationState, t: Tally): boolean {
  if (!writes(state)) return false;
  const eroded = (t.fairness?.shares ?? []).some((s) => s.eroded > 0);
  return eroded && (state.wordings[t.round]?.options.length ?? 0) > 0;
}

/** Options a model's wording proposes, as options of the rule (each read before it counts). */
export function wordingOptions(round: number, output: WordOutput, state: Pick<DeliberationState, "rule">): Option[] {
  const existing = new Set(state.rule.options.map((o) => o.text.trim().toLowerCase()));
  return output.clauses
    .filter((c) => c.slot < state.rule.slots.length && !existing.has(c.text.trim().toLowerCase()))
    .map((c, i) => ({ id: mediatorOptionId(round, i), slot: c.slot, source: "mediator" as const, text: c.text.trim(), valueId: null }));
}

function assessmentOf(state: DeliberationState, round: number, representativeId: string, candidate: string): Assessment | undefined {
  return state.critiques[round]?.[representativeId]?.critique.assessments.find((a) => a.candidateId === candidate);
}

/** The ballots of a round: each representative's ranking, cleaned of unknown or repeated ids, weighted by its citizens. */
export function ballotsOf(state: DeliberationState, round: number): SchulzeBallot[] {
  const ids = new Set(roundCandidates(state, round).map((c) => c.id));
  return reps(state)
    .filter((r) => r.citizens > 0)
    .map((r) => {
      const seen = new Set<string>();
      const ranking = (state.critiques[round]?.[r.id]?.critique.ranking ?? []).map((tier) =>
        tier.filter((id) => {
          if (!ids.has(id) || seen.has(id)) return false;
          seen.add(id);
          return true;
        }),
      );
      return { ranking, weight: r.citizens };
    });
}

/** The winner's fairness: each constituency's shares under the readings, and the proportional veto core. */
function fairnessOf(state: DeliberationState, round: number, winner: string, choice: Choice | null | undefined): Fairness {
  const readings = indexReadings(allReadings(state));
  const shares = constituencies(state).map((c) => {
    const st = choice ? standing(state.rule, choice, c, readings) : null;
    return { representativeId: c.id, citizens: c.citizens, honoured: st?.honoured ?? 0, eroded: st?.eroded ?? 0 };
  });
  const core = vetoCore(
    roundCandidates(state, round).map((c) => c.id),
    ballotsOf(state, round),
  );
  return { shares, core, inCore: core.includes(winner) };
}

/** Step 5: Schulze over the representatives' rankings, weighted by citizens; ties go to the wider approval, then the id. */
export function tally(state: DeliberationState, round: number): Tally {
  const candidates = roundCandidates(state, round).map((c) => c.id);
  const approvalWeight = (candidate: string) =>
    reps(state).reduce((sum, r) => sum + (assessmentOf(state, round, r.id, candidate)?.approve ? r.citizens : 0), 0);
  const result = schulze({ candidates, ballots: ballotsOf(state, round) }, { tieBreak: (a, b) => approvalWeight(b) - approvalWeight(a) });
  const winner = result.order[0]!;
  const total = reps(state).reduce((sum, r) => sum + r.citizens, 0);
  const weight = approvalWeight(winner);
  const choice = roundCandidates(state, round).find((c) => c.id === winner)?.candidate.choice;
  const fixes = choice ? fixesFor(state.rule, choice, constituencies(state), indexReadings(allReadings(state)), new Set(triedBefore(state, round + 1))) : [];
  return {
    round,
    candidates,
    tiers: result.tiers,
    winner,
    approval: { weight, total, share: total === 0 ? 0 : weight / total },
    d: result.d,
    p: result.p,
    fairness: fairnessOf(state, round, winner, choice),
    fixes,
  };
}

/** What a package does to every constituency's mandate, from readings, with the clause each verdict rests on. */
export function coverageOf(state: DeliberationState, choice: Choice): DraftRuling["coverage"] {
  const readings = indexReadings(allReadings(state));
  const numberOf = new Map(clausesOf(state.rule, choice).map(({ option }, i) => [option.id, i + 1]));
  return reps(state).map((r) => {
    const st = standing(state.rule, choice, { id: r.id, citizens: r.citizens, mandate: r.mandate }, readings);
    return {
      representativeId: r.id,
      label: r.label,
      citizens: r.citizens,
      honouredWeight: st.honoured,
      erodedWeight: st.eroded,
      values: st.values.map((v) => ({
        valueId: v.valueId,
        title: v.title,
        weight: v.weight,
        verdict: v.verdict,
        honoured: v.verdict === "honours",
        by: v.by.map((b) => ({ optionId: b.optionId, clause: numberOf.get(b.optionId) ?? 0, quote: b.quote, reason: b.reason, engine: b.engine })),
      })),
    };
  });
}

/** The clauses of a package, as the draft lists them. */
export function draftClauses(state: DeliberationState, choice: Choice): DraftClause[] {
  return clausesOf(state.rule, choice).map(({ slot, option }, i) => {
    const s = state.rule.slots[slot]!;
    return { number: i + 1, text: option.text.trim(), optionId: option.id, source: option.source, replaces: s.kind === "clause" ? s.number : null };
  });
}

/** Step 7: the winner of the last tally, with every representative's stance on it, minority reports and coverage. */
export function draftOf(state: DeliberationState): DraftRuling {
  const last = latestTally(state)!;
  const winner = roundCandidates(state, last.round).find((c) => c.id === last.winner)!;
  const choice = winner.candidate.choice;
  const stances: DraftStance[] = reps(state).map((r) => {
    const entry = state.critiques[last.round]?.[r.id];
    const a = assessmentOf(state, last.round, r.id, winner.id);
    const ref = statementRef.critique(last.round, r.id, winner.id);
    const override = state.room.overrides[ref];
    return {
      representativeId: r.id,
      label: r.label,
      citizens: r.citizens,
      stance: a?.stance ?? "amend",
      approve: a?.approve ?? false,
      statement: override?.text ?? a?.statement ?? "",
      valueIds: a ? [...a.honoured, ...a.unaddressed] : [],
      flags: entry?.call.flags ?? [],
      ...(override ? { overriddenBy: override.by } : {}),
      ...(state.room.struck[ref] ? { struck: state.room.struck[ref].reason } : {}),
    };
  });
  const minorityReports = stances
    .filter((s) => !s.approve)
    .map((s) => ({ ...s, preferred: state.critiques[last.round]?.[s.representativeId]?.critique.ranking.flat()[0] ?? winner.id }));
  const coverage = choice
    ? coverageOf(state, choice)
    : // Protocol 1: what the representatives' own assessments said.
      reps(state).map((r) => {
        const honoured = new Set(assessmentOf(state, last.round, r.id, winner.id)?.honoured ?? []);
        const values = r.mandate.map((v) => ({
          valueId: v.valueId,
          title: v.title,
          weight: v.weight,
          verdict: (honoured.has(v.valueId) ? "honours" : "silent") as CoverageValue["verdict"],
          honoured: honoured.has(v.valueId),
          by: [],
        }));
        return {
          representativeId: r.id,
          label: r.label,
          citizens: r.citizens,
          honouredWeight: values.reduce((s, v) => s + (v.honoured ? v.weight : 0), 0),
          values,
        };
      });
  const citizens = coverage.reduce((s, c) => s + c.citizens, 0);
  return {
    round: last.round,
    candidateId: winner.id,
    title: winner.candidate.title,
    text: winner.candidate.text,
    approval: last.approval,
    budgetExhausted: state.budgetExhausted,
    stances,
    minorityReports,
    coverage,
    citizenWeightedCoverage: citizens === 0 ? 0 : coverage.reduce((s, c) => s + c.citizens * c.honouredWeight, 0) / citizens,
    ...(choice ? { clauses: draftClauses(state, choice), choice, language: state.language } : {}),
    ...(last.fairness ? { fairness: last.fairness } : {}),
  };
}

/** Whether a delegate's amendment still waits for its reading: the ballot cannot open on unread text. */
export function amendmentPending(state: DeliberationState): boolean {
  return pendingAmendments(state).length > 0;
}

/** The draft as the delegates amended it, with its figures from readings: what a ballot puts to the vote. */
export function amendedDraft(state: DeliberationState): { text: string; clauses: DraftClause[]; coverage: DraftRuling["coverage"]; pending: boolean } | null {
  const counted = countedAmendments(state);
  if (!state.draft?.choice || countOf(counted) === 0) return null;
  const choice = amendedChoice(state.draft.choice, counted);
  return { text: packageText(state.rule, choice), clauses: draftClauses(state, choice), coverage: coverageOf(state, choice), pending: amendmentPending(state) };
}

/**
 * What must happen next, given everything the ledger holds: the calls still without a result (all of a
 * stage at once, so the runner can make them in parallel) or the event the code computes.
 */
export function plan(state: DeliberationState): Effect[] {
  if (state.room.paused) return [];
  switch (state.stage) {
    case "positions": {
      const reading = readingEffects(state);
      if (reading.length) return reading;
      const language = state.language;
      return reps(state)
        .filter((r) => !state.positions[r.id])
        .map((r) => ({
          kind: "call",
          key: keys.position(r.id),
          task: "position",
          input: { language, representative: promptRep(r), rule: state.rule, readings: readingsFor(state, r) },
        }));
    }
    case "mediation": {
      if (writes(state) && !state.wordings[state.round]) return [{ kind: "call", key: keys.wording(state.round), task: "word", input: wordingInput(state) }];
      const reading = readingEffects(state);
      if (reading.length) return reading;
      const have = state.candidates[state.round] ?? {};
      const effects: Effect[] = [];
      for (let index = 0; index < candidatesOfRound(state); index++) {
        if (!have[index]) effects.push({ kind: "call", key: keys.candidate(state.round, index), task: "mediate", input: mediationInput(state, index) });
      }
      return effects;
    }
    case "critique": {
      const round = state.round;
      const missing = reps(state).filter((r) => !state.critiques[round]?.[r.id]);
      if (missing.length === 0) return state.tallies[round] ? [] : [{ kind: "append", event: { type: "deliberation.tallied", payload: tally(state, round) } }];
      const candidates = roundCandidates(state, round).map((c) => ({
        id: c.id,
        title: c.candidate.title,
        text: c.candidate.text,
        choice: c.candidate.choice ?? proposal(state.rule),
      }));
      return missing.map((r) => ({
        kind: "call",
        key: keys.critique(round, r.id),
        task: "critique",
        round,
        input: { language: state.language, representative: promptRep(r), rule: state.rule, readings: readingsFor(state, r), candidates },
      }));
    }
    case "drafting":
      return [{ kind: "append", event: { type: "deliberation.drafted", payload: draftOf(state) } }];
    case "drafted":
      // A delegate's amendment is read before the ballot can open on it; nothing else is read here
      // (a protocol-1 draft has no clause amendments, so nothing is planned for it at all).
      return state.draft?.choice ? readingEffects(state, new Set(pendingAmendments(state).map((a) => a.optionId))) : [];
    default:
      return [];
  }
}

/** The transition function: the state after an event, and the effects now outstanding. */
export function transition(state: DeliberationState, event: ProtocolEvent & { seq?: number }): { state: DeliberationState; effects: Effect[] } {
  const next = apply(state, event);
  return { state: next, effects: plan(next) };
}

/** How the payload of a call's result event is shaped, by task (the output already grounded). */
export function resultEvent(effect: CallEffect, output: unknown, call: CallMeta, state?: Pick<DeliberationState, "rule">): ProtocolEvent {
  switch (effect.task) {
    case "read":
      return { type: "deliberation.reading", payload: { key: effect.key, optionId: effect.input.option.id, readings: output as Reading[], call } };
    case "word":
      return {
        type: "deliberation.wording",
        payload: { key: effect.key, round: effect.input.round, options: state ? wordingOptions(effect.input.round, output as WordOutput, state) : [], call },
      };
    case "position":
      return {
        type: "deliberation.position",
        payload: { key: effect.key, representativeId: effect.input.representative.id, position: output as Position, call },
      };
    case "mediate":
      return {
        type: "deliberation.candidate",
        payload: {
          key: effect.key,
          round: effect.input.round,
          index: effect.input.index,
          id: candidateId(effect.input.round, effect.input.index),
          candidate: output as Candidate,
          call,
        },
      };
    case "critique":
      return {
        type: "deliberation.critique",
        payload: { key: effect.key, round: effect.round, representativeId: effect.input.representative.id, critique: output as Critique, call },
      };
  }
}

/** Number of model stages that depend on one another in a run that went the given rounds: its critical path. */
export function dependentStages(rounds: number): number {
  return 1 + 2 * rounds;
}

export type { ProtocolTaskKind };

/**
 * Grounding by code, after the engine's one retry with feedback. A reading whose quote is not words of
 * the option counts as silent; citations outside the mandate are taken out of what counts; new wording
 * that is not a provision in the matter's language is dropped. The call's flags keep the record.
 */
export function grounded(effect: CallEffect, output: unknown, engine = "offline"): unknown {
  switch (effect.task) {
    case "read":
      return groundReadings(output as ReadOutput, effect.input, engine);
    case "word": {
      const w = output as WordOutput;
      return { clauses: w.clauses.filter((c) => wordingProblems(c.text, effect.input.language).length === 0) };
    }
    case "position": {
      const allowed = new Set(effect.input.representative.mandate.map((v) => v.valueId));
      const p = output as Position;
      const keep = (ids: string[]) => ids.filter((id) => allowed.has(id));
      return {
        ...p,
        reasons: p.reasons.map((r) => ({ ...r, valueIds: keep(r.valueIds) })),
        amendments: p.amendments.map((a) => ({ ...a, valueIds: keep(a.valueIds) })),
      };
    }
    case "mediate":
      return output;
    case "critique": {
      const allowed = new Set(effect.input.representative.mandate.map((v) => v.valueId));
      const k = output as Critique;
      const keep = (ids: string[]) => ids.filter((id) => allowed.has(id));
      return { ...k, assessments: k.assessments.map((a) => ({ ...a, honoured: keep(a.honoured), unaddressed: keep(a.unaddressed) })) };
    }
  }
}
