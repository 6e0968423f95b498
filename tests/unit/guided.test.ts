import { describe, expect, it } from "vitest";
import { answersLanguage, asAttentionalPolicy, type DraftInput, draftFromAnswers, draftGuidance, draftValueTask } from "../../deliberation/values/guided.js";
import { valueClassifyTask } from "../../deliberation/values/gate.js";
import { writtenLanguage } from "../../deliberation/values/language.js";
import { GATE_CORPUS } from "../fixtures/value-corpus.js";

/** Words of the other language that must not wrap her words (function words and our own frames). */
const ENGLISH = /(?:^|[^\p{L}])(?:the|and|when|what|that|is|to|of|my|me|I|matters|moments|ways|signs|things|like|notice|here)(?=$|[^\p{L}])/u;
const ESTONIAN = /(?:^|[^\p{L}])(?:ja|et|mil|kui|on|oli|mulle|tähtis|hetked|viisid|märgid|silma|ning)(?=$|[^\p{L}])/iu;
const HEAD = /^\p{Lu}{3,}(?![\p{L}])/u;

function allText(draft: { title: string; description: string; policies: string[] }): string[] {
  return [draft.title, draft.description, ...draft.policies];
}

/** The problems a person would see at once in a draft: a lowercase "i", a doubled head, a head that is not in capitals. */
function badForm(draft: { title: string; description: string; policies: string[] }): string[] {
  const problems: string[] = [];
  for (const text of allText(draft)) if (/(?:^|[\s(])i(?=[\s,.;:!?']|$)/.test(text)) problems.push(`lowercase i in "${text}"`);
  for (const policy of draft.policies) {
    if (!HEAD.test(policy)) problems.push(`no capitals head in "${policy}"`);
    const [a, b] = policy.split(/[\s,]+/);
    if (a && b && a.toLowerCase() === b.toLowerCase()) problems.push(`doubled head in "${policy}"`);
  }
  return problems;
}

// Mari's story (JOURNEYS.md), as she might type it on her phone.
const MARI_EN: DraftInput = {
  language: "en",
  contextTitle: "Real-time biometric identification in public spaces",
  choice: "Last spring i had to decide whether to take the bus past the new cameras at the station or walk the long way round.",
  noticed: [
    "I noticed I changed how I walked past the cameras.",
    "nobody told us who was recording",
    "- the cameras at the station",
    "how hard it was to find out who keeps the footage",
    "whether anyone could see the footage",
  ].join("\n"),
  mattered: "Being unobserved in ordinary life",
};

const MARI_ET: DraftInput = {
  language: "et",
  contextTitle: "Reaalajas biomeetriline tuvastamine avalikus ruumis",
  choice: "Eelmisel kevadel pidin otsustama, kas sõita bussiga jaamast mööda, kus on uued kaamerad, või minna pikemat teed.",
  noticed: [
    "Ma märkasin, et muutsin oma kõnnakut kaamerate juures.",
    "keegi ei öelnud, kes salvestab",
    "kaamerad jaamas",
    "kui raske oli teada saada, kes salvestisi hoiab",
    "kas keegi näeb salvestisi",
  ].join("\n"),
  mattered: "Mulle oli tähtis, et saan linnas liikuda ilma, et mind kataloogitakse",
};

describe("the guided draft, offline", () => {
  it("writes an English draft as phrases she would write, from her words", () => {
    const draft = draftFromAnswers(MARI_EN);
    expect(draft.policies).toEqual([
      "MOMENTS when I changed how I walked past the cameras",
      "MOMENTS when nobody told us who was recording",
      "MOMENTS when I notice the cameras at the station",
      "SIGNS of how hard it was to find out who keeps the footage",
      "SIGNS of whether anyone could see the footage",
    ]);
    expect(draft.title).toBe("Being unobserved in ordinary life");
    expect(draft.description).toBe(
      "What matters to me here is being unobserved in ordinary life. Last spring I had to decide whether to take the bus past the new cameras at the station or walk the long way round.",
    );
    expect(badForm(draft)).toEqual([]);
    for (const text of allText(draft)) expect(text, text).not.toMatch(ESTONIAN);
    expect(draft.policies.join(" ")).not.toMatch(/noticed/i);
    expect(draftGuidance(draft)).toEqual([]);
  });

  it("writes an Estonian draft in Estonian: heads with their comma, no English around her words", () => {
    const draft = draftFromAnswers(MARI_ET);
    expect(draft.policies).toEqual([
      "HETKED, mil muutsin oma kõnnakut kaamerate juures",
      "HETKED, mil keegi ei öelnud, kes salvestab",
      "HETKED, mil mulle jäävad silma kaamerad jaamas",
      "MÄRGID sellest, kui raske oli teada saada, kes salvestisi hoiab",
      "MÄRGID selle kohta, kas keegi näeb salvestisi",
    ]);
    expect(draft.title).toBe("Saan linnas liikuda ilma, et mind kataloogitakse");
    expect(draft.description.startsWith("Mulle oli tähtis, et saan linnas liikuda ilma, et mind kataloogitakse. Eelmisel kevadel pidin otsustama")).toBe(true);
    expect(badForm(draft)).toEqual([]);
    for (const text of allText(draft)) expect(text, text).not.toMatch(ENGLISH);
    expect(draft.policies.join(" ")).not.toMatch(/märkasin/i);
  });

  it("keeps her words: every word of what she noticed is in the draft, less the report of noticing", () => {
    for (const input of [MARI_EN, MARI_ET]) {
      const kept = new Set(
        draftFromAnswers(input)
          .policies.join(" ")
          .toLowerCase()
          .match(/\p{L}+/gu),
      );
      const hers = input.noticed
        .toLowerCase()
        .replace(/i noticed|ma märkasin, et/g, "")
        .match(/\p{L}+/gu)!;
      expect(hers.filter((word) => !kept.has(word))).toEqual([]);
    }
  });

  it("frames what mattered in her language when it is not yet a sentence", () => {
    expect(draftFromAnswers({ ...MARI_ET, mattered: "vabadus liikuda ilma jälgimiseta" }).description).toMatch(
      /^Mulle on siin tähtis vabadus liikuda ilma jälgimiseta\. /,
    );
    expect(draftFromAnswers({ ...MARI_ET, mattered: "et keegi ei loeks mind kokku" }).description).toMatch(/^Mulle on tähtis, et keegi ei loeks mind kokku\. /);
    expect(draftFromAnswers({ ...MARI_EN, mattered: "that nobody counts me" }).description).toMatch(/^It matters to me that nobody counts me\. /);
    // Her own first-person sentence is kept as she wrote it, with her "i" made a capital.
    expect(draftFromAnswers({ ...MARI_EN, mattered: "i want to walk without being catalogued" }).description).toMatch(
      /^I want to walk without being catalogued\. /,
    );
    // Her frame is dropped from the title, her reason too: the description keeps both.
    const framed = draftFromAnswers({ ...MARI_EN, mattered: "What mattered most was privacy in the street, because my mother was followed" });
    expect(framed.title).toBe("Privacy in the street");
    expect(framed.description).toMatch(/^What mattered most was privacy in the street, because my mother was followed\. /);
  });

  it("pads nothing when her answers are thin: the guidance says what to add, in her language's words", () => {
    const thin = draftFromAnswers({ ...MARI_ET, noticed: "kaamerad", mattered: "vabadus" });
    expect(thin.policies).toEqual(["HETKED, mil mulle jäävad silma kaamerad"]);
    expect(thin.title).toBe("Vabadus");
    expect(draftGuidance(thin)).toEqual([{ code: "add_policies", count: 1 }]);
    for (const text of allText(thin)) expect(text).not.toMatch(ENGLISH);

    const nothing = draftFromAnswers({ ...MARI_EN, noticed: "I noticed", mattered: "It mattered to me that" });
    expect(nothing.policies).toEqual([]);
    expect(draftGuidance(nothing)).toEqual([{ code: "name_value" }, { code: "add_policies", count: 2 }]);
    expect(nothing.description).not.toMatch(/this choice comes up again|what matters here is kept/i);
  });

  it("asks for a shorter title when what mattered is a long sentence", () => {
    const long = draftFromAnswers({ ...MARI_EN, mattered: "being able to move through the whole city every single day without feeling catalogued" });
    expect(draftGuidance(long)).toContainEqual({ code: "shorten_title" });
  });

  it("a draft from her real answers is a value for the quality gate", () => {
    for (const input of [MARI_EN, MARI_ET]) {
      const draft = draftFromAnswers(input);
      const gate = valueClassifyTask.offline({ ...draft, contextTitle: input.contextTitle, language: input.language });
      expect(gate.verdict, gate.reason).toBe("value");
    }
  });
});

describe("one thing she noticed, as a policy", () => {
  it.each([
    ["I noticed I changed how I walked past the cameras.", "en", "MOMENTS when I changed how I walked past the cameras"],
    ["i noticed that i was walking faster", "en", "MOMENTS when I was walking faster"],
    ["moments when I felt watched", "en", "MOMENTS when I felt watched"],
    ["Moments moments when I felt watched", "en", "MOMENTS when I felt watched"],
    ["MOMENTS MOMENTS when I felt watched", "en", "MOMENTS when I felt watched"],
    ["the places where people gather", "en", "PLACES where people gather"],
    ["where people gather without a reason", "en", "PLACES where people gather without a reason"],
    ["who decides where the cameras go", "en", "PEOPLE who decides where the cameras go"],
    ["to know who is recording and why", "en", "WAYS to know who is recording and why"],
    ["how the police use the footage", "en", "WAYS the police use the footage"],
    ["being watched at the station", "en", "MOMENTS of being watched at the station"],
    ["no sign saying who records", "en", "MOMENTS when there is no sign saying who records"],
    ["CCTV cameras at every corner", "en", "MOMENTS when I notice CCTV cameras at every corner"],
    ["Tartu station had no signs, and people in Tartu did not know", "en", "MOMENTS when Tartu station had no signs, and people in Tartu did not know"],
    ["märkasin, et kaamerad salvestavad kõike", "et", "HETKED, mil kaamerad salvestavad kõike"],
    ["hetked mil tundsin end jälgituna", "et", "HETKED, mil tundsin end jälgituna"],
    ["hetk, kui keegi vaatas", "et", "HETKED, kui keegi vaatas"],
    ["kui keegi ei selgitanud midagi", "et", "HETKED, mil keegi ei selgitanud midagi"],
    ["kus inimesed kogunevad ilma põhjuseta", "et", "KOHAD, kus inimesed kogunevad ilma põhjuseta"],
    ["kuidas politsei salvestisi kasutab", "et", "VIISID, kuidas politsei salvestisi kasutab"],
    ["kes otsustab, kuhu kaamerad pannakse", "et", "INIMESED, kes otsustab, kuhu kaamerad pannakse"],
    ["hirm inimeste silmis", "et", "HETKED, mil mulle jääb silma hirm inimeste silmis"],
    ["VIISID hoida isiklik suhtlus rahaasjadest lahus", "et", "VIISID hoida isiklik suhtlus rahaasjadest lahus"],
  ] as const)("%s → %s", (line, language, policy) => {
    expect(asAttentionalPolicy(line, language)).toBe(policy);
  });

  it("keeps every value card's policies of the corpus as they are, in both languages", () => {
    const values = GATE_CORPUS.filter((e) => e.label === "value");
    expect(values.some((e) => e.lang === "et")).toBe(true);
    const changed = values.flatMap((e) =>
      e.card.policies
        .filter((p) => /^\p{Lu}{3,}[\s,]/u.test(p))
        .map((p): [string, string] => [p, asAttentionalPolicy(p, e.lang)])
        .filter(([p, out]) => out !== p.trim().replace(/[.;,!]+$/, "")),
    );
    expect(changed).toEqual([]);
  });
});

describe("the language of the draft", () => {
  it("is the language of her answers, whatever the page's", () => {
    expect(answersLanguage(MARI_ET, "en")).toBe("et");
    expect(answersLanguage(MARI_EN, "et")).toBe("en");
  });

  it("is the page's when her answers do not say", () => {
    const bare = { choice: "Tartu, 2024: kaamerabuss", noticed: "Kaamerad", mattered: "Privaatsus" };
    expect(writtenLanguage(bare.choice, bare.noticed, bare.mattered)).toBeNull();
    expect(answersLanguage(bare, "et")).toBe("et");
    expect(answersLanguage(bare, "en")).toBe("en");
  });

  it("is told to the model, which is held to it; her answers are not in its instructions", () => {
    expect(draftValueTask.instructions).toMatch(/"language"/);
    expect(draftValueTask.instructions).not.toContain(MARI_ET.choice);
    const english = { title: "Being unobserved", description: "I want to walk without being watched by the cameras.", policies: ["MOMENTS when I am watched"] };
    expect(draftValueTask.validate!(english, MARI_ET)).toHaveLength(1);
    expect(draftValueTask.validate!(english, MARI_EN)).toEqual([]);
    expect(draftValueTask.validate!(draftFromAnswers(MARI_ET), MARI_ET)).toEqual([]);
  });
});
