import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { CitizenHoldings } from "../../deliberation/constituencies.js";
import { DomainError } from "../../deliberation/errors.js";
import { type MatterStatus, requireMove } from "../../deliberation/matters.js";
import { citizenShareInMandate, type Mandate } from "../../deliberation/mandates.js";
import type { SessionUser } from "./accounts.server.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";
import { valuesInContext } from "./matters.server.js";
import {
  CONVENING_WORKER_MARK,
  type ComputedConstituency,
  type ConveningAnswer,
  type ConveningInput,
  type ConveningMessage,
  type Scheme,
} from "./convening-worker.server.js";
import { batchSize, batchTransaction, registryBeingWritten, STALE_AFTER_MS } from "./registry.server.js";
import { jobWorker } from "./worker-thread.server.js";

export type { Scheme };

/**
 * Which canonical values a citizen holds (her cards, withdrawn and revised ones too) or endorses, as
 * (context, value) rows, in every context.
 */
async function valueHoldings(deps: AppDeps, citizenId: string) {
  const held = deps.db
    .selectFrom("valueCards")
    .select(["citizenId", "contextId", "canonicalId"])
    .where("canonicalId", "is not", null)
    .where("citizenId", "=", citizenId);
  const endorsed = deps.db
    .selectFrom("endorsements as e")
    .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
    .select(["e.citizenId", "cv.contextId", "e.canonicalId"])
    .where("e.citizenId", "=", citizenId);
  const rows = await Promise.all([held.execute(), endorsed.execute()]);
  return rows.flat().map((r) => ({ citizenId: r.citizenId, contextId: r.contextId, valueId: r.canonicalId! }));
}

/**
 * The values of a context that the citizens with ids in (after, last] hold (active cards) or endorse:
 * a page of the census. The queries name the citizens only, and read columns that an index on the
 * citizen holds (no row of the table is looked up); the context and the card's status are checked
 * here. Given them, SQLite walked the (context, status) index instead, every card of the context for
 * each page (130,000 cards, 65 pages, at national participation).
 */
async function pageHoldings(deps: AppDeps, contextValues: ReadonlySet<string>, after: string, last: string): Promise<Map<string, Set<string>>> {
  const [cards, endorsements] = await Promise.all([
    deps.db.selectFrom("valueCards").select(["citizenId", "canonicalId", "status"]).where("citizenId", ">", after).where("citizenId", "<=", last).execute(),
    deps.db.selectFrom("endorsements").select(["citizenId", "canonicalId"]).where("citizenId", ">", after).where("citizenId", "<=", last).execute(),
  ]);
  const holds = new Map<string, Set<string>>();
  const add = (citizenId: string, valueId: string | null) => {
    if (valueId !== null && contextValues.has(valueId)) holds.set(citizenId, (holds.get(citizenId) ?? new Set<string>()).add(valueId));
  };
  for (const card of cards) if (card.status === "active") add(card.citizenId, card.canonicalId);
  for (const endorsement of endorsements) add(endorsement.citizenId, endorsement.canonicalId);
  return holds;
}

/**
 * Citizens read per query. On SQLite each page is read synchronously, with its holdings: a page of
 * 20,000 held the event loop 100 ms and more at a nation's size.
 */
const CITIZEN_PAGE = 5_000;

/**
 * Every citizen of the registry with the canonical values she holds or endorses in the context now,
 * a page at a time in id order: each page's holdings are read for its id range only, so no read
 * grows with the census and the event loop gets a turn between pages.
 */
async function* holdingPages(deps: AppDeps, contextId: string): AsyncGenerator<CitizenHoldings[]> {
  const contextValues = new Set((await deps.db.selectFrom("canonicalValues").select("id").where("contextId", "=", contextId).execute()).map((v) => v.id));
  for (let after = ""; ; ) {
    const page = await deps.db.selectFrom("citizens").select(["id", "district"]).where("id", ">", after).orderBy("id").limit(CITIZEN_PAGE).execute();
    if (page.length === 0) return;
    const last = page.at(-1)!.id;
    const holds = await pageHoldings(deps, contextValues, after, last);
    yield page.map((c) => ({ id: c.id, district: c.district, holds: [...(holds.get(c.id) ?? [])].sort() }));
    if (page.length < CITIZEN_PAGE) return;
    after = last;
    await yieldToEventLoop();
  }
}

/** The convening worker (convening-worker.server.ts): one per process, started on first use. */
const conveningWorker = jobWorker<ConveningMessage, ConveningAnswer>("convening-worker", CONVENING_WORKER_MARK);

