import { describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { fieldErrors } from "../../app/utils/form-errors.js";
import { MatterDraft } from "../../deliberation/matters.js";
import { recordText } from "../../deliberation/record-text.js";

describe("text for a public record", () => {
  const text = recordText({ min: 1, max: 200 });

  it("turns a pasted manual line break into a newline and keeps tabs, newlines and every real character", () => {
    expect(text.parse(" Automated\u000Bdecisions\tabout\r\npeople 🇪🇪 Õigus ютф ")).toBe("Automated\ndecisions\tabout\r\npeople 🇪🇪 Õigus ютф");
  });

  it("refuses every other control character, U+FFFE, U+FFFF and a lone surrogate, naming it", () => {
    const refused = [
      ...Array.from({ length: 32 }, (_, i) => i).filter((i) => ![9, 10, 11, 13].includes(i)),
      ...Array.from({ length: 33 }, (_, i) => 0x7f + i),
      0xfffe,
      0xffff,
      0xd800,
      0xdc00,
    ];
    for (const code of refused) {
      const result = text.safeParse(`a${String.fromCharCode(code)}b`);
      expect(result.success, `U+${code.toString(16)}`).toBe(false);
      expect(result.error?.issues[0]?.message).toContain(`(U+${code.toString(16).toUpperCase().padStart(4, "0")})`);
    }
    expect(text.safeParse("a\uD83C\uDDEA\uD83C\uDDEAb").success).toBe(true); // a surrogate pair is a character
  });

  it("says so at the field, in the person's language", () => {
    const result = MatterDraft.shape.clauses.safeParse(["A clause long enough to be read.", "Another\u0001 clause long enough."]);
    const fields = fieldErrors(result.error!.issues);
    expect(fields["1"]).toEqual({ key: "errors.field.controlCharacter", params: { character: "U+0001" } });
    expect(translator("en")("errors.field.controlCharacter", fields["1"]!.params)).toBe(
      "This text holds a control character (U+0001) that a published record cannot carry: delete it and type that part again.",
    );
    expect(translator("et")("errors.field.controlCharacter", fields["1"]!.params)).toContain("(U+0001)");
  });
});
