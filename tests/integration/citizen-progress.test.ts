import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { CONTESTABLE } from "../fixtures/cards.js";

const MARI_CONTEXT = "ai-decisions-about-people";
const KATI_CONTEXT = "ai-tutors-for-children";

const PATIENT_TUTOR = {
  title: "Patience with a struggling child",
  description: "I want a tutor to stay with my child's confusion instead of rushing to the answer.",
  policies: ["MOMENTS when a child is stuck and needs time, not hints", "SIGNS that a child understood rather than guessed"],
};

function matter(contextId: string, title: string) {
  return {
    title,
    clauses: ["Automated decisions about people must give the reasons for the decision and a way to reach a human who can change it."],
    language: "en",
    contextId,
    rationale: "Automated decisions are being made without reasons.",
    emergency: true,
    intakeHours: 48,
    rounds: 1,
    candidates: 2,
    approvalThreshold: 0.5,
  };
}

type Entry = {
  kind: string;
  at: string;
  matterId: string;
  matterTitle: string;
  representation: { constituency: string; size: number; values: { title: string; weight: number; percent: string; cardId: string | null }[] } | null;
  ruling: { eli: string; verifyCardId: string | null; values: { title: string; honoured: boolean }[] } | null;
};

describe.each(dialects())("a citizen's progress on %s", (dialect) => {
  let t: TestServer;
  let mari: HttpClient;
  let kati: HttpClient;
  let clerk: HttpClient;
  let delegates: HttpClient[];
  let mariCard = "";

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const now = new Date().toISOString();
    await t.server.deps.db
      .insertInto("contexts")
      .values([
        { id: MARI_CONTEXT, title: "AI systems that make decisions about people", titleEt: null, description: "Automated decisions.", createdAt: now },
        { id: KATI_CONTEXT, title: "AI tutors for children", titleEt: null, description: "Tutors.", createdAt: now },
      ])
      .execute();
    [mari, kati, clerk, ...delegates] = await Promise.all([
      signInAs(t.url, "citizen1@demo.agora"),
      signInAs(t.url, "citizen3@demo.agora"),
      signInAs(t.url, "clerk@demo.agora"),
      ...[1, 2, 3].map((i) => signInAs(t.url, `delegate${i}@demo.agora`)),
    ]);
  });
  afterAll(() => t?.close());

  it("says what will appear before anything happened, and refuses anyone who is not a citizen", async () => {
    expect((await mari.query("values.progress")).data).toEqual([]);
    expect((await clerk.query("values.progress")).status).toBe(403);
  });

  it("lists the convening, ratification and publication of her matter, newest first, with her value's weight as the mandate holds it", async () => {
    const card = await mari.mutate("values.submit", { contextId: MARI_CONTEXT, ...CONTESTABLE });
    expect(card.data.verdict).toBe("value");
    mariCard = card.data.cardId;
    expect((await kati.mutate("values.submit", { contextId: KATI_CONTEXT, ...PATIENT_TUTOR })).data.verdict).toBe("value");
    await t.server.deps.graphs.settled();

    const id = (await clerk.mutate("matters.open", { ...matter(MARI_CONTEXT, "Reasons for automated decisions"), startIntake: true })).data.id as string;
    const katis = (await clerk.mutate("matters.open", { ...matter(KATI_CONTEXT, "Tutors that wait"), startIntake: true })).data.id as string;
    for (const m of [id, katis]) expect((await clerk.mutate("matters.convene", { id: m, scheme: "districts", confirmEarly: true })).status).toBe(200);

    const convened = (await mari.query("values.progress")).data as Entry[];
    expect(convened.map((e) => [e.kind, e.matterTitle])).toEqual([["convened", "Reasons for automated decisions"]]);
    // Her constituency and weight are exactly what the frozen mandate says.
    const frozen = (await clerk.query("matters.convening", { id })).data as {
      label: string;
      size: number;
      mandate: { values: { title: string; weight: number }[] };
    }[];
    const hers = frozen.find((c) => c.mandate.values.some((v) => v.title === CONTESTABLE.title))!;
    const weight = hers.mandate.values.find((v) => v.title === CONTESTABLE.title)!.weight;
    expect(convened[0]!.representation).toEqual({
      constituency: hers.label,
      size: hers.size,
      values: [{ valueId: expect.any(String), title: CONTESTABLE.title, weight, percent: (weight * 100).toFixed(1), cardId: mariCard }],
    });
    // The Values page says the same number.
    const mine = (await mari.query("values.mine")).data as { mandates: { matterId: string; values: { percent: string }[] }[] };
    expect(mine.mandates.find((m) => m.matterId === id)!.values.map((v) => v.percent)).toEqual([(weight * 100).toFixed(1)]);

    // Another citizen's matter is not hers, and hers is not Kati's.
    const katiSees = (await kati.query("values.progress")).data as Entry[];
    expect(katiSees.map((e) => e.matterTitle)).toEqual(["Tutors that wait"]);

    await clerk.mutate("matters.start", { id });
    await waitFor(async () => (await clerk.query("matters.deliberation", { id })).data?.stage === "drafted", "a draft");
    expect((await clerk.mutate("room.openBallot", { id })).status).toBe(200);
    for (const d of delegates) expect((await d.mutate("room.vote", { id, choice: "ratify" })).status).toBe(200);
    expect((await clerk.mutate("room.closeBallot", { id })).data).toMatchObject({ outcome: "ratified" });
    const { textHash } = (await clerk.query("room.ballot", { id })).data;
    const published = await clerk.mutate("rulings.publish", { id, textHash });
    expect(published.status).toBe(200);
    const eli = published.data.eli as string;

    const after = (await mari.query("values.progress")).data as Entry[];
    expect(after.map((e) => e.kind)).toEqual(["published", "ratified", "convened"]);
    const times = after.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(after[0]!.ruling).toMatchObject({ eli, verifyCardId: mariCard });
    // Whether her value is honoured comes from the ruling's published figures.
    const figures = (await mari.query("rulings.harm", { eli })).data as { constituencies: { label: string; values: { title: string; honoured: boolean }[] }[] };
    const figure = figures.constituencies.find((c) => c.label === hers.label)?.values.find((v) => v.title === CONTESTABLE.title);
    expect(figure, "her value is among the ruling's published figures").toBeDefined();
    expect(after[0]!.ruling!.values).toEqual([{ title: CONTESTABLE.title, honoured: figure!.honoured }]);

    expect((await clerk.mutate("rulings.repeal", { eli, reason: "Replaced by the general act on automated decisions." })).status).toBe(200);
    const repealed = (await mari.query("values.progress")).data as Entry[];
    expect(repealed.map((e) => e.kind)).toEqual(["repealed", "published", "ratified", "convened"]);
    expect((await kati.query("values.progress")).data.map((e: Entry) => e.matterTitle)).toEqual(["Tutors that wait"]);
  });
});
