import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, httpClient, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { CONTESTABLE, CONTESTABLE_PARAPHRASE } from "../fixtures/cards.js";
import { exportPages } from "../../server/services/exports.server.js";

const CONTEXT = "ai-decisions-about-people";
const OTHER_CONTEXT = "ai-tutors-for-children";

const DIGNITY = {
  title: "Being treated as a whole person",
  description: "I want the people and systems that judge my case to see my circumstances, not only my data.",
  policies: ["SIGNS that my particular situation was read, not just matched to a profile", "CHANCES to tell my story in my own words"],
};

describe.each(dialects())("values, judgments and the moral graph on %s", (dialect) => {
  let t: TestServer;
  let mari: HttpClient;
  let jaan: HttpClient;
  let kati: HttpClient;
  let clerk: HttpClient;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const now = new Date().toISOString();
    await t.server.deps.db
      .insertInto("contexts")
      .values([
        { id: CONTEXT, title: "AI systems that make decisions about people", titleEt: null, description: "Automated decisions.", createdAt: now },
        { id: OTHER_CONTEXT, title: "AI tutors for children", titleEt: null, description: "Tutors.", createdAt: now },
      ])
      .execute();
    [mari, jaan, kati, clerk] = await Promise.all([
      signInAs(t.url, "citizen1@demo.agora"),
      signInAs(t.url, "citizen2@demo.agora"),
      signInAs(t.url, "citizen3@demo.agora"),
      signInAs(t.url, "clerk@demo.agora"),
    ]);
  });
  afterAll(() => t?.close());

  let valueCardId = "";
  let canonicalId = "";

  it("tells a citizen why a slogan is not a value, and lets her revise it into one", async () => {
    const before = await rowCounts(t.server);
    const slogan = await mari.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Ban automated decisions now!",
      description: "Ban them all! No machine should ever decide anything about anyone!",
      policies: ["BAN IT NOW", "NO MACHINES EVER"],
    });
    expect(slogan.status).toBe(200);
    expect(slogan.data.verdict).not.toBe("value");
    expect(slogan.data.reason.length).toBeGreaterThan(20);
    expect(slogan.data.canonical).toBeNull();
    const after = await rowCounts(t.server);
    expect(after.canonical_values).toBe(before.canonical_values);
    expect(after.value_cards).toBe(before.value_cards! + 1);

    const revised = await mari.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE, revisionOf: slogan.data.cardId });
    expect(revised.status).toBe(200);
    expect(revised.data.verdict).toBe("value");
    expect(revised.data.canonical).toMatchObject({ joined: false, title: CONTESTABLE.title });
    valueCardId = revised.data.cardId;
    canonicalId = revised.data.canonical.id;

    const mine = await mari.query("values.mine");
    const old = mine.data.cards.find((c: { id: string }) => c.id === slogan.data.cardId);
    expect(old.status).toBe("revised");
    const current = mine.data.cards.find((c: { id: string }) => c.id === valueCardId);
    expect(current).toMatchObject({ status: "active", verdict: "value", canonical: { id: canonicalId, founded: true } });

    const again = await mari.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE, revisionOf: slogan.data.cardId });
    expect(again.status).toBe(409);
  });

  it("merges a near-duplicate into the canonical value and pairs distinct values for judgment", async () => {
    const paraphrase = await jaan.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE_PARAPHRASE });
    expect(paraphrase.data.verdict).toBe("value");
    expect(paraphrase.data.canonical).toMatchObject({ id: canonicalId, joined: true });

    const dignity = await kati.mutate("values.submit", { contextId: CONTEXT, ...DIGNITY });
    expect(dignity.data.canonical.joined).toBe(false);

    const pairs = await t.server.deps.db.selectFrom("valuePairs").selectAll().where("contextId", "=", CONTEXT).execute();
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ fromId: canonicalId, toId: dignity.data.canonical.id });
    expect(pairs[0]!.story).toContain(DIGNITY.title);
    // The offline engine's work is recorded like a model's.
    const calls = await t.server.deps.db.selectFrom("llmCalls").select(["purpose", "engine"]).execute();
    expect(calls.map((c) => c.purpose)).toEqual(expect.arrayContaining(["values.classify", "values.upgradeStory"]));
  });

  it("lets a clerk review the merge and split a wrong one, keeping the lineage", async () => {
    const merges = await clerk.query("values.merges", { contextId: CONTEXT });
    expect(merges.status).toBe(200);
    const merge = merges.data.find((m: { canonical: { id: string } }) => m.canonical.id === canonicalId);
    expect(merge.card.title).toBe(CONTESTABLE_PARAPHRASE.title);
    expect(merge.similarity).toBeGreaterThanOrEqual(0.5);

    const denied = await mari.mutate("values.split", { cardId: merge.cardId, reason: "not the same" });
    expect(denied.status).toBe(403);
    // The moral graph's incremental read (OVERLAP_MS) counts on rows stamped inside their transactions: a clock
    // that steps a second at each reading, read as each transaction begins and ends, finds the split's rows
    // stamped within one (stamped before it, they were older than the transaction that wrote them).
    const { deps } = t.server;
    const clock = deps.clock;
    const realTransaction = deps.db.transaction;
    let tick = Date.now();
    deps.clock = { now: () => new Date((tick += 1_000)) };
    const spans: [string, string][] = [];
    deps.db.transaction = function (this: typeof deps.db) {
      const builder = realTransaction.call(this);
      const execute = builder.execute.bind(builder);
      return Object.assign(builder, {
        execute: async <T>(work: (trx: Parameters<Parameters<typeof builder.execute>[0]>[0]) => Promise<T>) => {
          const span: [string, string] = [deps.clock.now().toISOString(), ""];
          spans.push(span);
          return execute(async (trx) => {
            const result = await work(trx);
            span[1] = deps.clock.now().toISOString();
            return result;
          });
        },
      });
    } as typeof deps.db.transaction;
    let split: { status: number; data: { canonicalId: string } };
    try {
      split = await clerk.mutate("values.split", { cardId: merge.cardId, reason: "Contesting is narrower than the founder's value." });
    } finally {
      deps.clock = clock;
      deps.db.transaction = realTransaction;
    }
    expect(split.status).toBe(200);
    const stamped = await t.server.deps.db.selectFrom("canonicalValues").select("createdAt").where("id", "=", split.data.canonicalId).executeTakeFirstOrThrow();
    expect(spans.some(([began, ended]) => began <= stamped.createdAt && stamped.createdAt <= ended)).toBe(true);
    expect(split.data.canonicalId).not.toBe(canonicalId);
    const events = await t.server.deps.db.selectFrom("valueEvents").selectAll().where("cardId", "=", merge.cardId).execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["card.submitted", "card.split"]));
    expect(JSON.parse(events.find((e) => e.type === "card.split")!.payload)).toMatchObject({ from: canonicalId });
    const twice = await clerk.mutate("values.split", { cardId: merge.cardId, reason: "again" });
    expect(twice.status).toBe(409);
  });

  it("lets citizens endorse peers' values once, and judge each pair once", async () => {
    const lars = await signInAs(t.url, "citizen4@demo.agora");
    const offered = await lars.query("values.toEndorse", { contextId: CONTEXT, limit: 10 });
    expect(offered.status).toBe(200);
    expect(offered.data.map((v: { id: string }) => v.id)).toContain(canonicalId);

    expect((await lars.mutate("values.endorse", { canonicalId })).status).toBe(200);
    const twice = await lars.mutate("values.endorse", { canonicalId });
    expect(twice.status).toBe(409);
    expect(twice.error?.message).toMatch(/already endorsed/);
    expect((await mari.mutate("values.endorse", { canonicalId })).status).toBe(409); // her own card is this value
    expect((await lars.mutate("values.endorse", { canonicalId: "no-such-value" })).status).toBe(404);
    const after = await lars.query("values.toEndorse", { contextId: CONTEXT, limit: 10 });
    expect(after.data.map((v: { id: string }) => v.id)).not.toContain(canonicalId);

    // Three unjudged pairs, offered in his own random order: he judges the first one made.
    const offeredPairs = (await lars.query("values.pairs", { contextId: CONTEXT, limit: 3 })).data;
    const pair = offeredPairs.find((p: { to: { title: string } }) => p.to.title === DIGNITY.title);
    expect(pair.from.title).toBe(CONTESTABLE.title);
    // The endorsement above schedules a graph recompute; let it land before counting rows.
    await t.server.deps.graphs.settled();
    const before = await rowCounts(t.server);
    expect((await lars.mutate("values.judge", { pairId: pair.id, answer: "maybe" })).status).toBe(400);
    expect((await lars.mutate("values.judge", { pairId: "no-such-pair", answer: "wiser" })).status).toBe(404);
    expect(await rowCounts(t.server)).toEqual(before);
    const judged = await lars.mutate("values.judge", { pairId: pair.id, answer: "wiser", why: "It keeps contestability and adds the person." });
    expect(judged.status).toBe(200);
    const second = await lars.mutate("values.judge", { pairId: pair.id, answer: "not_wiser" });
    expect(second.status).toBe(409);
    const left = (await lars.query("values.pairs", { contextId: CONTEXT, limit: 10 })).data;
    expect(left.map((p: { id: string }) => p.id)).not.toContain(pair.id);
  });

  it("ranks the graph from agreed judgments, with support and dissent", async () => {
    const [pair] = await t.server.deps.db.selectFrom("valuePairs").selectAll().where("contextId", "=", CONTEXT).orderBy("createdAt").execute();
    for (const n of [5, 6, 7]) {
      const judge = await signInAs(t.url, `citizen${n}@demo.agora`);
      expect((await judge.mutate("values.judge", { pairId: pair!.id, answer: n === 7 ? "not_wiser" : "wiser" })).status).toBe(200);
    }
    await t.server.deps.graphs.settled();
    const view = await httpClient(t.url).query("graph.view", { contextId: CONTEXT });
    expect(view.status).toBe(200);
    expect(view.data.edges).toEqual([expect.objectContaining({ from: pair!.fromId, to: pair!.toId })]);
    const [top] = view.data.values;
    const contestable = view.data.values.find((v: { id: string }) => v.id === canonicalId);
    expect(top.id).toBe(pair!.toId); // judged wiser by 3 of 4
    expect(top.rank).toBe(1);
    expect(top.dissent).toBe(1);
    expect(contestable.support).toBe(2); // Mari's card and Lars's endorsement
    expect(top.score).toBeGreaterThan(contestable.score);
    expect((await httpClient(t.url).query("graph.view", { contextId: "no-such-context" })).status).toBe(404);
  });

  it("keeps one judgment and one endorsement per citizen when the same request arrives ten times at once", async () => {
    const eve = await signInAs(t.url, "citizen8@demo.agora");
    const [pair] = (await eve.query("values.pairs", { contextId: CONTEXT, limit: 1 })).data;
    const countOn = async () => (await t.server.deps.db.selectFrom("judgments").select("id").where("pairId", "=", pair.id).execute()).length;
    const before = await countOn();
    const judgments = await Promise.all(Array.from({ length: 10 }, () => eve.mutate("values.judge", { pairId: pair.id, answer: "wiser" })));
    expect(judgments.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const [value] = (await eve.query("values.toEndorse", { contextId: CONTEXT, limit: 1 })).data;
    const endorsements = await Promise.all(Array.from({ length: 10 }, () => eve.mutate("values.endorse", { canonicalId: value.id })));
    expect(endorsements.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect(await countOn()).toBe(before + 1);
  });

  it("founds one canonical value when the same new value arrives from six citizens at once", async () => {
    const card = {
      contextId: OTHER_CONTEXT,
      title: "Tutors that admit what they do not know",
      description: "I want my child's tutor to say when it is unsure, so she learns to doubt as well as to answer.",
      policies: ["MOMENTS when the tutor is unsure but sounds certain", "SIGNS that a child checks an answer instead of copying it"],
    };
    const citizens = await Promise.all([9, 10, 11, 12, 5, 6].map((n) => signInAs(t.url, `citizen${n}@demo.agora`)));
    const answers = await Promise.all(citizens.map((c) => c.mutate("values.submit", card)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const ids = new Set(answers.map((a) => a.data.canonical.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.data.canonical.joined)).toHaveLength(1);
  });

  it("refuses bad cards with a clear message and writes nothing", async () => {
    const base = { contextId: CONTEXT, ...DIGNITY };
    const cases: [string, unknown][] = [
      ["empty title", { ...base, title: "" }],
      ["oversized description", { ...base, description: "x".repeat(601) }],
      ["one policy", { ...base, policies: ["ONLY one policy here"] }],
      ["seven policies", { ...base, policies: Array.from({ length: 7 }, (_, i) => `MOMENTS number ${i}`) }],
      ["unknown context", { ...base, contextId: "no-such-context" }],
      ["bad context id", { ...base, contextId: "<script>" }],
      ["title as number", { ...base, title: 42 }],
    ];
    await t.server.deps.graphs.settled(); // earlier tests' recomputes write graph scores
    const before = await rowCounts(t.server);
    for (const [name, input] of cases) {
      const res = await kati.mutate("values.submit", input);
      expect(res.status, name).toBe(400);
      expect(res.error?.message, name).toMatch(/[a-z]+ [a-z]+/i);
    }
    expect(await rowCounts(t.server)).toEqual(before);
  });

  it("keeps HTML and script in a card as text", async () => {
    const html = {
      contextId: OTHER_CONTEXT,
      title: "<b>Patient</b> tutors <script>alert(1)</script>",
      description: "I want a tutor that waits for my child <img src=x onerror=alert(1)> to think before it answers.",
      policies: ["MOMENTS when a child pauses <i>before</i> answering", "SIGNS that the tutor let the child find it herself"],
    };
    const res = await kati.mutate("values.submit", html);
    expect(res.status).toBe(200);
    const mine = await kati.query("values.mine");
    const card = mine.data.cards.find((c: { id: string }) => c.id === res.data.cardId);
    expect(card.title).toBe(html.title);
    expect(card.description).toBe(html.description);
  });

  it("counts a citizen's value once: the same card again, or her value in other words, is refused and nothing is written", async () => {
    await t.server.deps.graphs.settled();
    const before = await rowCounts(t.server);
    const classifications = async () => (await t.server.deps.db.selectFrom("llmCalls").select("id").where("purpose", "=", "values.classify").execute()).length;
    const asked = await classifications();
    // Sent again word for word (spacing and case aside): refused before the gate, which is not asked.
    const again = await mari.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE, title: `  ${CONTESTABLE.title.toUpperCase()} ` });
    expect(again.status).toBe(409);
    expect(again.error?.message).toMatch(/already hold this value/);
    expect(await classifications()).toBe(asked);
    // Her value told a little differently: the gate reads it, the dedupe finds her own value, and it is refused.
    const reworded = {
      ...CONTESTABLE,
      description: `${CONTESTABLE.description} This is what I keep coming back to.`,
      policies: [...CONTESTABLE.policies].reverse(),
    };
    const paraphrase = await mari.mutate("values.submit", { contextId: CONTEXT, ...reworded });
    expect(paraphrase.status).toBe(409);
    expect(paraphrase.error?.message).toMatch(/Revise that card/);
    await t.server.deps.graphs.settled();
    const after = await rowCounts(t.server);
    expect({ ...after, llm_calls: 0 }).toEqual({ ...before, llm_calls: 0 });
    const mine = await mari.query("values.mine");
    expect(
      mine.data.cards.filter((c: { status: string; canonical: { id: string } | null }) => c.status === "active" && c.canonical?.id === canonicalId),
    ).toHaveLength(1);
    // The same words in another context are another card, and a revision of her card may keep its words.
    expect((await mari.mutate("values.submit", { contextId: OTHER_CONTEXT, ...CONTESTABLE })).status).toBe(200);
    const kept = await mari.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE, revisionOf: valueCardId });
    expect(kept.status).toBe(200);
    expect(kept.data.canonical).toMatchObject({ id: canonicalId, joined: true });
    valueCardId = kept.data.cardId;
  });

  it("records a withdrawal as an event and leaves the rest in place", async () => {
    const res = await mari.mutate("values.withdraw", { cardId: valueCardId });
    expect(res.status).toBe(200);
    expect((await mari.mutate("values.withdraw", { cardId: valueCardId })).status).toBe(409);
    expect((await jaan.mutate("values.withdraw", { cardId: valueCardId })).status).toBe(404); // not his card
    const events = await t.server.deps.db.selectFrom("valueEvents").select("type").where("cardId", "=", valueCardId).execute();
    expect(events.map((e) => e.type)).toContain("card.withdrawn");
    const canonical = await t.server.deps.db.selectFrom("canonicalValues").select("id").where("id", "=", canonicalId).executeTakeFirst();
    expect(canonical).toBeDefined();
  });

  it("exports values, endorsements and judgments without names, emails or record ids, a page at a time", async () => {
    // Pages of two rows, so that every file takes several and each page starts where the last stopped.
    const read = async <T>(pages: AsyncIterable<T[]>) => {
      const rows: T[] = [];
      for await (const page of pages) {
        expect(page.length).toBeLessThanOrEqual(2);
        rows.push(...page);
      }
      return rows;
    };
    const data = {
      values: await read(exportPages(t.server.deps, "values", 2)),
      endorsements: await read(exportPages(t.server.deps, "endorsements", 2)),
      judgments: await read(exportPages(t.server.deps, "judgments", 2)),
    };
    expect(data.values.length).toBeGreaterThanOrEqual(3);
    expect(data.judgments.length).toBeGreaterThanOrEqual(4);
    expect(new Set(data.values.map((v) => v.valueId)).size).toBe(data.values.length);
    expect(new Set(data.judgments.map((j) => j.pairId + j.voterId)).size).toBe(data.judgments.length);
    // No query answers a whole file at once: at a nation's size that would be millions of rows.
    expect((await httpClient(t.url).query("exports.moralGraph")).status).toBe(404);
    const res = { data };
    const text = JSON.stringify(res.data);
    const citizens = await t.server.deps.db.selectFrom("citizens").select(["id", "email", "fullName", "personalCode"]).execute();
    for (const c of citizens) {
      for (const secret of [c.id, c.email, c.fullName, c.personalCode]) if (secret) expect(text).not.toContain(secret);
    }
    const voters = new Set(res.data.judgments.map((j: { voterId: string }) => j.voterId));
    expect(voters.size).toBe(5); // one pseudonym per citizen, stable across rows
  });
});
