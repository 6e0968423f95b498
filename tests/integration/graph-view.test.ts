import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/migrate.js";
import type { Role } from "../../deliberation/roles.js";
import { edgeVerdict } from "../../deliberation/values/moral-graph.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { GRAPH_VIEW_LIMIT, graphView } from "../../server/services/graph.server.js";
import { endorse, judge } from "../../server/services/values.server.js";
import { exportPages } from "../../server/services/exports.server.js";
import { databaseAt, dialects, httpClient, startTestServer, type TestServer } from "../support/database.js";

/**
 * The moral-graph page does not grow with the polity (issue 15): each pair's tallies are kept in the
 * judgment's transaction (and backfilled by the migration), and the view holds the best-ranked
 * values, hers wherever they rank, the edges among them from the tallies, and the context's totals.
 */

const BIG = "graph-view-big";
const FRESH = "graph-view-fresh";
const VALUES = GRAPH_VIEW_LIMIT + 50;
const ANSWERS = ["wiser", "not_wiser", "unsure"] as const;
const valueId = (i: number) => `gv-${String(i).padStart(3, "0")}`;

describe.each(dialects())("the moral-graph view on %s", (dialect) => {
  let t: TestServer;
  let deps: AppDeps;
  const citizens: SessionUser[] = [];
  let judged = 0;

  /** Each pair's tallies beside the judgments recorded on it. */
  async function talliesAndJudgments(contextId: string) {
    const pairs = await deps.db
      .selectFrom("valuePairs")
      .select(["id", "fromId", "toId", "judgmentCount", "wiserCount", "notWiserCount"])
      .where("contextId", "=", contextId)
      .execute();
    const votes = await deps.db
      .selectFrom("judgments as j")
      .innerJoin("valuePairs as p", "p.id", "j.pairId")
      .select(["j.pairId", "j.answer"])
      .where("p.contextId", "=", contextId)
      .execute();
    return pairs.map((p) => {
      const mine = votes.filter((v) => v.pairId === p.id);
      const count = (answer: string) => mine.filter((v) => v.answer === answer).length;
      return {
        ...p,
        tallies: [Number(p.judgmentCount), Number(p.wiserCount), Number(p.notWiserCount)],
        recorded: [mine.length, count("wiser"), count("not_wiser")],
        votes: { wiser: count("wiser"), notWiser: count("not_wiser"), unsure: count("unsure") },
      };
    });
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    deps = t.server.deps;
    const now = new Date().toISOString();
    await deps.db
      .insertInto("contexts")
      .values([
        { id: BIG, title: "Many values", titleEt: null, description: "More values than the page shows.", createdAt: now },
        { id: FRESH, title: "New values", titleEt: null, description: "Values not ranked yet.", createdAt: now },
      ])
      .execute();
    const rows = await deps.db.selectFrom("citizens").select(["id", "email"]).where("email", "is not", null).orderBy("id").execute();
    for (const row of rows)
      citizens.push({ id: `test:${row.id}`, email: row.email!, displayName: "", locale: "en", citizenId: row.id, roles: ["citizen"] as Role[] });
    // Values and pairs written directly (the gate and the stories are not what is tested); judgments through the service.
    const value = (contextId: string, id: string) => ({
      id,
      contextId,
      title: `Value ${id}`,
      description: `What ${id} attends to.`,
      policies: JSON.stringify([`Attend to ${id}`]),
      sourceCardId: `card-${id}`,
      embedding: null,
      createdAt: now,
    });
    await deps.db
      .insertInto("canonicalValues")
      .values(Array.from({ length: VALUES }, (_, i) => value(BIG, valueId(i))))
      .execute();
    await deps.db
      .insertInto("canonicalValues")
      .values(["fresh-c", "fresh-a", "fresh-b"].map((id) => value(FRESH, id)))
      .execute();
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < VALUES; i++) pairs.push([i, i + 1]);
    for (let i = 0; i < 60; i++) pairs.push([(i * 7) % VALUES, (i * 7 + 40) % VALUES]);
    await deps.db
      .insertInto("valuePairs")
      .values(
        pairs.map(([a, b], p) => ({
          id: `gp-${p}`,
          contextId: BIG,
          fromId: valueId(a),
          toId: valueId(b),
          story: "",
          llmCallId: null,
          createdAt: now,
          randomKey: p * 7919,
        })),
      )
      .execute();
    // Three judges a pair: all wiser (an edge), two wiser and one unsure (an edge), or one of each (no edge).
    for (let p = 0; p < pairs.length; p++) {
      const answers = p % 3 === 0 ? ANSWERS.map(() => "wiser" as const) : p % 3 === 1 ? (["wiser", "unsure", "wiser"] as const) : ANSWERS;
      for (const [j, answer] of answers.entries()) {
        await judge(deps, citizens[(p + j * 17) % citizens.length]!, { pairId: `gp-${p}`, answer });
        judged++;
      }
    }
    await deps.graphs.settled();
  }, 60_000);
  afterAll(() => t?.close());

  it("keeps each pair's tallies equal to its judgments", async () => {
    const pairs = await talliesAndJudgments(BIG);
    expect(pairs.length).toBe(VALUES - 1 + 60);
    for (const p of pairs) expect(p.tallies).toEqual(p.recorded);
    expect(pairs.reduce((sum, p) => sum + p.tallies[0]!, 0)).toBe(judged);
  });

  it("shows the best-ranked values and hers, the edges among them, and the context's totals", async () => {
    const ranked = await deps.db
      .selectFrom("graphScores")
      .select(["canonicalId", "rank"])
      .where("contextId", "=", BIG)
      .orderBy("rank")
      .orderBy("canonicalId")
      .execute();
    expect(ranked).toHaveLength(VALUES);
    const top = ranked.slice(0, GRAPH_VIEW_LIMIT).map((r) => r.canonicalId);
    // Her card joined a value ranked below the limit.
    const hers = ranked[ranked.length - 1]!.canonicalId;
    const she = citizens[0]!;
    await deps.db
      .insertInto("valueCards")
      .values({
        id: "her-card",
        citizenId: she.citizenId!,
        contextId: BIG,
        title: "Hers",
        description: "Her card.",
        policies: "[]",
        verdict: "value",
        verdictReason: "",
        verdictSignals: "[]",
        llmCallId: null,
        canonicalId: hers,
        similarity: 1,
        revisionOf: null,
        status: "active",
        createdAt: new Date().toISOString(),
      })
      .execute();

    const view = await graphView(deps, BIG, she.citizenId);
    expect(view.values.map((v) => v.id)).toEqual([...top, hers]);
    expect(view.values.filter((v) => v.mine).map((v) => v.id)).toEqual([hers]);
    expect(view.total).toBe(VALUES);
    expect(view.limit).toBe(GRAPH_VIEW_LIMIT);
    expect(view.judgments).toBe(judged);

    // The edges that count among the values shown, from the judgments themselves.
    const shown = new Set(view.values.map((v) => v.id));
    const expected = (await talliesAndJudgments(BIG))
      .filter((p) => shown.has(p.fromId) && shown.has(p.toId))
      .map((p) => ({ from: p.fromId, to: p.toId, ...p.votes, ...edgeVerdict(p.votes) }))
      .filter((e) => e.counts)
      .map((e) => ({ from: e.from, to: e.to, likelihood: e.likelihood, votes: e.wiser + e.notWiser + e.unsure }));
    const order = (a: { from: string; to: string }, b: { from: string; to: string }) => (a.from + a.to < b.from + b.to ? -1 : 1);
    expect(expected.length).toBeGreaterThan(40);
    expect([...view.edges].sort(order)).toEqual(expected.sort(order));

    // Anyone else sees the best ranked only, over HTTP as the page does.
    const anonymous = await httpClient(t.url).query("graph.view", { contextId: BIG });
    expect(anonymous.status).toBe(200);
    expect(anonymous.data.values.map((v: { id: string }) => v.id)).toEqual(top);
    expect(anonymous.data.total).toBe(VALUES);
  });

  it("streams each open-data file in pages that hold every row once, in order", async () => {
    for (const [i, c] of citizens.slice(0, 30).entries()) await endorse(deps, c, valueId(i % 7)).catch(() => undefined);
    for (const kind of ["values", "endorsements", "judgments"] as const) {
      const whole: unknown[] = [];
      for await (const page of exportPages(deps, kind as "values", 1_000_000)) whole.push(...page);
      const paged: unknown[] = [];
      let pages = 0;
      for await (const page of exportPages(deps, kind as "values", 7)) {
        expect(page.length).toBeLessThanOrEqual(7);
        paged.push(...page);
        pages++;
      }
      expect(whole.length, kind).toBeGreaterThan(14);
      expect(pages).toBeGreaterThan(2);
      expect(paged).toEqual(whole);
    }
    const judgments: unknown[] = [];
    for await (const page of exportPages(deps, "judgments")) judgments.push(...page);
    expect(judgments).toHaveLength(judged);
  });

  it("shows values not ranked yet after the ranked ones, by id", async () => {
    const view = await graphView(deps, FRESH);
    expect(view.values.map((v) => [v.id, v.rank])).toEqual([
      ["fresh-a", null],
      ["fresh-b", null],
      ["fresh-c", null],
    ]);
    expect(view.total).toBe(3);
    expect(view.judgments).toBe(0);
    expect(view.edges).toEqual([]);
  });
});