/** Posts the citizens page by page as they are read, then asks the worker for the constituencies. */
async function computeInWorker(pages: AsyncIterable<CitizenHoldings[]>, input: ConveningInput): Promise<ComputedConstituency[]> {
  const job = conveningWorker.begin();
  try {
    for await (const citizens of pages) job.post({ seq: job.seq, kind: "page", citizens });
  } catch (error) {
    job.drop({ seq: job.seq, kind: "drop" });
    throw error;
  }
  const answer = await job.ask({ seq: job.seq, kind: "compute", input });
  if (answer.ok) return answer.constituencies;
  if (answer.domain) throw new DomainError(answer.domain.kind, answer.domain.key, answer.message, answer.domain.params);
  throw new Error(`convening failed in its worker: ${answer.message}`);
}

/** Members written per transaction at most (fewer where that takes too long: batchSize). */
export const MEMBER_BATCH = 2_000;

/** Deletes a matter's members in batches: what an unfinished convening left behind. */
async function clearMembers(deps: AppDeps, matterId: string): Promise<void> {
  for (;;) {
    const result = await batchTransaction(deps, (trx) =>
      trx
        .deleteFrom("constituencyMembers")
        .where("matterId", "=", matterId)
        .where("citizenId", "in", trx.selectFrom("constituencyMembers").select("citizenId").where("matterId", "=", matterId).limit(MEMBER_BATCH))
        .executeTakeFirst(),
    );
    if (Number(result.numDeletedRows) < MEMBER_BATCH) return;
  }
}

const leaseUntil = (deps: AppDeps) => new Date(deps.clock.now().getTime() + STALE_AFTER_MS).toISOString();

/**
 * Takes the matter's convening run: one at a time per matter. A run whose lease ran out died with its
 * process: it is taken over and what it wrote is cleared first.
 */
async function claimConvening(deps: AppDeps, matterId: string): Promise<string> {
  const holder = deps.ids();
  const now = nowIso(deps);
  const takenOver = await batchTransaction(deps, async (trx) => {
    const current = await trx.selectFrom("matters").select("status").where("id", "=", matterId).executeTakeFirstOrThrow();
    requireMove(current.status as MatterStatus, "convened");
    const run = await trx.selectFrom("conveningRuns").selectAll().where("matterId", "=", matterId).executeTakeFirst();
    if (run && run.expiresAt > now) throw new DomainError("conflict", "convening.running", "This matter is being convened already.");
    if (run) await trx.deleteFrom("conveningRuns").where("matterId", "=", matterId).where("holder", "=", run.holder).execute();
    try {
      await trx
        .insertInto("conveningRuns")
        .values({ matterId, holder, startedAt: now, expiresAt: leaseUntil(deps) })
        .execute();
    } catch {
      // Another clerk's run was inserted between our read and our write.
      throw new DomainError("conflict", "convening.running", "This matter is being convened already.");
    }
    return run !== undefined;
  });
  if (takenOver) await clearMembers(deps, matterId);
  return holder;
}

/** Gives up a run: its members are deleted, then the run. */
async function abandonConvening(deps: AppDeps, matterId: string, holder: string): Promise<void> {
  await clearMembers(deps, matterId);
  await batchTransaction(deps, (trx) => trx.deleteFrom("conveningRuns").where("matterId", "=", matterId).where("holder", "=", holder).execute());
}

/** After a restart (and every minute): convenings whose process died are undone, so they can be run again. */
export async function sweepConvenings(deps: AppDeps): Promise<void> {
  const now = nowIso(deps);
  const dead = await deps.db.selectFrom("conveningRuns").select(["matterId", "holder"]).where("expiresAt", "<=", now).execute();
  for (const run of dead) {
    const extended = await batchTransaction(deps, (trx) =>
      trx
        .updateTable("conveningRuns")
        .set({ expiresAt: leaseUntil(deps) })
        .where("matterId", "=", run.matterId)
        .where("holder", "=", run.holder)
        .where("expiresAt", "<=", now)
        .executeTakeFirst(),
    );
    if (Number(extended.numUpdatedRows) === 1) await abandonConvening(deps, run.matterId, run.holder);
  }
}

/**
 * The clerk convenes a matter after (or, recorded as early, during) its intake: constituencies are
 * computed by the chosen scheme and weighted by size, each gets a mandate built from its members'
 * values and the moral graph, and all of it is frozen with its hash: the members in batches, the rest
 * in one short last transaction. Convening
 * while intake is open cuts citizens short, so it needs `confirmEarly`; without it the answer says how
 * many values came in so far.
 */
