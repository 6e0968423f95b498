import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { weightPercent } from "../../deliberation/mandate-weight.js";
import type { Mandate } from "../../deliberation/mandates.js";
import type { SessionUser } from "./accounts.server.js";
import type { AppDeps } from "./deps.server.js";
import { preservation } from "./registry-log.server.js";
import { requireCitizen } from "./values.server.js";

/**
 * Where a citizen's voice went (JOURNEYS.md, Mari, steps 5–6): the mandates her values went into and
 * what happened to the matters she took part in. Every read starts from her own rows (her cards, her
 * endorsements, her constituency memberships) or from the few matters they lead to, each by an index.
 */

/** The ledger events a citizen is told about, in the words of her account page. */
const LIFECYCLE = {
  "matter.convened": "convened",
  "ruling.published": "published",
  "ruling.renewed": "renewed",
  "ruling.repealed": "repealed",
  "ruling.lapsed": "lapsed",
} as const;
const BALLOT_CLOSED = "ballot.closed";

export type ProgressKind = (typeof LIFECYCLE)[keyof typeof LIFECYCLE] | "ratified" | "rejected";

interface Holding {
  valueId: string;
  contextId: string;
  /** Her card behind the value, for the verify panel (an endorsement has none). */
  cardId: string | null;
  since: string;
}

/** The canonical values she holds (her cards, any status: a frozen mandate still carries a withdrawn one) or endorsed. */
async function holdings(db: Kysely<Database>, citizenId: string): Promise<Holding[]> {
  const [cards, endorsed] = await Promise.all([
    db
      .selectFrom("valueCards")
      .select(["id", "contextId", "canonicalId", "status", "createdAt"])
      .where("citizenId", "=", citizenId)
      .where("canonicalId", "is not", null)
      .orderBy("createdAt", "desc")
      .execute(),
    db
      .selectFrom("endorsements as e")
      .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
      .select(["e.canonicalId", "cv.contextId", "e.createdAt"])
      .where("e.citizenId", "=", citizenId)
      .execute(),
  ]);
  const byValue = new Map<string, Holding>();
  // Her active card first, then her newest: the card she would check a ruling with.
  const ordered = [...cards.filter((c) => c.status === "active"), ...cards.filter((c) => c.status !== "active")];
  for (const c of ordered) {
    const known = byValue.get(c.canonicalId!);
    if (!known) byValue.set(c.canonicalId!, { valueId: c.canonicalId!, contextId: c.contextId, cardId: c.id, since: c.createdAt });
    else if (c.createdAt < known.since) known.since = c.createdAt;
  }
  for (const e of endorsed) {
    const known = byValue.get(e.canonicalId);
    if (!known) byValue.set(e.canonicalId, { valueId: e.canonicalId, contextId: e.contextId, cardId: null, since: e.createdAt });
    else if (e.createdAt < known.since) known.since = e.createdAt;
  }
  return [...byValue.values()];
}

export interface RepresentedValue {
  valueId: string;
  title: string;
  /** Its share of the frozen mandate (0..1). */
  weight: number;
  /** The same, as every page says it: see weightPercent. */
  percent: string;
  cardId: string | null;
}

export interface Representation {
  matterId: string;
  matterTitle: string;
  contextId: string;
  /** The constituency's id as convening made it (its representative speaks under it) and its label. */
  constituencyId: string;
  constituency: string;
  /** Citizens the representative speaks for. */
  size: number;
  /** Her values in the mandate, by weight; empty when none made its top values. */
  values: RepresentedValue[];
  eli: string | null;
}

