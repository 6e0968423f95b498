import { describe, expect, it } from "vitest";
import { ALL, DEV, FRESH, HOLDOUT, optionIds } from "../fixtures/representation/index.js";
import type { Scenario, Stance } from "../fixtures/representation/types.js";

/** The value keys used in any mandate of the scenario. */
function mandateValues(s: Scenario): string[] {
  return [...new Set(s.constituencies.flatMap((c) => c.mandate.map((m) => m.value)))];
}

/**
 * The gold stance rule, from the gold readings of the clerk's clauses (see the corpus brief):
 * oppose when a clerk's clause erodes a top value and no other option of that clause (alternative,
 * replace or strike) stops eroding it; amend when every such erosion could be turned around, or when
 * nothing erodes a top value but one is silent in every clerk's clause and some alternative or
 * amendment honours it; support otherwise.
 */
function stanceFromReadings(s: Scenario, c: Scenario["constituencies"][number]): Stance {
  const r = s.gold.readings;
  const verdict = (option: string, value: string) => r[option]?.[value];
  const top = [...c.mandate]
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((m) => m.value);
  const ids = optionIds(s);
  const clauseOptions = (k: number): string[] => {
    const alternatives = ids.filter((id) => id.startsWith(`c${k}a`));
    const replacements = s.amendments.flatMap((m, i) => (m.action === "replace" && m.clause === k ? [`m${i + 1}`] : []));
    return [...alternatives, ...replacements];
  };
  const struck = (k: number) => s.amendments.some((m) => m.action === "strike" && m.clause === k);
  let eroded = false;
  let unfixable = false;
  for (let k = 1; k <= s.clauses.length; k++) {
    for (const v of top) {
      if (verdict(`c${k}`, v) !== "erodes") continue;
      eroded = true;
      const fixable = struck(k) || clauseOptions(k).some((o) => verdict(o, v) !== "erodes");
      if (!fixable) unfixable = true;
    }
  }
  if (eroded) return unfixable ? "oppose" : "amend";
  const others = ids.filter((id) => !/^c\d+$/.test(id));
  for (const v of top) {
    const silentInClerk = s.clauses.every((_, i) => verdict(`c${i + 1}`, v) === "silent");
    if (silentInClerk && others.some((o) => verdict(o, v) === "honours")) return "amend";
  }
  return "support";
}

