import { DomainError } from "../../deliberation/errors.js";
import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { type AggregatedEdge, buildGraph, edgeVerdict, pageRank } from "../../deliberation/values/moral-graph.js";
import type { AppDeps } from "./deps.server.js";

/**
 * Keeps each context's moral graph scores current as judgments and endorsements arrive: work is
 * coalesced per context (one recompute at a time, another if more came in meanwhile), edges are
 * aggregated by the database, and PageRank warm-starts from the previous scores.
 */
export interface GraphRegistry {
  /** A value, judgment, endorsement or withdrawal arrived in this context. */
  changed(contextId: string): void;
  /** Resolves when every scheduled recompute has been written. */
  settled(): Promise<void>;
  /** Stops scheduling, drops pending work and waits for a recompute under way. */
  close(): Promise<void>;
}

/** Changes arriving within this window are one recompute: the graph is a public view, not a read-your-write. */
const DEBOUNCE_MS = 200;

interface ContextState {
  failures: number;
  previous: Map<string, number>;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  again: boolean;
}

/** Equal scores share a rank (1, 2, 2, 4): a tie the judgments do not break is not a ranking. */
function competitionRank(sorted: readonly { score: number }[], i: number): number {
  let first = i;
  while (first > 0 && Math.abs(sorted[first - 1]!.score - sorted[i]!.score) <= 1e-9) first--;
  return first + 1;
}

/** Every judged ordered pair of a context with its vote counts, summed by the database. */
async function aggregatedEdges(db: Kysely<Database>, contextId: string): Promise<AggregatedEdge[]> {
  const votes = await db
    .selectFrom("judgments as j")
    .innerJoin("valuePairs as p", "p.id", "j.pairId")
    .select((eb) => ["p.fromId", "p.toId", "j.answer", eb.fn.countAll<number>().as("n")])
    .where("p.contextId", "=", contextId)
    .groupBy(["p.fromId", "p.toId", "j.answer"])
    .execute();
  const edges = new Map<string, AggregatedEdge>();
  for (const v of votes) {
    const key = `${v.fromId}>${v.toId}`;
    let edge = edges.get(key);
    if (!edge) edges.set(key, (edge = { from: v.fromId, to: v.toId, wiser: 0, notWiser: 0, unsure: 0 }));
    const n = Number(v.n);
    if (v.answer === "wiser") edge.wiser += n;
    else if (v.answer === "not_wiser") edge.notWiser += n;
    else edge.unsure += n;
  }
  return [...edges.values()];
}

export function createGraphRegistry(deps: () => AppDeps): GraphRegistry {
  const states = new Map<string, ContextState>();
  let closed = false;

  function state(contextId: string): ContextState {
    let s = states.get(contextId);
    if (!s) states.set(contextId, (s = { failures: 0, previous: new Map(), timer: null, running: null, again: false }));
    return s;
  }

  function schedule(contextId: string) {
    if (closed) return;
    const s = state(contextId);
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      s.running = recompute(contextId)
        .then(() => {
          s.failures = 0;
        })
        .catch((error) => {
          console.error(`[graph] recompute of ${contextId} failed:`, error);
          // Try again (a few times): otherwise the scores would wait for the next judgment.
          if (++s.failures <= 3) s.again = true;
        })
        .finally(() => {
          s.running = null;
          if (s.again) {
            s.again = false;
            schedule(contextId);
          }
        });
    }, DEBOUNCE_MS);
  }

  async function recompute(contextId: string) {
    const { db, clock } = deps();
    const s = state(contextId);
    const values = await db.selectFrom("canonicalValues").select("id").where("contextId", "=", contextId).orderBy("id").execute();
    const ids = values.map((v) => v.id);
    const edges = await aggregatedEdges(db, contextId);
    const graph = buildGraph(ids, edges);
    const initial = ids.length > 0 && s.previous.size > 0 ? Float64Array.from(ids, (id) => s.previous.get(id) ?? 1 / ids.length) : undefined;
    const { scores } = pageRank(graph, initial ? { initial } : {});

    // Support: distinct citizens holding (an active card) or endorsing each value, counted by the database.
    const holding = db
      .selectFrom("valueCards")
      .select(["canonicalId", "citizenId"])
      .where("contextId", "=", contextId)
      .where("status", "=", "active")
      .where("canonicalId", "is not", null);
    const endorsing = db
      .selectFrom("endorsements as e")
      .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
      .select(["e.canonicalId", "e.citizenId"])
      .where("cv.contextId", "=", contextId);
    const support = await db
      .selectFrom(holding.union(endorsing).as("s"))
      .select((eb) => ["s.canonicalId", eb.fn.count<number>("s.citizenId").as("n")])
      .groupBy("s.canonicalId")
      .execute();
    const supporters = new Map(support.map((row) => [row.canonicalId!, Number(row.n)]));
    // Dissent: votes saying the value is not wiser where it was offered as the wiser one.
    const dissent = new Map<string, number>();
    for (const edge of edges) dissent.set(edge.to, (dissent.get(edge.to) ?? 0) + edge.notWiser);

    const order = ids.map((id, i) => ({ id, score: scores[i]! })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const updatedAt = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      // Processes sharing PostgreSQL may recompute one context at the same moment: they take turns.
      if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`SELECT pg_advisory_xact_lock(hashtext(${`graph:${contextId}`}))`.execute(trx);
      await trx.deleteFrom("graphScores").where("contextId", "=", contextId).execute();
      if (order.length === 0) return;
      await trx
        .insertInto("graphScores")
        .values(
          order.map((o, i) => ({
            contextId,
            canonicalId: o.id,
            score: o.score,
            rank: competitionRank(order, i),
            support: supporters.get(o.id) ?? 0,
            dissent: dissent.get(o.id) ?? 0,
            updatedAt,
          })),
        )
        .execute();
    });
    s.previous = new Map(order.map((o) => [o.id, o.score]));
  }

  return {
    changed: schedule,
    async settled() {
      for (;;) {
        const pending = [...states.values()].filter((s) => s.timer || s.running);
        if (pending.length === 0) return;
        await Promise.all(pending.map((s) => s.running ?? new Promise((r) => setTimeout(r, DEBOUNCE_MS * 2))));
      }
    },
    async close() {
      closed = true;
      for (const s of states.values()) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = null;
        s.again = false;
      }
      await Promise.all([...states.values()].map((s) => s.running));
    },
  };
}

