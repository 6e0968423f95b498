import { describe, expect, it } from "vitest";
import { labelLines } from "../../app/components/graph-picture.js";

describe("a value's label in the picture of the moral graph", () => {
  it("keeps a short title on one line", () => {
    expect(labelLines("1. Curiosity")).toEqual(["1. Curiosity"]);
  });

  it("breaks a longer title between words, never inside one", () => {
    expect(labelLines("4. A teacher who knows my child")).toEqual(["4. A teacher who", "knows my child"]);
  });

  it("ends a title that needs more than two lines in an ellipsis on the second", () => {
    const lines = labelLines("3. Abi lapsele, kelle perel pole raha eratundideks");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("3. Abi lapsele,");
    expect(lines[1]!.endsWith("…")).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
  });

  it("keeps a rank with the word after it, and cuts every line to its length", () => {
    const lines = labelLines("2. Andmekaitseinspektsiooni järelevalve üle kõige");
    expect(lines[0]!.startsWith("2. Andmekaitse")).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
    for (const line of labelLines("Rahvastikuregistriandmete kasutamine")) expect(line.length).toBeLessThanOrEqual(20);
  });

  it("cuts one word longer than a line", () => {
    const [line] = labelLines("Rechtsschutzversicherungsgesellschaften");
    expect(line!.length).toBeLessThanOrEqual(20);
    expect(line!.endsWith("…")).toBe(true);
  });
});
