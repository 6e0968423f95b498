import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection.js";
import { migrateTo, migrateToLatest } from "../../db/migrate.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { endorse, splitFromCanonical, submitCard, withdrawCard } from "../../server/services/values.server.js";
import { createTestDatabase, demoIntake, dialects, startTestServer, type TestServer } from "../support/database.js";

/**
 * A value's support (distinct citizens holding an active card of it or endorsing it) is kept on the value
 * by the transactions that change it (decision 29), and the moral graph reads it from there. After every
 * change a citizen can make, through the services, the kept count is the one counted from the rows.
 */

const BIO = "biometric-identification-public-spaces";

describe.each(dialects())("a value's support kept on %s", (dialect) => {
  let t: TestServer;
  let deps: AppDeps;
  const citizens = new Map<number, SessionUser>();
  const clerk: SessionUser = { id: "test:clerk", email: "clerk@test", displayName: "", locale: "en", citizenId: null, roles: ["clerk"] };

  /** Every value's kept support, each checked against the distinct holders and endorsers counted from the rows. */
  async function kept(): Promise<Map<string, number>> {
    const values = await deps.db.selectFrom("canonicalValues").select(["id", "supportCount"]).orderBy("id").execute();
    for (const v of values) {
      const holders = await deps.db.selectFrom("valueCards").select("citizenId").where("canonicalId", "=", v.id).where("status", "=", "active").execute();
      const endorsers = await deps.db.selectFrom("endorsements").select("citizenId").where("canonicalId", "=", v.id).execute();
      expect(Number(v.supportCount), v.id).toBe(new Set([...holders, ...endorsers].map((r) => r.citizenId)).size);
    }
    return new Map(values.map((v) => [v.id, Number(v.supportCount)]));
  }

  async function wordsOf(id: string) {
    const v = await deps.db.selectFrom("canonicalValues").select(["id", "title", "description", "policies"]).where("id", "=", id).executeTakeFirstOrThrow();
    return { title: v.title, description: v.description, policies: JSON.parse(v.policies) as string[] };
  }

  /** Demo citizens who hold no value of the context yet. */
  async function withoutValues(): Promise<SessionUser[]> {
    const holding = new Set(
      (await deps.db.selectFrom("valueCards").select("citizenId").where("contextId", "=", BIO).where("status", "=", "active").execute()).map(
        (r) => r.citizenId,
      ),
    );
    return [...citizens.values()].filter((c) => !holding.has(c.citizenId!));
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    deps = t.server.deps;
    for (const [n, user] of await demoIntake(deps, [BIO])) citizens.set(n, user);
  });
  afterAll(() => t?.close());

  it("counts each citizen once through endorsing, writing, revising, withdrawing and a split", async () => {
    const start = await kept();
    const [v, w] = [...start.entries()].filter(([, n]) => n > 0).map(([id]) => id);
    expect(v && w).toBeTruthy();
    const [she] = await withoutValues();

    await endorse(deps, she!, v!);
    let now = await kept();
    expect(now.get(v!)).toBe(start.get(v!)! + 1);

    // She writes the value she endorsed in its own words: her card joins it, and she is counted once.
    const written = await submitCard(deps, she!, { contextId: BIO, ...(await wordsOf(v!)) });
    expect(written.canonical?.id).toBe(v);
    now = await kept();
    expect(now.get(v!)).toBe(start.get(v!)! + 1);

    // Revised into the other value's words: she still endorses the first, and comes to hold the second.
    const revised = await submitCard(deps, she!, { contextId: BIO, ...(await wordsOf(w!)), revisionOf: written.cardId });
    expect(revised.canonical?.id).toBe(w);
    now = await kept();
    expect([now.get(v!), now.get(w!)]).toEqual([start.get(v!)! + 1, start.get(w!)! + 1]);

    await withdrawCard(deps, she!, revised.cardId);
    now = await kept();
    expect([now.get(v!), now.get(w!)]).toEqual([start.get(v!)! + 1, start.get(w!)!]);

    // A clerk splits a merged card off its value: the value loses its holder, the new one has her.
    const merged = await deps.db
      .selectFrom("valueCards as c")
      .innerJoin("canonicalValues as cv", "cv.id", "c.canonicalId")
      .select(["c.id", "c.canonicalId"])
      .where("c.contextId", "=", BIO)
      .where("c.status", "=", "active")
      .whereRef("cv.sourceCardId", "<>", "c.id")
      .executeTakeFirstOrThrow();
    const before = (await kept()).get(merged.canonicalId!)!;
    const split = await splitFromCanonical(deps, clerk, merged.id, "Another value.");
    now = await kept();
    expect(now.get(split.canonicalId)).toBe(1);
    expect(now.get(merged.canonicalId!)).toBe(before - 1);
  });

  it("counts endorsements of one value that arrive at once", async () => {
    const start = await kept();
    const [target] = [...start.keys()];
    const crowd = (await withoutValues()).slice(0, 8);
    expect(crowd.length).toBe(8);
    const endorsed = await deps.db.selectFrom("endorsements").select("citizenId").where("canonicalId", "=", target!).execute();
    const fresh = crowd.filter((c) => !endorsed.some((e) => e.citizenId === c.citizenId));
    await Promise.all(fresh.map((c) => endorse(deps, c, target!)));
    expect((await kept()).get(target!)).toBe(start.get(target!)! + fresh.length);
  });
});

