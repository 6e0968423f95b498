import { readLedger } from "../../db/repos/ledger.js";
import { DomainError } from "../../deliberation/errors.js";
import { replay, type StartedPayload } from "../../deliberation/protocol/index.js";
import type { Reading } from "../../deliberation/reading/types.js";
import type { AppDeps } from "./deps.server.js";

/** Ledger events that carry what a representative or the mediator said. */
const STATEMENT_EVENTS = [
  "deliberation.position",
  "deliberation.candidate",
  "deliberation.critique",
  "deliberation.reading",
  "deliberation.wording",
  "deliberation.attemptFailed",
];

/** Every value id a statement's payload cites, in the order met. */
function citedValues(payload: unknown): string[] {
  const ids: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (["valueIds", "honoured", "unaddressed", "addresses"].includes(key) && Array.isArray(value))
          ids.push(...value.filter((v): v is string => typeof v === "string"));
        else walk(value);
      }
    }
  };
  walk(payload);
  return [...new Set(ids)];
}

/**
 * The audit trail of one statement (DESIGN.md: a delegate can open the exact input behind any
 * statement): the event, the representative and its mandate hash, the mandate values it cites with
 * the canonical cards and, anonymised, the citizens' cards behind them, and every recorded model call
 * that produced it (prompt, response, model, tokens, latency).
 */
export async function auditStatement(deps: AppDeps, matterId: string, seq: number) {
  const event = await deps.db.selectFrom("ledgerEvents").selectAll().where("matterId", "=", matterId).where("seq", "=", seq).executeTakeFirst();
  if (!event || !STATEMENT_EVENTS.includes(event.type))
    throw new DomainError("not_found", "room.noStatement", "There is no such statement in this deliberation.");
  const payload = JSON.parse(event.payload) as { representativeId?: string; call?: { callIds?: string[] } };
  const startedRow = await deps.db
    .selectFrom("ledgerEvents")
    .select("payload")
    .where("matterId", "=", matterId)
    .where("type", "=", "deliberation.started")
    .orderBy("seq")
    .limit(1)
    .executeTakeFirstOrThrow();
  const started = JSON.parse(startedRow.payload) as StartedPayload;
  const representative = started.representatives.find((r) => r.id === payload.representativeId) ?? null;

  // A reading names the values it read one by one: the page lists those it found honoured or eroded.
  const readings = event.type === "deliberation.reading" ? ((payload as { readings?: Reading[] }).readings ?? []) : null;
  const valueIds = readings ? [...new Set(readings.filter((r) => r.verdict !== "silent").map((r) => r.valueId))] : citedValues(payload);
  const callIds = payload.call?.callIds ?? [];
  const [values, cards, endorsements, calls] = await Promise.all([
    valueIds.length ? deps.db.selectFrom("canonicalValues").select(["id", "title", "description", "policies"]).where("id", "in", valueIds).execute() : [],
    valueIds.length
      ? deps.db
          .selectFrom("valueCards")
          .select(["canonicalId", "title", "description", "policies"])
          .where("canonicalId", "in", valueIds)
          .where("status", "=", "active")
          .orderBy("createdAt")
          .execute()
      : [],
    valueIds.length
      ? deps.db
          .selectFrom("endorsements")
          .select((eb) => ["canonicalId", eb.fn.countAll<number>().as("n")])
          .where("canonicalId", "in", valueIds)
          .groupBy("canonicalId")
          .execute()
      : [],
    callIds.length ? deps.db.selectFrom("llmCalls").selectAll().where("id", "in", callIds).orderBy("createdAt").execute() : [],
  ]);
  // A representative's statement is checked against its own mandate; the mediator's against all of them.
  const weightOf = new Map(representative?.mandate.map((v) => [v.valueId, v.weight]) ?? []);
  const anyMandate = new Set(started.representatives.flatMap((r) => r.mandate.map((v) => v.valueId)));
  const endorsedBy = new Map(endorsements.map((e) => [e.canonicalId, Number(e.n)]));
  const read = readings || event.type === "deliberation.wording" ? await whatWasRead(deps, matterId, started, event.type, payload) : null;
  return {
    seq: event.seq,
    type: event.type,
    actor: event.actor,
    hash: event.hash,
    createdAt: event.createdAt,
    payload: JSON.parse(event.payload) as unknown,
    representative: representative && {
      id: representative.id,
      label: representative.label,
      citizens: representative.citizens,
      mandateHash: representative.mandateHash,
    },
    reading: read && readings && { ...read.option, readings: read.titled(readings) },
    wording: event.type === "deliberation.wording" && read ? read.wording : null,
    values: valueIds.map((id) => {
      const value = values.find((v) => v.id === id);
      const behind = cards.filter((c) => c.canonicalId === id);
      return {
        valueId: id,
        inMandate: representative ? weightOf.has(id) : anyMandate.has(id),
        weight: weightOf.get(id) ?? null,
        title: value?.title ?? null,
        description: value?.description ?? null,
        policies: value ? (JSON.parse(value.policies) as string[]) : [],
        // Citizens' own cards behind the canonical value, without who wrote them.
        cards: behind.slice(0, 20).map((c) => ({ title: c.title, description: c.description, policies: JSON.parse(c.policies) as string[] })),
        cardCount: behind.length,
        endorsements: endorsedBy.get(id) ?? 0,
      };
    }),
    calls: calls.map((c) => ({
      id: c.id,
      purpose: c.purpose,
      engine: c.engine,
      model: c.model,
      prompt: JSON.parse(c.prompt) as unknown,
      response: c.response,
      tokensIn: c.tokensIn,
      tokensOut: c.tokensOut,
      latencyMs: c.latencyMs,
      status: c.status,
      error: c.error,
      createdAt: c.createdAt,
    })),
  };
}

/**
 * What a reading read and what a wording wrote, for the audit page: the option's words, who wrote it
 * and where it sits in the rule, and every value read with its verdict, quote and reason, by title.
 */
async function whatWasRead(deps: AppDeps, matterId: string, started: StartedPayload, type: string, payload: unknown) {
  // The rule as it stood: delegates' amendments and the mediator's wording are options the ledger added.
  const state = replay(matterId, await readLedger(deps.db, matterId));
  const slots = state?.rule.slots ?? started.slots ?? [];
  const options = state?.rule.options ?? started.options ?? [];
  const titles = new Map(started.representatives.flatMap((r) => r.mandate.map((v) => [v.valueId, v.title] as const)));
  const held = (valueId: string) => started.representatives.filter((r) => r.mandate.some((v) => v.valueId === valueId)).map((r) => r.label);
  const where = (slot: number) => {
    const s = slots[slot];
    return s ? { kind: s.kind, number: s.number } : null;
  };
  const optionId = (payload as { optionId?: string }).optionId;
  const option = options.find((o) => o.id === optionId);
  return {
    option: {
      text: option?.text ?? null,
      source: option?.source ?? null,
      valueTitle: option?.valueId ? (titles.get(option.valueId) ?? null) : null,
      where: option ? where(option.slot) : null,
    },
    titled: (readings: Reading[]) =>
      readings.map((r) => ({
        valueId: r.valueId,
        title: titles.get(r.valueId) ?? null,
        heldBy: held(r.valueId),
        verdict: r.verdict,
        quote: r.quote,
        reason: r.reason,
        engine: r.engine,
      })),
    wording:
      type === "deliberation.wording"
        ? {
            round: (payload as { round?: number }).round ?? 0,
            options: ((payload as { options?: { slot: number; text: string }[] }).options ?? []).map((o) => ({ text: o.text, where: where(o.slot) })),
          }
        : null,
  };
}
