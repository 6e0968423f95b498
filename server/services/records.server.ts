import { sql } from "kysely";
import type { Locale } from "../../app/i18n/locales.js";
import { translator } from "../../app/i18n/translate.js";
import { DomainError } from "../../deliberation/errors.js";
import { aknDocument } from "../records/akoma-ntoso.js";
import { atomFeed } from "../records/atom.js";
import { eliMetadata } from "../records/eli.js";
import type { PublicRuling, RecordAct, RecordsSettings, RulingStatus } from "../records/types.js";
import { absolute, rulingLinks } from "../records/types.js";
import type { AppDeps } from "./deps.server.js";
import { loggedActs } from "./ruling-acts.server.js";

/**
 * The public records of the registry (issue 17.3): reads what they say from the database and hands it to
 * the serializers of server/records. Routes reach these through the rulings router, as everything else.
 */

export function recordsSettings(deps: AppDeps, locale: Locale): RecordsSettings {
  const { publicUrl, records } = deps.config;
  return { publicUrl, polityName: records.polityName, country: records.country, languages: records.languages, t: translator(locale) };
}

const RULING_COLUMNS = [
  "r.id",
  "r.matterId",
  "r.eli",
  "r.year",
  "r.number",
  "r.title",
  "r.text",
  "r.emergency",
  "r.status",
  "r.publishedAt",
  "r.sunsetAt",
  "r.leafIndex",
  "r.repealReason",
  "m.language",
] as const;

type RulingRow = {
  id: string;
  matterId: string;
  eli: string;
  year: number;
  number: number;
  title: string;
  text: string;
  emergency: number;
  status: string;
  publishedAt: string;
  sunsetAt: string | null;
  leafIndex: number;
  repealReason: string | null;
  language: string;
};

function publicRuling(row: RulingRow, acts: RecordAct[]): PublicRuling {
  return {
    id: row.id,
    matterId: row.matterId,
    eli: row.eli,
    year: row.year,
    number: row.number,
    title: row.title,
    text: row.text,
    language: row.language,
    emergency: row.emergency === 1,
    status: row.status as RulingStatus,
    publishedAt: row.publishedAt,
    sunsetAt: row.sunsetAt,
    acts,
  };
}

/** A ruling with every act the log records for it, from its matter's ledger. */
export async function publicRulingByEli(deps: AppDeps, eli: string): Promise<PublicRuling> {
  const row = await deps.db
    .selectFrom("rulings as r")
    .innerJoin("matters as m", "m.id", "r.matterId")
    .select(RULING_COLUMNS)
    .where("r.eli", "=", eli)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  const acts = (await loggedActs(deps.db, row.matterId)).map(
    (a): RecordAct =>
      a.act === "published"
        ? { act: a.act, at: row.publishedAt, sunsetAt: null, leafIndex: a.leafIndex }
        : {
            act: a.act,
            at: a.at,
            sunsetAt: (a.record?.sunsetAt as string | null | undefined) ?? null,
            leafIndex: a.leafIndex,
            ...(typeof a.record?.reason === "string" ? { reason: a.record.reason } : {}),
          },
  );
  return publicRuling(row, acts);
}

/** How many entries the feed carries: the rulings acted on last. */
export const FEED_ENTRIES = 50;

/**
 * The rulings acted on last (publication, renewal, repeal or lapse: each a leaf of the log), newest
 * first, each with its publication and its last act: what a feed entry says. Leaves are read whole
 * for their order: the log grows by the registry's acts, a few a day, not with the polity.
 */
