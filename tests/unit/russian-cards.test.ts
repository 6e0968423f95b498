import { describe, expect, it } from "vitest";
import { readOffline, valueProfile } from "../../deliberation/reading/offline.js";
import { conceptMentions } from "../../deliberation/values/concepts.js";
import { sameValue } from "../../deliberation/values/dedupe.js";
import { classifyOffline } from "../../deliberation/values/gate.js";
import { draftFromAnswers } from "../../deliberation/values/guided.js";
import { writtenLanguage } from "../../deliberation/values/language.js";
import { languageOf, stemRussian, wordsOf } from "../../deliberation/values/words.js";
import { GATE_BLIND_RU } from "../fixtures/gate-holdout-ru.js";
import { RUSSIAN_PAIRS } from "../fixtures/dedupe-pairs.js";
import { CONTEXT_TITLES, GATE_CORPUS } from "../fixtures/value-corpus.js";

/** Issue 17: a value card written in Russian is read by the gate, the dedupe and the reader. */

const RUSSIAN_VALUE = {
  valueId: "ru-explain",
  title: "Понимать, почему машина мне отказала",
  description: "Система отказала мне в пособии, и никто не смог объяснить, на основании чего.",
  policies: ["МОМЕНТЫ, когда решение приходит без объяснения причин", "СЛОВА, которыми мне объясняют, почему так решили"],
};

describe("Russian words", () => {
  it("stems a word's forms to one key, the verb and its -ение noun alike, ё as е", () => {
    const same = (words: string[]) => expect(new Set(words.map(stemRussian)).size, words.join(" ")).toBe(1);
    same(["решение", "решения", "решением", "решений"]);
    same(["объяснять", "объяснил", "объяснение", "объяснения"]);
    same(["удалять", "удаление", "удалили"]);
    same(["камеры", "камерами", "камер"]);
    same(["ребёнка", "ребенка"]);
    expect(stemRussian("школа")).not.toBe(stemRussian("шкала"));
    // Short words and Latin ones are left as they are.
    expect(stemRussian("дом")).toBe("дом");
    expect(stemRussian("camera")).toBe("camera");
  });

  it("knows a Russian text from an English or Estonian one that quotes a Russian word", () => {
    expect(languageOf([wordsOf(RUSSIAN_VALUE.title), wordsOf(RUSSIAN_VALUE.description)])).toBe("ru");
    expect(languageOf([wordsOf("MOMENTS when a clerk at the Narva office says «решение принято» and nothing more")])).toBe("en");
    expect(writtenLanguage(RUSSIAN_VALUE.title, RUSSIAN_VALUE.description)).toBe("ru");
    expect(writtenLanguage("HETKED, mil ametnik ütleb «решение принято» ja mitte midagi enamat")).toBe("et");
  });

  it("names the lexicon's concepts in Russian words, not in look-alikes", () => {
    const ids = (text: string) => conceptMentions(wordsOf(text), "ru").map((m) => m.id);
    expect(ids("никто не смог объяснить причины")).toContain("explanation");
    expect(ids("хочу обжаловать решение")).toEqual(expect.arrayContaining(["appeal", "decision"]));
    expect(ids("записи с камер удаляют")).toEqual(expect.arrayContaining(["surveillance", "deletion"]));
    expect(ids("решает живой человек")).toContain("human");
    // "удалённо" is working from home, not deleting anything.
    expect(ids("работаю удалённо")).not.toContain("deletion");
  });
});

