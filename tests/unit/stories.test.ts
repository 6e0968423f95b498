import { describe, expect, it } from "vitest";
import { composeStory, storyLanguage, upgradeStoryTask } from "../../deliberation/values/stories.js";
import { ACRONYMS } from "../../deliberation/values/policy-heads.js";
import { DEMO_CARDS, DEMO_CONTEXTS } from "../../db/demo-values.js";
import { GATE_CORPUS } from "../fixtures/value-corpus.js";

const ENGLISH = /(?:^|[^\p{L}])(?:the|and|when|what|that|to|of|my|I|used|care|now|then|think|moments|ways|signs|watched|attention)(?=$|[^\p{L}])/u;
const ESTONIAN = /(?:^|[^\p{L}])(?:ja|et|mil|kui|oli|mulle|hetkedele|viisidele|märkidele|nüüd|siis|arvan|ning)(?=$|[^\p{L}])/iu;

/** The sentences around the quotes: a quoted title or policy is a name, in whatever language it was written. */
const unquoted = (story: string) => story.replace(/[“„][^”“]*[”“]/g, " ");
/** Capitals left inside the sentences: a policy head that was not turned into a noun phrase. */
const heads = (story: string) => (unquoted(story).match(/\p{Lu}{3,}(?![\p{L}])/gu) ?? []).filter((w) => !ACRONYMS.has(w));

type Card = { title: string; description: string; policies: string[] };
const demo = (title: string): Card => {
  const card = DEMO_CARDS.find((c) => c.title === title);
  if (!card) throw new Error(`no demo card "${title}"`);
  return { title: card.title, description: card.description, policies: [...card.policies] };
};
const biometrics = DEMO_CONTEXTS.find((c) => c.id === "biometric-identification-public-spaces")!;

const UNOBSERVED_ET: Card = {
  title: "Märkamatu olemine igapäevaelus",
  description: "Tahan liikuda linnas nii, et mind ei kataloogita.",
  policies: ["HETKED, mil muudan oma käitumist, sest mind võidakse jälgida", "KOHAD, kus inimesed kogunevad ilma põhjuseta"],
};
const WHO_RECORDS_ET: Card = {
  title: "Teadmine, kes salvestab",
  description: "Tahan teada, kes mind salvestab ja miks.",
  policies: ["VIISID, kuidas inimene saab teada, kes salvestab ja miks", "MÄRGID, et salvestisi hoitakse kauem kui vaja"],
};
const UNOBSERVED_EN: Card = {
  title: "Being unobserved in ordinary life",
  description: "I want to move through the city without feeling catalogued.",
  policies: ["MOMENTS when I change how I act because I might be watched", "SPACES where people gather without needing a reason"],
};

