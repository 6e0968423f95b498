import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { ledgerHead, lockStream, readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { isUniqueViolation } from "../../db/errors.js";
import { type BallotRules, type Choice, tallyBallot } from "../../deliberation/ballot.js";
import { toHex } from "../../deliberation/bytes.js";
import { DomainError } from "../../deliberation/errors.js";
import type { JsonValue, LedgerEvent } from "../../deliberation/ledger.js";
import type { MatterStatus } from "../../deliberation/matters.js";
import { bundleLeaf } from "../../deliberation/provenance.js";
import {
  amendedDraft,
  amendmentPending,
  type DeliberationState,
  type DraftClause,
  type DraftRuling,
  replay,
  type RoomEvent,
  statementRef,
} from "../../deliberation/protocol/index.js";
import { wordingProblems } from "../../deliberation/reading/hygiene.js";
import type { StatementTarget } from "../trpc/inputs.js";
import type { SessionUser } from "./accounts.server.js";
import type { AppDeps } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";
import { rulingEnvelope } from "./registry-log.server.js";

/**
 * The deliberation room (issue 6): what delegates do to a running deliberation, and the ratification
 * ballot. Every action is a ledger event with its actor; the runner reads them between steps.
 */

export type RoomAction =
  | { kind: "pause"; reason?: string | undefined }
  | { kind: "resume" }
  | { kind: "guide"; text: string }
  | { kind: "override"; statement: StatementTarget; text: string }
  | { kind: "strike"; statement: StatementTarget; reason: string }
  /** A clause of the draft, by its slot in the rule; "" strikes it. */
  | { kind: "amend"; slot: number; text: string }
  | { kind: "return"; guidance?: string | undefined };

const conflict = (key: string, message: string) => new DomainError("conflict", key, message);

async function matterStatus(deps: AppDeps, matterId: string, db: Kysely<Database> = deps.db): Promise<MatterStatus> {
  const matter = await db.selectFrom("matters").select("status").where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  return matter.status as MatterStatus;
}

/**
 * The ledger key of the statement a delegate names, if it still counts: a position (every mediation
 * reads them), or an assessment in the latest round of critiques (the next revision and the draft read
 * those). Earlier rounds are history: acting on them would change nothing. Null otherwise.
 */
function statementInUse(state: DeliberationState, target: StatementTarget): string | null {
  if (target.kind === "position") return Object.hasOwn(state.positions, target.representativeId) ? statementRef.position(target.representativeId) : null;
  const latest = Math.max(0, ...Object.keys(state.critiques).map(Number));
  if (target.round !== latest) return null;
  const critiques = state.critiques[latest] ?? {};
  // Own properties only: a representative id is the delegate's input (think "__proto__").
  const entry = Object.hasOwn(critiques, target.representativeId) ? critiques[target.representativeId] : undefined;
  if (!entry?.critique.assessments.some((a) => a.candidateId === target.candidateId)) return null;
  return statementRef.critique(latest, target.representativeId, target.candidateId);
}

function requireStatement(state: DeliberationState, target: StatementTarget): string {
  const ref = statementInUse(state, target);
  if (!ref) throw new DomainError("not_found", "room.noStatement", "There is no such statement in use in this deliberation.");
  return ref;
}

/** The event a delegate's action appends, after checking it makes sense now. */
function eventFor(state: DeliberationState, action: RoomAction): RoomEvent {
  const finished = state.stage === "drafted" || state.stage === "halted";
  switch (action.kind) {
    case "pause":
      if (state.room.paused) throw conflict("room.alreadyPaused", "The deliberation is already paused.");
      if (finished) throw conflict("room.notRunning", "The deliberation is not running.");
      return { type: "room.paused", payload: action.reason ? { reason: action.reason } : {} };
    case "resume":
      if (!state.room.paused) throw conflict("room.notPaused", "The deliberation is not paused.");
      return { type: "room.resumed", payload: {} };
    case "guide":
      return { type: "room.guidance", payload: { text: action.text } };
    case "override":
      // The payload keeps the key as a string, as ledgers written before structured targets have it.
      return { type: "room.override", payload: { statement: requireStatement(state, action.statement), text: action.text } };
    case "strike": {
      const statement = requireStatement(state, action.statement);
      if (Object.hasOwn(state.room.struck, statement)) throw conflict("room.alreadyStruck", "That statement is already struck.");
      return { type: "room.strike", payload: { statement, reason: action.reason } };
    }
    case "amend": {
      if (state.stage !== "drafted" || !state.draft) throw conflict("room.noDraft", "There is no draft ruling to amend yet.");
      if (!state.draft.choice) throw conflict("room.noClauses", "This draft was written before rules had clauses: it cannot be amended clause by clause.");
      if (action.slot >= state.rule.slots.length) throw new DomainError("not_found", "room.noClause", "There is no such clause in this rule.");
      const text = action.text.trim();
      const problems = text === "" ? [] : wordingProblems(text, state.language);
      if (problems.length > 0)
        throw new DomainError("invalid", "room.notAProvision", "An amended clause is one provision, in the third person and in the rule's language.", {
          problems: problems.join(", "),
        });
      return { type: "room.amended", payload: { slot: action.slot, text } };
    }
    case "return":
      if (state.stage !== "drafted") throw conflict("room.noDraft", "There is no draft ruling to send back yet.");
      // Another round needs tokens: a draft cut short by the budget would come back unchanged.
      if (state.budgetExhausted) throw conflict("room.budgetExhausted", "The token budget ran out: another round cannot run.");
      return { type: "room.returned", payload: action.guidance ? { guidance: action.guidance } : {} };
  }
}

/** A delegate acts in the room. The runner applies it between steps. */
export async function roomAction(deps: AppDeps, delegate: SessionUser, matterId: string, action: RoomAction) {
  const event = await withLedger(deps, async (trx, append) => {
    // Lock, then read: what is decided here cannot change before it is written (a ballot opening, another delegate).
    await lockStream(trx, matterId);
    if ((await matterStatus(deps, matterId, trx)) !== "deliberating") throw conflict("room.notDeliberating", "This matter is not being deliberated.");
    const state = replay(matterId, await readLedger(trx, matterId));
    if (!state) throw conflict("room.notDeliberating", "This matter is not being deliberated.");
    const next = eventFor(state, action);
    return append({ matterId, type: next.type, actor: delegate.id, payload: next.payload as unknown as JsonValue });
  });
  deps.deliberations.nudge(matterId);
  return { seq: event.seq, type: event.type };
}

// ---------------------------------------------------------------------------------------------
// Ratification

interface OpenedBallot {
  ballot: number;
  rules: BallotRules;
  eligible: string[];
  text: string;
  textHash: string;
  openedSeq: number;
  /**
   * What the text voted on does to every constituency's mandate, from readings (protocol 2): the
   * figures shown with the ballot and published with the ruling are those of this text, amended or not.
   */
  coverage?: DraftRuling["coverage"];
  clauses?: DraftClause[];
}

/** The matter's current ballot from its ledger: the last one opened, and whether it has been closed or returned. */
async function currentBallot(deps: AppDeps, matterId: string, db: Kysely<Database> = deps.db): Promise<(OpenedBallot & { closed: boolean }) | null> {
  const events = await db
    .selectFrom("ledgerEvents")
    .select(["seq", "type", "payload"])
    .where("matterId", "=", matterId)
    .where("type", "in", ["ballot.opened", "ballot.closed", "ballot.returned"])
    .orderBy("seq")
    .execute();
  let current: (OpenedBallot & { closed: boolean }) | null = null;
  for (const event of events) {
    const payload = JSON.parse(event.payload) as Omit<OpenedBallot, "openedSeq">;
    if (event.type === "ballot.opened") current = { ...payload, openedSeq: event.seq, closed: false };
    else if (current) current.closed = true;
  }
  return current;
}

export function hashText(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The clerk opens the ballot on the draft ruling (as the delegates amended it): the delegates of now are its electorate. */
export async function openBallot(deps: AppDeps, clerk: SessionUser, matterId: string) {
  if ((await matterStatus(deps, matterId)) !== "deliberating") throw conflict("matters.badTransition", "This matter cannot move to ratification now.");
  const delegates = await deps.db.selectFrom("userRoles").select("userId").where("role", "=", "delegate").orderBy("userId").execute();
  if (delegates.length === 0) throw conflict("ballot.noDelegates", "There are no delegates to vote.");
  return withLedger(deps, async (trx, append) => {
    await lockStream(trx, matterId);
    const state = replay(matterId, await readLedger(trx, matterId));
    if (state?.stage !== "drafted") throw conflict("room.noDraft", "There is no draft ruling to vote on yet.");
    if (state.room.paused) throw conflict("room.paused", "The deliberation is paused.");
    // The figures shown with the ballot must be true of its text: an amended clause is read first.
    if (amendmentPending(state)) throw conflict("ballot.amendmentUnread", "An amended clause is still being read; the ballot can open once it has been.");
    const moved = await trx
      .updateTable("matters")
      .set({ status: "ratification", updatedAt: deps.clock.now().toISOString() })
      .where("id", "=", matterId)
      .where("status", "=", "deliberating")
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw conflict("matters.badTransition", "This matter has already moved on.");
    const previous = await currentBallot(deps, matterId, trx);
    const amended = amendedDraft(state);
    const text = amended?.text ?? state.room.amended?.text ?? state.draft!.text;
    const clauses = amended?.clauses ?? state.draft!.clauses;
    const opened: Omit<OpenedBallot, "openedSeq"> = {
      ballot: (previous?.ballot ?? 0) + 1,
      rules: deps.config.ballot,
      eligible: delegates.map((d) => d.userId),
      text,
      textHash: hashText(text),
      coverage: amended?.coverage ?? state.draft!.coverage,
      ...(clauses ? { clauses } : {}),
    };
    const event = await append({ matterId, type: "ballot.opened", actor: clerk.id, payload: opened as unknown as JsonValue });
    return { matterId, ballot: opened.ballot, seq: event.seq };
  });
}

export interface VoteReceipt {
  matterId: string;
  ballot: number;
  choice: Choice;
  /** The ledger event that records the vote; with the chain, proof that it was counted. */
  seq: number;
  hash: string;
}

/** A delegate votes. One vote per delegate per ballot: the database keeps the first, the rest are refused. */
export async function castVote(deps: AppDeps, delegate: SessionUser, matterId: string, choice: Choice, reason: string | undefined): Promise<VoteReceipt> {
  try {
    return await withLedger(deps, async (trx, append) => {
      // Lock, then check: a vote cannot slip in after the ballot was closed or returned.
      await lockStream(trx, matterId);
      if ((await matterStatus(deps, matterId, trx)) !== "ratification") throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
      const ballot = await currentBallot(deps, matterId, trx);
      if (!ballot || ballot.closed) throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
      if (!ballot.eligible.includes(delegate.id)) throw new DomainError("forbidden", "ballot.notEligible", "You were not a delegate when this ballot opened.");
      const event = await append({
        matterId,
        type: "ballot.vote",
        actor: delegate.id,
        payload: { ballot: ballot.ballot, delegateId: delegate.id, choice, ...(reason ? { reason } : {}) },
      });
      await trx
        .insertInto("ballotVotes")
        .values({
          matterId,
          ballot: ballot.ballot,
          delegateId: delegate.id,
          choice,
          reason: reason ?? null,
          seq: event.seq,
          hash: event.hash,
          createdAt: event.createdAt,
        })
        .execute();
      return { matterId, ballot: ballot.ballot, choice, seq: event.seq, hash: event.hash };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("ballot.alreadyVoted", "You have already voted on this ballot.");
    throw error;
  }
}

/**
 * A delegate's receipt for her vote on the current ballot, to keep: the vote's own ledger event exactly
 * as stored (anyone can recompute its hash with deliberation/ledger.ts), the chain's head now, and once
 * the ruling is published, the bundle's inclusion proof in the registry's log (the bundle's ledger holds
 * the vote's event).
 */
export async function voteReceipt(deps: AppDeps, delegate: SessionUser, matterId: string) {
  const matter = await deps.db.selectFrom("matters").select(["title"]).where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  const ballot = await currentBallot(deps, matterId);
  const vote = ballot
    ? await deps.db
        .selectFrom("ballotVotes")
        .select(["choice", "reason", "seq", "createdAt"])
        .where("matterId", "=", matterId)
        .where("ballot", "=", ballot.ballot)
        .where("delegateId", "=", delegate.id)
        .executeTakeFirst()
    : undefined;
  if (!ballot || !vote) throw new DomainError("not_found", "ballot.noReceipt", "You have not voted on this matter's current ballot.");
  const [row, head, ruling] = await Promise.all([
    deps.db.selectFrom("ledgerEvents").selectAll().where("matterId", "=", matterId).where("seq", "=", vote.seq).executeTakeFirstOrThrow(),
    ledgerHead(deps.db, matterId),
    deps.db.selectFrom("rulings").select(["id", "eli"]).where("matterId", "=", matterId).orderBy("publishedAt", "desc").limit(1).executeTakeFirst(),
  ]);
  const event: LedgerEvent = { ...row, payload: JSON.parse(row.payload) as JsonValue };
  let inclusion = null;
  if (ruling) {
    const envelope = await rulingEnvelope(deps, ruling.id);
    inclusion = {
      rulingId: ruling.id,
      eli: ruling.eli,
      bundle: `/api/rulings/${ruling.id}/bundle.json`,
      leafHash: toHex(bundleLeaf(envelope.bundle)),
      proof: envelope.proof,
      checkpoint: envelope.checkpoint,
      publicKey: envelope.publicKey,
    };
  }
  return {
    matterId,
    title: matter.title,
    ballot: ballot.ballot,
    choice: vote.choice as Choice,
    reason: vote.reason,
    votedAt: vote.createdAt,
    /** What was voted on: the SHA-256 of the ballot's text, as the ballot.opened event froze it. */
    textHash: ballot.textHash,
    event,
    head: head ? { seq: head.seq, hash: head.hash } : null,
    /** Null until the ruling is published: then the bundle holding this vote, and its place in the registry's log. */
    inclusion,
  };
}

/** The ballot as anyone may see it: the text voted on, the rules, the live tally, who voted how. */
export async function ballotView(deps: AppDeps, matterId: string, viewer: SessionUser | null) {
  const ballot = await currentBallot(deps, matterId);
  if (!ballot) return null;
  const votes = await deps.db
    .selectFrom("ballotVotes as v")
    .innerJoin("users as u", "u.id", "v.delegateId")
    .select(["v.delegateId", "u.displayName", "v.choice", "v.reason", "v.seq", "v.hash", "v.createdAt"])
    .where("v.matterId", "=", matterId)
    .where("v.ballot", "=", ballot.ballot)
    .orderBy("v.seq")
    .execute();
  const tally = tallyBallot(ballot.rules, ballot.eligible, votes);
  const mine = viewer ? votes.find((v) => v.delegateId === viewer.id) : undefined;
  return {
    ballot: ballot.ballot,
    open: !ballot.closed,
    rules: ballot.rules,
    text: ballot.text,
    textHash: ballot.textHash,
    eligible: ballot.eligible.length,
    canVote: Boolean(viewer && !ballot.closed && ballot.eligible.includes(viewer.id) && !mine),
    tally,
    votes: votes.map((v) => ({ delegate: v.displayName, choice: v.choice, reason: v.reason, seq: v.seq })),
    myReceipt: mine ? { matterId, ballot: ballot.ballot, choice: mine.choice, seq: mine.seq, hash: mine.hash } : null,
  };
}

/** The clerk closes the ballot once the quorum is met: the matter is ratified or rejected. */
export async function closeBallot(deps: AppDeps, clerk: SessionUser, matterId: string) {
  return withLedger(deps, async (trx, append) => {
    await lockStream(trx, matterId);
    const ballot = await currentBallot(deps, matterId, trx);
    if (!ballot || ballot.closed) throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
    const votes = await trx
      .selectFrom("ballotVotes")
      .select(["delegateId", "choice"])
      .where("matterId", "=", matterId)
      .where("ballot", "=", ballot.ballot)
      .execute();
    const tally = tallyBallot(ballot.rules, ballot.eligible, votes);
    if (!tally.outcome) throw conflict("ballot.noQuorum", "The quorum has not been reached.");
    const moved = await trx
      .updateTable("matters")
      .set({ status: tally.outcome, updatedAt: deps.clock.now().toISOString() })
      .where("id", "=", matterId)
      .where("status", "=", "ratification")
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
    await append({
      matterId,
      type: "ballot.closed",
      actor: clerk.id,
      payload: { ballot: ballot.ballot, tally: tally as unknown as JsonValue, outcome: tally.outcome },
    });
    return { matterId, outcome: tally.outcome, tally };
  });
}

/** The clerk sends the matter back to deliberation from the ballot, with the delegates' guidance. */
export async function returnFromBallot(deps: AppDeps, clerk: SessionUser, matterId: string, guidance: string | undefined) {
  const result = await withLedger(deps, async (trx, append) => {
    await lockStream(trx, matterId);
    const ballot = await currentBallot(deps, matterId, trx);
    if (!ballot || ballot.closed) throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
    const moved = await trx
      .updateTable("matters")
      .set({ status: "deliberating", updatedAt: deps.clock.now().toISOString() })
      .where("id", "=", matterId)
      .where("status", "=", "ratification")
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw conflict("ballot.notOpen", "There is no open ballot on this matter.");
    // Two steps of the matter's life (ratification → returned → deliberating), each on the ledger.
    await append({ matterId, type: "ballot.returned", actor: clerk.id, payload: { ballot: ballot.ballot, ...(guidance ? { guidance } : {}) } });
    await append({ matterId, type: "room.returned", actor: clerk.id, payload: guidance ? { guidance } : {} });
    return { matterId, status: "deliberating" as const };
  });
  deps.deliberations.nudge(matterId);
  return result;
}
