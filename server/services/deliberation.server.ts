import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { type Kysely, PostgresAdapter } from "kysely";
import { z } from "zod";
import { ledgerHead, lockStream, readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { log } from "../log.server.js";
import { deliberationStages, leaseTakeovers } from "../metrics.server.js";
import { DomainError } from "../../deliberation/errors.js";
import { canonicalJson, type JsonValue, type LedgerEvent } from "../../deliberation/ledger.js";
import { createLimiter, createOfflineEngine, estimateTokens } from "../../deliberation/llm/index.js";
import { buildTaskMessages, encodeData } from "../../deliberation/llm/prompt.js";
import { callFailureOf, type LlmCallRecord, type Task } from "../../deliberation/llm/port.js";
import { type MatterStatus, requireMove } from "../../deliberation/matters.js";
import {
  type CallEffect,
  type CallMeta,
  type DeliberationState,
  type Effect,
  alreadyHolds,
  amendedDraft,
  clausesFromText,
  draftClauses,
  grounded,
  isLocal,
  plan,
  PROTOCOL_TASKS,
  PROTOCOL_VERSION,
  type ProtocolEvent,
  replay,
  type RepresentativeSpec,
  resultEvent,
  type StartedPayload,
  startLimitProblems,
  apply,
  keys,
  statementRef,
} from "../../deliberation/protocol/index.js";
import type { TranscriptFragment, TranscriptSpeaker } from "../realtime/contract.js";
import type { StatementTarget } from "../trpc/inputs.js";
import type { SessionUser } from "./accounts.server.js";
import { matterOptions } from "./clauses.server.js";
import { frozenMandates } from "./convening.server.js";
import type { AppDeps } from "./deps.server.js";
import { shareTheLoop } from "../../db/loop.js";
import { withLedger } from "./ledger.server.js";

/**
 * The deliberation runner: it executes what the protocol's pure core (deliberation/protocol) plans.
 * Model calls run in parallel up to the concurrency limit, tokens are streamed to the room as they
 * come, and each result is appended to the ledger in one transaction with the recorded calls behind
 * it. A lease row makes one process run a given deliberation; after a crash any process folds the
 * ledger again and carries on from the calls whose results are not there.
 */

const ACTOR = "agora:runner";
/** Attempts of one protocol call after transient failures (each already retries 429s, 5xx and timeouts inside the engine). */
const CALL_ATTEMPTS = 4;
/** Waits before asking again: 2 s, 8 s, 32 s (the engine has already retried within each attempt). */
const RETRY_DELAY_MS = 2_000;
/** Writing a result that is in hand: retried on a database error, a few times, quickly. */
const WRITE_ATTEMPTS = 5;
const WRITE_RETRY_MS = 200;
/** The cap on a model's answer (more for texts that grow: see allowanceFor). */
const RESERVED_OUTPUT_TOKENS = 1_024;

/** Per task: the tokens of our instructions and output schema, the part of every prompt that does not vary. */
const fixedPromptTokens = new Map<string, number>();

/**
 * Tokens a call may cost, held against the budget while it runs: the prompt as it will be sent (our
 * instructions, the output schema, the data block) and room for the answer, which for a candidate
 * ruling is the text it revises plus its additions, and for a critique a statement per candidate.
 */
interface Allowance {
  /** Estimated prompt tokens. */
  prompt: number;
  /** The cap on the answer's tokens (sent as max_tokens). */
  answer: number;
}

function allowanceFor(effect: CallEffect): Allowance {
  const task = PROTOCOL_TASKS[effect.task] as Task<unknown, unknown>;
  let fixed = fixedPromptTokens.get(task.name);
  if (fixed === undefined) {
    const schema = z.toJSONSchema(task.output, { unrepresentable: "any" });
    fixed = buildTaskMessages(task, null, { outputSchema: schema }).reduce((sum, m) => sum + 4 + estimateTokens(m.content), 0);
    fixedPromptTokens.set(task.name, fixed);
  }
  // A reading is a verdict, a quote and a line per value; wording is a few clauses.
  const answer = effect.task === "read" ? 96 + 80 * effect.input.values.length : RESERVED_OUTPUT_TOKENS;
  return { prompt: fixed + estimateTokens(encodeData(effect.input)), answer };
}

// ---------------------------------------------------------------------------------------------
// Starting

export async function startDeliberation(deps: AppDeps, clerk: SessionUser, matterId: string, options: { tokenBudget?: number | undefined } = {}) {
  const matter = await deps.db.selectFrom("matters").selectAll().where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  requireMove(matter.status as MatterStatus, "deliberating");

  const { constituencies, bodies, valueIds } = await frozenMandates(deps, matterId);
  const values = new Map(
    valueIds.length
      ? (await deps.db.selectFrom("canonicalValues").select(["id", "title", "description", "policies"]).where("id", "in", valueIds).execute()).map((v) => [
          v.id,
          v,
        ])
      : [],
  );
  const representatives: RepresentativeSpec[] = constituencies.map((c) => {
    const mandate = bodies.get(c.id)!;
    return {
      id: c.id,
      label: c.label,
      citizens: c.size,
      mandateHash: mandate.hash,
      mandate: mandate.values.map((v) => {
        const card = values.get(v.valueId);
        return {
          valueId: v.valueId,
          title: card?.title ?? v.valueId,
          description: card?.description ?? "",
          policies: card ? (JSON.parse(card.policies) as string[]) : [],
          weight: v.weight,
        };
      }),
    };
  });
  if (representatives.length === 0) throw new DomainError("conflict", "deliberation.noRepresentatives", "The matter has no constituencies to deliberate.");

  const fromTable = await matterOptions(deps.db, matterId);
  // A matter written straight into the tables (fixtures, imports) may have no clause rows: its text's lines are the clauses.
  const { language, slots, options: ruleOptions } = fromTable.slots.length ? fromTable : { ...clausesFromText(matter.ruleText), language: fromTable.language };
  const payload: StartedPayload = {
    protocol: PROTOCOL_VERSION,
    title: matter.title,
    ruleText: matter.ruleText,
    contextId: matter.contextId,
    language,
    slots,
    options: ruleOptions,
    engine: deps.llm.engine,
    settings: {
      rounds: matter.rounds,
      candidates: matter.candidates,
      approvalThreshold: matter.approvalThreshold,
      tokenBudget: options.tokenBudget ?? deps.config.deliberation.tokenBudget,
    },
    representatives,
  };
  // Bounds every task's schema is cut to (deliberation/protocol/limits.ts): refused here, never found out halfway.
  const beyond = startLimitProblems(payload);
  if (beyond.length > 0)
    throw new DomainError("conflict", "deliberation.tooLarge", `This deliberation is larger than the protocol takes: ${beyond.join("; ")}.`);
  const result = await withLedger(deps, async (trx, append) => {
    // The move is conditional on the status read above: of two clerks pressing Start at once, one
    // moves the matter and the other updates nothing (PostgreSQL re-checks the row after the first commits).
    const moved = await trx
      .updateTable("matters")
      .set({ status: "deliberating", updatedAt: deps.clock.now().toISOString() })
      .where("id", "=", matterId)
      .where("status", "=", matter.status)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) {
      throw new DomainError("conflict", "matters.badTransition", "This matter has already moved on.", { from: matter.status, to: "deliberating" });
    }
    await append({
      matterId,
      type: "deliberation.started",
      actor: clerk.id,
      payload: { ...payload, engine: deps.llm.engine, model: deps.llm.model } as unknown as JsonValue,
    });
    return { matterId, status: "deliberating" as const };
  });
  deps.deliberations.kick(matterId);
  return result;
}

