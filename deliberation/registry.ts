/**
 * The citizen registry's rules, free of I/O: an Estonian-style personal code (isikukood, 11 digits
 * with a check digit) and the row checks of a census import.
 */
const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3];

export function personalCodeCheckDigit(first10: string): number {
  const digits = [...first10].map(Number);
  const sum = (weights: number[]) => digits.reduce((acc, d, i) => acc + d * weights[i]!, 0);
  let check = sum(WEIGHTS_1) % 11;
  if (check === 10) {
    check = sum(WEIGHTS_2) % 11;
    if (check === 10) check = 0;
  }
  return check;
}

export function isValidPersonalCode(code: string): boolean {
  if (!/^[1-6]\d{10}$/.test(code)) return false;
  return personalCodeCheckDigit(code.slice(0, 10)) === Number(code[10]);
}

export interface RegistryRow {
  personalCode: string;
  fullName: string;
  district: string;
  email: string | null;
}

export interface RowProblem {
  /** 1-based line in the file, the header being line 1. */
  line: number;
  column: string;
  message: string;
}

export const REGISTRY_COLUMNS = ["personal_code", "full_name", "district", "email"] as const;
export const REGISTRY_MAX_ROWS = 2_000_000;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks parsed CSV records (header first). Returns the rows, or every problem found. */
export function checkRegistryRecords(records: string[][]): { rows: RegistryRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(REGISTRY_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof REGISTRY_COLUMNS)[number], number>;
  for (const column of ["personal_code", "full_name", "district"] as const) {
    if (index[column] < 0) problems.push({ line: 1, column, message: `The header has no "${column}" column.` });
  }
  if (problems.length > 0) return { rows: [], problems };
  if (records.length - 1 > REGISTRY_MAX_ROWS) {
    return { rows: [], problems: [{ line: 1, column: "", message: `A registry file may hold at most ${REGISTRY_MAX_ROWS} rows.` }] };
  }

  const rows: RegistryRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const cell = (c: (typeof REGISTRY_COLUMNS)[number]) => (index[c] >= 0 ? (record[index[c]] ?? "").trim() : "");
    const personalCode = cell("personal_code");
    const fullName = cell("full_name");
    const district = cell("district");
    const email = cell("email").toLowerCase();
    const before = problems.length;
    if (!isValidPersonalCode(personalCode)) {
      problems.push({
        line,
        column: "personal_code",
        message: `"${personalCode.slice(0, 40)}" is not a valid personal code (11 digits with a correct check digit).`,
      });
    } else if (seen.has(personalCode)) {
      problems.push({ line, column: "personal_code", message: `The personal code repeats line ${seen.get(personalCode)}.` });
    }
    if (fullName.length === 0 || fullName.length > 200) problems.push({ line, column: "full_name", message: "A name of 1 to 200 characters is required." });
    if (district.length === 0 || district.length > 100) problems.push({ line, column: "district", message: "A district of 1 to 100 characters is required." });
    if (email && (email.length > 254 || !EMAIL.test(email)))
      problems.push({ line, column: "email", message: `"${email.slice(0, 60)}" is not an email address.` });
    if (problems.length === before) {
      seen.set(personalCode, line);
      rows.push({ personalCode, fullName, district, email: email || null });
    }
  });
  return { rows, problems };
}
