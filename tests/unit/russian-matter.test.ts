import { describe, expect, it } from "vitest";
import { judge, scenarioStarted } from "../../bench/lib/representation.js";
import { drive } from "../../deliberation/protocol/index.js";
import { draftHygiene } from "../../deliberation/reading/hygiene.js";
import { scenario } from "../fixtures/representation/dev/ru-kamery-v-avtobusah.js";

/**
 * A matter written in Russian, deliberated on the offline engine (decision 19 as amended): everything the
 * engine writes for it (the representatives' statements, the mediator's candidate names and rationales,
 * the draft's assessments, the readings' reasons) is Russian, with Russian typography.
 */

/** The text with everything in quotation marks taken out: what the engine wrote itself. */
const own = (text: string) => text.replace(/«[^«»]*(?:«[^«»]*»[^«»]*)*»/gu, "").replace(/„[^“]*“/gu, "");

function expectRussian(text: string, what: string): void {
  expect(text.trim(), what).not.toBe("");
  expect(/\p{Script=Cyrillic}/u.test(own(text)), `${what}: ${text}`).toBe(true);
  expect(/\p{Script=Latin}/u.test(own(text)), `${what} has Latin words outside its quotations: ${text}`).toBe(false);
  // Russian quotation marks and percentages: «…», a non-breaking space before %.
  expect(/[“”"]/u.test(own(text)), `${what}: ${text}`).toBe(false);
  if (text.includes("%")) expect(/\d\u00a0%/u.test(text), `${what}: ${text}`).toBe(true);
  expect(/\d %/u.test(text), `${what}: ${text}`).toBe(false);
}

describe("a matter in Russian, on the offline engine", async () => {
  const { state } = await drive(scenario.id, scenarioStarted(scenario, "offline"), { engine: null, concurrency: 2 });

  it("is read in Russian, against Russian, Estonian and English values", () => {
    expect(state.language).toBe("ru");
    const result = judge(scenario, state);
    const right = result.pairs.filter((p) => p.predicted === p.gold).length;
    // A dev scenario, tuned on: the figure a linguist's review would start from, not a measure of the reader.
    expect(right / result.pairs.length).toBeGreaterThanOrEqual(0.9);
    const decided = Object.values(state.readings).flatMap((byValue) => Object.values(byValue).filter((r) => r.verdict !== "silent"));
    expect(decided.length).toBeGreaterThanOrEqual(8);
    for (const r of decided) expectRussian(r.reason, `reason for ${r.optionId} × ${r.valueId}`);
    // The Estonian and English values are read too, and named by their own titles inside «».
    expect(decided.some((r) => r.valueId === "propavshie" && r.reason.includes("«Kadunud lapse kiire leidmine»"))).toBe(true);
    expect(decided.some((r) => r.valueId === "obzhalovanie" && r.reason.includes("«A say against a camera's match»"))).toBe(true);
  });

  it("has every representative state its position in Russian", () => {
    const positions = Object.values(state.positions);
    expect(positions.length).toBe(scenario.constituencies.length);
    for (const { position } of positions) {
      expect(position.summary).toMatch(/^(Поддерживаем|Поддерживаем с поправками|Выступаем против): предложение соблюдает \d+ из \d+ ценност/u);
      expectRussian(position.summary, "summary");
      for (const r of [...position.reasons, ...position.amendments]) expectRussian(r.text, "reason");
    }
    const anyAmendment = positions.flatMap((p) => p.position.amendments);
    expect(anyAmendment.some((a) => /^(Пункт \d+ в редакции «|Дополнительное положение «|Исключение пункта)/u.test(a.text))).toBe(true);
  });

  it("names and argues the mediator's candidates in Russian, and drafts a clean Russian rule", () => {
    const candidates = Object.values(state.candidates).flatMap((round) => Object.values(round));
    expect(candidates.length).toBeGreaterThan(0);
    for (const { candidate } of candidates) {
      expect(candidate.title).toMatch(/^Вариант \d+: /u);
      expectRussian(candidate.title, "candidate title");
      expectRussian(candidate.rationale, "rationale");
    }
    const draft = state.draft!;
    expect(draft).toBeTruthy();
    for (const s of draft.stances) {
      expectRussian(s.statement, "draft stance");
      expect(s.statement).toMatch(/(Мы можем это принять|Принять это мы не можем|изменения, о которых мы просим, это исправили бы)\.$/u);
    }
    expect(draftHygiene(draft.text, "ru")).toEqual([]);
    for (const line of draft.text.split("\n")) expect(line).toMatch(/^\d+\. \p{Script=Cyrillic}/u);
  });
});