async function lastActedRulings(deps: AppDeps, limit: number): Promise<PublicRuling[]> {
  const last = await deps.db
    .selectFrom("logLeaves as l")
    .innerJoin("rulings as r", "r.id", "l.rulingId")
    .select(["l.rulingId", sql<number>`max(l.idx)`.as("lastLeaf"), sql<string>`max(l.created_at)`.as("lastAt")])
    .groupBy("l.rulingId")
    .orderBy("lastLeaf", "desc")
    .limit(limit)
    .execute();
  if (last.length === 0) return [];
  const rows = await deps.db
    .selectFrom("rulings as r")
    .innerJoin("matters as m", "m.id", "r.matterId")
    .select(RULING_COLUMNS)
    .where(
      "r.id",
      "in",
      last.map((l) => l.rulingId),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return last.flatMap(({ rulingId, lastLeaf, lastAt }) => {
    const row = byId.get(rulingId);
    if (!row) return [];
    const published: RecordAct = { act: "published", at: row.publishedAt, sunsetAt: null, leafIndex: row.leafIndex };
    const status = row.status as RulingStatus;
    // A later leaf is the act that gave the ruling its present status.
    const later: RecordAct[] =
      Number(lastLeaf) > row.leafIndex && status !== "in-force"
        ? [
            {
              act: status,
              at: lastAt,
              sunsetAt: row.sunsetAt,
              leafIndex: Number(lastLeaf),
              ...(status === "repealed" && row.repealReason ? { reason: row.repealReason } : {}),
            },
          ]
        : [];
    return [publicRuling(row, [published, ...later])];
  });
}

/** The registry's Atom feed. */
export async function rulingsFeed(deps: AppDeps, locale: Locale): Promise<string> {
  const rulings = await lastActedRulings(deps, FEED_ENTRIES);
  return atomFeed(recordsSettings(deps, locale), rulings, deps.clock.now().toISOString());
}

/** A ruling's Akoma Ntoso document. */
export async function rulingAkn(deps: AppDeps, eli: string, locale: Locale): Promise<string> {
  return aknDocument(recordsSettings(deps, locale), await publicRulingByEli(deps, eli), deps.config.polity);
}

/** A ruling's ELI metadata (JSON-LD), for its page. */
export async function rulingEliMetadata(deps: AppDeps, eli: string, locale: Locale) {
  return eliMetadata(recordsSettings(deps, locale), await publicRulingByEli(deps, eli));
}

/** A place in the list of rulings, newest first: after the ruling published at `publishedAt` with id `id`. */
interface Cursor {
  publishedAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.publishedAt, cursor.id])).toString("base64url");
}

/** A cursor as received: anything may be wrong with it, and a wrong one is a 400 with a reason. */
export function decodeCursor(text: string): Cursor {
  try {
    const [publishedAt, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (typeof publishedAt === "string" && typeof id === "string") return { publishedAt, id };
  } catch {
    // said below
  }
  throw new DomainError("invalid", "rulings.badCursor", "That page cursor is not one this registry gave.");
}

/**
 * One page of every published ruling, newest first (keyset: a page never shifts when a new ruling is
 * published), with how many there are in all and the cursor of the next page (null on the last).
 */
export async function rulingsPage(deps: AppDeps, input: { cursor?: string | undefined; limit: number }) {
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  let query = deps.db
    .selectFrom("rulings")
    .select(["id", "eli", "title", "contextId", "emergency", "status", "publishedAt", "sunsetAt", "year", "number", "repealReason", "repealedAt"]);
  if (after)
    query = query.where((eb) =>
      eb.or([eb("publishedAt", "<", after.publishedAt), eb.and([eb("publishedAt", "=", after.publishedAt), eb("id", "<", after.id)])]),
    );
  const [rows, { total }] = await Promise.all([
    query
      .orderBy("publishedAt", "desc")
      .orderBy("id", "desc")
      .limit(input.limit + 1)
      .execute(),
    deps.db.selectFrom("rulings").select(sql<number>`count(*)`.as("total")).executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, input.limit);
  const settings = { publicUrl: deps.config.publicUrl };
  return {
    /** Where the list is: its pages are this with ?cursor= and ?limit=. */
    listUrl: absolute(settings, "/api/rulings.json"),
    total: Number(total),
    rulings: page.map((r) => {
      const links = rulingLinks(settings, r);
      return { ...r, emergency: r.emergency === 1, uri: links.page, akn: links.akn, bundle: links.bundle };
    }),
    next: rows.length > input.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
