import { describe, expect, it } from "vitest";
import { demoCitizen, PERSONAL_CODE_CAPACITY, personalCode } from "../../db/factories.js";
import { checkRegistryRecords, isValidPersonalCode, personalCodeCheckDigit, RegistryChecker } from "../../deliberation/registry.js";

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

describe("the factory's personal codes", () => {
  /** The birth date a code states, or null when it names no real day. */
  const birthDate = (code: string): Date | null => {
    const century = [1800, 1800, 1900, 1900, 2000, 2000][Number(code[0]) - 1]!;
    const [year, month, day] = [century + Number(code.slice(1, 3)), Number(code.slice(3, 5)), Number(code.slice(5, 7))];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
  };

  it("never repeat over a census of 2 million, and every one is valid with a real birth date in the past", () => {
    // Sorted numbers rather than a Set: a Set of 2 million 11-digit numbers takes seconds to fill.
    const codes = new Float64Array(2_000_000);
    const today = Date.now();
    let invalid = 0;
    for (let i = 1; i <= codes.length; i++) {
      const code = personalCode(i);
      codes[i - 1] = Number(code);
      // Checking every code's date would double the test's time; every 97th is a wide sample.
      if (!isValidPersonalCode(code) || (i % 97 === 0 && !((birthDate(code)?.getTime() ?? today) < today))) invalid++;
    }
    codes.sort();
    let repeats = 0;
    for (let i = 1; i < codes.length; i++) if (codes[i] === codes[i - 1]) repeats++;
    expect(repeats).toBe(0);
    expect(invalid).toBe(0);
  }, 30_000);

  it("the sex digit alternates and neighbours are born on different days", () => {
    const [a, b, c] = [personalCode(1), personalCode(2), personalCode(3)];
    // Citizens 2 and 3 share a birth day and serial, and differ by sex; 1 and 2 are born years apart.
    expect(b.slice(1, 10)).toBe(c.slice(1, 10));
    expect(b[0]).not.toBe(c[0]);
    expect(Math.abs(Number(a.slice(1, 3)) - Number(b.slice(1, 3)))).toBeGreaterThan(1);
  });

  it("are distinct at the ends of the range and refuse an index past it", () => {
    const ends = [0, 1, PERSONAL_CODE_CAPACITY - 2, PERSONAL_CODE_CAPACITY - 1].map((i) => personalCode(i));
    expect(new Set(ends).size).toBe(4);
    for (const code of ends) expect(isValidPersonalCode(code), code).toBe(true);
    expect(() => personalCode(PERSONAL_CODE_CAPACITY)).toThrow(RangeError);
    expect(() => personalCode(-1)).toThrow(RangeError);
    expect(() => personalCode(1.5)).toThrow(RangeError);
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
        {
          line: 1,
          column: "personal_code",
          key: "registry.problem.noColumn",
          params: { column: "personal_code" },
          message: expect.stringContaining("personal_code"),
        },
        { line: 1, column: "district", key: "registry.problem.noColumn", params: { column: "district" }, message: expect.stringContaining("district") },
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

describe("the streaming registry checker", () => {
  it("names the line a repeated code first appeared on, far into a large census, and says it in keys a page translates", () => {
    const checker = new RegistryChecker();
    expect(checker.header(["personal_code", "full_name", "district"])).toEqual([]);
    // One expect for the 200,000 rows, not one each (200,000 expects took most of the test's time): the lines refused, none.
    const refused: number[] = [];
    for (let i = 1; i <= 200_000; i++) if (checker.row([personalCode(i), "Mari Tamm", "Tartu"], i + 1).row === null) refused.push(i + 1);
    expect(refused).toEqual([]);
    const again = checker.row([personalCode(123_456), "Mari Tamm", "Tartu"], 200_002);
    expect(again).toEqual({
      row: null,
      problems: [
        {
          line: 200_002,
          column: "personal_code",
          key: "registry.problem.repeats",
          params: { line: 123_457 },
          message: "The personal code repeats line 123457.",
        },
      ],
    });
    const bad = checker.row(["12345678901", "", "Tartu", ""], 200_003);
    expect(bad.problems.map((p) => [p.key, p.params])).toEqual([
      ["registry.problem.personalCode", { value: "12345678901" }],
      ["registry.problem.fullName", {}],
    ]);
  });
});