export async function convene(deps: AppDeps, clerk: SessionUser, matterId: string, scheme: Scheme, options: { confirmEarly?: boolean | undefined } = {}) {
  const matter = await deps.db.selectFrom("matters").select(["id", "status", "contextId", "intakeClosesAt"]).where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  requireMove(matter.status as MatterStatus, "convened");
  const early = matter.intakeClosesAt !== null && deps.clock.now().toISOString() < matter.intakeClosesAt;
  if (early && !options.confirmEarly) {
    const count = await valuesInContext(deps.db, matter.contextId);
    throw new DomainError(
      "conflict",
      "convening.intakeOpen",
      `Intake is still open until ${matter.intakeClosesAt}; ${count} values came in so far. Confirm to convene early.`,
      {
        count,
        closesAt: matter.intakeClosesAt!,
      },
    );
  }

  // The census is read a page at a time (each posted to the worker as it comes, while the ids stay
  // here to write the members); the grouping, apportionment and mandates are computed off the loop.
  const scores = await deps.db.selectFrom("graphScores").select(["canonicalId", "score", "dissent"]).where("contextId", "=", matter.contextId).execute();
  const ids: string[] = [];
  async function* pagesKeepingIds() {
    for await (const page of holdingPages(deps, matter!.contextId)) {
      for (const c of page) ids.push(c.id);
      yield page;
    }
  }
  const computed = await computeInWorker(pagesKeepingIds(), {
    scheme,
    scores: scores.map((s) => [s.canonicalId, s.score]),
    dissent: scores.map((s) => [s.canonicalId, s.dissent]),
  });
  if (computed.length === 0)
    throw new DomainError("conflict", "matters.noConstituencies", "No citizen holds a value in this context yet, so there is no one to represent.");
  const valueIds = [...new Set(computed.flatMap((c) => c.characteristicValues ?? []))];
  const titles = new Map(
    valueIds.length
      ? (await deps.db.selectFrom("canonicalValues").select(["id", "title"]).where("id", "in", valueIds).execute()).map((v) => [v.id, v.title])
      : [],
  );
  const constituencies = computed.map((c) =>
    c.scheme === "value-communities" ? { ...c, label: (c.characteristicValues ?? []).map((id) => titles.get(id) ?? id).join(" + ") || c.label } : c,
  );

  if (await registryBeingWritten(deps)) {
    throw new DomainError(
      "conflict",
      "convening.registryWriting",
      "A census import is being written into the registry. Convene when it is done, so that no one is left out.",
    );
  }

  // Members first, in batches under the run's lease; the constituencies, mandates and the matter's
  // status last, in one short transaction: until then nothing reads the members (every reader joins
  // the constituencies), and a run that dies is undone by the sweep.
  const holder = await claimConvening(deps, matterId);
  try {
    // Members a batch at a time, straight from the worker's indices: a list of every member at once
    // would be a million objects built in one turn of the event loop.
    let rows: { matterId: string; constituencyId: string; citizenId: string }[] = [];
    const size = batchSize(MEMBER_BATCH);
    const writeRows = async () => {
      const batch = rows;
      rows = [];
      await batchTransaction(
        deps,
        async (trx) => {
          const lease = await trx
            .updateTable("conveningRuns")
            .set({ expiresAt: leaseUntil(deps) })
            .where("matterId", "=", matterId)
            .where("holder", "=", holder)
            .executeTakeFirst();
          if (Number(lease.numUpdatedRows) !== 1) throw new DomainError("conflict", "convening.running", "This matter is being convened already.");
          // Fewer rows per statement than per batch: SQLite takes at most 32,766 parameters in one.
          for (let at = 0; at < batch.length; at += 1_000)
            await trx
              .insertInto("constituencyMembers")
              .values(batch.slice(at, at + 1_000))
              .execute();
        },
        (ms) => size.took(ms, batch.length),
      );
    };
    for (const c of constituencies) {
      for (const i of c.members) {
        rows.push({ matterId, constituencyId: c.id, citizenId: ids[i]! });
        if (rows.length >= size.rows) await writeRows();
      }
    }
    if (rows.length > 0) await writeRows();

    return await withLedger(deps, async (trx, append) => {
      const now = deps.clock.now().toISOString();
      // Read again inside the transaction: the run must still be ours and the move still allowed.
      const current = await trx.selectFrom("matters").select("status").where("id", "=", matterId).executeTakeFirstOrThrow();
      requireMove(current.status as MatterStatus, "convened");
      const run = await trx.deleteFrom("conveningRuns").where("matterId", "=", matterId).where("holder", "=", holder).executeTakeFirst();
      if (Number(run.numDeletedRows) !== 1) throw new DomainError("conflict", "convening.running", "This matter is being convened already.");
      for (const c of constituencies) {
        await trx
          .insertInto("constituencies")
          .values({ matterId, id: c.id, scheme, label: c.label, size: c.members.length, weight: c.weight, createdAt: now })
          .execute();
        await trx
          .insertInto("mandates")
          .values({ matterId, constituencyId: c.id, body: JSON.stringify(c.mandate), hash: c.mandate.hash, createdAt: now })
          .execute();
      }
      await trx.updateTable("matters").set({ status: "convened", updatedAt: now }).where("id", "=", matterId).execute();
      await append({
        matterId,
        type: "matter.convened",
        actor: clerk.id,
        payload: {
          scheme,
          early,
          constituencies: constituencies.map((c) => ({
            id: c.id,
            label: c.label,
            size: c.members.length,
            weight: c.weight,
            mandateHash: c.mandate.hash,
          })),
        },
      });
      return { matterId, status: "convened" as const, constituencies: constituencies.length };
    });
  } catch (error) {
    await abandonConvening(deps, matterId, holder).catch((e) => console.error(`[convening] undoing ${matterId} failed:`, e));
    throw error;
  }
}