describe("the gate on Russian cards", () => {
  const classify = (id: string) => {
    const entry = GATE_CORPUS.find((e) => e.id === id)!;
    return classifyOffline({ ...entry.card, contextTitle: CONTEXT_TITLES[entry.context], language: "ru" });
  };

  it("lets a Russian value in and tells her so in Russian", () => {
    const out = classify("ru-v-01");
    expect(out.verdict).toBe("value");
    expect(out.reason).toMatch(/^Это ценность/);
  });

  it("keeps the hard cases what they are: a first-person rule, a goal dressed as a value, a preference, a slogan, nonsense", () => {
    expect(classify("ru-r-02").verdict).toBe("rule"); // "Я считаю, что каждое … должно"
    expect(classify("ru-r-05").verdict).toBe("rule"); // "По моему мнению, полиция обязана"
    expect(classify("ru-g-01").verdict).toBe("goal"); // "Для меня важно, чтобы три ребёнка из четырёх"
    expect(classify("ru-p-02").verdict).toBe("preference");
    expect(classify("ru-s-01").verdict).toBe("slogan");
    expect(classify("ru-o-01").verdict).toBe("other");
    const injection = classify("ru-o-03");
    expect(injection.verdict).not.toBe("value");
    expect(injection.signals.join(" ")).toContain("other.instruction");
  });

  it("reads the Russian slice with accuracy ≥ 0.9 and lets no Russian non-value in", () => {
    const russian = GATE_CORPUS.filter((e) => e.lang === "ru");
    expect(russian.length).toBeGreaterThanOrEqual(30);
    const predicted = russian.map((e) => ({ e, v: classifyOffline({ ...e.card, contextTitle: CONTEXT_TITLES[e.context] }).verdict }));
    expect(predicted.filter((p) => p.v === p.e.label).length / russian.length).toBeGreaterThanOrEqual(0.9);
    expect(predicted.filter((p) => p.v === "value" && p.e.label !== "value")).toEqual([]);
  });

  it("holds up on the blind Russian holdout (figures only; its cards are not tuned on)", () => {
    const right = GATE_BLIND_RU.filter((e) => classifyOffline({ ...e.card, contextTitle: CONTEXT_TITLES[e.context] }).verdict === e.label).length;
    expect(right / GATE_BLIND_RU.length).toBeGreaterThanOrEqual(0.85);
  });

  it("gives generic Russian capitals-first policies nothing", () => {
    const slogan = GATE_CORPUS.find((e) => e.id === "ru-s-04")!;
    const dressed = classifyOffline({
      ...slogan.card,
      policies: ["МОМЕНТЫ, когда это важно", "СПОСОБЫ сделать лучше для всех", "ВЕЩИ, которые имеют значение"],
      contextTitle: CONTEXT_TITLES[slogan.context],
      language: "ru",
    });
    expect(dressed.verdict).not.toBe("value");
  });
});

describe("the dedupe on Russian cards", () => {
  it("merges a Russian paraphrase and a Russian card with its English and Estonian counterparts", () => {
    for (const pair of RUSSIAN_PAIRS.filter((p) => p.same)) expect(sameValue(pair.a, pair.b).same, pair.id).toBe(true);
  });

  it("keeps the antonym traps apart in Russian", () => {
    for (const pair of RUSSIAN_PAIRS.filter((p) => p.kind === "opposite")) {
      const verdict = sameValue(pair.a, pair.b);
      expect(verdict.same, pair.id).toBe(false);
      expect(verdict.traps.length, pair.id).toBeGreaterThan(0);
    }
  });
});

describe("the reader and a Russian value", () => {
  it("reads a Russian value's concerns and weighs it against an English and an Estonian clause", () => {
    const profile = valueProfile(RUSSIAN_VALUE);
    expect(profile.language).toBe("ru");
    expect(profile.concerns.get("explanation")?.stance).toBe("wants");
    const en = readOffline(
      { id: "c1", text: "The authority shall state the reasons for every automated decision in plain language.", language: "en" },
      RUSSIAN_VALUE,
    );
    expect(en.verdict).toBe("honours");
    const et = readOffline({ id: "c2", text: "Asutus ei pea automaatse otsuse põhjuseid selgitama.", language: "et" }, RUSSIAN_VALUE);
    expect(et.verdict).toBe("erodes");
    // The reason is in the matter's language, naming her value by its Russian title.
    expect(en.reason).toContain(RUSSIAN_VALUE.title);
  });
});

describe("the guided path in Russian", () => {
  it("drafts a Russian card from Russian answers, in Russian, with Russian policy heads", () => {
    const draft = draftFromAnswers({
      contextTitle: "Системы ИИ, которые принимают решения о людях",
      language: "ru",
      choice: "Мне отказали в пособии, и никто не мог объяснить почему.",
      noticed: "Кто принял решение\nМожно ли поговорить с человеком\nкогда письмо пришло без причин",
      mattered: "Чтобы меня выслушали",
    });
    expect(draft.policies).toEqual([
      "ПРИЗНАКИ того, кто принял решение",
      "ПРИЗНАКИ того, можно ли поговорить с человеком",
      "МОМЕНТЫ, когда письмо пришло без причин",
    ]);
    expect(draft.title).toBe("Меня выслушали");
    expect(draft.description).toMatch(/^Мне важно, чтобы меня выслушали\. Мне отказали в пособии/);
    expect(writtenLanguage(draft.title, draft.description, ...draft.policies)).toBe("ru");
  });
});
