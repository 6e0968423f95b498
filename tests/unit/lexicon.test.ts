import { describe, expect, it } from "vitest";
import { CONCEPTS, DISCRETION, FEARING_CUES, FREEDOMS, MODALITY } from "../../deliberation/reading/lexicon.js";

const VALENCES = ["safeguard", "intrusion", "goal", "scope"];
const byKey = new Map(CONCEPTS.map((c) => [c.key, c]));

/** A form as the reader compares it: without the whole-word marker. */
const normal = (form: string) =>
  form
    .split(/\s+/)
    .map((t) => t.replace(/^=/, ""))
    .join(" ");

describe("the reader's lexicon", () => {
  it("has unique keys", () => {
    expect(new Set(CONCEPTS.map((c) => c.key)).size).toBe(CONCEPTS.length);
  });

  it("gives every concept English and Estonian forms, a valence and labels in both languages", () => {
    for (const c of CONCEPTS) {
      expect(VALENCES, c.key).toContain(c.valence);
      expect(c.en.length, `${c.key} en`).toBeGreaterThan(0);
      expect(c.et.length, `${c.key} et`).toBeGreaterThan(0);
      expect(c.label.en.trim(), c.key).not.toBe("");
      expect(c.label.et.trim(), c.key).not.toBe("");
    }
  });

  it("writes forms in lower case, NFC, without empty tokens, a gap never at an end", () => {
    for (const c of CONCEPTS) {
      for (const form of [...c.en, ...c.et, ...(c.except?.en ?? []), ...(c.except?.et ?? [])]) {
        expect(form, c.key).toBe(form.toLowerCase().normalize("NFC"));
        const tokens = form.trim().split(/\s+/);
        expect(tokens.every((t) => t.replace(/^=/, "").length > 0)).toBe(true);
        expect(tokens[0], `${c.key}: ${form}`).not.toBe("…");
        expect(tokens[tokens.length - 1], `${c.key}: ${form}`).not.toBe("…");
      }
    }
  });

  it("has no form claimed by two concepts in one language", () => {
    for (const language of ["en", "et"] as const) {
      const owner = new Map<string, string>();
      for (const c of CONCEPTS) {
        for (const form of c[language]) {
          const key = normal(form);
          const other = owner.get(key);
          expect(other === undefined || other === c.key, `${language} "${form}": ${other} and ${c.key}`).toBe(true);
          owner.set(key, c.key);
        }
      }
    }
  });

  it("has no form that is also one of the same concept's exceptions", () => {
    for (const c of CONCEPTS) {
      for (const language of ["en", "et"] as const) {
        const except = new Set((c.except?.[language] ?? []).map(normal));
        for (const form of c[language]) expect(except.has(normal(form)), `${c.key}: ${form}`).toBe(false);
      }
    }
  });

  it("points opposites, related concepts, scopes and goals at concepts that exist, of the right kind", () => {
    for (const c of CONCEPTS) {
      for (const o of c.opposites ?? []) {
        const other = byKey.get(o);
        expect(other, `${c.key} → ${o}`).toBeDefined();
        expect(other!.opposites ?? [], `${o} should list ${c.key} back`).toContain(c.key);
        expect(["safeguard", "intrusion"]).toContain(other!.valence);
      }
      for (const r of c.related ?? []) {
        expect(byKey.get(r), `${c.key} ~ ${r}`).toBeDefined();
        expect(r).not.toBe(c.key);
      }
      for (const w of c.within ?? []) {
        expect(c.valence).toBe("scope");
        expect(byKey.get(w)?.valence, `${c.key} within ${w}`).toBe("scope");
      }
      for (const g of c.serves ?? []) {
        expect(c.valence).toBe("intrusion");
        expect(byKey.get(g)?.valence, `${c.key} serves ${g}`).toBe("goal");
      }
      if (c.exclusive) expect(c.valence).toBe("safeguard");
    }
    for (const f of FREEDOMS) expect(byKey.get(f)?.valence).toBe("safeguard");
  });

  it("opposes a safeguard to an intrusion, never two of a kind", () => {
    for (const c of CONCEPTS) for (const o of c.opposites ?? []) expect(byKey.get(o)!.valence).not.toBe(c.valence);
  });

  it("has modality cues of every kind in both languages", () => {
    for (const language of ["en", "et"] as const) {
      const cues = MODALITY[language];
      for (const kind of ["required", "permitted", "prohibited", "excused", "negation", "without", "limit", "exception"] as const) {
        expect(cues[kind].length, `${language} ${kind}`).toBeGreaterThan(0);
      }
      // A cue of one kind is never a cue of another (the longer one decides, so identical ones would conflict).
      const owner = new Map<string, string>();
      for (const [kind, forms] of Object.entries(cues)) {
        for (const form of forms as readonly string[]) {
          const key = normal(form);
          expect(owner.get(key) === undefined || owner.get(key) === kind, `${language} "${form}"`).toBe(true);
          owner.set(key, kind);
        }
      }
      expect(DISCRETION[language].length).toBeGreaterThan(0);
      expect(FEARING_CUES[language].length).toBeGreaterThan(0);
    }
  });

  it("is data: every entry is a plain object with string arrays", () => {
    expect(JSON.parse(JSON.stringify(CONCEPTS))).toEqual(CONCEPTS);
    expect(JSON.parse(JSON.stringify(MODALITY))).toEqual(MODALITY);
  });
});
