import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { en, type MessageKey } from "../../app/i18n/en";
import { et } from "../../app/i18n/et";
import { LOCALES, type Locale } from "../../app/i18n/locales";
import { ru } from "../../app/i18n/ru";
import { translator } from "../../app/i18n/translate";

const catalogues = { en, et, ru } as Record<Locale, Record<string, string>>;

/** The parser's element types (TYPE in @formatjs/icu-messageformat-parser, which intl-messageformat wraps). */
const LITERAL = 0;
const PLURAL = 6;
const POUND = 7;
const TAG = 8;
type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }>; children?: Element[] };

/** Every argument a message takes, which of them it selects a plural form by, and each plural's forms. */
function argumentsOf(message: string, locale: Locale = "en"): { all: Set<string>; plural: Set<string>; forms: string[][] } {
  const all = new Set<string>();
  const plural = new Set<string>();
  const forms: string[][] = [];
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      if (element.type === LITERAL || element.type === POUND) continue;
      if (element.type === TAG) walk(element.children ?? []);
      else if (element.value !== undefined) all.add(element.value);
      if (element.type === PLURAL && element.value !== undefined) {
        plural.add(element.value);
        forms.push(Object.keys(element.options ?? {}));
      }
      for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as Element[]);
  return { all, plural, forms };
}

/**
 * Messages whose call sites pass numbers that a noun agrees with, and the arguments the noun follows.
 * Where the languages put the noun by a different number ("1 of 3 critiques" / "1 hinnang 3-st"),
 * each language says its own.
 */
const COUNTED: Record<string, string[] | Record<Locale, string[]>> = {
  "values.contextValues": ["count"],
  "values.endorsedCount": ["count", "judgments"],
  "admin.registry.applied": ["rows", "inserted"],
  "admin.registry.rejected": ["count"],
  "admin.registry.total": ["count"],
  "ledger.verified": ["length"],
  "graph.summary": ["values", "edges", "judgments"],
  "matters.settings": ["rounds", "candidates"],
  "matters.sunset": ["days"],
  "convening.constituency": ["size"],
  "deliberation.represents": ["citizens"],
  "deliberation.approval": { en: ["total"], et: ["weight"], ru: ["total"] },
  "deliberation.critiquesIn": { en: ["of"], et: ["done"], ru: ["done"] },
  "deliberation.budgetTooSmall": ["spent"],
  "harm.lead": ["count", "threshold"],
  "harm.touched": ["count"],
  "verify.ledger.ok": ["events"],
  "verify.mandates.ok": ["count"],
  "verify.tally.ok": ["votes"],
  "ballot.rules": ["eligible"],
  "audit.cards": ["count", "endorsements"],
  "values.inMandate": ["size"],
  "values.notInThisMandate": ["size"],
  "auth.tooManyAttempts": ["minutes"],
  "errors.field.tooShort": ["minimum"],
  "errors.field.tooLong": ["maximum"],
  "errors.field.tooFew": ["minimum"],
  "errors.field.tooMany": ["maximum"],
  "room.schulze.entry": ["citizens"],
  "room.presence": ["citizens"],
  "ballot.chartLabel": ["eligible"],
  "ballot.chartCaption": ["eligible"],
  "event.matter.convened": ["count"],
  "event.registry.imported": ["count"],
};

/** A `count` that is not followed by a noun: a number in brackets after a heading. */
const BARE_COUNT = new Set(["room.critiques"]);

