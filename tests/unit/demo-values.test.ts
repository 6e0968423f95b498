import { describe, expect, it } from "vitest";
import {
  DEMO_CARDS,
  DEMO_CONTEXTS,
  DEMO_ENDORSEMENTS,
  DEMO_JUDGMENT_BIAS,
  DEMO_VALUE_FOUNDERS,
  DEMO_VALUES,
  demoDistrict,
  judgmentAnswer,
  judgmentOdds,
  type DemoCard,
} from "../../db/demo-values.js";
import { demoCitizen } from "../../db/factories.js";
import { cardTokens, createCanonicalIndex, sameValue } from "../../deliberation/values/dedupe.js";
import { classifyOffline } from "../../deliberation/values/gate.js";
import { ValueCardDraft } from "../../deliberation/values/types.js";

/** The demo registry: citizens 1..72 (db/seed.ts, DEMO_CITIZENS). */
const DEMO_CITIZENS = 72;
const contextIds = new Set<string>(DEMO_CONTEXTS.map((c) => c.id));
const contextTitle = (id: string) => DEMO_CONTEXTS.find((c) => c.id === id)!.title;
const valuesIn = (contextId: string) => new Set(DEMO_CARDS.filter((c) => c.contextId === contextId).map((c) => c.value));
const label = (i: number) => `#${i} ${DEMO_CARDS[i]!.value} "${DEMO_CARDS[i]!.title}"`;
/** Paraphrases in another language are not expected to merge offline; the demo keeps each value in one language. */
const MAX_DEDUPE_OUTLIERS = 3;

describe("demo contexts", () => {
  it("are the four contexts of the demo, each with titles in both languages and a description", () => {
    expect(DEMO_CONTEXTS.map((c) => c.id)).toEqual([
      "ai-decisions-about-people",
      "ai-media-in-elections",
      "ai-tutors-for-children",
      "biometric-identification-public-spaces",
    ]);
    expect(DEMO_CONTEXTS.find((c) => c.id === "biometric-identification-public-spaces")!.title).toBe("Real-time biometric identification in public spaces");
    for (const c of DEMO_CONTEXTS) {
      expect(c.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.titleEt).not.toBe(c.title);
      expect(c.titleEt).toMatch(/[a-zäöõü]/);
      expect(c.description).toMatch(/^[A-Z].+\.$/);
    }
  });
});

