import { DomainError } from "../../deliberation/errors.js";
import type { StartedPayload } from "../../deliberation/protocol/index.js";
import type { AppDeps } from "./deps.server.js";

/** Ledger events that carry what a representative or the mediator said. */
const STATEMENT_EVENTS = ["deliberation.position", "deliberation.candidate", "deliberation.critique", "deliberation.attemptFailed"];

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

  const valueIds = citedValues(payload);
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
