import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer, type TrpcResponse } from "../support/database.js";
import { CONTESTABLE } from "../fixtures/cards.js";
import { GATE_CORPUS } from "../fixtures/value-corpus.js";

const CONTEXT = "ai-decisions-about-people";

/** What a Russian speaker in Ida-Viru might write: a real value, in a language the offline engine does not read. */
const RUSSIAN_CARD = {
  title: "Право оспорить решение машины",
  description: "Когда система решает что-то обо мне, я хочу понимать почему и иметь возможность возразить.",
  policies: ["МОМЕНТЫ, когда человек понимает, что о нём решила машина", "СПОСОБЫ связаться с человеком, который может изменить решение"],
};

const MATTER = {
  title: "Automated decisions about social benefits",
  clauses: ["A person subject to an automated decision about social benefits has the right to have it reviewed by a human official."],
  language: "en",
  contextId: CONTEXT,
  rationale: "Benefit decisions are being automated.",
  emergency: false,
  intakeHours: 48,
  rounds: 1,
  candidates: 2,
  approvalThreshold: 0.5,
};

function refusedWith(res: TrpcResponse, key: string) {
  expect(res.status).toBe(400);
  expect(res.error?.data.key).toBe(key);
}

/**
 * Russian is a language of the pages, not of the texts the offline engine reads (decision 19): a
 * Russian reader gets the gate's reasons in Russian about her English or Estonian card, and a card,
 * answer or clause in Cyrillic is refused as unread, never misread, and nothing is written.
 */
describe.each(dialects())("a Russian-speaking citizen on %s", (dialect) => {
  let t: TestServer;
  let anna: HttpClient;
  let clerk: HttpClient;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await t.server.deps.db
      .insertInto("contexts")
      .values({
        id: CONTEXT,
        title: "AI systems that make decisions about people",
        titleEt: null,
        titleRu: "Системы ИИ, которые принимают решения о людях",
        description: "Automated decisions.",
        createdAt: new Date().toISOString(),
      })
      .execute();
    [anna, clerk] = await Promise.all([signInAs(t.url, "citizen4@demo.agora"), signInAs(t.url, "clerk@demo.agora")]);
    expect((await anna.mutate("auth.setLocale", { locale: "ru" })).status).toBe(200);
  });
  afterAll(() => t?.close());

  it("tells her in Russian why her slogan is not a value", async () => {
    const slogan = await anna.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Ban automated decisions now!",
      description: "Ban them all! No machine should ever decide anything about anyone!",
      policies: ["BAN IT NOW", "NO MACHINES EVER"],
    });
    expect(slogan.status).toBe(200);
    expect(slogan.data.verdict).not.toBe("value");
    expect(slogan.data.reason).toMatch(/^Это скорее (?:правило|лозунг|цель|предпочтение)/);
    expect(slogan.data.reason).toContain("Вспомните настоящий случай");
    expect(slogan.data.reason).not.toMatch(/\bThis reads as\b/);
    // A card about something else is told so, the context named by its Russian title.
    const sauna = GATE_CORPUS.find((e) => e.id === "g-o-et-03")!.card;
    const offTopic = await anna.mutate("values.submit", { contextId: CONTEXT, ...sauna });
    expect(offTopic.data.reason).toMatch(/^Мы не смогли прочитать это как ценность в ситуации «Системы ИИ, которые принимают решения о людях»/);
    // The contexts she picks from are named in Russian too.
    const contexts = (await anna.query("values.contexts")).data;
    expect(contexts.find((c: { id: string }) => c.id === CONTEXT).titleRu).toBe("Системы ИИ, которые принимают решения о людях");
  });

  it("refuses a card written in Russian unread, before the gate, and writes nothing", async () => {
    const before = await rowCounts(t.server);
    refusedWith(await anna.mutate("values.submit", { contextId: CONTEXT, ...RUSSIAN_CARD }), "values.unreadScript");
    refusedWith(
      await anna.mutate("values.draft", {
        contextId: CONTEXT,
        choice: "Мне отказали в пособии, и никто не мог объяснить почему.",
        noticed: "Кто принял решение\nМожно ли поговорить с человеком",
        mattered: "Чтобы меня выслушали",
      }),
      "values.unreadScript",
    );
    expect(await rowCounts(t.server)).toEqual(before);
    // The same value in English is read, and is a value.
    const english = await anna.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE });
    expect(english.status).toBe(200);
    expect(english.data.verdict).toBe("value");
    expect(english.data.reason).toMatch(/^Это ценность/);
  });

  it("refuses a rule, an alternative wording or an amendment in Cyrillic, saying which clause", async () => {
    const before = await rowCounts(t.server);
    const russianClause = "Лицо, в отношении которого принято автоматическое решение, имеет право на пересмотр человеком.";
    const opened = await clerk.mutate("matters.open", { ...MATTER, clauses: [...MATTER.clauses, russianClause], startIntake: true });
    refusedWith(opened, "matters.unreadScript");
    expect(opened.error?.data.params).toEqual({ number: 2 });
    expect(await rowCounts(t.server)).toEqual(before);

    const matter = await clerk.mutate("matters.open", { ...MATTER, startIntake: true });
    expect(matter.status).toBe(200);
    refusedWith(await clerk.mutate("matters.addAlternative", { matterId: matter.data.id, clause: 1, text: russianClause }), "matters.unreadScript");
    const card = (await anna.query("values.mine")).data.cards.find((c: { title: string }) => c.title === CONTESTABLE.title);
    const amendment = await anna.mutate("matters.proposeAmendment", {
      matterId: matter.data.id,
      action: "replace",
      clause: 1,
      text: russianClause,
      cardId: card.id,
    });
    refusedWith(amendment, "amendments.notProvision.wrongLanguage");
    expect(amendment.error?.data.params).toEqual({ language: "en" });
  });
});
