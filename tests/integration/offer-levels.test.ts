import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/migrate.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { endorse, judge, OFFER_LEVEL_CAP, pairsToJudge, valuesToEndorse } from "../../server/services/values.server.js";
import { databaseAt, demoIntake, dialects, startTestServer, type TestServer } from "../support/database.js";

/**
 * Offer levels (issue 15, decision 30): pairs are offered for judging and values for endorsing by a
 * level that follows the count up to OFFER_LEVEL_CAP and then stays put, so that past it a judgment or
 * an endorsement no longer rewrites the index the offers walk.
 */

const BIO = "biometric-identification-public-spaces";

describe.each(dialects())("offer levels on %s", (dialect) => {
  let t: TestServer;
  let deps: AppDeps;
  const citizens = new Map<number, SessionUser>();

  /** The demo citizens with no active card of any of `values`, in registry order. */
  async function citizensWithout(values: string[]): Promise<SessionUser[]> {
    const holders = await deps.db.selectFrom("valueCards").select("citizenId").where("canonicalId", "in", values).where("status", "=", "active").execute();
    const held = new Set(holders.map((h) => h.citizenId));
    return [...citizens.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, user]) => user)
      .filter((user) => !held.has(user.citizenId!));
  }

  const pairRow = (id: string) =>
    deps.db.selectFrom("valuePairs").select(["contextId", "offerLevel", "randomKey", "judgmentCount"]).where("id", "=", id).executeTakeFirstOrThrow();
  const valueRow = (id: string) =>
    deps.db.selectFrom("canonicalValues").select(["contextId", "offerLevel", "randomKey", "endorsementCount"]).where("id", "=", id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    deps = t.server.deps;
    for (const [n, user] of await demoIntake(deps, [BIO])) citizens.set(n, user);
  });
  afterAll(() => t?.close());

  it("a pair's level follows its judgments up to the cap, then the judgments no longer touch what the offers' index holds", async () => {
    const [pair] = await deps.db.selectFrom("valuePairs").select(["id", "fromId", "toId"]).where("contextId", "=", BIO).orderBy("id").execute();
    const judges = await citizensWithout([pair!.fromId, pair!.toId]);
    expect(judges.length).toBeGreaterThan(OFFER_LEVEL_CAP + 3);
    let atCap: Awaited<ReturnType<typeof pairRow>> | undefined;
    for (const [i, user] of judges.slice(0, OFFER_LEVEL_CAP + 3).entries()) {
      await judge(deps, user, { pairId: pair!.id, answer: i % 2 === 0 ? "wiser" : "unsure" });
      const row = await pairRow(pair!.id);
      expect(row.judgmentCount).toBe(i + 1);
      expect(row.offerLevel).toBe(Math.min(i + 1, OFFER_LEVEL_CAP));
      if (i + 1 === OFFER_LEVEL_CAP) atCap = row;
      // The index on (context, offer level, random key) sees the same row after every later judgment.
      if (i + 1 > OFFER_LEVEL_CAP) expect({ ...row, judgmentCount: 0 }).toEqual({ ...atCap!, judgmentCount: 0 });
    }

    // A citizen who has judged nothing is offered that pair after every pair below the cap.
    const asker = judges[OFFER_LEVEL_CAP + 3]!;
    const offered = await pairsToJudge(deps, asker, BIO, 1_000);
    expect(offered.length).toBeGreaterThan(1);
    expect(offered.at(-1)!.id).toBe(pair!.id);
  });

  it("three judgments at once of a pair one below the cap bring it to the cap, and all three count", async () => {
    const pairs = await deps.db.selectFrom("valuePairs").select(["id", "fromId", "toId"]).where("contextId", "=", BIO).orderBy("id").execute();
    const pair = pairs[1]!;
    const judges = await citizensWithout([pair.fromId, pair.toId]);
    for (const user of judges.slice(0, OFFER_LEVEL_CAP - 1)) await judge(deps, user, { pairId: pair.id, answer: "not_wiser" });
    expect((await pairRow(pair.id)).offerLevel).toBe(OFFER_LEVEL_CAP - 1);
    await Promise.all(judges.slice(OFFER_LEVEL_CAP - 1, OFFER_LEVEL_CAP + 2).map((user) => judge(deps, user, { pairId: pair.id, answer: "wiser" })));
    const row = await pairRow(pair.id);
    expect(row.offerLevel).toBe(OFFER_LEVEL_CAP);
    expect(row.judgmentCount).toBe(OFFER_LEVEL_CAP + 2);
  });

  it("a value's level follows its endorsements up to the cap, and it is offered after the values below it", async () => {
    const [value] = await deps.db.selectFrom("canonicalValues").select("id").where("contextId", "=", BIO).orderBy("id").execute();
    const endorsers = await citizensWithout([value!.id]);
    expect(endorsers.length).toBeGreaterThan(OFFER_LEVEL_CAP + 3);
    let atCap: Awaited<ReturnType<typeof valueRow>> | undefined;
    for (const [i, user] of endorsers.slice(0, OFFER_LEVEL_CAP + 2).entries()) {
      await endorse(deps, user, value!.id);
      const row = await valueRow(value!.id);
      expect(row.endorsementCount).toBe(i + 1);
      expect(row.offerLevel).toBe(Math.min(i + 1, OFFER_LEVEL_CAP));
      if (i + 1 === OFFER_LEVEL_CAP) atCap = row;
      if (i + 1 > OFFER_LEVEL_CAP) expect({ ...row, endorsementCount: 0 }).toEqual({ ...atCap!, endorsementCount: 0 });
    }
    const offered = await valuesToEndorse(deps, endorsers[OFFER_LEVEL_CAP + 2]!, BIO, 1_000);
    expect(offered.length).toBeGreaterThan(1);
    expect(offered.at(-1)!.id).toBe(value!.id);
    // What she reads is still the real count, not the level.
    expect(offered.at(-1)!.endorsements).toBe(OFFER_LEVEL_CAP + 2);
  });
});

