import { describe, expect, it } from "vitest";
import { sayCandidate } from "../../app/components/deliberation";
import { changes, nameCandidates } from "../../app/components/room/names";
import { translator } from "../../app/i18n/translate";

const RULE = [
  "1. Real-time remote biometric identification of people in publicly accessible spaces is prohibited.",
  "2. The police may use it only to find a named missing child.",
  "3. Every use is recorded in a public register within 24 hours.",
  "4. Images of people who are not the person sought are deleted at once.",
].join("\n");

const rule = (...clauses: string[]) => clauses.map((c, i) => `${i + 1}. ${c}`).join("\n");
const [c1, c2, c3, c4] = RULE.split("\n").map((l) => l.replace(/^\d+\.\s*/, "")) as [string, string, string, string];
const PERMIT = "The police may identify a person in real time only with a judge's prior approval.";
const REGISTER = "Every use shall be recorded in a public register within 24 hours, with its error rates.";
const ASSEMBLY = "No system may identify people taking part in an assembly or a demonstration.";

describe("candidate names", () => {
  it("a clause put in another's place is that clause reworded, with its number, not a clause added", () => {
    expect(changes(RULE, rule(PERMIT, c2, c3, c4))).toEqual([
      { kind: "rewords", number: 1, clause: expect.stringMatching(/^The police may identify a person/) },
    ]);
  });

  it("a struck clause keeps its number; an added one is added; a rewording beside a strike pairs in order", () => {
    expect(changes(RULE, rule(c1, c2, c4)).map((c) => [c.kind, "number" in c ? c.number : null])).toEqual([["drops", 3]]);
    expect(changes(RULE, rule(c1, c2, ASSEMBLY, c3, c4)).map((c) => c.kind)).toEqual(["adds"]);
    expect(changes(RULE, rule(c1, c2, REGISTER)).map((c) => [c.kind, "number" in c ? c.number : null])).toEqual([
      ["rewords", 3],
      ["drops", 4],
    ]);
  });

  it("names each candidate by a change no earlier one is named by, else by what it changes, counted, in the reader's language", () => {
    const candidates = [
      { id: "a", text: rule(PERMIT, c2, c3, c4) },
      { id: "b", text: rule(PERMIT, c2, REGISTER, c4) },
      { id: "c", text: rule(PERMIT, c2, ASSEMBLY, c3, c4) },
      { id: "d", text: rule(PERMIT, c2, ASSEMBLY, REGISTER, c4) },
      { id: "e", text: RULE },
    ];
    const names = nameCandidates(RULE, candidates);
    const say = (locale: "en" | "et" | "ru") => candidates.map((c) => sayCandidate(translator(locale), names.get(c.id)));
    expect(say("en")).toEqual([
      "Rewords clause 1: “The police may identify a person in real time…”",
      "Rewords clause 3: “Every use shall be recorded in a public register…”",
      "Adds “No system may identify people taking part in an…”",
      "Changes: clauses 1, 3 reworded; one clause added",
      "The text unchanged",
    ]);
    expect(say("et")[0]).toBe("Punkt 1 uues sõnastuses: „The police may identify a person in real time…”");
    expect(say("et")[3]).toBe("Muudatused: punktid 1, 3 uues sõnastuses; üks punkt lisatud");
    expect(say("ru")[3]).toBe("Изменения: новая редакция пунктов 1, 3; добавлен 1 пункт");
    expect(new Set(say("ru")).size).toBe(candidates.length);
  });
});