describe.each(dialects())("the pair-tallies migration on %s", (dialect) => {
  it("backfills each pair's wiser and not-wiser tallies from its judgments", async () => {
    const at = await databaseAt(dialect, "2026-12-09T20-publishing-batches", { citizens: 3 });
    const { handle, raw: db, now } = at;
    try {
      // The schema before it, with rows as the app wrote them then.
      await db
        .insertInto("canonical_values")
        .values(["a", "b", "c"].map((id) => ({ id, context_id: "c", title: id, description: id, policies: "[]", source_card_id: id, created_at: now })))
        .execute();
      const votes: [string, string, string][] = [
        ["ab", "z1", "wiser"],
        ["ab", "z2", "wiser"],
        ["ab", "z3", "not_wiser"],
        ["ac", "z1", "unsure"],
        ["ac", "z2", "not_wiser"],
      ];
      await db
        .insertInto("value_pairs")
        .values(
          [
            ["ab", "a", "b", 3],
            ["ac", "a", "c", 2],
            ["bc", "b", "c", 0],
          ].map(([id, from, to, count], i) => ({
            id,
            context_id: "c",
            from_id: from,
            to_id: to,
            story: "s",
            llm_call_id: null,
            created_at: now,
            judgment_count: count,
            random_key: i,
          })),
        )
        .execute();
      await db
        .insertInto("judgments")
        .values(votes.map(([pair, who, answer], i) => ({ id: `j${i}`, pair_id: pair, citizen_id: who, answer, why: null, created_at: now })))
        .execute();

      await migrateToLatest(db);

      const rows = await handle.db.selectFrom("valuePairs").select(["id", "judgmentCount", "wiserCount", "notWiserCount"]).orderBy("id").execute();
      expect(rows.map((r) => [r.id, Number(r.judgmentCount), Number(r.wiserCount), Number(r.notWiserCount)])).toEqual([
        ["ab", 3, 2, 1],
        ["ac", 2, 0, 1],
        ["bc", 0, 0, 0],
      ]);
    } finally {
      await at.close();
    }
  });
});
