import { describe, expect, it } from "vitest";
import { trackedParts } from "../../app/components/tracked-changes";

const marked = (before: string, after: string) =>
  trackedParts(before, after)
    .map((p) => (p.added ? `[+${p.value}]` : p.removed ? `[-${p.value}]` : p.value))
    .join("");

/** What the marks leave: the new text without what was removed, which must be exactly the text published. */
const newText = (before: string, after: string) =>
  trackedParts(before, after)
    .filter((p) => !p.removed)
    .map((p) => p.value)
    .join("");

describe("tracked changes", () => {
  it("a clause put in another's place with other words is struck whole and the new one shown whole", () => {
    const before = "1. Real-time remote biometric identification of people in publicly accessible spaces is prohibited.\n2. Every use is recorded.";
    const after = "1. The police may identify a person in real time only with a judge's prior approval.\n2. Every use is recorded.";
    expect(marked(before, after)).toBe(
      "1. [-Real-time remote biometric identification of people in publicly accessible spaces is prohibited. ][+The police may identify a person in real time only with a judge's prior approval.]\n2. Every use is recorded.",
    );
    expect(newText(before, after)).toBe(after);
  });

  it("a clause edited in place is marked word by word; a clause added is marked whole and those after it only renumbered", () => {
    const before = "1. The police may use it for at most 48 hours.\n2. Images are deleted at once.\n3. A register is kept.";
    const after =
      "1. The police may use it for at most 24 hours.\n2. Images are deleted at once.\n3. No system may identify people at a demonstration.\n4. A register is kept.";
    expect(marked(before, after)).toBe(
      "1. The police may use it for at most [-48][+24] hours.\n2. Images are deleted at once.\n[+3. No system may identify people at a demonstration.]\n[-3][+4]. A register is kept.",
    );
    expect(newText(before, after)).toBe(after);
  });

  it("a struck clause is struck whole", () => {
    expect(marked("1. A.\n2. Images are deleted.\n3. C.", "1. A.\n2. C.")).toBe("1. A.\n[-2. Images are deleted.]\n[-3][+2]. C.");
  });
});
