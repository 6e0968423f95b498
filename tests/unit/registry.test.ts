import { describe, expect, it } from "vitest";
import { demoCitizen, personalCode } from "../../db/factories.js";
import { checkRegistryRecords, isValidPersonalCode, personalCodeCheckDigit } from "../../deliberation/registry.js";

describe("Estonian personal codes", () => {
  it("accepts known-valid codes", () => {
    expect(isValidPersonalCode("37605030299")).toBe(true);
    expect(isValidPersonalCode("49403136526")).toBe(true);
    expect(personalCodeCheckDigit("3760503029")).toBe(9);
    expect(personalCodeCheckDigit("4940313652")).toBe(6);
  });

  it("refuses a wrong check digit", () => {
    expect(isValidPersonalCode("37605030298")).toBe(false);
    // Every other last digit of a valid code is wrong.
    for (let d = 0; d <= 9; d++) expect(isValidPersonalCode(`3760503029${d}`)).toBe(d === 9);
  });

  it("uses the second weights when the first give 10, and 0 when both do", () => {
    // 3760503006: first-weights sum 87 (mod 11 = 10), second-weights sum 147 (mod 11 = 4).
    expect(personalCodeCheckDigit("3760503006")).toBe(4);
    expect(isValidPersonalCode("37605030064")).toBe(true);
    // 3760503092: both weightings give 10, so the check digit is 0.
    expect(personalCodeCheckDigit("3760503092")).toBe(0);
    expect(isValidPersonalCode("37605030920")).toBe(true);
  });

  it("refuses anything that is not 11 digits starting with 1..6", () => {
    for (const code of [
      "",
      "3760503029",
      "376050302990",
      "07605030299",
      "77605030299",
      "3760503029x",
      " 37605030299",
      "37605030299 ",
      "3760503029.9",
      "-3760503029",
    ]) {
      expect(isValidPersonalCode(code), JSON.stringify(code)).toBe(false);
    }
  });

  it("the factories only make valid, distinct codes", () => {
    const codes = Array.from({ length: 500 }, (_, i) => demoCitizen(i + 1).personalCode);
    for (const code of codes) expect(isValidPersonalCode(code), code).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(personalCode(7, new Date(Date.UTC(2004, 1, 29)))).toMatch(/^5040229007\d$/);
    expect(personalCode(8, new Date(Date.UTC(1999, 11, 31)))).toMatch(/^4991231008\d$/);
  });
});

describe("registry rows", () => {
  const header = ["personal_code", "full_name", "district", "email"];

  it("reads good rows, trimming cells, lowercasing emails and keeping a missing email as null", () => {
    const { rows, problems } = checkRegistryRecords([
      header,
      ["37605030299", "  Mari Tamm ", "Tartu", " Mari.Tamm@Example.EE "],
      ["49403136526", "Liis Lepp", "Tallinn", ""],
    ]);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { personalCode: "37605030299", fullName: "Mari Tamm", district: "Tartu", email: "mari.tamm@example.ee" },
      { personalCode: "49403136526", fullName: "Liis Lepp", district: "Tallinn", email: null },
    ]);
  });

  it("finds columns by header name, in any order and case, and the email column is optional", () => {
    const { rows, problems } = checkRegistryRecords([
      ["District", "FULL_NAME", " personal_code "],
      ["Ida-Viru", "Jaan Sepp", "37605030299"],
    ]);
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ personalCode: "37605030299", fullName: "Jaan Sepp", district: "Ida-Viru", email: null }]);
  });

  it("reports every required column the header lacks, on line 1", () => {
    expect(
      checkRegistryRecords([
        ["email", "full_name"],
        ["a@b.ee", "X"],
      ]),
    ).toEqual({
      rows: [],
      problems: [
        { line: 1, column: "personal_code", message: expect.stringContaining("personal_code") },
        { line: 1, column: "district", message: expect.stringContaining("district") },
      ],
    });
    expect(checkRegistryRecords([]).problems.map((p) => p.column)).toEqual(["personal_code", "full_name", "district"]);
  });

  it("reports each bad row by line (the header is line 1) and column, and keeps only clean rows", () => {
    const { rows, problems } = checkRegistryRecords([
      header,
      ["37605030299", "Mari Tamm", "Tartu", "mari@example.ee"], // 2: good
      ["37605030298", "Bad Digit", "Tartu", ""], // 3
      ["49403136526", "", "", "not-an-email"], // 4: three problems
      ["37605030299", "Mari Again", "Tartu", ""], // 5: repeats line 2
      ["37605030064", "Short Row"], // 6: no district cell
      ["37605030920", "x".repeat(201), "d".repeat(101), `${"a".repeat(250)}@example.ee`], // 7
    ]);
    expect(rows.map((r) => r.personalCode)).toEqual(["37605030299"]);
    expect(problems.map(({ line, column }) => `${line}:${column}`)).toEqual([
      "3:personal_code",
      "4:full_name",
      "4:district",
      "4:email",
      "5:personal_code",
      "6:district",
      "7:full_name",
      "7:district",
      "7:email",
    ]);
    expect(problems.find((p) => p.line === 5)!.message).toMatch(/repeats line 2/);
    for (const problem of problems) expect(problem.message.length).toBeGreaterThan(10);
  });

  it("does not echo a huge bad cell back in full", () => {
    const { problems } = checkRegistryRecords([header, ["9".repeat(10_000), "X", "Y", "z".repeat(10_000)]]);
    for (const problem of problems) expect(problem.message.length).toBeLessThan(200);
  });
});