describe.each(dialects())("the support migration on %s", (dialect) => {
  it("fills each value's support from the cards and endorsements already written, each citizen once", async () => {
    const database = await createTestDatabase(dialect);
    const handle = openDatabase(database.config);
    try {
      const db = handle.db as unknown as Kysely<any>;
      await migrateTo(db, "2026-12-11T28-context-descriptions");
      const now = new Date().toISOString();
      await db.insertInto("contexts").values({ id: "c", title: "Decisions", title_et: null, description: "Automated decisions.", created_at: now }).execute();
      await db
        .insertInto("citizens")
        .values(
          [1, 2, 3].map((n) => ({
            id: `z${n}`,
            personal_code: `3800101000${n}`,
            full_name: `Citizen ${n}`,
            district: "Tartu",
            email: null,
            import_id: null,
            created_at: now,
          })),
        )
        .execute();
      await db
        .insertInto("canonical_values")
        .values(
          ["a", "b", "c"].map((id) => ({ id, context_id: "c", title: id, description: id, policies: "[]", source_card_id: `card-${id}`, created_at: now })),
        )
        .execute();
      const card = (id: string, citizen: string, value: string, status: string) => ({
        id,
        citizen_id: citizen,
        context_id: "c",
        title: value,
        description: value,
        policies: "[]",
        verdict: "value",
        verdict_reason: "",
        verdict_signals: "[]",
        llm_call_id: null,
        canonical_id: value,
        similarity: 1,
        revision_of: null,
        status,
        created_at: now,
      });
      // a: z1 holds it, z2's card of it was revised. b: z1 endorses it, z3 holds it and endorses it too.
      await db
        .insertInto("value_cards")
        .values([card("card-a", "z1", "a", "active"), card("card-a2", "z2", "a", "revised"), card("card-b", "z3", "b", "active")])
        .execute();
      await db
        .insertInto("endorsements")
        .values([
          { citizen_id: "z1", canonical_id: "b", created_at: now },
          { citizen_id: "z3", canonical_id: "b", created_at: now },
        ])
        .execute();

      await migrateToLatest(db);

      const rows = await handle.db.selectFrom("canonicalValues").select(["id", "supportCount"]).orderBy("id").execute();
      expect(rows.map((r) => [r.id, Number(r.supportCount)])).toEqual([
        ["a", 1],
        ["b", 2],
        ["c", 0],
      ]);
    } finally {
      await handle.close();
      await database.destroy();
    }
  });
});