describe("demo value cards", () => {
  it("are 60–80 cards, each a valid ValueCardDraft", () => {
    expect(DEMO_CARDS.length).toBeGreaterThanOrEqual(60);
    expect(DEMO_CARDS.length).toBeLessThanOrEqual(80);
    for (const [i, card] of DEMO_CARDS.entries()) {
      const parsed = ValueCardDraft.safeParse({ title: card.title, description: card.description, policies: [...card.policies] });
      expect(parsed.success, `${label(i)}: ${parsed.success ? "" : parsed.error.message}`).toBe(true);
      // Capitals-first attentional policies.
      for (const policy of card.policies) expect(policy, label(i)).toMatch(/^\p{Lu}{3,}[\s,]/u);
    }
  });

  it("are written by registry citizens, in existing contexts, for known values", () => {
    const values = new Map<string, (typeof DEMO_VALUES)[number]>(DEMO_VALUES.map((v) => [v.id, v]));
    for (const [i, card] of DEMO_CARDS.entries()) {
      expect(Number.isInteger(card.citizen), label(i)).toBe(true);
      expect(card.citizen, label(i)).toBeGreaterThanOrEqual(1);
      expect(card.citizen, label(i)).toBeLessThanOrEqual(DEMO_CITIZENS);
      expect(contextIds.has(card.contextId), label(i)).toBe(true);
      const value = values.get(card.value);
      expect(value, label(i)).toBeDefined();
      expect(card.contextId, label(i)).toBe(value!.contextId);
      expect(card.wisdom, label(i)).toBe(value!.wisdom);
    }
  });

  it("give each citizen at most one card per context, and most of them to citizens without accounts", () => {
    const seen = new Set<string>();
    for (const [i, card] of DEMO_CARDS.entries()) {
      const key = `${card.citizen}:${card.contextId}`;
      expect(seen.has(key), label(i)).toBe(false);
      seen.add(key);
    }
    const fromAccounts = DEMO_CARDS.filter((c) => c.citizen <= 12).length;
    expect(fromAccounts).toBeLessThanOrEqual(DEMO_CARDS.length / 10);
    // Mari (citizen 1) and citizens 2–3 write their own.
    expect(DEMO_CARDS.filter((c) => c.citizen <= 3)).toEqual([]);
  });

  it("hold 5–8 distinct values per context, 2+ cards for most values, with differing supports", () => {
    for (const context of DEMO_CONTEXTS) {
      const cards = DEMO_CARDS.filter((c) => c.contextId === context.id);
      const values = valuesIn(context.id);
      expect(values.size, context.id).toBeGreaterThanOrEqual(5);
      expect(values.size, context.id).toBeLessThanOrEqual(8);
      const holders = [...values].map((v) => cards.filter((c) => c.value === v).length);
      expect(holders.filter((n) => n >= 2).length, context.id).toBeGreaterThanOrEqual(values.size - 1);
      expect(Math.max(...holders), context.id).toBeGreaterThan(Math.min(...holders));
      // Some values are wiser than others in every context.
      expect(new Set(cards.map((c) => c.wisdom)).size, context.id).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(DEMO_CARDS.map((c) => c.value)).size).toBe(DEMO_VALUES.length);
  });

  it("are about a quarter in Estonian, and the dedupe reads each card in its language", () => {
    const et = DEMO_CARDS.filter((c) => c.lang === "et").length;
    expect(et / DEMO_CARDS.length).toBeGreaterThanOrEqual(0.2);
    expect(et / DEMO_CARDS.length).toBeLessThanOrEqual(0.35);
    for (const [i, card] of DEMO_CARDS.entries()) expect(cardTokens(card).language, label(i)).toBe(card.lang);
  });

  it("include Mari's value, held by several Tartu citizens, and a minority value of Ida-Viru", () => {
    const founder = DEMO_CARDS[DEMO_VALUE_FOUNDERS.get("bio-unobserved")!]!;
    expect(founder).toMatchObject({
      contextId: "biometric-identification-public-spaces",
      title: "Being unobserved in ordinary life",
      description: "I want to move through the city without feeling catalogued.",
      policies: [
        "MOMENTS when I change how I act because I might be watched",
        "SPACES where people gather without needing a reason",
        "WAYS a person can know who is recording and why",
      ],
    });
    const unobserved = DEMO_CARDS.filter((c) => c.value === "bio-unobserved");
    expect(unobserved.filter((c) => demoDistrict(c.citizen) === "Tartu").length).toBeGreaterThanOrEqual(3);
    for (const c of DEMO_CARDS) expect(demoDistrict(c.citizen)).toBe(demoCitizen(c.citizen).district);
    const appeals = DEMO_CARDS.filter((c) => c.value === "dec-russian-appeals");
    expect(appeals.length).toBeGreaterThanOrEqual(2);
    expect(appeals.every((c) => demoDistrict(c.citizen) === "Ida-Viru")).toBe(true);
    expect(DEMO_CARDS.some((c) => c.value === "bio-missing-child")).toBe(true);
  });

  it("each classify as a value by the offline quality gate", () => {
    const rejected = DEMO_CARDS.flatMap((card, i) => {
      const verdict = classifyOffline({
        title: card.title,
        description: card.description,
        policies: [...card.policies],
        contextTitle: contextTitle(card.contextId),
      });
      return verdict.verdict === "value" ? [] : [`${label(i)} → ${verdict.verdict}: ${verdict.signals.join("; ")}`];
    });
    expect(rejected).toEqual([]);
  });
});