/**
 * A clerk resumes a halted deliberation (a model outage, or a budget that ran out before the first
 * tally), with a new token budget if given. The runner carries on from where it stopped.
 */
export async function resumeDeliberation(deps: AppDeps, clerk: SessionUser, matterId: string, options: { tokenBudget?: number | undefined } = {}) {
  const state = await deliberationState(deps, matterId);
  if (!state) throw new DomainError("not_found", "deliberation.notStarted", "This matter's deliberation has not started.");
  if (state.stage !== "halted") throw new DomainError("conflict", "deliberation.notHalted", "Only a halted deliberation can be resumed.");
  if (options.tokenBudget !== undefined && options.tokenBudget <= state.tokensSpent) {
    throw new DomainError("invalid", "deliberation.budgetTooSmall", "The new budget must be more than what has been spent.", { spent: state.tokensSpent });
  }
  await withLedger(deps, async (trx, append) => {
    // Lock, then read again: of two clerks resuming at once, the second finds nothing halted.
    await lockStream(trx, matterId);
    const now = replay(matterId, await readLedger(trx, matterId));
    if (now?.stage !== "halted") throw new DomainError("conflict", "deliberation.notHalted", "Only a halted deliberation can be resumed.");
    await append({
      matterId,
      type: "deliberation.resumed",
      actor: clerk.id,
      payload: options.tokenBudget !== undefined ? { tokenBudget: options.tokenBudget } : {},
    });
  });
  deps.deliberations.kick(matterId);
  return { matterId, status: "deliberating" as const };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A deliberation as the ledger has it, folded; null before it starts. */
export async function deliberationState(deps: Pick<AppDeps, "db">, matterId: string): Promise<DeliberationState | null> {
  return replay(matterId, await readLedger(deps.db, matterId));
}

type View = NonNullable<Awaited<ReturnType<typeof foldView>>>;
/** Views by matter, with the ledger head they were folded at: every watcher reloading after an event shares one fold. */
const views = new WeakMap<object, Map<string, { seq: number; view: View }>>();

/** What the public sees of a deliberation: where it is, what it has produced, what it has spent. */
export async function deliberationView(deps: AppDeps, matterId: string) {
  const head = await ledgerHead(deps.db, matterId);
  if (!head) return null;
  let cache = views.get(deps.db);
  if (!cache) views.set(deps.db, (cache = new Map()));
  const hit = cache.get(matterId);
  if (hit?.seq === head.seq) return hit.view;
  const view = await foldView(deps, matterId);
  if (view) {
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(matterId, { seq: view.lastSeq, view });
  }
  return view;
}

async function foldView(deps: AppDeps, matterId: string) {
  const events = await readLedger(deps.db, matterId);
  const state = replay(matterId, events);
  if (!state) return null;
  const started = events.find((e) => e.type === "deliberation.started")!.payload as { engine?: string; model?: string };
  const rounds = Object.keys(state.candidates)
    .map(Number)
    .sort((a, b) => a - b);
  // The ledger event that carries each result: what the audit of a statement opens.
  const seqOf = new Map<string, number>();
  for (const e of events) {
    const key = (e.payload as { key?: unknown } | null)?.key;
    if (typeof key === "string" && e.type !== "deliberation.attemptFailed" && !seqOf.has(key)) seqOf.set(key, e.seq);
  }
  // What the room shows of a statement, and the structured target a delegate's act on it names (the ledger key stays in here).
  const marks = (target: StatementTarget) => {
    const ref =
      target.kind === "position"
        ? statementRef.position(target.representativeId)
        : statementRef.critique(target.round, target.representativeId, target.candidateId);
    return { target, overridden: state.room.overrides[ref] ?? null, struck: state.room.struck[ref] ?? null };
  };
  // The reading behind a verdict: the ledger event that carries it (its audit opens the call, if a model read it).
  const readingSeq = new Map<string, number>();
  for (const e of events) {
    if (e.type !== "deliberation.reading") continue;
    const p = e.payload as { optionId: string; readings: { valueId: string }[] };
    for (const r of p.readings) readingSeq.set(`${p.optionId}\u0000${r.valueId}`, e.seq);
  }
  const seqOfReading = (optionId: string, valueId: string) => readingSeq.get(`${optionId}\u0000${valueId}`) ?? null;
  const withSeqs = <T extends { values: { valueId: string; by: { optionId: string }[] }[] }>(coverage: T[]) =>
    coverage.map((c) => ({ ...c, values: c.values.map((v) => ({ ...v, by: v.by.map((b) => ({ ...b, seq: seqOfReading(b.optionId, v.valueId) })) })) }));
  const titles = new Map(state.started.representatives.flatMap((r) => r.mandate.map((v) => [v.valueId, v.title] as const)));
  const amended = amendedDraft(state);
  return {
    stage: state.stage,
    round: state.round,
    settings: state.started.settings,
    ruleText: state.started.ruleText,
    language: state.language,
    /** The rule's clauses with every option on the table, and what each option was read to do (non-silent readings). */
    rule: state.rule.slots.map((slot, index) => ({
      index,
      kind: slot.kind,
      number: slot.number,
      options: state.rule.options
        .filter((o) => o.slot === index)
        .map((o) => ({
          id: o.id,
          source: o.source,
          text: o.text,
          valueTitle: o.valueId ? (titles.get(o.valueId) ?? null) : null,
          readings: Object.values(state.readings[o.id] ?? {})
            .filter((r) => r.verdict !== "silent")
            .map((r) => ({ ...r, title: titles.get(r.valueId) ?? "", seq: seqOfReading(o.id, r.valueId) })),
        })),
    })),
    amendedDraft: amended && { ...amended, coverage: withSeqs(amended.coverage) },
    engine: started.engine ?? deps.llm.engine,
    model: started.model ?? deps.llm.model,
    tokensSpent: state.tokensSpent,
    haltedBecause: state.haltedBecause,
    haltedDetail: state.haltedDetail ?? null,
    resumeAt: state.resumeAt,
    room: {
      paused: state.room.paused,
      guidance: state.room.guidance,
      amended: state.room.amended,
      returns: state.room.returns,
      /** Delegates' amendments that could not be read (no budget, or the reading failed for good): they do not count. */
      unreadable: Object.keys(state.room.unreadable ?? {}).length,
    },
    representatives: state.started.representatives.map((r) => {
      const entry = state.positions[r.id];
      return {
        id: r.id,
        label: r.label,
        citizens: r.citizens,
        mandateHash: r.mandateHash,
        mandate: r.mandate.map((v) => ({ valueId: v.valueId, title: v.title, weight: v.weight })),
        position: entry
          ? {
              stance: entry.position.stance,
              summary: entry.position.summary,
              reasons: entry.position.reasons,
              amendments: entry.position.amendments.map((a) => a.text),
              flags: entry.call.flags,
              seq: seqOf.get(keys.position(r.id)) ?? null,
              ...marks({ kind: "position", representativeId: r.id }),
            }
          : null,
      };
    }),
    rounds: rounds.map((round) => ({
      round,
      candidates: Object.values(state.candidates[round] ?? {})
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((c) => ({
          id: c.id,
          title: c.candidate.title,
          rationale: c.candidate.rationale,
          text: c.candidate.text,
          clauses: c.candidate.choice ? draftClauses(state, c.candidate.choice) : null,
          seq: seqOf.get(keys.candidate(round, Number(c.id.split("c")[1]) - 1)) ?? null,
        })),
      critiques: Object.entries(state.critiques[round] ?? {})
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([representativeId, entry]) => ({
          representativeId,
          seq: seqOf.get(keys.critique(round, representativeId)) ?? null,
          flags: entry.call.flags,
          ranking: entry.critique.ranking,
          assessments: entry.critique.assessments.map((a) => ({
            candidateId: a.candidateId,
            stance: a.stance,
            approve: a.approve,
            statement: a.statement,
            honoured: a.honoured,
            ...marks({ kind: "critique", round, representativeId, candidateId: a.candidateId }),
          })),
        })),
      tally: state.tallies[round] ?? null,
    })),
    // Overrides and strikes made after the draft was put together still show on its stances.
    draft: state.draft && {
      ...state.draft,
      coverage: withSeqs(state.draft.coverage.map((c) => ({ ...c, values: c.values.map((v) => ({ ...v, by: v.by ?? [] })) }))),
      stances: state.draft.stances.map((st) => {
        const target: StatementTarget = {
          kind: "critique",
          round: state.draft!.round,
          representativeId: st.representativeId,
          candidateId: state.draft!.candidateId,
        };
        const ref = statementRef.critique(target.round, target.representativeId, target.candidateId);
        const override = state.room.overrides[ref];
        const struck = state.room.struck[ref];
        return { ...st, target, ...(override ? { statement: override.text, overriddenBy: override.by } : {}), ...(struck ? { struck: struck.reason } : {}) };
      }),
    },
    lastSeq: events.at(-1)?.seq ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The lease

export interface Lease {
  acquire(matterId: string): Promise<boolean>;
  renew(matterId: string): Promise<boolean>;
  release(matterId: string): Promise<void>;
  /** Inside a write transaction: throws unless this process still holds the lease (fencing). */
  check(trx: Kysely<Database>, matterId: string): Promise<void>;
}

class LeaseLost extends Error {
  constructor(matterId: string) {
    super(`the lease on deliberation ${matterId} is held by another process`);
  }
}

function createLease(deps: () => AppDeps, holder: string, leaseMs: number): Lease {
  const locking = (trx: Kysely<Database>, matterId: string) => {
    const query = trx.selectFrom("deliberationLeases").selectAll().where("matterId", "=", matterId);
    // PostgreSQL: the row is locked until commit, so a taker waits for our append to land (or not).
    return trx.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query;
  };
  const take = async (matterId: string, mayTakeOver: boolean) => {
    const { db, clock } = deps();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + leaseMs).toISOString();
    let tookFrom: string | null = null;
    try {
      const held = await db.transaction().execute(async (trx) => {
        const row = await locking(trx, matterId).executeTakeFirst();
        if (!row) {
          if (!mayTakeOver) return false;
          await trx.insertInto("deliberationLeases").values({ matterId, holder, expiresAt }).execute();
          return true;
        }
        if (row.holder !== holder && !(mayTakeOver && row.expiresAt <= now.toISOString())) return false;
        tookFrom = row.holder !== holder ? row.holder : null;
        await trx.updateTable("deliberationLeases").set({ holder, expiresAt }).where("matterId", "=", matterId).execute();
        return true;
      });
      if (held && tookFrom) {
        leaseTakeovers.inc();
        log.info({ matterId, runner: holder, from: tookFrom }, "[deliberation] took over a lapsed lease");
      }
      return held;
    } catch (error) {
      if (mayTakeOver) return false; // another process inserted the row first
      throw error; // a renewal that could not reach the database: not (yet) a lost lease
    }
  };
  return {
    acquire: (matterId) => take(matterId, true),
    renew: (matterId) => take(matterId, false),
    async release(matterId) {
      await deps().db.deleteFrom("deliberationLeases").where("matterId", "=", matterId).where("holder", "=", holder).execute();
    },
    async check(trx, matterId) {
      const row = await locking(trx, matterId).executeTakeFirst();
      if (row?.holder !== holder) throw new LeaseLost(matterId);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The runner

/** A streamed fragment of a model's answer, with who speaks; `restart`: the call's fragments so far are void, it is asked again. */
export type TranscriptChunk = TranscriptFragment;

/** Who speaks in a call, from the effect itself (its key is only ever compared, never parsed). */
function speakerOf(effect: CallEffect): TranscriptSpeaker {
  switch (effect.task) {
    case "read":
      return { task: "read", optionId: effect.input.option.id };
    case "word":
      return { task: "word", round: effect.input.round };
    case "position":
      return { task: "position", representativeId: effect.input.representative.id };
    case "mediate":
      return { task: "mediate", round: effect.input.round, index: effect.input.index };
    case "critique":
      return { task: "critique", representativeId: effect.input.representative.id, round: effect.round };
  }
}

export interface RunnerHooks {
  /** Streamed fragments of model answers, for the live room (not in the ledger: the result is). */
  transcript?: (chunk: TranscriptChunk) => void;
}

export interface DeliberationRunner {
  /** Runs the matter's deliberation here if no live process holds it. Returns at once. */
  kick(matterId: string): void;
  /** The ledger of a matter gained an event the runner must see (a delegate's action): wake it, or start it. */
  nudge(matterId: string): void;
  /** Picks up every deliberation that is running nowhere (after a restart, or a holder that died). */
  sweep(): Promise<void>;
  /** Resolves when this process is not running the matter (finished, halted, or never started here). */
  settled(matterId: string): Promise<void>;
  readonly holder: string;
  close(): Promise<void>;
}

export interface RunnerOptions {
  holder?: string;
  leaseMs: number;
  concurrency: number;
  hooks?: RunnerHooks;
  /** Sweep for orphaned deliberations this often; 0 turns the periodic sweep off. */
  sweepMs?: number;
  /** False for a process that serves pages and the API but runs no deliberation (another process does). */
  enabled?: boolean;
}

/** How often a runner looks for deliberations running nowhere (at most). */
const SWEEP_MS = 1_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export function createDeliberationRunner(getDeps: () => AppDeps, options: RunnerOptions): DeliberationRunner {
  const holder = options.holder ?? `runner-${randomUUID()}`;
  const lease = createLease(getDeps, holder, options.leaseMs);
  const limiter = createLimiter(options.concurrency);
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Wakes a deliberation running here to read what the ledger gained (a delegate's action). */
  const nudges = new Map<string, () => void>();
  /** Matters found finished or halted: sweeps skip them until kicked again. */
  const resting = new Set<string>();
  /** Transcript fragments held back by a pause, by matter, when the run ended before the resume. */
  const heldTranscripts = new Map<string, TranscriptBuffer>();
  let closed = false;

  async function run(matterId: string, abort: AbortController): Promise<void> {
    if (!(await lease.acquire(matterId))) return;
    log.debug({ matterId, runner: holder }, "[deliberation] running here");
    const renewal = setInterval(
      () => {
        // Also a chance to read actions appended through another process.
        nudges.get(matterId)?.();
        lease.renew(matterId).then(
          (held) => held || abort.abort(),
          // A database blip: carry on. Should the lease lapse meanwhile, the check in every write stops us.
          (error: unknown) => log.warn({ matterId, err: error }, "[deliberation] lease renewal failed"),
        );
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    try {
      await drive(matterId, abort.signal, () => abort.abort());
    } finally {
      nudges.delete(matterId);
      clearInterval(renewal);
      await lease.release(matterId).catch(() => {});
    }
  }

  async function drive(matterId: string, signal: AbortSignal, abort: () => void): Promise<void> {
    const deps = getDeps();
    const state = replay(matterId, await readLedger(deps.db, matterId));
    if (!state) return;
    // A run that ended while paused leaves its held fragments here, for the run after the resume.
    const transcript = heldTranscripts.get(matterId) ?? createTranscriptBuffer(matterId, options.hooks?.transcript);
    heldTranscripts.delete(matterId);
    transcript.hold(state.room.paused);
    try {
      await steps(matterId, signal, abort, deps, state, transcript);
    } finally {
      if (transcript.close()) heldTranscripts.set(matterId, transcript);
    }
  }

  async function steps(
    matterId: string,
    signal: AbortSignal,
    abort: () => void,
    deps: AppDeps,
    initial: DeliberationState,
    transcript: TranscriptBuffer,
  ): Promise<void> {
    let state = initial;
    const inFlight = new Map<string, number>(); // key → tokens reserved
    const attempts = new Map<string, number>();
    let wake: () => void = () => {};
    let failure: unknown = null;

    // The state follows the ledger in order, whoever appended: this runner's results, and the
    // delegates' actions (pause, guidance, override, strike…), which the room appends between steps.
    const catchUp = async () => {
      const events = await readLedger(deps.db, matterId, { afterSeq: state.lastSeq });
      for (const event of events) {
        if (event.seq <= state.lastSeq) continue; // folded by a catch-up that ran meanwhile
        const before = state.stage;
        state = apply(state, event as unknown as ProtocolEvent & { seq: number });
        if (state.stage !== before) {
          deliberationStages.inc({ stage: state.stage });
          log.info({ matterId, runner: holder, stage: state.stage, from: before, seq: event.seq }, "[deliberation] stage reached");
        }
      }
      transcript.hold(state.room.paused);
    };
    let dirty = false;
    nudges.set(matterId, () => {
      dirty = true;
      wake();
    });
    // Results that arrive while a write is under way are written together in the next transaction
    // (group commit): a stage's answers tend to arrive within milliseconds of one another.
    // `retrySince`: set when this write is asked again after an error: the ledger's seq the event was first
    // queued at. The first attempt may have committed all the same (its answer lost with the connection).
    type Pending = { event: ProtocolEvent; calls: LlmCallRecord[]; retrySince?: number; resolve: () => void; reject: (error: unknown) => void };
    const queue: Pending[] = [];
    let writing = false;
    const writeQueued = async () => {
      writing = true;
      while (queue.length > 0) {
        // On SQLite a write answers synchronously: without a turn now and then, a deliberation would hold the loop.
        await shareTheLoop();
        const batch = queue.splice(0);
        try {
          await withLedger(deps, async (trx, append) => {
            await lease.check(trx, matterId);
            // From here appends to the stream take turns until this commits: the ledger read next is the one
            // this write follows, whatever another run (or this run's earlier attempt) wrote meanwhile.
            await lockStream(trx, matterId);
            const since = await ledgerSince(trx, matterId, state, batch);
            let folded = since.folded;
            for (const { event, calls } of batch) {
              // Landed by an attempt whose answer was lost: written once, with its calls, already.
              if (since.written.has(sameWrite(event.type, event.payload))) continue;
              if (alreadyHolds(folded, event)) {
                // Another run's result for the same call is in (it folded the ledger before this one landed, or
                // this run did before that one): the first counts, and this one is not appended. Its calls were
                // made all the same, and are kept with the others.
                await recordCalls(trx, calls, { ifNew: true });
                log.warn(
                  { matterId, runner: holder, type: event.type, key: (event.payload as { key?: unknown }).key },
                  "[deliberation] a result already in the ledger was not appended again",
                );
                continue;
              }
              await recordCalls(trx, calls);
              const appended = await append({ matterId, type: event.type, actor: ACTOR, payload: event.payload as unknown as JsonValue });
              folded = apply(folded, appended as unknown as ProtocolEvent & { seq: number });
            }
          });
        } catch (error) {
          for (const item of batch) item.reject(error);
          continue;
        }
        // Committed. Fold it before anyone hears so: a state without these results would plan their calls again.
        // If reading it back fails, the results are safe in the ledger; this run stops and the next replays.
        await catchUp().catch((error: unknown) => {
          failure = error;
        });
        for (const item of batch) item.resolve();
      }
      writing = false;
    };
    const appendProtocolEvent = (event: ProtocolEvent, calls: LlmCallRecord[] = [], retrySince?: number) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ event, calls, ...(retrySince === undefined ? {} : { retrySince }), resolve, reject });
        if (!writing) void writeQueued();
      });

    /**
     * Writes a result durably: a database error is retried with the same records, never by asking the model
     * again; and a retry first looks in the ledger for the same event, in case the failed attempt landed.
     */
    const appendDurably = async (event: ProtocolEvent, records: LlmCallRecord[]) => {
      const queuedAt = state.lastSeq;
      for (let attempt = 1; ; attempt++) {
        try {
          return await appendProtocolEvent(event, records, attempt > 1 ? queuedAt : undefined);
        } catch (error) {
          if (error instanceof LeaseLost || attempt >= WRITE_ATTEMPTS || signal.aborted) throw error;
          await sleep(WRITE_RETRY_MS * attempt, signal);
        }
      }
    };

    const callOnce = async (effect: CallEffect, allowance: Allowance | null) => {
      // Computed tasks and the offline engine answer at once: each call takes its place in the loop's slices.
      await shareTheLoop();
      const records: LlmCallRecord[] = [];
      const task = PROTOCOL_TASKS[effect.task] as Task<unknown, unknown>;
      const speaker = speakerOf(effect);
      // Positions, packages and assessments are computed from readings by code, whatever the engine.
      const engine = isLocal(task) ? createOfflineEngine({ recorder: { record: async () => {} }, clock: deps.clock, ids: deps.ids }) : deps.llm;
      let result: Awaited<ReturnType<typeof deps.llm.run>>;
      try {
        result = await limiter.run(() =>
          engine.run(task, effect.input, {
            matterId,
            signal,
            recorder: { record: async (call) => void records.push(call) },
            ...(allowance ? { maxOutputTokens: allowance.answer } : {}),
            onToken: (fragment) => transcript.add(effect.key, speaker, fragment),
            onRestart: (reason) => transcript.restart(effect.key, speaker, reason),
          }),
        );
      } catch (error) {
        transcript.finish(effect.key);
        if (signal.aborted) return recordOnly(deps, records);
        const tries = (attempts.get(effect.key) ?? 0) + 1;
        attempts.set(effect.key, tries);
        // Only the reason (and what our own checks found) goes to the public ledger; the provider's own words stay in llm_calls.
        const { reason, transient, detail } = callFailureOf(error);
        // What the failed attempts cost is spent all the same, and a delegate may want to see them.
        if (records.length) {
          const call = metaOf(records, records.at(-1)!.id, deps.llm.engine, deps.llm.model, []);
          await appendDurably({ type: "deliberation.attemptFailed", payload: { key: effect.key, reason, call } }, records);
        }
        // Only a transient failure (timeout, 429, 5xx, a dropped connection) is asked again, after a wait. A
        // deterministic one (an answer failing its schema or check after the retry with feedback, an input
        // the task refuses, a refusal, a rejected request) would repeat identically: it halts at once.
        if (transient && tries < CALL_ATTEMPTS) return sleep(RETRY_DELAY_MS * 4 ** (tries - 1), signal);
        if (reason === "internal") log.error({ matterId, key: effect.key, err: error }, "[deliberation] a call failed inside Agora");
        return appendDurably(
          { type: "deliberation.callFailed", payload: { key: effect.key, reason, transient, attempts: tries, ...(detail ? { detail } : {}) } },
          [],
        );
      }
      transcript.finish(effect.key);
      // Stopped (shutdown, or the lease went to another process): the answer is not used, but it was paid for.
      if (signal.aborted) return recordOnly(deps, records);
      const call = metaOf(records, result.callId, result.engine, result.model, result.problems ?? [], result.latencyMs);
      const reader = result.engine === "offline" ? "offline" : result.model;
      await appendDurably(resultEvent(effect, grounded(effect, result.output, reader), call, state), records);
    };

    const startCall = (effect: CallEffect, allowance: Allowance | null) => {
      inFlight.set(effect.key, allowance ? 2 * (allowance.prompt + allowance.answer) : 0);
      callOnce(effect, allowance)
        .catch((error: unknown) => {
          if (error instanceof LeaseLost) abort();
          else failure = error;
        })
        .finally(() => {
          inFlight.delete(effect.key);
          wake();
        });
    };

    try {
      for (;;) {
        if (dirty && !signal.aborted) {
          dirty = false;
          // A failed read ends the run, but not before the calls under way have written (or failed to write)
          // their results: a run that ended with a write still on its way would leave it to land after the next
          // run (this process's, the same lease holder) had folded the ledger without it and made the call again.
          await catchUp().catch((error: unknown) => {
            failure ??= error;
          });
        }
        if ((signal.aborted || closed || failure || state.stage === "halted") && inFlight.size > 0) {
          // Calls still under way are let finish (or fail) and write what they cost before the lease goes.
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (signal.aborted || closed) return;
        if (failure) throw failure;
        const current: DeliberationState = state;
        // A drafted deliberation still reads a delegate's amendment before its ballot.
        if (current.stage === "halted" || (current.stage === "drafted" && plan(current).length === 0)) {
          resting.add(matterId);
          return;
        }
        if (current.room.paused && inFlight.size === 0) {
          resting.add(matterId); // a delegate's resume kicks it again
          return;
        }
        const effects: Effect[] = plan(current);
        const appendEffect = effects.find((e) => e.kind === "append");
        if (appendEffect && inFlight.size === 0) {
          await appendProtocolEvent(appendEffect.event);
          continue;
        }
        // Spent, plus what the calls under way hold: concurrent calls cannot overrun the budget together.
        let committed = current.tokensSpent + [...inFlight.values()].reduce((a, b) => a + b, 0);
        let blockedByBudget: number | null = null;
        for (const effect of effects) {
          if (effect.kind !== "call" || inFlight.has(effect.key)) continue;
          // Room for the call and one retry with feedback (the grounding rule), each answer capped.
          const allowance = deps.llm.engine === "offline" || isLocal(PROTOCOL_TASKS[effect.task]) ? null : allowanceFor(effect);
          const reserve = allowance ? 2 * (allowance.prompt + allowance.answer) : 0;
          if (committed + reserve > current.started.settings.tokenBudget) {
            blockedByBudget = reserve;
            break;
          }
          committed += reserve;
          startCall(effect, allowance);
        }
        if (blockedByBudget !== null && inFlight.size === 0) {
          await appendProtocolEvent({
            type: "deliberation.budgetExhausted",
            payload: { spent: current.tokensSpent, budget: current.started.settings.tokenBudget, needed: blockedByBudget },
          });
          continue;
        }
        if (inFlight.size === 0) {
          if (effects.length === 0) return; // nothing to do: a state the protocol does not plan from
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      // However the run ends, no call of it goes on to write after it (see the catch-up above): those still
      // under way are stopped and awaited.
      if (inFlight.size > 0) {
        abort();
        while (inFlight.size > 0) await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  }

  /** Matters kicked or nudged while a run of theirs was ending: run again once it has. */
  const again = new Set<string>();

  function kick(matterId: string) {
    if (closed || options.enabled === false) return;
    if (running.has(matterId)) {
      again.add(matterId);
      return;
    }
    resting.delete(matterId);
    const abort = new AbortController();
    // Every call under way listens to this one signal: a stage of 12 representatives is 12 listeners.
    setMaxListeners(256, abort.signal);
    const done = run(matterId, abort)
      .catch((error: unknown) => log.error({ matterId, err: error }, "[deliberation] stopped"))
      .finally(() => {
        running.delete(matterId);
        // A resume (or any action) that arrived as the run was stopping is not lost.
        if (again.delete(matterId)) kick(matterId);
      });
    running.set(matterId, { abort, done });
  }

  async function sweep() {
    if (closed || options.enabled === false) return;
    const { db } = getDeps();
    const rows = await db.selectFrom("matters").select("id").where("status", "=", "deliberating").execute();
    for (const { id } of rows) if (!resting.has(id)) kick(id);
  }

  // Often: a deliberation whose process died is taken over within a lease and a sweep (issue 16: within 5 s).
  const sweepMs = options.enabled === false ? 0 : (options.sweepMs ?? Math.min(SWEEP_MS, options.leaseMs));
  const timer = sweepMs > 0 ? setInterval(() => void sweep().catch(() => {}), sweepMs) : null;
  timer?.unref();

  return {
    holder,
    kick,
    nudge(matterId) {
      nudges.get(matterId)?.();
      // If the run here is on its way out, this makes sure another one looks at the ledger after it.
      kick(matterId);
    },
    sweep,
    async settled(matterId) {
      await running.get(matterId)?.done;
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      for (const r of running.values()) r.abort.abort();
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}

/** How long streamed fragments are gathered before they go out to the room, together. */
const TRANSCRIPT_FLUSH_MS = 40;

type TranscriptBuffer = ReturnType<typeof createTranscriptBuffer>;

/**
 * Streamed fragments, gathered per call and sent every few tens of milliseconds: a model sends a
 * token at a time, and a room of thousands need not get a message per token. While the deliberation is
 * paused, nothing goes out: each call's fragments are held back and sent, as one, on resume, unless the
 * call finished meanwhile: its answer is then in the ledger, read as a statement, and its held text is
 * dropped. (Held rather than cancelled: a cancelled call would be asked again and paid twice.)
 */
/** What makes two protocol events the same write: their type and their payload (which holds the call's id). */
function sameWrite(type: string, payload: unknown): string {
  return `${type}\u0000${canonicalJson(payload)}`;
}

/**
 * What a write must know of the ledger, read in its transaction once the stream's lock is held: the run's
 * state with every event it has not folded yet (another run's results, a delegate's act), and, for a write
 * asked again after an error, the writes since the earliest seq it was first queued at (the first attempt may
 * have committed, its answer lost). One read, from the earlier of the two; usually it finds nothing.
 */
async function ledgerSince(
  trx: Kysely<Database>,
  matterId: string,
  state: DeliberationState,
  batch: readonly { event: ProtocolEvent; retrySince?: number }[],
): Promise<{ folded: DeliberationState; written: Set<string> }> {
  const retrySince = Math.min(...batch.map((p) => p.retrySince ?? Number.POSITIVE_INFINITY));
  const events = await readLedger(trx, matterId, { afterSeq: Math.min(state.lastSeq, retrySince) });
  let folded = state;
  for (const event of events) if (event.seq > folded.lastSeq) folded = apply(folded, event as unknown as ProtocolEvent & { seq: number });
  const written = new Set(events.filter((e) => e.seq > retrySince).map((e) => sameWrite(e.type, e.payload)));
  return { folded, written };
}

/** Records the calls behind a result; `ifNew`: those already recorded (by an earlier attempt) are left as they are. */
async function recordCalls(trx: Kysely<Database>, calls: readonly LlmCallRecord[], options: { ifNew?: boolean } = {}): Promise<void> {
  for (const call of calls) {
    const insert = trx.insertInto("llmCalls").values({ ...call, prompt: JSON.stringify(call.prompt) });
    await (options.ifNew ? insert.onConflict((oc) => oc.column("id").doNothing()) : insert).execute();
  }
}

function createTranscriptBuffer(matterId: string, send: ((chunk: TranscriptChunk) => void) | undefined) {
  // Per call, in the order calls first spoke: a restart held back goes out before the text after it.
  const pending = new Map<string, { speaker: TranscriptSpeaker; text: string; restart?: string }>();
  let held = false;
  let timer: NodeJS.Timeout | null = null;
  const flush = (key: string) => {
    const entry = pending.get(key);
    if (!entry || held) return;
    pending.delete(key);
    if (entry.restart !== undefined) send?.({ matterId, key, speaker: entry.speaker, restart: entry.restart });
    if (entry.text) send?.({ matterId, key, speaker: entry.speaker, fragment: entry.text });
  };
  const flushAll = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const key of [...pending.keys()]) flush(key);
  };
  return {
    add(key: string, speaker: TranscriptSpeaker, fragment: string) {
      if (!send) return;
      const entry = pending.get(key);
      if (entry) entry.text += fragment;
      else pending.set(key, { speaker, text: fragment });
      if (!held) timer ??= setTimeout(flushAll, TRANSCRIPT_FLUSH_MS);
    },
    restart(key: string, speaker: TranscriptSpeaker, reason: string) {
      if (!send) return;
      flush(key);
      // What was held of the call is void with it; the restart still has to reach those who saw the rest.
      pending.set(key, { speaker, text: "", restart: reason });
      if (!held) flush(key);
    },
    /** A call is over (recorded, or failed): what it said goes out now, or, held back by a pause, is dropped. */
    finish(key: string) {
      if (held) pending.delete(key);
      else flush(key);
    },
    /** Follows the ledger's pause: held while paused, and what was held goes out on resume. */
    hold(paused: boolean) {
      held = paused;
      if (!paused) flushAll();
    },
    /** The run ends: what may go out does; true when fragments are still held back (for the next run). */
    close(): boolean {
      if (!held) flushAll();
      else if (timer) clearTimeout(timer), (timer = null);
      return pending.size > 0;
    },
  };
}

/** Records attempts whose answer will not be used (the run was stopped): they cost tokens and are audited. */
async function recordOnly(deps: AppDeps, records: LlmCallRecord[]) {
  if (records.length === 0) return;
  await deps.db
    .transaction()
    .execute(async (trx) => {
      for (const call of records)
        await trx
          .insertInto("llmCalls")
          .values({ ...call, prompt: JSON.stringify(call.prompt) })
          .execute();
    })
    .catch((error: unknown) => log.error({ err: error }, "[deliberation] could not record stopped calls"));
}

function metaOf(records: LlmCallRecord[], callId: string, engine: string, model: string, flags: string[], latencyMs?: number): CallMeta {
  return {
    callId,
    callIds: records.map((r) => r.id),
    engine,
    model,
    tokens: records.reduce((sum, r) => sum + r.tokensIn + r.tokensOut, 0),
    latencyMs: latencyMs ?? records.reduce((sum, r) => sum + r.latencyMs, 0),
    flags,
  };
}
