import { schulze, type SchulzeBallot } from "../schulze.js";
import {
  type Assessment,
  type Candidate,
  type Critique,
  type CritiqueInput,
  type MediationInput,
  type Position,
  type PositionInput,
  type ProtocolTaskKind,
  type RepresentativeForPrompt,
  type Stance,
} from "./tasks.js";

/**
 * The deliberation protocol (DESIGN.md) as a pure state machine. The ledger's events of a matter are
 * folded into a state; from a state, `plan` says what must happen next (model calls, and events the
 * code computes itself: tallies and the draft). The runner in server/ executes those effects and
 * appends their results as events, which are folded in turn. So the state is always a function of the
 * ledger: after a crash, folding the same events gives the same state and the same outstanding
 * effects, and a call whose result is in the ledger is never asked for again.
 *
 * Nothing here depends on the order in which parallel results arrive: inputs are built in a canonical
 * order (representatives by id, candidates by index).
 */

export const PROTOCOL_VERSION = 1;

export interface DeliberationSettings {
  rounds: number;
  candidates: number;
  /** Share of citizens represented whose representatives approve the winner, to stop revising. */
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
  ruleText: string;
  contextId: string;
  settings: DeliberationSettings;
  representatives: RepresentativeSpec[];
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
  /** Which mandate values of which constituencies the text honours. */
  coverage: {
    representativeId: string;
    label: string;
    citizens: number;
    honouredWeight: number;
    values: { valueId: string; title: string; weight: number; honoured: boolean }[];
  }[];
  /** Σ citizens × honoured weight / Σ citizens: how much of what the polity asked for the text carries. */
  citizenWeightedCoverage: number;
}

export type Stage = "positions" | "mediation" | "critique" | "drafting" | "drafted" | "halted";

export interface DeliberationState {
  matterId: string;
  started: StartedPayload;
  stage: Stage;
  round: number;
  positions: Record<string, { position: Position; call: CallMeta }>;
  /** By round, then candidate index. */
  candidates: Record<number, Record<number, { id: string; candidate: Candidate; call: CallMeta }>>;
  critiques: Record<number, Record<string, { critique: Critique; call: CallMeta }>>;
  tallies: Record<number, Tally>;
  budgetExhausted: boolean;
  haltedBecause: string | null;
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

export interface RoomState {
  /** While paused, no new step starts; calls under way finish and are recorded. */
  paused: boolean;
  /** Guidance to the mediator, oldest first; every later mediation sees all of it. */
  guidance: { text: string; by: string; seq: number }[];
  /** The delegate's text replaces the representative's, marked as such, in the room and in later prompts. */
  overrides: Record<StatementRef, { text: string; by: string; seq: number }>;
  /** Left out of later prompts, and shown struck with the reason. */
  struck: Record<StatementRef, { reason: string; by: string; seq: number }>;
  /** The draft as the delegates amended it (the ruling's text from then on), with who did it. */
  amended: { text: string; by: string; seq: number } | null;
  /** How many times the delegates sent the draft back for another round. */
  returns: number;
  /** The text the round created by the last return revises: the amended draft, if it was amended. */
  revising: { round: number; text: string } | null;
}

/** The events of the protocol, as they appear in the ledger (type + payload). */
export type ProtocolEvent =
  | { type: "deliberation.started"; payload: StartedPayload }
  | { type: "deliberation.position"; payload: { key: string; representativeId: string; position: Position; call: CallMeta } }
  | { type: "deliberation.candidate"; payload: { key: string; round: number; index: number; id: string; candidate: Candidate; call: CallMeta } }
  | { type: "deliberation.critique"; payload: { key: string; round: number; representativeId: string; critique: Critique; call: CallMeta } }
  | { type: "deliberation.tallied"; payload: Tally }
  | { type: "deliberation.budgetExhausted"; payload: { spent: number; budget: number; needed: number } }
  /** A call that failed for good: the deliberation halts until a clerk resumes it. */
  | { type: "deliberation.callFailed"; payload: { key: string; reason: string } }
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
  | { type: "room.amended"; payload: { text: string }; actor?: string }
  | { type: "room.returned"; payload: { guidance?: string }; actor?: string };

export type CallEffect =
  | { kind: "call"; key: string; task: "position"; input: PositionInput }
  | { kind: "call"; key: string; task: "mediate"; input: MediationInput }
  | { kind: "call"; key: string; task: "critique"; round: number; input: CritiqueInput };
export type AppendEffect = { kind: "append"; event: Extract<ProtocolEvent, { type: "deliberation.tallied" | "deliberation.drafted" }> };
export type Effect = CallEffect | AppendEffect;

export const keys = {
  position: (representativeId: string) => `position:${representativeId}`,
  candidate: (round: number, index: number) => `candidate:${round}:${index}`,
  critique: (round: number, representativeId: string) => `critique:${round}:${representativeId}`,
};

export const candidateId = (round: number, index: number) => `r${round}c${index + 1}`;

// Keys are only ever built and compared, never parsed: that is unambiguous though representative ids hold colons, as the round is numeric and candidate ids ("r2c3") have none.
export const statementRef = {
  position: (representativeId: string): StatementRef => `position:${representativeId}`,
  critique: (round: number, representativeId: string, candidate: string): StatementRef => `critique:${round}:${representativeId}:${candidate}`,
};

export function initialState(matterId: string, started: StartedPayload): DeliberationState {
  return {
    matterId,
    started: { ...started, representatives: [...started.representatives].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) },
    stage: "positions",
    round: 1,
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
    room: { paused: false, guidance: [], overrides: {}, struck: {}, amended: null, returns: 0, revising: null },
  };
}

