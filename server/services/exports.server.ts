import { createHmac } from "node:crypto";
import type { AppDeps } from "./deps.server.js";

/**
 * Anonymised open data of the moral graphs. Citizens appear only as stable pseudonyms (an HMAC of
 * their record id under the polity's secret), so rows of one person can be linked across files
 * without saying who she is. Times are rounded down to the hour, and the free-text "why" of a
 * judgment stays out: either could single a person out. Column layouts follow Polis exports.
 *
 * A file may hold every judgment of the polity (issue 15): it is read a page of EXPORT_PAGE rows at
 * a time, each page one short query walking a key (values by id, endorsements by their key,
 * judgments by creation time and id) from where the last stopped, with a turn of the event loop
 * between pages; nothing holds a transaction or the whole file.
 */
const HOUR_MS = 3600_000;
export const EXPORT_PAGE = 1000;

export type ExportKind = "values" | "endorsements" | "judgments";

function hourOf(iso: string): { timestamp: number; datetime: string } {
  const ms = Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS;
  return { timestamp: ms / 1000, datetime: new Date(ms).toISOString() };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function pseudonymOf(deps: AppDeps) {
  return (citizenId: string) => createHmac("sha256", deps.config.sessionSecret).update(`export:${citizenId}`).digest("hex").slice(0, 12);
}

async function* valuePages(deps: AppDeps, size: number) {
  const pseudonym = pseudonymOf(deps);
  let after: string | null = null;
  for (;;) {
    let query = deps.db
      .selectFrom("canonicalValues as cv")
      .leftJoin("graphScores as gs", (join) => join.onRef("gs.contextId", "=", "cv.contextId").onRef("gs.canonicalId", "=", "cv.id"))
      .leftJoin("valueCards as founder", "founder.id", "cv.sourceCardId")
      .select([
        "cv.id",
        "cv.contextId",
        "cv.title",
        "cv.description",
        "cv.policies",
        "cv.createdAt",
        "gs.score",
        "gs.rank",
        "gs.support",
        "gs.dissent",
        "founder.citizenId as founderId",
        "founder.verdict as founderVerdict",
      ]);
    if (after !== null) query = query.where("cv.id", ">", after);
    const page = await query.orderBy("cv.id").limit(size).execute();
    if (page.length === 0) return;
    const ids = page.map((v) => v.id);
    const active = await deps.db
      .selectFrom("valueCards")
      .select((eb) => ["canonicalId", eb.fn.countAll<number>().as("n")])
      .where("canonicalId", "in", ids)
      .where("status", "=", "active")
      .where("verdict", "=", "value")
      .groupBy("canonicalId")
      .execute();
    const cards = new Map(active.map((a) => [a.canonicalId!, Number(a.n)]));
    yield page.map((v) => ({
      ...hourOf(v.createdAt),
      valueId: v.id,
      contextId: v.contextId,
      authorId: v.founderId && v.founderVerdict === "value" ? pseudonym(v.founderId) : "",
      title: v.title,
      description: v.description,
      policies: JSON.parse(v.policies) as string[],
      cards: cards.get(v.id) ?? 0,
      support: v.support ?? 0,
      dissent: v.dissent ?? 0,
      score: v.score ?? 0,
      rank: v.rank ?? null,
    }));
    if (page.length < size) return;
    after = page[page.length - 1]!.id;
    await yieldToLoop();
  }
}

async function* endorsementPages(deps: AppDeps, size: number) {
  const pseudonym = pseudonymOf(deps);
  let after: { citizenId: string; canonicalId: string } | null = null;
  for (;;) {
    let query = deps.db
      .selectFrom("endorsements as e")
      .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
      .select(["e.citizenId", "e.canonicalId", "e.createdAt", "cv.contextId"]);
    if (after) {
      const { citizenId, canonicalId } = after;
      // The key's order, written so that both databases walk its index from there.
      query = query.where("e.citizenId", ">=", citizenId).where((eb) => eb.or([eb("e.citizenId", ">", citizenId), eb("e.canonicalId", ">", canonicalId)]));
    }
    const page = await query.orderBy("e.citizenId").orderBy("e.canonicalId").limit(size).execute();
    if (page.length === 0) return;
    yield page.map((e) => ({
      ...hourOf(e.createdAt),
      valueId: e.canonicalId,
      contextId: e.contextId,
      voterId: pseudonym(e.citizenId),
      vote: 1,
    }));
    if (page.length < size) return;
    after = page[page.length - 1]!;
    await yieldToLoop();
  }
}

async function* judgmentPages(deps: AppDeps, size: number) {
  const pseudonym = pseudonymOf(deps);
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    let query = deps.db
      .selectFrom("judgments as j")
      .innerJoin("valuePairs as p", "p.id", "j.pairId")
      .select(["j.id", "j.pairId", "j.citizenId", "j.answer", "j.createdAt", "p.fromId", "p.toId", "p.contextId"]);
    if (after) {
      const { createdAt, id } = after;
      // From the index on created_at: a range on it, the ties after the last id.
      query = query.where("j.createdAt", ">=", createdAt).where((eb) => eb.or([eb("j.createdAt", ">", createdAt), eb("j.id", ">", id)]));
    }
    const page = await query.orderBy("j.createdAt").orderBy("j.id").limit(size).execute();
    if (page.length === 0) return;
    yield page.map((j) => ({
      ...hourOf(j.createdAt),
      pairId: j.pairId,
      contextId: j.contextId,
      fromValueId: j.fromId,
      toValueId: j.toId,
      voterId: pseudonym(j.citizenId),
      answer: j.answer,
    }));
    if (page.length < size) return;
    after = page[page.length - 1]!;
    await yieldToLoop();
  }
}