describe("the message catalogues", () => {
  it("have the same keys in every language", () => {
    for (const locale of LOCALES) expect(Object.keys(catalogues[locale]).sort(), locale).toEqual(Object.keys(en).sort());
  });

  it("give every key a text of its own in every language", () => {
    const empty = LOCALES.flatMap((locale) =>
      Object.keys(en)
        .filter((key) => !catalogues[locale][key]?.trim())
        .map((key) => `${locale} ${key}`),
    );
    expect(empty).toEqual([]);
  });

  it("hold only messages that compile as ICU MessageFormat", () => {
    const broken: string[] = [];
    for (const [locale, messages] of Object.entries(catalogues)) {
      for (const [key, message] of Object.entries(messages)) {
        try {
          new IntlMessageFormat(message, locale);
        } catch (error) {
          broken.push(`${locale} ${key}: ${(error as Error).message}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("take the same placeholders in every language", () => {
    const differing = LOCALES.flatMap((locale) =>
      Object.keys(en)
        .filter((key) => key in catalogues[locale])
        .filter((key) => {
          const a = [...argumentsOf(en[key as MessageKey]).all].sort();
          const b = [...argumentsOf(catalogues[locale][key] ?? "", locale).all].sort();
          return a.join() !== b.join();
        })
        .map((key) => `${locale} ${key}`),
    );
    expect(differing).toEqual([]);
  });

  it("write every plural with each form the language's plural rules pick", () => {
    // Intl.PluralRules says which forms a language has: English and Estonian one/other, Russian
    // one/few/many/other ("1 ценность", "2 ценности", "5 ценностей", "1,5 ценности").
    const lacking: string[] = [];
    for (const locale of LOCALES) {
      const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [key, message] of Object.entries(catalogues[locale])) {
        for (const forms of argumentsOf(message, locale).forms) {
          const missing = needed.filter((form) => !forms.includes(form));
          // A plural with `other` alone (besides exact =N cases) only writes its number the language's way: no noun agrees.
          const numberOnly = forms.filter((form) => !form.startsWith("=")).join() === "other";
          if (missing.length > 0 && !numberOnly) lacking.push(`${locale} ${key}: ${missing.join(", ")}`);
        }
      }
    }
    expect(lacking).toEqual([]);
  });

  it("choose a plural form wherever a noun follows a count", () => {
    const missing: string[] = [];
    for (const [key, spec] of Object.entries(COUNTED)) {
      for (const locale of LOCALES) {
        const message = catalogues[locale][key];
        expect(message, `${locale} ${key}`).toBeDefined();
        const wanted = Array.isArray(spec) ? spec : spec[locale];
        const { plural } = argumentsOf(message ?? "");
        for (const name of wanted) if (!plural.has(name)) missing.push(`${locale} ${key} {${name}}`);
      }
    }
    // Any message with a `count` must say it in the plural, so a new "{count} things" fails here.
    for (const [locale, messages] of Object.entries(catalogues)) {
      for (const [key, message] of Object.entries(messages)) {
        const { all, plural } = argumentsOf(message);
        if (all.has("count") && !plural.has("count") && !BARE_COUNT.has(key)) missing.push(`${locale} ${key} {count}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("plural forms as people read them", () => {
  const en_ = translator("en");
  const et_ = translator("et");

  it("says one value and two values", () => {
    expect(en_("values.contextValues", { count: 1 })).toBe("1 value");
    expect(en_("values.contextValues", { count: 2 })).toBe("2 values");
    expect(en_("values.contextValues", { count: 0 })).toBe("0 values");
    expect(et_("values.contextValues", { count: 1 })).toBe("1 väärtus");
    expect(et_("values.contextValues", { count: 2 })).toBe("2 väärtust");
  });

  it("agrees nouns in longer sentences", () => {
    expect(en_("admin.registry.total", { count: 1 })).toBe("1 citizen in the registry.");
    expect(en_("admin.registry.total", { count: 72 })).toBe("72 citizens in the registry.");
    expect(et_("admin.registry.total", { count: 1 })).toBe("Registris on 1 kodanik.");
    expect(et_("admin.registry.total", { count: 72 })).toBe("Registris on 72 kodanikku.");
    expect(en_("deliberation.represents", { citizens: 1 })).toBe("speaks for 1 citizen");
    expect(et_("deliberation.represents", { citizens: 1 })).toBe("esindab üht kodanikku");
    expect(et_("deliberation.represents", { citizens: 212 })).toBe("esindab 212 kodanikku");
    expect(en_("harm.lead", { count: 1, threshold: 3 })).toMatch(/^1 report so far\. .* at 3 reports the ruling/);
    expect(en_("harm.lead", { count: 0, threshold: 1 })).toMatch(/^No reports so far\. .* at 1 report the ruling/);
    expect(et_("harm.lead", { count: 2, threshold: 1 })).toMatch(/^Seni 2 teadet\. .* ühe teate juures/);
    expect(en_("auth.tooManyAttempts", { minutes: 1 })).toBe("Too many sign-in attempts. Try again in 1 minute.");
    expect(et_("values.endorsedCount", { count: 1, judgments: 1 })).toBe("Oled toetanud üht väärtust ja andnud ühe hinnangu.");
    expect(et_("values.endorsedCount", { count: 3, judgments: 2 })).toBe("Oled toetanud 3 väärtust ja andnud 2 hinnangut.");
  });

  it("writes large numbers the language's way and a year as given", () => {
    expect(en_("admin.registry.total", { count: 1300000 })).toBe("1,300,000 citizens in the registry.");
    expect(et_("admin.registry.total", { count: 1300000 })).toBe("Registris on 1\u00a0300\u00a0000 kodanikku.");
    expect(en_("ledger.title", { stream: 2026 })).toBe("Ledger: 2026");
  });

  it("agrees Russian nouns with 1, 2, 5 and 21 as a Russian reader expects", () => {
    const ru_ = translator("ru");
    const values = [1, 2, 5, 21].map((count) => ru_("values.contextValues", { count }));
    expect(values).toEqual(["1 ценность", "2 ценности", "5 ценностей", "21 ценность"]);
    const registry = [1, 2, 5, 21].map((count) => ru_("admin.registry.total", { count }));
    expect(registry).toEqual(["В регистре 1 гражданин.", "В регистре 2 гражданина.", "В регистре 5 граждан.", "В регистре 21 гражданин."]);
    // Governed by a preposition, the same noun takes its genitive: "от имени 1 гражданина", "5 граждан".
    const speaks = [1, 2, 5, 21].map((citizens) => ru_("deliberation.represents", { citizens }));
    expect(speaks).toEqual(["говорит от имени 1 гражданина", "говорит от имени 2 граждан", "говорит от имени 5 граждан", "говорит от имени 21 гражданина"]);
    const minutes = [1, 2, 5, 21].map((minutes) => ru_("auth.tooManyAttempts", { minutes }));
    expect(minutes.map((m) => m.replace(/^.*через /, ""))).toEqual(["1 минуту.", "2 минуты.", "5 минут.", "21 минуту."]);
    expect(ru_("values.endorsedCount", { count: 5, judgments: 2 })).toBe("Вы поддержали 5 ценностей и вынесли 2 суждения.");
    expect(ru_("harm.lead", { count: 0, threshold: 5 })).toMatch(/^Сообщений пока нет\. .* при 5 сообщениях постановление/);
    expect(ru_("admin.registry.total", { count: 1300000 })).toBe("В регистре 1\u00a0300\u00a0000 граждан.");
  });

  it("reads a field's bounds in the plural too", () => {
    expect(en_("errors.field.tooShort", { minimum: 10 })).toBe("Write at least 10 characters.");
    expect(et_("errors.field.tooShort", { minimum: 1 })).toBe("Kirjuta vähemalt 1 märk.");
  });
});