/** Her own values in a context: those her active cards hold, and those a card of hers founded. */
async function valuesOf(db: Kysely<Database>, contextId: string, citizenId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("valueCards as c")
    .innerJoin("canonicalValues as cv", "cv.id", "c.canonicalId")
    .select(["cv.id", "c.status", "cv.sourceCardId", "c.id as cardId"])
    .where("c.citizenId", "=", citizenId)
    .where("c.contextId", "=", contextId)
    .execute();
  return new Set(rows.filter((r) => r.status === "active" || r.sourceCardId === r.cardId).map((r) => r.id));
}

/** The public view of one context's moral graph: ranked values and the edges that count; a citizen's own values are marked for her. */
export async function graphView(deps: AppDeps, contextId: string, citizenId: string | null = null) {
  const context = await deps.db.selectFrom("contexts").select(["id", "title", "titleEt", "description"]).where("id", "=", contextId).executeTakeFirst();
  if (!context) throw new DomainError("not_found", "values.unknownContext", "There is no such choice context.");
  const values = await deps.db
    .selectFrom("canonicalValues as cv")
    .leftJoin("graphScores as gs", (join) => join.onRef("gs.canonicalId", "=", "cv.id").on("gs.contextId", "=", contextId))
    .select(["cv.id", "cv.title", "cv.description", "cv.policies", "gs.score", "gs.rank", "gs.support", "gs.dissent", "gs.updatedAt"])
    .where("cv.contextId", "=", contextId)
    .execute();
  const mine = citizenId ? await valuesOf(deps.db, contextId, citizenId) : new Set<string>();
  const ranked = values
    .map((v) => ({
      id: v.id,
      title: v.title,
      description: v.description,
      policies: JSON.parse(v.policies) as string[],
      score: v.score ?? 0,
      rank: v.rank ?? null,
      support: v.support ?? 0,
      dissent: v.dissent ?? 0,
      mine: mine.has(v.id),
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.id.localeCompare(b.id));
  const aggregated = await aggregatedEdges(deps.db, contextId);
  const edges = aggregated
    .map((e) => ({ ...e, ...edgeVerdict(e) }))
    .filter((e) => e.counts)
    .map(({ from, to, likelihood, wiser, notWiser, unsure }) => ({ from, to, likelihood, votes: wiser + notWiser + unsure }));
  const updatedAt = values.reduce<string | null>((latest, v) => (v.updatedAt && (!latest || v.updatedAt > latest) ? v.updatedAt : latest), null);
  const judgments = aggregated.reduce((sum, e) => sum + e.wiser + e.notWiser + e.unsure, 0);
  return { context, values: ranked, edges, updatedAt, judgments };
}
