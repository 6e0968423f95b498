import { describe, expect, it } from "vitest";
import { amendmentFate } from "../../app/components/clauses";
import { translator } from "../../app/i18n/translate";

// Slot 0: the clerk's clause 1 and a citizen's rewording; slot 1: clause 2 and a citizen's strike of it; slot 2: an added clause.
// The deliberation names a citizen's amendment "m:<its id>", as the matter service gives it the options.
const rule = [{ options: [{ id: "c1" }, { id: "m:mine-reword" }] }, { options: [{ id: "c2" }, { id: "m:mine-strike" }] }, { options: [{ id: "m:mine-add" }] }];

describe("what became of her amendment", () => {
  it("her words are a clause of the text, with its number there", () => {
    const clauses = [
      { optionId: "m:mine-reword", number: 1 },
      { optionId: "c2", number: 2 },
    ];
    expect(amendmentFate({ id: "mine-reword", action: "replace" }, rule, clauses)).toEqual({ kind: "in", number: 1 });
    expect(amendmentFate({ id: "mine-add", action: "add" }, rule, clauses)).toEqual({ kind: "out" });
    expect(amendmentFate({ id: "mine-strike", action: "strike" }, rule, clauses)).toEqual({ kind: "out" });
  });

  it("a strike made it when no wording of its clause is left", () => {
    const clauses = [
      { optionId: "c1", number: 1 },
      { optionId: "m:mine-add", number: 2 },
    ];
    expect(amendmentFate({ id: "mine-strike", action: "strike" }, rule, clauses)).toEqual({ kind: "struck" });
    expect(amendmentFate({ id: "mine-add", action: "add" }, rule, clauses)).toEqual({ kind: "in", number: 2 });
  });

  it("is said in the reader's language, for the text that stands", () => {
    expect(translator("en")("amendments.fate.in", { text: "ratified", number: 1 })).toBe("In the ratified text: it is clause 1.");
    expect(translator("et")("amendments.fate.out", { text: "draft" })).toBe("Otsuse eelnõusse see ei jõudnud.");
    expect(translator("ru")("amendments.fate.struck", { text: "ballot", clause: 2 })).toBe(
      "В тексте, поставленном на голосование, пункт 2 исключён, как вы и предлагали.",
    );
  });
});