/** A matter's frozen constituencies (by id) with their mandates, and every value id the mandates hold. */
export async function frozenMandates(deps: AppDeps, matterId: string) {
  const [constituencies, mandates] = await Promise.all([
    deps.db.selectFrom("constituencies").selectAll().where("matterId", "=", matterId).orderBy("id").execute(),
    deps.db.selectFrom("mandates").select(["constituencyId", "body"]).where("matterId", "=", matterId).execute(),
  ]);
  const bodies = new Map(mandates.map((m) => [m.constituencyId, JSON.parse(m.body) as Mandate]));
  const valueIds = [...new Set([...bodies.values()].flatMap((m) => m.values.map((v) => v.valueId)))];
  return { constituencies, bodies, valueIds };
}

/** The frozen constituencies and mandates of a matter, with value titles, for the clerk's review and for anyone. */
export async function convening(deps: AppDeps, matterId: string) {
  const { constituencies, bodies, valueIds } = await frozenMandates(deps, matterId);
  const titles = new Map(
    valueIds.length
      ? (await deps.db.selectFrom("canonicalValues").select(["id", "title"]).where("id", "in", valueIds).execute()).map((v) => [v.id, v.title])
      : [],
  );
  return constituencies.map((c) => {
    const mandate = bodies.get(c.id)!;
    return {
      id: c.id,
      scheme: c.scheme,
      label: c.label,
      size: c.size,
      weight: c.weight,
      mandate: { hash: mandate.hash, values: mandate.values.map((v) => ({ ...v, title: titles.get(v.valueId) ?? v.valueId })) },
    };
  });
}

/** Where a citizen's values went: for each convened matter, her constituency and her values' weight in its mandate. */
export async function citizenMandates(deps: AppDeps, citizenId: string) {
  const rows = await deps.db
    .selectFrom("constituencyMembers as cm")
    .innerJoin("constituencies as c", (join) => join.onRef("c.matterId", "=", "cm.matterId").onRef("c.id", "=", "cm.constituencyId"))
    .innerJoin("mandates as md", (join) => join.onRef("md.matterId", "=", "cm.matterId").onRef("md.constituencyId", "=", "cm.constituencyId"))
    .innerJoin("matters as m", "m.id", "cm.matterId")
    .leftJoin("rulings as r", "r.matterId", "cm.matterId")
    .select(["m.id as matterId", "m.title as matterTitle", "m.contextId", "c.label", "c.size", "md.body", "r.eli"])
    .where("cm.citizenId", "=", citizenId)
    .execute();
  if (rows.length === 0) return [];
  // Withdrawn cards included: a mandate frozen with them still carries them.
  const byContext = new Map<string, string[]>();
  for (const h of await valueHoldings(deps, citizenId)) byContext.set(h.contextId, [...(byContext.get(h.contextId) ?? []), h.valueId]);
  return rows.map((r) => {
    const share = citizenShareInMandate(JSON.parse(r.body) as Mandate, byContext.get(r.contextId) ?? []);
    // Once published, the ruling's verify panel lets her check this with her card's id.
    return {
      matterId: r.matterId,
      matterTitle: r.matterTitle,
      constituency: r.label,
      size: r.size,
      valueIds: share.valueIds,
      weight: share.weight,
      eli: r.eli ?? null,
    };
  });
}