describe("upgrade stories, offline", () => {
  it("tells an English pair in English, policies as noun phrases and titles quoted", () => {
    const from = demo("Contestable automated decisions");
    const to = demo("Automated decisions I can contest");
    const language = storyLanguage(from, to);
    expect(language).toBe("en");
    const { story } = composeStory({ contextTitle: "AI systems that make decisions about people", language, from, to: UNOBSERVED_EN });
    expect(story).toBe(
      "In choices about “AI systems that make decisions about people”, I used to care most about “Contestable automated decisions”: " +
        "I watched for moments when a person realizes a machine decided about them. Then I saw that this left something out. " +
        "Now I also pay attention to moments when I change how I act because I might be watched, and to spaces where people gather without needing a reason. " +
        "I think “Being unobserved in ordinary life” holds what I cared about before, and more.",
    );
  });

  it("tells an Estonian pair in Estonian: the heads declined, the context and the titles quoted as names", () => {
    const language = storyLanguage(UNOBSERVED_ET, WHO_RECORDS_ET);
    expect(language).toBe("et");
    const { story } = composeStory({ contextTitle: biometrics.titleEt, language, from: UNOBSERVED_ET, to: WHO_RECORDS_ET });
    expect(story).toBe(
      "Küsimuses „Reaalajas biomeetriline tuvastamine avalikus ruumis” hoolisin varem kõige rohkem väärtusest „Märkamatu olemine igapäevaelus”: " +
        "pöörasin tähelepanu hetkedele, mil muudan oma käitumist, sest mind võidakse jälgida. Siis nägin, et sellest jäi midagi puudu. " +
        "Nüüd pööran tähelepanu ka viisidele, kuidas inimene saab teada, kes salvestab ja miks, ja märkidele, et salvestisi hoitakse kauem kui vaja. " +
        "Arvan, et „Teadmine, kes salvestab” hoiab alles kõik, mis mulle enne tähtis oli, ja veel enamat.",
    );
    expect(unquoted(story)).not.toMatch(ENGLISH);
  });

  it("tells a pair of two languages in the language of the value moved to, naming the other by its quoted title", () => {
    const language = storyLanguage(UNOBSERVED_EN, WHO_RECORDS_ET);
    expect(language).toBe("et");
    const { story } = composeStory({ contextTitle: biometrics.titleEt, language, from: UNOBSERVED_EN, to: WHO_RECORDS_ET });
    expect(story).toContain("väärtusest „Being unobserved in ordinary life”.");
    expect(story).not.toContain("watched");
    expect(unquoted(story)).not.toMatch(ENGLISH);

    const back = composeStory({
      contextTitle: biometrics.title,
      language: storyLanguage(WHO_RECORDS_ET, UNOBSERVED_EN),
      from: WHO_RECORDS_ET,
      to: UNOBSERVED_EN,
    });
    expect(back.story).toContain("care most about “Teadmine, kes salvestab”.");
    expect(unquoted(back.story)).not.toMatch(ESTONIAN);
  });

  it("quotes an Estonian policy whole when its head is one whose forms it does not know", () => {
    const to: Card = { ...WHO_RECORDS_ET, policies: ["ANDMEVOOD koolist välismaistesse serveritesse", "NÕUSOLEKUVORMID, mida lapsevanem näeb"] };
    const { story } = composeStory({ contextTitle: "X", language: "et", from: UNOBSERVED_ET, to });
    expect(story).toContain(
      "Nüüd pööran tähelepanu ka neile asjadele: „ANDMEVOOD koolist välismaistesse serveritesse” ja „NÕUSOLEKUVORMID, mida lapsevanem näeb”.",
    );
  });

  it("turns a policy not in capitals-first form into a phrase, and keeps a name's capitals", () => {
    const from: Card = { title: "Heard before a decision", description: "I want to be heard.", policies: ["whether anyone could tell us why"] };
    const to: Card = { title: "AI decisions I can contest", description: "I want to contest.", policies: ["WAYS to reach a human about an AI decision"] };
    const { story } = composeStory({ contextTitle: "AI systems that make decisions about people", language: "en", from, to });
    expect(story).toContain("I watched for signs of whether anyone could tell us why.");
    expect(story).toContain("pay attention to ways to reach a human about an AI decision.");
    expect(story).toContain("“AI systems that make decisions about people”");
  });

  it("reads as its language's sentences for pairs of real cards (demo and corpus), with no policy head left in capitals", () => {
    const cards = [
      ...DEMO_CARDS.map((c) => ({
        lang: c.lang,
        context: c.contextId as string,
        card: { title: c.title, description: c.description, policies: [...c.policies] },
      })),
      ...GATE_CORPUS.filter((e) => e.label === "value").map((e) => ({ lang: e.lang, context: e.context as string, card: e.card })),
    ];
    let estonian = 0;
    let russian = 0;
    const problems: string[] = [];
    for (let i = 0; i < cards.length; i++) {
      for (let j = i + 1; j < Math.min(cards.length, i + 4); j++) {
        const [a, b] = [cards[i]!, cards[j]!];
        if (a.lang !== b.lang) continue;
        const language = storyLanguage(a.card, b.card);
        const contextTitle = a.lang === "et" ? "Kontekst" : a.lang === "ru" ? "Контекст" : "A context";
        const { story } = composeStory({ contextTitle, language, from: a.card, to: b.card });
        if (language !== b.lang) problems.push(`told in ${language}: ${b.card.title}`);
        if (language === "et") estonian++;
        if (language === "ru") russian++;
        if (language === "ru" ? /\p{Script=Latin}/u.test(unquoted(story)) : unquoted(story).match(language === "et" ? ENGLISH : ESTONIAN))
          problems.push(`other language: ${story}`);
        if (heads(story).length > 0) problems.push(`capitals ${heads(story).join(",")}: ${story}`);
        if (/(?<![\p{L}])(\p{L}+),? \1(?![\p{L}])/iu.test(unquoted(story))) problems.push(`doubled word: ${story}`);
        if (!story.includes(b.card.title)) problems.push(`no title: ${story}`);
      }
    }
    expect(estonian).toBeGreaterThan(30);
    expect(russian).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it("tells a Russian pair in Russian, with no gendered past tense and the policies in the nominative she wrote", () => {
    const from: Card = {
      title: "Быть незамеченным",
      description: "Я хочу ходить по городу и не чувствовать, что за мной следят.",
      policies: ["МОМЕНТЫ, когда я веду себя иначе, потому что за мной могут следить"],
    };
    const to: Card = {
      title: "Свобода собраний",
      description: "Я замечаю, могут ли люди собираться, не боясь попасть в список.",
      policies: ["ЛЮДИ, которые не пришли из страха, что их узнают", "ЗАПИСИ с площадей и то, сколько их хранят"],
    };
    expect(storyLanguage(from, to)).toBe("ru");
    const { story } = composeStory({ contextTitle: "Биометрическая идентификация", language: "ru", from, to });
    expect(story).toContain("«Биометрическая идентификация»");
    expect(story).toContain("и прежде всего — моменты, когда я веду себя иначе");
    expect(story).toContain("Теперь я обращаю внимание ещё и на это: люди, которые не пришли из страха, что их узнают, а также записи с площадей");
    expect(story).not.toMatch(/(?:^|\s)я \p{L}+л[аи]?(?![\p{L}])/u);
    expect(story).not.toMatch(/\p{Lu}{3,}/u);
  });
});

describe("upgrade stories with a model", () => {
  it("is told the language and held to it; a quoted title in another language is allowed", () => {
    expect(upgradeStoryTask.instructions).toMatch(/"language"/);
    const input = { contextTitle: "X", language: "et" as const, from: UNOBSERVED_EN, to: WHO_RECORDS_ET };
    expect(upgradeStoryTask.validate!({ story: "I used to care about being unobserved; now I see that knowing who records is wiser." }, input)).toHaveLength(1);
    expect(
      upgradeStoryTask.validate!(
        { story: "Varem hoolisin väärtusest “Being unobserved in ordinary life”, nüüd näen, et on tähtis teada, kes salvestab." },
        input,
      ),
    ).toEqual([]);
  });
});