/** A cell of the CSV files: text, a number, nothing, or a list (policies). */
export type CsvValue = string | number | null | readonly string[];
type CsvRow = Record<string, CsvValue | undefined>;

/**
 * What a spreadsheet takes for the start of a formula when a cell begins with it: OWASP's list (= + - @,
 * tab, carriage return), ASVS 1.2.10's NUL, a line feed for the same reason as a carriage return, and the
 * full-width forms of = + - @ that some spreadsheets read as the same; spaces before them do not help.
 */
const FORMULA_START = /^[\s\0]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n\0]/u;

/**
 * One CSV cell (RFC 4180 quoting). Text a citizen wrote that a spreadsheet would run as a formula
 * ("=HYPERLINK(…)", "+cmd|' /C calc'!A0") is made inert with a leading apostrophe, as OWASP advises;
 * numbers are ours and stay numbers. A cell holding a semicolon or a tab is quoted too: a spreadsheet set
 * up for Estonian or Russian splits a .csv on semicolons, and "Quiet;=cmd|…" would otherwise become a
 * cell of its own that starts a formula. Quotes hold whatever the separator.
 */
export function csvCell(value: CsvValue | undefined): string {
  if (typeof value === "number") return String(value);
  const joined = Array.isArray(value) ? value.join(" | ") : ((value as string | null | undefined) ?? "");
  const text = FORMULA_START.test(joined) ? `'${joined}` : joined;
  return /[",;\t\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value as Polis writes a comment: one body of title, description and policies. */
function valueRow(v: CsvRow): CsvRow {
  const policies = (v.policies ?? []) as string[];
  return { ...v, moderated: 1, body: `${v.title}: ${v.description} [${policies.join(" | ")}]` };
}

// Polis's comments.csv and votes.csv layouts, with our extra columns at the end: [header, field].
const CSV_COLUMNS: Record<ExportKind, [string, string][]> = {
  values: [
    ["timestamp", "timestamp"],
    ["datetime", "datetime"],
    ["comment-id", "valueId"],
    ["author-id", "authorId"],
    ["agrees", "support"],
    ["disagrees", "dissent"],
    ["moderated", "moderated"],
    ["comment-body", "body"],
    ["context-id", "contextId"],
    ["score", "score"],
    ["rank", "rank"],
  ],
  endorsements: [
    ["timestamp", "timestamp"],
    ["datetime", "datetime"],
    ["comment-id", "valueId"],
    ["voter-id", "voterId"],
    ["vote", "vote"],
    ["context-id", "contextId"],
  ],
  judgments: [
    ["timestamp", "timestamp"],
    ["datetime", "datetime"],
    ["pair-id", "pairId"],
    ["from-comment-id", "fromValueId"],
    ["to-comment-id", "toValueId"],
    ["voter-id", "voterId"],
    ["answer", "answer"],
    ["context-id", "contextId"],
  ],
};

/** The header line of a file's CSV. */
export function csvHeader(kind: ExportKind): string {
  return `${CSV_COLUMNS[kind].map(([header]) => header).join(",")}\n`;
}

/** A page of a file's rows as CSV lines. */
export function csvLines(kind: ExportKind, rows: readonly CsvRow[]): string {
  const columns = CSV_COLUMNS[kind];
  return rows
    .map((row) => (kind === "values" ? valueRow(row) : row))
    .map((row) => `${columns.map(([, field]) => csvCell(row[field])).join(",")}\n`)
    .join("");
}

/** One open-data file, a page of rows at a time. */
export function exportPages(deps: AppDeps, kind: "values", size?: number): ReturnType<typeof valuePages>;
export function exportPages(deps: AppDeps, kind: "endorsements", size?: number): ReturnType<typeof endorsementPages>;
export function exportPages(deps: AppDeps, kind: "judgments", size?: number): ReturnType<typeof judgmentPages>;
export function exportPages(deps: AppDeps, kind: ExportKind, size = EXPORT_PAGE) {
  return kind === "values" ? valuePages(deps, size) : kind === "endorsements" ? endorsementPages(deps, size) : judgmentPages(deps, size);
}