describe("demo paraphrases and the offline dedupe", () => {
  const founders = [...DEMO_VALUE_FOUNDERS.entries()];

  it("put the first card of each value before its paraphrases", () => {
    for (const [i, card] of DEMO_CARDS.entries()) expect(DEMO_VALUE_FOUNDERS.get(card.value)!, label(i)).toBeLessThanOrEqual(i);
  });

  it("merge paraphrases into the first card of their value, and keep distinct values apart", () => {
    const outliers: string[] = [];
    for (const [i, card] of DEMO_CARDS.entries()) {
      const founder = DEMO_VALUE_FOUNDERS.get(card.value)!;
      if (founder !== i) {
        const s = sameValue(card, DEMO_CARDS[founder]!);
        if (!s.same) outliers.push(`${label(i)}: ${s.similarity.toFixed(2)} to its own value`);
      }
      for (const [value, j] of founders) {
        if (value === card.value || DEMO_CARDS[j]!.contextId !== card.contextId) continue;
        const s = sameValue(card, DEMO_CARDS[j]!);
        if (s.same) outliers.push(`${label(i)}: ${s.similarity.toFixed(2)} to ${value}`);
      }
    }
    expect(outliers.length, outliers.join("\n")).toBeLessThanOrEqual(MAX_DEDUPE_OUTLIERS);
  });

  it("give one canonical value per distinct value when intake runs in order", () => {
    const mismatches: string[] = [];
    for (const context of DEMO_CONTEXTS) {
      const index = createCanonicalIndex();
      const canonicalOf = new Map<string, string>();
      for (const [i, card] of DEMO_CARDS.entries()) {
        if (card.contextId !== context.id) continue;
        const match = index.match(card);
        if (match === null) {
          index.add({ id: String(i), title: card.title, description: card.description, policies: card.policies });
          canonicalOf.set(String(i), card.value);
          if (DEMO_VALUE_FOUNDERS.get(card.value) !== i) mismatches.push(`${label(i)} founds a second canonical`);
        } else if (canonicalOf.get(match.id) !== card.value) {
          mismatches.push(`${label(i)} merges into ${canonicalOf.get(match.id)} (${match.similarity.toFixed(2)})`);
        }
      }
    }
    expect(mismatches.length, mismatches.join("\n")).toBeLessThanOrEqual(MAX_DEDUPE_OUTLIERS);
  });
});

