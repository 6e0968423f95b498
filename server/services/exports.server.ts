import { createHmac } from "node:crypto";
import type { AppDeps } from "./deps.server.js";

/**
 * Anonymised open data of the moral graphs. Citizens appear only as stable pseudonyms (an HMAC of
 * their record id under the polity's secret), so rows of one person can be linked across files
 * without saying who she is. Times are rounded down to the hour, and the free-text "why" of a
 * judgment stays out: either could single a person out. Column layouts follow Polis exports.
 */
const HOUR_MS = 3600_000;

function hourOf(iso: string): { timestamp: number; datetime: string } {
  const ms = Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS;
  return { timestamp: ms / 1000, datetime: new Date(ms).toISOString() };
}

export async function exportData(deps: AppDeps) {
  const pseudonym = (citizenId: string) => createHmac("sha256", deps.config.sessionSecret).update(`export:${citizenId}`).digest("hex").slice(0, 12);
  const [values, cards, scores, endorsements, judgments] = await Promise.all([
    deps.db.selectFrom("canonicalValues").selectAll().orderBy("createdAt").orderBy("id").execute(),
    deps.db.selectFrom("valueCards").select(["id", "canonicalId", "citizenId", "status"]).where("verdict", "=", "value").execute(),
    deps.db.selectFrom("graphScores").selectAll().execute(),
    deps.db
      .selectFrom("endorsements as e")
      .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
      .select(["e.citizenId", "e.canonicalId", "e.createdAt", "cv.contextId"])
      .orderBy("e.createdAt")
      .execute(),
    deps.db
      .selectFrom("judgments as j")
      .innerJoin("valuePairs as p", "p.id", "j.pairId")
      .select(["j.pairId", "j.citizenId", "j.answer", "j.createdAt", "p.fromId", "p.toId", "p.contextId"])
      .orderBy("j.createdAt")
      .execute(),
  ]);
  const founders = new Map(cards.map((c) => [c.id, c.citizenId]));
  const scoreOf = new Map(scores.map((s) => [s.canonicalId, s]));
  const activeCards = new Map<string, number>();
  for (const c of cards) if (c.canonicalId && c.status === "active") activeCards.set(c.canonicalId, (activeCards.get(c.canonicalId) ?? 0) + 1);
  return {
    values: values.map((v) => ({
      ...hourOf(v.createdAt),
      valueId: v.id,
      contextId: v.contextId,
      authorId: founders.has(v.sourceCardId) ? pseudonym(founders.get(v.sourceCardId)!) : "",
      title: v.title,
      description: v.description,
      policies: JSON.parse(v.policies) as string[],
      cards: activeCards.get(v.id) ?? 0,
      support: scoreOf.get(v.id)?.support ?? 0,
      dissent: scoreOf.get(v.id)?.dissent ?? 0,
      score: scoreOf.get(v.id)?.score ?? 0,
      rank: scoreOf.get(v.id)?.rank ?? null,
    })),
    endorsements: endorsements.map((e) => ({
      ...hourOf(e.createdAt),
      valueId: e.canonicalId,
      contextId: e.contextId,
      voterId: pseudonym(e.citizenId),
      vote: 1,
    })),
    judgments: judgments.map((j) => ({
      ...hourOf(j.createdAt),
      pairId: j.pairId,
      contextId: j.contextId,
      fromValueId: j.fromId,
      toValueId: j.toId,
      voterId: pseudonym(j.citizenId),
      answer: j.answer,
    })),
  };
}