describe.each(dialects())("the offer-levels migration on %s", (dialect) => {
  it("sets each pair's and value's level from its count, capped, and moves the offers' indexes onto the levels", async () => {
    const at = await databaseAt(dialect, "2026-12-12T29-support-count");
    const { handle, raw: db, now } = at;
    try {
      const counts: Record<string, number> = { a: 0, b: 5, c: 32, d: 400 };
      await db
        .insertInto("canonical_values")
        .values(
          Object.entries(counts).map(([id, n]) => ({
            id,
            context_id: "c",
            title: id,
            description: id,
            policies: "[]",
            source_card_id: id,
            created_at: now,
            endorsement_count: n,
          })),
        )
        .execute();
      const pairs: [string, string, string, number][] = [
        ["ab", "a", "b", 0],
        ["ac", "a", "c", 31],
        ["bd", "b", "d", 33],
        ["cd", "c", "d", 2_600],
      ];
      await db
        .insertInto("value_pairs")
        .values(
          pairs.map(([id, from, to, n]) => ({
            id,
            context_id: "c",
            from_id: from,
            to_id: to,
            story: "s",
            llm_call_id: null,
            created_at: now,
            random_key: n,
            judgment_count: n,
          })),
        )
        .execute();

      await migrateToLatest(db);

      const values = await handle.db.selectFrom("canonicalValues").select(["id", "endorsementCount", "offerLevel"]).orderBy("id").execute();
      expect(values.map((v) => [v.id, v.endorsementCount, v.offerLevel])).toEqual([
        ["a", 0, 0],
        ["b", 5, 5],
        ["c", 32, 32],
        ["d", 400, 32],
      ]);
      const pairRows = await handle.db.selectFrom("valuePairs").select(["id", "judgmentCount", "offerLevel"]).orderBy("id").execute();
      expect(pairRows.map((p) => [p.id, p.judgmentCount, p.offerLevel])).toEqual([
        ["ab", 0, 0],
        ["ac", 31, 31],
        ["bd", 33, 32],
        ["cd", 2_600, 32],
      ]);
      type Index = { name: string; definition: string };
      const names = sql.join([sql.lit("canonical_values_to_endorse"), sql.lit("value_pairs_to_judge")]);
      const indexes =
        dialect === "sqlite"
          ? await sql<Index>`SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND name IN (${names}) ORDER BY name`.execute(db)
          : await sql<Index>`SELECT indexname AS name, indexdef AS definition FROM pg_indexes
              WHERE schemaname = current_schema() AND indexname IN (${names}) ORDER BY indexname`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toEqual(["canonical_values_to_endorse", "value_pairs_to_judge"]);
      for (const index of indexes.rows) {
        expect(index.definition.replace(/["\s]/g, "")).toMatch(/\(context_id,offer_level,random_key\)/);
      }
    } finally {
      await at.close();
    }
  });
});
