import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CARDS } from "../../db/demo-values.js";
import { migrateToLatest } from "../../db/migrate.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { judge, pairsToJudge } from "../../server/services/values.server.js";
import { actedMeanwhile, databaseAt, demoIntake, dialects, startTestServer, type TestServer } from "../support/database.js";

/**
 * Judgments that reach every value (issue 14): the pairs a citizen is offered, least-judged first,
 * never with her own value, never one she judged, spread among citizens asking at once; the count
 * each pair keeps; the migration that backfilled it.
 */

const BIO = "biometric-identification-public-spaces";
const DEC = "ai-decisions-about-people";
const ANSWERS = ["wiser", "not_wiser", "unsure"] as const;

describe.each(dialects())("the pairs a citizen is offered to judge on %s", (dialect) => {
  let t: TestServer;
  let deps: AppDeps;
  const citizens = new Map<number, SessionUser>();
  const citizen = (n: number): SessionUser => citizens.get(n)!;

  /** The context's pairs with their kept counts and the judgments actually recorded. */
  async function pairsOf(contextId: string) {
    const pairs = await deps.db.selectFrom("valuePairs").select(["id", "fromId", "toId", "judgmentCount"]).where("contextId", "=", contextId).execute();
    const judged = await deps.db
      .selectFrom("judgments as j")
      .innerJoin("valuePairs as p", "p.id", "j.pairId")
      .select(["j.pairId", "j.citizenId"])
      .where("p.contextId", "=", contextId)
      .execute();
    return pairs.map((p) => ({ ...p, judgments: judged.filter((j) => j.pairId === p.id).length }));
  }

  /** Canonical values her active cards in a context joined. */
  async function heldBy(n: number, contextId: string): Promise<Set<string>> {
    const rows = await deps.db
      .selectFrom("valueCards")
      .select("canonicalId")
      .where("citizenId", "=", citizen(n).citizenId!)
      .where("contextId", "=", contextId)
      .where("status", "=", "active")
      .execute();
    return new Set(rows.flatMap((r) => (r.canonicalId ? [r.canonicalId] : [])));
  }

  /** Registry citizens in `range` who hold no value in the context. */
  async function withoutValues(contextId: string, range: number[]): Promise<number[]> {
    const out: number[] = [];
    for (const n of range) if ((await heldBy(n, contextId)).size === 0) out.push(n);
    return out;
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    deps = t.server.deps;
    for (const [n, user] of await demoIntake(deps, [BIO, DEC])) citizens.set(n, user);
  });
  afterAll(() => t?.close());

  it("made pairs with random keys and no judgments", async () => {
    for (const contextId of [BIO, DEC]) {
      const pairs = await deps.db.selectFrom("valuePairs").select(["judgmentCount", "randomKey"]).where("contextId", "=", contextId).execute();
      expect(pairs.length).toBeGreaterThanOrEqual(10);
      expect(pairs.every((p) => p.judgmentCount === 0)).toBe(true);
      expect(pairs.every((p) => Number.isInteger(p.randomKey) && p.randomKey >= 0 && p.randomKey < 2 ** 31 - 1)).toBe(true);
      expect(new Set(pairs.map((p) => p.randomKey)).size).toBe(pairs.length);
    }
  });

  it("offers the least-judged pair first", async () => {
    const [helper, asker] = await withoutValues(BIO, [60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72]);
    const pairs = await pairsOf(BIO);
    // Every pair but one gets a judgment: that one is the least judged.
    const target = pairs[Math.floor(pairs.length / 2)]!;
    for (const p of pairs) if (p.id !== target.id) await judge(deps, citizen(helper!), { pairId: p.id, answer: "wiser" });

    const [first] = await pairsToJudge(deps, citizen(asker!), BIO, 1);
    expect(first?.id).toBe(target.id);
    const all = await pairsToJudge(deps, citizen(asker!), BIO, 100);
    expect(all.map((p) => p.id).sort()).toEqual(pairs.map((p) => p.id).sort());
    const count = new Map((await pairsOf(BIO)).map((p) => [p.id, p.judgmentCount]));
    const counts = all.map((p) => count.get(p.id)!);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBe(0);
  });

  it("never offers a pair with a value she holds", async () => {
    const holders = [...new Set(DEMO_CARDS.filter((c) => c.contextId === BIO).map((c) => c.citizen))];
    let checked = 0;
    for (const n of holders) {
      const own = await heldBy(n, BIO);
      if (own.size === 0) continue;
      const pairs = await pairsOf(BIO);
      const theirs = pairs.filter((p) => own.has(p.fromId) || own.has(p.toId));
      const offered = await pairsToJudge(deps, citizen(n), BIO, 100);
      for (const p of offered) {
        expect(own.has(p.from.id) || own.has(p.to.id)).toBe(false);
      }
      // Everything else is offered: she has judged nothing here.
      expect(offered).toHaveLength(pairs.length - theirs.length);
      if (theirs.length > 0) checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("never offers a pair she judged again, and refuses a second judgment of it", async () => {
    const [n] = await withoutValues(BIO, [50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    const total = (await pairsOf(BIO)).length;
    const seen = new Set<string>();
    for (let i = 0; i < total + 1; i++) {
      const [next] = await pairsToJudge(deps, citizen(n!), BIO, 1);
      if (!next) break;
      expect(seen.has(next.id)).toBe(false);
      seen.add(next.id);
      await judge(deps, citizen(n!), { pairId: next.id, answer: ANSWERS[i % 3]! });
    }
    expect(seen.size).toBe(total);
    expect(await pairsToJudge(deps, citizen(n!), BIO, 10)).toEqual([]);

    const [again] = [...seen];
    const before = (await pairsOf(BIO)).find((p) => p.id === again)!;
    await expect(judge(deps, citizen(n!), { pairId: again!, answer: "wiser" })).rejects.toMatchObject({ kind: "conflict", key: "values.alreadyJudged" });
    const after = (await pairsOf(BIO)).find((p) => p.id === again)!;
    expect(after.judgmentCount).toBe(before.judgmentCount);
    expect(after.judgments).toBe(before.judgments);
  });

  it("spreads twenty citizens asking and judging at once over the pairs, and counts every judgment", async () => {
    const pairs = await pairsOf(DEC);
    expect(pairs.every((p) => p.judgments === 0)).toBe(true);
    const crowd = Array.from({ length: 20 }, (_, i) => 30 + i);
    // All ask at the same moment, before anyone has judged: they start in different places.
    const firstOffers = await Promise.all(crowd.map((n) => pairsToJudge(deps, citizen(n), DEC, 1)));
    expect(new Set(firstOffers.map(([p]) => p!.id)).size).toBeGreaterThanOrEqual(Math.min(6, pairs.length));

    const judged = await Promise.all(
      crowd.map(async (n) => {
        let done = 0;
        for (let round = 0; round < 2; round++) {
          const [next] = await pairsToJudge(deps, citizen(n), DEC, 1);
          if (!next) break;
          await judge(deps, citizen(n), { pairId: next.id, answer: ANSWERS[(n + round) % 3]! });
          done++;
        }
        return done;
      }),
    );
    const after = await pairsOf(DEC);
    const total = judged.reduce((a, b) => a + b, 0);
    expect(total).toBe(40);
    expect(after.reduce((sum, p) => sum + p.judgments, 0)).toBe(total);
    for (const p of after) expect(p.judgmentCount).toBe(p.judgments);
    // Least-judged first, from places spread over the keys: 40 judgments reach (nearly) every pair, where
    // "oldest first" gave every citizen the same two.
    expect(after.filter((p) => p.judgments > 0).length).toBeGreaterThanOrEqual(pairs.length - 3);
  });

  it("counts two judgments of one pair that arrive at once, from ten citizens", async () => {
    const [pair] = await pairsOf(DEC);
    const judges = [];
    for (let n = 50; n <= 72; n++) {
      const already = await deps.db
        .selectFrom("judgments")
        .select("id")
        .where("pairId", "=", pair!.id)
        .where("citizenId", "=", citizen(n).citizenId!)
        .executeTakeFirst();
      if (!already) judges.push(n);
    }
    const ten = judges.slice(0, 10);
    expect(ten).toHaveLength(10);
    const before = (await pairsOf(DEC)).find((p) => p.id === pair!.id)!;
    await Promise.all(ten.map((n) => judge(deps, citizen(n), { pairId: pair!.id, answer: "wiser" })));
    const after = (await pairsOf(DEC)).find((p) => p.id === pair!.id)!;
    expect(after.judgmentCount).toBe(before.judgmentCount + 10);
    expect(after.judgments).toBe(before.judgments + 10);
  });

  it("offers a pair once even when someone else's judgment moves it up a level between two reads", async () => {
    // Right after her read of the least-judged level, every pair it returned is judged by someone else:
    // the read of the next level finds them again.
    const meanwhile = actedMeanwhile(t.config.database, { table: "valuePairs", column: "judgmentCount" }, { camel: "fromTitle", snake: "from_title" });
    try {
      const offered = await pairsToJudge({ ...deps, db: deps.db.withPlugin(meanwhile.plugin) }, citizen(Math.max(...citizens.keys())), DEC, 10_000);
      expect(meanwhile.moved().length).toBeGreaterThan(0);
      expect(offered.filter((p) => meanwhile.moved().includes(p.id)).length).toBeGreaterThan(0);
      expect(new Set(offered.map((p) => p.id)).size).toBe(offered.length);
    } finally {
      await meanwhile.undo();
    }
  });
});

describe.each(dialects())("the judging migration on %s", (dialect) => {
  it("backfills each pair's judgment count and gives every pair a random key", async () => {
    const at = await databaseAt(dialect, "2026-12-06T13-clauses", { citizens: 3 });
    const { handle, raw: db, now } = at;
    try {
      // The schema before it: rows written as the app wrote them then, without the new columns.
      await db
        .insertInto("canonical_values")
        .values(["a", "b", "c", "d"].map((id) => ({ id, context_id: "c", title: id, description: id, policies: "[]", source_card_id: id, created_at: now })))
        .execute();
      const pairs = [
        ["ab", "a", "b"],
        ["ac", "a", "c"],
        ["bd", "b", "d"],
        ["cd", "c", "d"],
      ];
      await db
        .insertInto("value_pairs")
        .values(pairs.map(([id, from, to]) => ({ id, context_id: "c", from_id: from, to_id: to, story: "s", llm_call_id: null, created_at: now })))
        .execute();
      const votes: [string, string][] = [
        ["ab", "z1"],
        ["ab", "z2"],
        ["ab", "z3"],
        ["ac", "z2"],
        ["cd", "z1"],
        ["cd", "z3"],
      ];
      await db
        .insertInto("judgments")
        .values(votes.map(([pair, who], i) => ({ id: `j${i}`, pair_id: pair, citizen_id: who, answer: "wiser", why: null, created_at: now })))
        .execute();

      await migrateToLatest(db);

      const rows = await handle.db.selectFrom("valuePairs").select(["id", "judgmentCount", "randomKey"]).orderBy("id").execute();
      expect(rows.map((r) => [r.id, r.judgmentCount])).toEqual([
        ["ab", 3],
        ["ac", 1],
        ["bd", 0],
        ["cd", 2],
      ]);
      for (const r of rows) expect(Number.isInteger(r.randomKey) && r.randomKey >= 0 && r.randomKey < 2 ** 31 - 1).toBe(true);
      expect(new Set(rows.map((r) => r.randomKey)).size).toBe(rows.length);
      const indexes =
        dialect === "sqlite"
          ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'value_pairs'`.execute(db)
          : await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'value_pairs' AND schemaname = current_schema()`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toContain("value_pairs_to_judge");
    } finally {
      await at.close();
    }
  });
});
