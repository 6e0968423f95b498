import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CARDS } from "../../db/demo-values.js";
import { migrateToLatest } from "../../db/migrate.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { endorse, valuesToEndorse } from "../../server/services/values.server.js";
import { actedMeanwhile, databaseAt, demoIntake, dialects, startTestServer, type TestServer } from "../support/database.js";

/**
 * Endorsing at national scale (issue 15): the values a citizen is offered come least-endorsed first from
 * an index, never her own, never one she endorsed; each value keeps its count in step with the
 * endorsements, also when they arrive at once; the migration backfilled the counts.
 */

const BIO = "biometric-identification-public-spaces";

describe.each(dialects())("the values a citizen is offered to endorse on %s", (dialect) => {
  let t: TestServer;
  let deps: AppDeps;
  const citizens = new Map<number, SessionUser>();
  const citizen = (n: number): SessionUser => citizens.get(n)!;

  async function valuesOf(contextId: string) {
    const values = await deps.db.selectFrom("canonicalValues").select(["id", "endorsementCount"]).where("contextId", "=", contextId).execute();
    const endorsements = await deps.db
      .selectFrom("endorsements as e")
      .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
      .select(["e.canonicalId"])
      .where("cv.contextId", "=", contextId)
      .execute();
    return values.map((v) => ({ ...v, endorsements: endorsements.filter((e) => e.canonicalId === v.id).length }));
  }

  async function heldBy(n: number): Promise<Set<string>> {
    const rows = await deps.db
      .selectFrom("valueCards")
      .select("canonicalId")
      .where("citizenId", "=", citizen(n).citizenId!)
      .where("status", "=", "active")
      .execute();
    return new Set(rows.flatMap((r) => (r.canonicalId ? [r.canonicalId] : [])));
  }

  async function withoutValues(range: number[]): Promise<number[]> {
    const out: number[] = [];
    for (const n of range) if ((await heldBy(n)).size === 0) out.push(n);
    return out;
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    deps = t.server.deps;
    for (const [n, user] of await demoIntake(deps, [BIO])) citizens.set(n, user);
  });
  afterAll(() => t?.close());

  it("offers the least-endorsed value first, and every other in order of endorsements", async () => {
    const [helper, asker] = await withoutValues([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    const values = await valuesOf(BIO);
    expect(values.length).toBeGreaterThanOrEqual(4);
    const target = values[Math.floor(values.length / 2)]!;
    for (const v of values) if (v.id !== target.id) await endorse(deps, citizen(helper!), v.id);

    const [first] = await valuesToEndorse(deps, citizen(asker!), BIO, 1);
    expect(first?.id).toBe(target.id);
    const all = await valuesToEndorse(deps, citizen(asker!), BIO, 100);
    expect(all.map((v) => v.id).sort()).toEqual(values.map((v) => v.id).sort());
    const counts = all.map((v) => v.endorsements);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBe(0);
  });

  it("never offers a value she holds or endorsed", async () => {
    const holders = [...new Set(DEMO_CARDS.filter((c) => c.contextId === BIO).map((c) => c.citizen))];
    let checked = 0;
    for (const n of holders) {
      const own = await heldBy(n);
      if (own.size === 0) continue;
      const offered = await valuesToEndorse(deps, citizen(n), BIO, 100);
      for (const v of offered) expect(own.has(v.id)).toBe(false);
      expect(offered.length).toBe((await valuesOf(BIO)).length - own.size);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);

    const [n] = await withoutValues([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    const [one] = await valuesToEndorse(deps, citizen(n!), BIO, 1);
    await endorse(deps, citizen(n!), one!.id);
    expect((await valuesToEndorse(deps, citizen(n!), BIO, 100)).map((v) => v.id)).not.toContain(one!.id);
    await expect(endorse(deps, citizen(n!), one!.id)).rejects.toMatchObject({ kind: "conflict", key: "values.alreadyEndorsed" });
  });

  it("counts ten endorsements of one value that arrive at once", async () => {
    const [value] = await valuesOf(BIO);
    const crowd = (await withoutValues(Array.from({ length: 30 }, (_, i) => 20 + i))).slice(0, 10);
    expect(crowd).toHaveLength(10);
    const before = (await valuesOf(BIO)).find((v) => v.id === value!.id)!;
    await Promise.all(crowd.map((n) => endorse(deps, citizen(n), value!.id).catch(() => null)));
    const after = (await valuesOf(BIO)).find((v) => v.id === value!.id)!;
    expect(after.endorsementCount).toBe(after.endorsements);
    expect(after.endorsementCount).toBeGreaterThan(before.endorsementCount);
    for (const v of await valuesOf(BIO)) expect(v.endorsementCount).toBe(v.endorsements);
  });

  it("offers a value once even when someone else's endorsement moves it up a level between two reads", async () => {
    const meanwhile = actedMeanwhile(t.config.database, { table: "canonicalValues", column: "endorsementCount" }, { camel: "policies", snake: "policies" });
    try {
      const offered = await valuesToEndorse({ ...deps, db: deps.db.withPlugin(meanwhile.plugin) }, citizen(Math.max(...citizens.keys())), BIO, 10_000);
      expect(meanwhile.moved().length).toBeGreaterThan(0);
      expect(offered.filter((v) => meanwhile.moved().includes(v.id)).length).toBeGreaterThan(0);
      expect(new Set(offered.map((v) => v.id)).size).toBe(offered.length);
    } finally {
      await meanwhile.undo();
    }
  });
});

describe.each(dialects())("the endorsing migration on %s", (dialect) => {
  it("backfills each value's endorsement count and indexes what endorsing and a profile read", async () => {
    const at = await databaseAt(dialect, "2026-12-06T14-judging", { citizens: 3 });
    const { handle, raw: db, now } = at;
    try {
      await db
        .insertInto("canonical_values")
        .values(["a", "b", "c"].map((id) => ({ id, context_id: "c", title: id, description: id, policies: "[]", source_card_id: id, created_at: now })))
        .execute();
      const votes: [string, string][] = [
        ["a", "z1"],
        ["a", "z2"],
        ["c", "z3"],
      ];
      await db
        .insertInto("endorsements")
        .values(votes.map(([value, who]) => ({ citizen_id: who, canonical_id: value, created_at: now })))
        .execute();

      await migrateToLatest(db);

      const rows = await handle.db.selectFrom("canonicalValues").select(["id", "endorsementCount", "randomKey"]).orderBy("id").execute();
      expect(rows.map((r) => [r.id, r.endorsementCount])).toEqual([
        ["a", 2],
        ["b", 0],
        ["c", 1],
      ]);
      for (const r of rows) expect(Number.isInteger(r.randomKey) && r.randomKey >= 0 && r.randomKey < 2 ** 31 - 1).toBe(true);
      const indexes =
        dialect === "sqlite"
          ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index'`.execute(db)
          : await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toEqual(expect.arrayContaining(["canonical_values_to_endorse", "judgments_citizen"]));
    } finally {
      await at.close();
    }
  });
});