const reps = (state: DeliberationState) => state.started.representatives;
const countOf = (record: object | undefined) => (record ? Object.keys(record).length : 0);

/** Folds one event into the state. Events of other kinds (the matter's own) leave it as it is. */
export function apply(state: DeliberationState, event: ProtocolEvent & { seq?: number }): DeliberationState {
  const next: DeliberationState = { ...state, lastSeq: event.seq ?? state.lastSeq };
  switch (event.type) {
    case "deliberation.started":
      return { ...initialState(state.matterId, event.payload), lastSeq: next.lastSeq };
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
      if (next.stage === "mediation" && c.round === state.round && countOf(next.candidates[c.round]) === state.started.settings.candidates) {
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
      const done = t.approval.share >= state.started.settings.approvalThreshold || t.round >= state.started.settings.rounds;
      if (done) next.stage = "drafting";
      else {
        next.round = t.round + 1;
        next.stage = "mediation";
      }
      return next;
    }
    case "deliberation.budgetExhausted":
      if (state.stage === "drafted" || state.stage === "halted") return next;
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
      if (state.stage === "drafted" || state.stage === "halted") return next;
      next.resumeAt = state.stage;
      next.stage = "halted";
      next.haltedBecause = event.payload.reason;
      return next;
    case "deliberation.resumed":
      if (state.stage !== "halted" || !state.resumeAt) return next;
      next.stage = state.resumeAt;
      next.resumeAt = null;
      next.haltedBecause = null;
      next.budgetExhausted = false;
      if (event.payload.tokenBudget !== undefined)
        next.started = { ...state.started, settings: { ...state.started.settings, tokenBudget: event.payload.tokenBudget } };
      return next;
    case "deliberation.drafted":
      next.draft = event.payload;
      next.stage = "drafted";
      // An amendment was of the previous draft; this one starts clean.
      if (state.room.amended) next.room = { ...state.room, amended: null };
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
    case "room.amended":
      if (state.stage !== "drafted") return next;
      next.room = { ...state.room, amended: { text: event.payload.text, by: event.actor ?? "", seq: next.lastSeq } };
      return next;
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
      next.room = {
        ...state.room,
        guidance,
        returns: state.room.returns + 1,
        amended: null,
        revising: state.room.amended ? { round, text: state.room.amended.text } : null,
      };
      return next;
    }
    default:
      return next;
  }
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

function latestTally(state: DeliberationState): Tally | null {
  const rounds = Object.keys(state.tallies).map(Number);
  return rounds.length ? state.tallies[Math.max(...rounds)]! : null;
}

const rule = (state: DeliberationState) => ({ title: state.started.title, text: state.started.ruleText });
const promptRep = ({ mandateHash: _, ...rep }: RepresentativeSpec): RepresentativeForPrompt => rep;

function roundCandidates(state: DeliberationState, round: number) {
  const byIndex = state.candidates[round] ?? {};
  return Object.keys(byIndex)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => byIndex[i]!);
}