async function titlesOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("canonicalValues")
    .select(["id", "title"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}

/** Every matter she was a constituent of, with her constituency and each of her values' weight in its frozen mandate. */
async function representations(db: Kysely<Database>, citizenId: string, held: readonly Holding[]): Promise<Representation[]> {
  const rows = await db
    .selectFrom("constituencyMembers as cm")
    .innerJoin("constituencies as c", (join) => join.onRef("c.matterId", "=", "cm.matterId").onRef("c.id", "=", "cm.constituencyId"))
    .innerJoin("mandates as md", (join) => join.onRef("md.matterId", "=", "cm.matterId").onRef("md.constituencyId", "=", "cm.constituencyId"))
    .innerJoin("matters as m", "m.id", "cm.matterId")
    .leftJoin("rulings as r", "r.matterId", "cm.matterId")
    .select(["m.id as matterId", "m.title as matterTitle", "m.contextId", "cm.constituencyId", "c.label", "c.size", "md.body", "r.eli"])
    .where("cm.citizenId", "=", citizenId)
    .execute();
  const mine = new Map(held.map((h) => [h.valueId, h]));
  const inMandate = rows.map((r) => ({ row: r, values: (JSON.parse(r.body) as Mandate).values.filter((v) => mine.get(v.valueId)?.contextId === r.contextId) }));
  const titles = await titlesOf(
    db,
    inMandate.flatMap((m) => m.values.map((v) => v.valueId)),
  );
  return inMandate.map(({ row, values }) => ({
    matterId: row.matterId,
    matterTitle: row.matterTitle,
    contextId: row.contextId,
    constituencyId: row.constituencyId,
    constituency: row.label,
    size: row.size,
    values: values.map((v) => ({
      valueId: v.valueId,
      title: titles.get(v.valueId) ?? "",
      weight: v.weight,
      percent: weightPercent(v.weight),
      cardId: mine.get(v.valueId)?.cardId ?? null,
    })),
    eli: row.eli ?? null,
  }));
}

/** For her Values page: the mandates her values went into. */
export async function citizenRepresentations(deps: AppDeps, citizenId: string): Promise<Representation[]> {
  return representations(deps.db, citizenId, await holdings(deps.db, citizenId));
}

export interface ProgressEntry {
  /** Unique within the list (the ledger event's matter and sequence number). */
  key: string;
  kind: ProgressKind;
  at: string;
  matterId: string;
  matterTitle: string;
  /** On "convened": her constituency and her values in its mandate (null if she was in none). */
  representation: Omit<Representation, "matterId" | "matterTitle" | "contextId" | "constituencyId" | "eli"> | null;
  /** On "published" and after: the ruling, and for each of her values whether the published figures say it honours it. */
  ruling: { eli: string; verifyCardId: string | null; values: { title: string; honoured: boolean }[] } | null;
}

/**
 * What happened to the matters she took part in, newest first: matters she was represented in with a
 * value of hers, and matters of a context where she held or endorsed a value before it was convened.
 */
export async function citizenProgress(deps: AppDeps, user: SessionUser): Promise<ProgressEntry[]> {
  const citizenId = requireCitizen(user);
  const { db } = deps;
  const held = await holdings(db, citizenId);
  const represented = await representations(db, citizenId, held);
  const firstIn = new Map<string, string>();
  for (const h of held) if (!firstIn.has(h.contextId) || h.since < firstIn.get(h.contextId)!) firstIn.set(h.contextId, h.since);

  const withValue = represented.filter((r) => r.values.length > 0).map((r) => r.matterId);
  const contexts = [...firstIn.keys()];
  if (contexts.length === 0 && withValue.length === 0) return [];
  const matters = await db
    .selectFrom("matters")
    .select(["id", "title", "contextId"])
    .where((eb) => eb.or([...(contexts.length ? [eb("contextId", "in", contexts)] : []), ...(withValue.length ? [eb("id", "in", withValue)] : [])]))
    .where("status", "not in", ["draft", "intake"])
    .execute();
  if (matters.length === 0) return [];
  const events = await db
    .selectFrom("ledgerEvents")
    .select(["matterId", "seq", "type", "payload", "createdAt"])
    .where(
      "matterId",
      "in",
      matters.map((m) => m.id),
    )
    .where("type", "in", [...Object.keys(LIFECYCLE), BALLOT_CLOSED])
    .execute();
  const convenedAt = new Map(events.filter((e) => e.type === "matter.convened").map((e) => [e.matterId, e.createdAt]));
  const representation = new Map(represented.map((r) => [r.matterId, r]));
  // She took part if a value of hers went into its mandates, or she held one in its context before it was frozen.
  const tookPart = new Set(
    matters
      .filter(
        (m) => (representation.get(m.id)?.values.length ?? 0) > 0 || (firstIn.has(m.contextId) && firstIn.get(m.contextId)! <= (convenedAt.get(m.id) ?? "")),
      ) // not convened: nothing happened yet
      .map((m) => m.id),
  );
  const titleOf = new Map(matters.map((m) => [m.id, m.title]));

  const published = [...new Set(events.filter((e) => e.type === "ruling.published" && tookPart.has(e.matterId)).map((e) => e.matterId))];
  const rulings = published.length ? await db.selectFrom("rulings").select(["matterId", "eli"]).where("matterId", "in", published).execute() : [];
  const eliOf = new Map(rulings.map((r) => [r.matterId, r.eli]));
  const honouredOf = new Map<string, { title: string; honoured: boolean }[]>();
  for (const matterId of published) {
    const coverage = await preservation(deps, matterId);
    const mine = representation.get(matterId);
    // Her constituency's figures: its representative speaks for it under the constituency's own id.
    const figures = coverage.find((c) => c.representativeId === mine?.constituencyId) ?? null;
    const honoured = new Map((figures?.values ?? []).map((v) => [v.valueId, v.honoured]));
    honouredOf.set(
      matterId,
      (mine?.values ?? []).filter((v) => honoured.has(v.valueId)).map((v) => ({ title: v.title, honoured: honoured.get(v.valueId)! })),
    );
  }

  const entries: ProgressEntry[] = [];
  // Newest first; one matter's events at the same moment in reverse ledger order.
  events.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.seq - a.seq);
  for (const e of events) {
    if (!tookPart.has(e.matterId)) continue;
    let kind: ProgressKind;
    if (e.type === BALLOT_CLOSED) {
      const outcome = (JSON.parse(e.payload) as { outcome?: string }).outcome;
      if (outcome !== "ratified" && outcome !== "rejected") continue;
      kind = outcome;
    } else {
      kind = LIFECYCLE[e.type as keyof typeof LIFECYCLE];
    }
    const mine = representation.get(e.matterId);
    const eli = eliOf.get(e.matterId);
    entries.push({
      key: `${e.matterId}:${e.seq}`,
      kind,
      at: e.createdAt,
      matterId: e.matterId,
      matterTitle: titleOf.get(e.matterId) ?? "",
      representation: kind === "convened" && mine ? { constituency: mine.constituency, size: mine.size, values: mine.values } : null,
      ruling:
        eli && kind !== "convened" && kind !== "ratified" && kind !== "rejected"
          ? { eli, verifyCardId: mine?.values.find((v) => v.cardId)?.cardId ?? null, values: kind === "published" ? (honouredOf.get(e.matterId) ?? []) : [] }
          : null,
    });
  }
  return entries;
}
