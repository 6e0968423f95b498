import { describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate";

/** What the moral-graph page says it shows once a context has more values than the page holds (issue 15). */
describe("the moral-graph page's account of what it shows", () => {
  const en = translator("en");
  const et = translator("et");

  it("names the best ranked, the whole, and hers, in each language's words and numbers", () => {
    expect(en("graph.shown", { shown: 100, total: 3412, yours: 1 })).toBe("The 100 values ranked highest of 3,412, and yours.");
    expect(en("graph.shown", { shown: 100, total: 3412, yours: 0 })).toBe("The 100 values ranked highest of 3,412.");
    expect(en("graph.shown", { shown: 100, total: 3412, yours: 2 })).toBe("The 100 values ranked highest of 3,412, and your 2 values.");
    expect(et("graph.shown", { shown: 100, total: 3412, yours: 1 })).toBe("Siin on 100 kõrgeima kohaga väärtust 3412 väärtusest, lisaks sinu omale.");
    expect(et("graph.shown", { shown: 100, total: 34120, yours: 0 })).toBe("Siin on 100 kõrgeima kohaga väärtust 34\u00a0120 väärtusest.");
    expect(en("graph.shownEdges", { edges: 1, judgments: 250000 })).toBe("1 agreed wiser-than edge among them; 250,000 judgments in all.");
    expect(et("graph.shownEdges", { edges: 1, judgments: 1 })).toBe("Nende vahel 1 kokkulepitud „targem kui” seos; kokku 1 hinnang.");
    expect(en("graph.pictured", { shown: 12, yours: 1 })).toBe("The picture shows the 12 values ranked highest, and yours; the ranking lists the rest.");
    expect(et("graph.pictured", { shown: 12, yours: 0 })).toBe("Joonisel on 12 kõrgeima kohaga väärtust; ülejäänud on järjestuses.");
  });
});