function mediationInput(state: DeliberationState, index: number): MediationInput {
  const round = state.round;
  const previousTally = state.tallies[round - 1];
  let previous: MediationInput["previous"] = null;
  if (previousTally) {
    const winner = roundCandidates(state, round - 1).find((c) => c.id === previousTally.winner)!;
    // After the delegates amended the draft and sent it back, their text is what is revised.
    const amended = state.room.revising?.round === round ? state.room.revising.text : null;
    previous = {
      winner: { id: winner.id, text: amended ?? winner.candidate.text },
      critiques: reps(state).map((r) => {
        const assessment = assessmentOf(state, round - 1, r.id, winner.id);
        const ref = statementRef.critique(round - 1, r.id, winner.id);
        if (state.room.struck[ref]) return { representativeId: r.id, stance: assessment?.stance ?? "amend", statement: "", unaddressed: [] };
        const statement = state.room.overrides[ref]?.text ?? assessment?.statement ?? "";
        return { representativeId: r.id, stance: assessment?.stance ?? "amend", statement, unaddressed: assessment?.unaddressed ?? [] };
      }),
    };
  }
  return {
    rule: rule(state),
    round,
    index,
    of: state.started.settings.candidates,
    constituencies: reps(state).map((r) => {
      const position = state.positions[r.id]!.position;
      const ref = statementRef.position(r.id);
      // A struck position is left out; an overridden one carries the delegate's words instead of its own.
      const amendments = state.room.struck[ref]
        ? []
        : state.room.overrides[ref]
          ? [{ text: state.room.overrides[ref].text, valueIds: [] }]
          : position.amendments;
      return { ...promptRep(r), position: { stance: position.stance, amendments } };
    }),
    previous,
    guidance: state.room.guidance.map((g) => g.text).slice(-20),
  };
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

/** Step 4: Schulze over the representatives' rankings, weighted by citizens; ties go to the wider approval, then the id. */
export function tally(state: DeliberationState, round: number): Tally {
  const candidates = roundCandidates(state, round).map((c) => c.id);
  const approvalWeight = (candidate: string) =>
    reps(state).reduce((sum, r) => sum + (assessmentOf(state, round, r.id, candidate)?.approve ? r.citizens : 0), 0);
  const result = schulze({ candidates, ballots: ballotsOf(state, round) }, { tieBreak: (a, b) => approvalWeight(b) - approvalWeight(a) });
  const winner = result.order[0]!;
  const total = reps(state).reduce((sum, r) => sum + r.citizens, 0);
  const weight = approvalWeight(winner);
  return { round, candidates, tiers: result.tiers, winner, approval: { weight, total, share: total === 0 ? 0 : weight / total }, d: result.d };
}

/** Step 6: the winner of the last tally, with every representative's stance on it, minority reports and coverage. */
export function draftOf(state: DeliberationState): DraftRuling {
  const last = latestTally(state)!;
  const winner = roundCandidates(state, last.round).find((c) => c.id === last.winner)!;
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
  const coverage = reps(state).map((r) => {
    const honoured = new Set(assessmentOf(state, last.round, r.id, winner.id)?.honoured ?? []);
    const values = r.mandate.map((v) => ({ valueId: v.valueId, title: v.title, weight: v.weight, honoured: honoured.has(v.valueId) }));
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
  };
}

/**
 * What must happen next, given everything the ledger holds: the model calls still without a result
 * (all of a stage at once, so the runner can make them in parallel) or the event the code computes.
 */
export function plan(state: DeliberationState): Effect[] {
  if (state.room.paused) return [];
  switch (state.stage) {
    case "positions":
      return reps(state)
        .filter((r) => !state.positions[r.id])
        .map((r) => ({ kind: "call", key: keys.position(r.id), task: "position", input: { rule: rule(state), representative: promptRep(r) } }));
    case "mediation": {
      const have = state.candidates[state.round] ?? {};
      const effects: Effect[] = [];
      for (let index = 0; index < state.started.settings.candidates; index++) {
        if (!have[index]) effects.push({ kind: "call", key: keys.candidate(state.round, index), task: "mediate", input: mediationInput(state, index) });
      }
      return effects;
    }
    case "critique": {
      const round = state.round;
      const missing = reps(state).filter((r) => !state.critiques[round]?.[r.id]);
      if (missing.length === 0) return state.tallies[round] ? [] : [{ kind: "append", event: { type: "deliberation.tallied", payload: tally(state, round) } }];
      const candidates = roundCandidates(state, round).map((c) => ({ id: c.id, title: c.candidate.title, text: c.candidate.text }));
      return missing.map((r) => ({
        kind: "call",
        key: keys.critique(round, r.id),
        task: "critique",
        round,
        input: { rule: rule(state), representative: promptRep(r), candidates },
      }));
    }
    case "drafting":
      return [{ kind: "append", event: { type: "deliberation.drafted", payload: draftOf(state) } }];
    default:
      return [];
  }
}

/** The transition function: the state after an event, and the effects now outstanding. */
export function transition(state: DeliberationState, event: ProtocolEvent & { seq?: number }): { state: DeliberationState; effects: Effect[] } {
  const next = apply(state, event);
  return { state: next, effects: plan(next) };
}

/** How the payload of a call's result event is shaped, by task. */
export function resultEvent(effect: CallEffect, output: unknown, call: CallMeta): ProtocolEvent {
  switch (effect.task) {
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
 * Grounding by code, after the engine's one retry with feedback: citations that are still outside the
 * mandate are taken out of what counts (coverage, audit links), and the call's flags keep the record of
 * them, so the room can mark the statement. The text itself is left as the representative wrote it.
 */
export function grounded(effect: CallEffect, output: unknown): unknown {
  switch (effect.task) {
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
    case "mediate": {
      const allowed = new Set(effect.input.constituencies.flatMap((c) => c.mandate.map((v) => v.valueId)));
      const c = output as Candidate;
      return { ...c, addresses: c.addresses.filter((id) => allowed.has(id)) };
    }
    case "critique": {
      const allowed = new Set(effect.input.representative.mandate.map((v) => v.valueId));
      const k = output as Critique;
      const keep = (ids: string[]) => ids.filter((id) => allowed.has(id));
      return { ...k, assessments: k.assessments.map((a) => ({ ...a, honoured: keep(a.honoured), unaddressed: keep(a.unaddressed) })) };
    }
  }
}
