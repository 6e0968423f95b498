import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/migrate.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { lockSupporter } from "../../server/services/support.server.js";
import { endorse, splitFromCanonical, submitCard, withdrawCard } from "../../server/services/values.server.js";
import { databaseAt, demoIntake, dialects, startTestServer, type TestServer } from "../support/database.js";

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

  /** Demo citizens who neither hold nor endorse a value of the context yet (every value here is of it). */
  async function withoutValues(): Promise<SessionUser[]> {
    const cards = await deps.db.selectFrom("valueCards").select("citizenId").where("contextId", "=", BIO).where("status", "=", "active").execute();
    const endorsements = await deps.db.selectFrom("endorsements").select("citizenId").execute();
    const supporting = new Set([...cards, ...endorsements].map((r) => r.citizenId));
    return [...citizens.values()].filter((c) => !supporting.has(c.citizenId!));
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

    // The graph's support is the kept one, read from the value.
    deps.graphs.changed(BIO);
    await deps.graphs.settled();
    const scored = await deps.db.selectFrom("graphScores").select(["canonicalId", "support"]).where("contextId", "=", BIO).execute();
    expect(scored.length).toBeGreaterThan(0);
    for (const row of scored) expect(Number(row.support), row.canonicalId).toBe(now.get(row.canonicalId));
  });

  it("keeps the count through a revision that keeps the value and one into words that are not a value", async () => {
    const start = await kept();
    const [v] = [...start.keys()];
    const [she] = await withoutValues();
    const words = await wordsOf(v!);
    const written = await submitCard(deps, she!, { contextId: BIO, ...words });
    expect(written.canonical?.id).toBe(v);
    const again = await submitCard(deps, she!, { contextId: BIO, ...words, revisionOf: written.cardId });
    expect(again.canonical?.id).toBe(v);
    expect((await kept()).get(v!)).toBe(start.get(v!)! + 1);
    const slogan = await submitCard(deps, she!, {
      contextId: BIO,
      title: "Ban automated decisions now!",
      description: "Ban them all! No machine should ever decide anything about anyone!",
      policies: ["BAN IT NOW", "NO MACHINES EVER"],
      revisionOf: again.cardId,
    });
    expect(slogan.canonical).toBeNull();
    expect((await kept()).get(v!)).toBe(start.get(v!)!);
  });

  // What keeps that so on PostgreSQL, where her two transactions can overlap: each takes a lock on her
  // before it reads her card or her endorsement (values.server.ts), and another citizen does not wait.
  it.runIf(dialect === "postgres")("makes her second change wait for her first, and nobody else's", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const firstLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const first = deps.db.transaction().execute(async (trx) => {
      await lockSupporter(trx, "citizen-a");
      order.push("first");
      locked();
      await held;
      order.push("first ends");
    });
    await firstLocked;
    const second = deps.db.transaction().execute(async (trx) => {
      await lockSupporter(trx, "citizen-a");
      order.push("second");
    });
    await deps.db.transaction().execute(async (trx) => {
      await lockSupporter(trx, "citizen-b");
      order.push("another citizen");
    });
    await deps.db.transaction().execute(async (trx) => {
      await lockSupporter(trx, "citizen-b");
      order.push("another citizen again");
    });
    expect(order).toEqual(["first", "another citizen", "another citizen again"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "another citizen", "another citizen again", "first ends", "second"]);
  });

  it("counts her once when her endorsement and her card of one value arrive at once", async () => {
    const start = await kept();
    const values = [...start.keys()].slice(0, 3);
    const crowd = (await withoutValues()).slice(0, 3);
    expect(crowd.length).toBe(3);
    // Each of three citizens endorses a value while her card of it is written: one or the other may be
    // refused (she holds it already), never both counted.
    await Promise.all(
      crowd.map(async (she, k) => {
        const v = values[k % values.length]!;
        await Promise.allSettled([endorse(deps, she, v), submitCard(deps, she, { contextId: BIO, ...(await wordsOf(v)) })]);
      }),
    );
    const now = await kept();
    for (const v of values) expect(now.get(v), v).toBe(start.get(v)! + crowd.filter((_, k) => values[k % values.length] === v).length);
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
    const at = await databaseAt(dialect, "2026-12-11T28-context-descriptions", { citizens: 3 });
    const { handle, raw: db, now } = at;
    try {
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
      await at.close();
    }
  });
});
