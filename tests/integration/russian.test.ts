import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer, type TrpcResponse } from "../support/database.js";
import { CONTESTABLE } from "../fixtures/cards.js";
import { GATE_CORPUS } from "../fixtures/value-corpus.js";

const CONTEXT = "ai-decisions-about-people";

/** What a Russian speaker in Ida-Viru might write: a real value, read in Russian (issue 17). */
const RUSSIAN_CARD = {
  title: "Право оспорить решение машины",
  description: "Когда система решает что-то обо мне, я хочу понимать почему и иметь возможность возразить.",
  policies: ["МОМЕНТЫ, когда человек понимает, что о нём решила машина", "СПОСОБЫ связаться с человеком, который может изменить решение"],
};

/** The same value in other words, by another citizen of Narva. */
const RUSSIAN_PARAPHRASE = {
  title: "Право обжаловать решение машины",
  description: "Если обо мне решает система, я хочу понимать, почему, и иметь возможность обжаловать решение.",
  policies: ["МОМЕНТЫ, когда человек узнаёт, что решение о нём приняла машина", "СПОСОБЫ обратиться к человеку, который может пересмотреть решение"],
};

/** A card in a script Agora does not read (Greek) is still refused unread. */
const GREEK_CARD = {
  title: "Το δικαίωμα να αμφισβητήσω μια απόφαση μηχανής",
  description: "Όταν ένα σύστημα αποφασίζει κάτι για μένα, θέλω να καταλαβαίνω γιατί και να μπορώ να αντιρρήσω.",
  policies: ["ΣΤΙΓΜΕΣ όταν ένας άνθρωπος καταλαβαίνει ότι μια μηχανή αποφάσισε γι' αυτόν", "ΤΡΟΠΟΙ να μιλήσω με έναν άνθρωπο"],
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
 * Russian is a language of the pages and of value cards (decision 19, as amended for issue 17): a
 * Russian reader gets the gate's reasons in Russian, her Russian card goes through the gate and the
 * dedupe like any other, a card in a script Agora does not read is refused unread, and a matter is
 * written in English, Estonian or Russian, every clause of it in its language's script.
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

  it("reads a card written in Russian: the gate lets it in, a Russian paraphrase and an English card join it, her own English card is her value again", async () => {
    const before = await rowCounts(t.server);
    const russian = await anna.mutate("values.submit", { contextId: CONTEXT, ...RUSSIAN_CARD });
    expect(russian.status).toBe(200);
    expect(russian.data.verdict).toBe("value");
    expect(russian.data.reason).toMatch(/^Это ценность/);
    expect(russian.data.canonical).toMatchObject({ joined: false, title: RUSSIAN_CARD.title });
    const founded = russian.data.canonical.id;
    const after = await rowCounts(t.server);
    expect(after.value_cards).toBe((before.value_cards ?? 0) + 1);
    expect(after.canonical_values).toBe((before.canonical_values ?? 0) + 1);

    // Another Narva citizen's words for the same value join it (dedupe in Russian).
    const boris = await signInAs(t.url, "citizen5@demo.agora");
    const paraphrase = await boris.mutate("values.submit", { contextId: CONTEXT, ...RUSSIAN_PARAPHRASE });
    expect(paraphrase.data.verdict).toBe("value");
    expect(paraphrase.data.canonical).toMatchObject({ id: founded, joined: true });

    // An English card of the same value meets the Russian one through the concepts they name.
    const liisa = await signInAs(t.url, "citizen6@demo.agora");
    const english = await liisa.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE });
    expect(english.status).toBe(200);
    expect(english.data.verdict).toBe("value");
    expect(english.data.canonical).toMatchObject({ id: founded, joined: true });
    // Anna writing her value again in English is her value twice: refused, in Russian.
    const again = await anna.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE });
    expect(again.status).toBe(409);
    expect(again.error?.data.key).toBe("values.writtenAgain");

    // A Russian slogan is told so, in Russian, and founds nothing.
    const counted = await rowCounts(t.server);
    const slogan = await anna.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Люди важнее алгоритмов!",
      description: "Люди важнее алгоритмов! Человек — не цифра!",
      policies: ["ЛЮДИ важнее всего", "ЧЕЛОВЕК, а не цифра"],
    });
    expect(slogan.data.verdict).toBe("slogan");
    expect(slogan.data.reason).toMatch(/^Это скорее лозунг/);
    expect((await rowCounts(t.server)).canonical_values).toBe(counted.canonical_values);
  });

  it("drafts a card from Russian answers in Russian, and refuses a card in a script Agora does not read", async () => {
    const draft = await anna.mutate("values.draft", {
      contextId: CONTEXT,
      choice: "Мне отказали в пособии, и никто не мог объяснить почему.",
      noticed: "Кто принял решение\nМожно ли поговорить с человеком",
      mattered: "Чтобы меня выслушали",
    });
    expect(draft.status).toBe(200);
    expect(draft.data.language).toBe("ru");
    expect(draft.data.draft.policies).toEqual(["ПРИЗНАКИ того, кто принял решение", "ПРИЗНАКИ того, можно ли поговорить с человеком"]);
    // The moral graph of the earlier cards is recomputed in the background: let it settle, so that only
    // the refused card could change what is counted.
    await t.server.deps.graphs.settled();
    const before = await rowCounts(t.server);
    refusedWith(await anna.mutate("values.submit", { contextId: CONTEXT, ...GREEK_CARD }), "values.unreadScript");
    await t.server.deps.graphs.settled();
    expect(await rowCounts(t.server)).toEqual(before);
  });

  it("refuses a rule, an alternative wording or an amendment in Cyrillic in an English matter, saying which clause", async () => {
    const before = await rowCounts(t.server);
    const russianClause = "Лицо, в отношении которого принято автоматическое решение, имеет право на пересмотр человеком.";
    const opened = await clerk.mutate("matters.open", { ...MATTER, clauses: [...MATTER.clauses, russianClause], startIntake: true });
    refusedWith(opened, "matters.unreadScript");
    expect(opened.error?.data.params).toEqual({ number: 2 });
    expect(await rowCounts(t.server)).toEqual(before);

    const matter = await clerk.mutate("matters.open", { ...MATTER, startIntake: true });
    expect(matter.status).toBe(200);
    refusedWith(await clerk.mutate("matters.addAlternative", { matterId: matter.data.id, clause: 1, text: russianClause }), "matters.unreadScript");
    const card = (await anna.query("values.mine")).data.cards.find(
      (c: { title: string; status: string }) => c.title === RUSSIAN_CARD.title && c.status === "active",
    );
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
  it("opens a matter written in Russian, reads its clauses, and refuses a clause or an amendment in another script", async () => {
    const russian = {
      ...MATTER,
      title: "Автоматизированные решения о социальных пособиях",
      language: "ru",
      clauses: ["Лицо, в отношении которого принято автоматизированное решение о пособии, имеет право на пересмотр решения сотрудником."],
    };
    const before = await rowCounts(t.server);
    const latin = await clerk.mutate("matters.open", { ...russian, clauses: [...russian.clauses, MATTER.clauses[0]], startIntake: true });
    refusedWith(latin, "matters.unreadScript");
    expect(latin.error?.data.params).toEqual({ number: 2 });
    expect(await rowCounts(t.server)).toEqual(before);

    const opened = await clerk.mutate("matters.open", { ...russian, startIntake: true });
    expect(opened.status).toBe(200);
    const matter = (await clerk.query("matters.get", { id: opened.data.id })).data;
    expect(matter.language).toBe("ru");
    const stored = await t.server.deps.db.selectFrom("matters").select("language").where("id", "=", opened.data.id).executeTakeFirstOrThrow();
    expect(stored.language).toBe("ru");
    refusedWith(await clerk.mutate("matters.addAlternative", { matterId: opened.data.id, clause: 1, text: MATTER.clauses[0] }), "matters.unreadScript");
    expect(
      (
        await clerk.mutate("matters.addAlternative", {
          matterId: opened.data.id,
          clause: 1,
          text: "Лицо, в отношении которого принято автоматизированное решение о пособии, вправе потребовать, чтобы решение пересмотрел сотрудник.",
        })
      ).status,
    ).toBe(200);

    // Her amendment, in Russian, is a provision; one in English is told the matter's language, Russian.
    const card = (await anna.query("values.mine")).data.cards.find(
      (c: { title: string; status: string }) => c.title === RUSSIAN_CARD.title && c.status === "active",
    );
    const amend = (text: string) => anna.mutate("matters.proposeAmendment", { matterId: opened.data.id, action: "replace", clause: 1, text, cardId: card.id });
    const english = await amend("A person subject to an automated decision shall be told why and may ask a human official to review it.");
    refusedWith(english, "amendments.notProvision.wrongLanguage");
    expect(english.error?.data.params).toEqual({ language: "ru" });
    refusedWith(await amend("Я хочу, чтобы решение машины мог пересмотреть человек."), "amendments.notProvision.firstPerson");
    expect((await amend("Заявителю должны объяснить причины решения, и он вправе потребовать его пересмотра сотрудником.")).status).toBe(200);
  });
});