describe("demo endorsements", () => {
  const holds = (citizen: number, value: string) => DEMO_CARDS.some((c) => c.citizen === citizen && c.value === value);

  it("are about 150, of existing cards in the right context, by registry citizens", () => {
    expect(DEMO_ENDORSEMENTS.length).toBeGreaterThanOrEqual(120);
    expect(DEMO_ENDORSEMENTS.length).toBeLessThanOrEqual(180);
    for (const e of DEMO_ENDORSEMENTS) {
      const card = DEMO_CARDS[e.cardIndex];
      expect(card, JSON.stringify(e)).toBeDefined();
      expect(e.contextId).toBe(card!.contextId);
      expect(contextIds.has(e.contextId)).toBe(true);
      expect(e.citizen).toBeGreaterThanOrEqual(1);
      expect(e.citizen).toBeLessThanOrEqual(DEMO_CITIZENS);
    }
  });

  it("never endorse one's own card or value, nor a value twice", () => {
    const seen = new Set<string>();
    for (const e of DEMO_ENDORSEMENTS) {
      const card = DEMO_CARDS[e.cardIndex]!;
      expect(card.citizen, JSON.stringify(e)).not.toBe(e.citizen);
      expect(holds(e.citizen, card.value), JSON.stringify(e)).toBe(false);
      const key = `${e.citizen}:${card.value}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it("leave the accounts of citizens 1–12 free to endorse, and make supports differ", () => {
    expect(DEMO_ENDORSEMENTS.filter((e) => e.citizen <= 12)).toEqual([]);
    const support = (value: string) =>
      DEMO_CARDS.filter((c) => c.value === value).length + DEMO_ENDORSEMENTS.filter((e) => DEMO_CARDS[e.cardIndex]!.value === value).length;
    for (const context of DEMO_CONTEXTS) {
      const supports = [...valuesIn(context.id)].map(support);
      expect(Math.max(...supports), context.id).toBeGreaterThanOrEqual(2 * Math.min(...supports));
    }
    // The minority value community of Ida-Viru endorses its own.
    const appeals = DEMO_ENDORSEMENTS.filter((e) => DEMO_CARDS[e.cardIndex]!.value === "dec-russian-appeals");
    expect(appeals.length).toBeGreaterThan(0);
    expect(appeals.every((e) => demoDistrict(e.citizen) === "Ida-Viru")).toBe(true);
  });
});

describe("demo judgments", () => {
  it("are deterministic", () => {
    for (let citizen = 1; citizen <= 72; citizen += 7) {
      for (let pair = 0; pair < 40; pair++) {
        for (const [from, to] of [
          [2, 4],
          [4, 2],
          [3, 3],
          [1, 5],
        ] as const) {
          expect(judgmentAnswer(from, to, citizen, pair)).toBe(judgmentAnswer(from, to, citizen, pair));
        }
      }
    }
  });

  it("say wiser mostly for wiser values, not wiser mostly for narrower ones, and are mixed for equals", () => {
    const tally = (from: number, to: number) => {
      const counts = { wiser: 0, not_wiser: 0, unsure: 0 };
      for (let citizen = 1; citizen <= 72; citizen++) for (let pair = 0; pair < 30; pair++) counts[judgmentAnswer(from, to, citizen, pair)]++;
      const total = 72 * 30;
      return { wiser: counts.wiser / total, not_wiser: counts.not_wiser / total, unsure: counts.unsure / total };
    };
    const up = tally(2, 3);
    expect(up.wiser).toBeGreaterThan(0.6);
    expect(up.not_wiser).toBeGreaterThan(0.05); // dissent exists
    // Passes the moral graph's agreement bar: (wiser − lessWise) / total ≥ 0.33.
    expect(up.wiser - up.not_wiser).toBeGreaterThanOrEqual(0.33);
    const down = tally(4, 2);
    expect(down.not_wiser).toBeGreaterThan(0.7);
    expect(down.wiser - down.not_wiser).toBeLessThan(0);
    const same = tally(3, 3);
    expect(same.unsure).toBeGreaterThan(0.25);
    expect(same.wiser).toBeGreaterThan(0.15);
    expect(same.not_wiser).toBeGreaterThan(0.15);
    expect(Math.abs(same.wiser - same.not_wiser)).toBeLessThan(0.33);
  });

  it("have odds that sum to one and grow with the wisdom gap", () => {
    for (const odds of Object.values(DEMO_JUDGMENT_BIAS)) expect(odds.wiser + odds.not_wiser + odds.unsure).toBeCloseTo(1, 9);
    expect(judgmentOdds(1, 5)).toEqual(DEMO_JUDGMENT_BIAS[2]);
    expect(judgmentOdds(5, 1)).toEqual(DEMO_JUDGMENT_BIAS[-2]);
    expect(judgmentOdds(1, 3).wiser).toBeGreaterThan(judgmentOdds(1, 2).wiser);
    expect(judgmentOdds(1, 2).wiser).toBeGreaterThan(judgmentOdds(2, 2).wiser);
  });

  it("rank, in each context, a value that integrates more concerns above the narrowest", () => {
    const card = (value: string): DemoCard => DEMO_CARDS[DEMO_VALUE_FOUNDERS.get(value)!]!;
    expect(card("bio-bounded-search").wisdom).toBeGreaterThan(card("bio-crowd-safety").wisdom);
    expect(card("dec-learning-from-errors").wisdom).toBeGreaterThan(card("dec-contestable").wisdom);
    for (const context of DEMO_CONTEXTS) {
      const wisdoms = DEMO_CARDS.filter((c) => c.contextId === context.id).map((c) => c.wisdom);
      expect(Math.max(...wisdoms) - Math.min(...wisdoms), context.id).toBeGreaterThanOrEqual(2);
    }
  });
});