describe("representation corpus", () => {
  it("has enough scenarios, in both languages and both splits", () => {
    expect(ALL.length).toBeGreaterThanOrEqual(12);
    expect(ALL.length).toBe(DEV.length + HOLDOUT.length + FRESH.length);
    expect(DEV.length).toBeGreaterThanOrEqual(1);
    expect(HOLDOUT.length).toBeGreaterThanOrEqual(1);
    expect(ALL.filter((s) => s.language === "et").length).toBeGreaterThanOrEqual(4);
    expect(HOLDOUT.filter((s) => s.language === "et").length).toBeGreaterThanOrEqual(1);
  });

  it("has unique scenario ids, and unique constituency ids within a scenario", () => {
    expect(new Set(ALL.map((s) => s.id)).size).toBe(ALL.length);
    for (const s of ALL) expect(new Set(s.constituencies.map((c) => c.id)).size, s.id).toBe(s.constituencies.length);
  });

  describe.each(ALL.map((s) => [s.id, s] as const))("%s", (_id, s) => {
    it("has 3–6 clauses, 0–2 alternatives, 1–3 amendments, 2–4 constituencies", () => {
      expect(s.clauses.length).toBeGreaterThanOrEqual(3);
      expect(s.clauses.length).toBeLessThanOrEqual(6);
      expect(s.alternatives.length).toBeLessThanOrEqual(2);
      expect(s.amendments.length).toBeGreaterThanOrEqual(1);
      expect(s.amendments.length).toBeLessThanOrEqual(3);
      expect(s.constituencies.length).toBeGreaterThanOrEqual(2);
      expect(s.constituencies.length).toBeLessThanOrEqual(4);
      for (const clause of s.clauses) expect(clause.trim().length).toBeGreaterThan(0);
    });

    it("points alternatives and amendments at existing clauses", () => {
      const n = s.clauses.length;
      for (const a of s.alternatives) {
        expect(Number.isInteger(a.clause)).toBe(true);
        expect(a.clause).toBeGreaterThanOrEqual(1);
        expect(a.clause).toBeLessThanOrEqual(n);
        expect(a.text.trim().length).toBeGreaterThan(0);
      }
      for (const m of s.amendments) {
        expect(Number.isInteger(m.clause)).toBe(true);
        expect(m.clause).toBeGreaterThanOrEqual(m.action === "add" ? 0 : 1);
        expect(m.clause).toBeLessThanOrEqual(n);
        if (m.action === "strike") expect(m.text).toBe("");
        else expect(m.text.trim().length).toBeGreaterThan(0);
        expect(s.values[m.value], `amendment value ${m.value}`).toBeDefined();
      }
    });

    it("has well-formed value cards", () => {
      for (const [key, v] of Object.entries(s.values)) {
        expect(v.title.trim().length, key).toBeGreaterThan(0);
        expect(v.description.trim().length, key).toBeGreaterThan(0);
        expect(v.policies.length, key).toBeGreaterThanOrEqual(2);
        expect(v.policies.length, key).toBeLessThanOrEqual(6);
      }
    });

    it("has mandates of 3–5 existing values, sorted by weight, summing to 1", () => {
      for (const c of s.constituencies) {
        expect(c.citizens, c.id).toBeGreaterThan(0);
        expect(c.mandate.length, c.id).toBeGreaterThanOrEqual(3);
        expect(c.mandate.length, c.id).toBeLessThanOrEqual(5);
        expect(new Set(c.mandate.map((m) => m.value)).size, c.id).toBe(c.mandate.length);
        for (const m of c.mandate) expect(s.values[m.value], `${c.id}: ${m.value}`).toBeDefined();
        const sum = c.mandate.reduce((t, m) => t + m.weight, 0);
        expect(Math.abs(sum - 1), c.id).toBeLessThanOrEqual(1e-6);
        for (let i = 1; i < c.mandate.length; i++) {
          expect(c.mandate[i - 1]?.weight ?? 0, c.id).toBeGreaterThanOrEqual(c.mandate[i]?.weight ?? 0);
        }
      }
    });

    it("has a gold verdict for every option with text × every mandate value, and no other", () => {
      const ids = optionIds(s);
      const values = mandateValues(s);
      expect(Object.keys(s.gold.readings).sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const row = s.gold.readings[id];
        expect(row, id).toBeDefined();
        expect(Object.keys(row ?? {}).sort(), id).toEqual([...values].sort());
        for (const v of values) expect(["honours", "erodes", "silent"], `${id} × ${v}`).toContain(row?.[v]);
      }
    });

    it("gives every constituency the stance the rule derives from the gold readings", () => {
      expect(Object.keys(s.gold.stances).sort()).toEqual(s.constituencies.map((c) => c.id).sort());
      for (const c of s.constituencies) expect(s.gold.stances[c.id], c.id).toBe(stanceFromReadings(s, c));
    });
  });

  it("derives option ids as documented", () => {
    const s: Scenario = {
      id: "t",
      language: "en",
      title: "t",
      context: "t",
      clauses: ["A.", "B.", "C."],
      alternatives: [
        { clause: 3, text: "C'." },
        { clause: 1, text: "A'." },
        { clause: 3, text: "C''." },
      ],
      amendments: [
        { action: "strike", clause: 2, text: "", value: "x" },
        { action: "add", clause: 3, text: "D.", value: "x" },
      ],
      values: {},
      constituencies: [],
      gold: { readings: {}, stances: {} },
    };
    expect(optionIds(s)).toEqual(["c1", "c2", "c3", "c3a1", "c1a1", "c3a2", "m2"]);
  });
});
