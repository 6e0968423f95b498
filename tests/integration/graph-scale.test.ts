import type { Kysely, KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "../../db/connection.js";
import { migrateToLatest } from "../../db/migrate.js";
import type { Database } from "../../db/schema.js";
import { systemClock } from "../../server/services/deps.server.js";
import { createGraphRegistry, type GraphRegistry, OVERLAP_MS } from "../../server/services/graph.server.js";
import { createTestDatabase, dialects, type TestDatabase } from "../support/database.js";

/**
 * The graph registry reads only what changed (issue 15): after the first recompute of a context,
 * one new judgment costs a read of that judgment, not of the context; a row stamped a little before
 * the newest one read (it committed late) is still counted, once; and the incremental result is
 * exactly what a recompute from scratch gives.
 */

const CONTEXT = "graph-scale";
const VALUES = 40;
const CITIZENS = 30;
const HOUR = 3_600_000;

/** Counts the rows the registry's SELECTs return (not PostgreSQL's advisory lock, a raw statement). */
function countingPlugin(counter: { rows: number }): KyselyPlugin {
  const selects = new WeakSet<object>();
  return {
    transformQuery: (args) => {
      if (args.node.kind === "SelectQueryNode") selects.add(args.queryId);
      return args.node;
    },
    transformResult: async (args) => {
      if (selects.has(args.queryId)) counter.rows += args.result.rows.length;
      return args.result;
    },
  };
}

const valueId = (i: number) => `v${String(i).padStart(2, "0")}`;
const citizenId = (i: number) => `c${String(i).padStart(2, "0")}`;

async function seed(db: Kysely<Database>, at: (k: number) => string) {
  await db
    .insertInto("contexts")
    .values({ id: CONTEXT, title: "Graph at scale", titleEt: null, description: "A test context.", createdAt: at(0) })
    .execute();
  await db
    .insertInto("citizens")
    .values(
      Array.from({ length: CITIZENS }, (_, i) => ({
        id: citizenId(i),
        personalCode: `3900101${String(i).padStart(4, "0")}`,
        fullName: `Citizen ${i}`,
        district: "Harju",
        email: null,
        importId: null,
        createdAt: at(0),
      })),
    )
    .execute();
  await db
    .insertInto("canonicalValues")
    .values(
      Array.from({ length: VALUES }, (_, i) => ({
        id: valueId(i),
        contextId: CONTEXT,
        title: `Value ${i}`,
        description: `Value ${i}, described.`,
        policies: JSON.stringify(["MOMENTS when it matters", "WAYS it is kept"]),
        sourceCardId: `card-${i}`,
        embedding: null,
        createdAt: at(1 + i),
      })),
    )
    .execute();
  // Each value is judged against two others; each pair by 2–5 citizens, most agreeing.
  let k = 100;
  for (let i = 0; i < VALUES; i++) {
    for (const j of [(i * 7 + 3) % VALUES, (i * 11 + 5) % VALUES]) {
      if (j === i) continue;
      const pairId = `p-${i}-${j}`;
      await db
        .insertInto("valuePairs")
        .values({ id: pairId, contextId: CONTEXT, fromId: valueId(i), toId: valueId(j), story: "", llmCallId: null, createdAt: at(k++), randomKey: i * 97 + j })
        .execute();
      const voters = 2 + ((i + j) % 4);
      await db
        .insertInto("judgments")
        .values(
          Array.from({ length: voters }, (_, v) => ({
            id: `j-${i}-${j}-${v}`,
            pairId,
            citizenId: citizenId((i + j + v) % CITIZENS),
            answer: v === 3 && j % 2 === 0 ? ("not_wiser" as const) : v === 4 ? ("unsure" as const) : ("wiser" as const),
            why: null,
            createdAt: at(k++),
          })),
        )
        .execute();
    }
  }
}

async function scores(db: Kysely<Database>) {
  const rows = await db.selectFrom("graphScores").select(["canonicalId", "score", "rank", "support", "dissent"]).where("contextId", "=", CONTEXT).execute();
  return new Map(rows.map((r) => [r.canonicalId, { score: Number(r.score), rank: Number(r.rank), support: Number(r.support), dissent: Number(r.dissent) }]));
}

describe.each(dialects())("the moral graph reads only what changed, on %s", (dialect) => {
  let database: TestDatabase;
  let handle: DbHandle;
  const counter = { rows: 0 };
  /** When a read begins, by the registry's clock: now, or a moment the test sets (readAt: the overlap's end). */
  let readAt: number | null = null;
  const clock = { now: () => new Date(readAt ?? Date.now()) };
  let counted: Kysely<Database>;
  let graphs: GraphRegistry;
  const start = Date.now() - HOUR;
  const at = (k: number) => new Date(start + k * 1000).toISOString();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    handle = openDatabase(database.config);
    await migrateToLatest(handle.db);
    await seed(handle.db, at);
    counted = handle.db.withPlugin(countingPlugin(counter));
    graphs = createGraphRegistry(() => ({ db: counted, clock }));
  });

  afterAll(async () => {
    await graphs?.close();
    await handle?.close();
    await database?.destroy();
  });

  /** The same graph recomputed from scratch by a fresh registry, from an empty score table. */
  async function fromScratch() {
    const kept = await scores(handle.db);
    await handle.db.deleteFrom("graphScores").where("contextId", "=", CONTEXT).execute();
    const fresh = createGraphRegistry(() => ({ db: handle.db, clock: systemClock }));
    fresh.changed(CONTEXT);
    await fresh.settled();
    await fresh.close();
    const scratch = await scores(handle.db);
    return { kept, scratch };
  }

  function expectSame(kept: Awaited<ReturnType<typeof scores>>, scratch: Awaited<ReturnType<typeof scores>>) {
    expect(kept.size).toBe(VALUES);
    expect(scratch.size).toBe(VALUES);
    for (const [id, s] of scratch) {
      const k = kept.get(id)!;
      expect(k.rank, id).toBe(s.rank);
      expect(k.support, id).toBe(s.support);
      expect(k.dissent, id).toBe(s.dissent);
      expect(Math.abs(k.score - s.score), id).toBeLessThanOrEqual(1e-4 * s.score); // stored scores move in steps of 0.01 %
    }
  }

  it("reads the whole context once, then only the rows since its last read", async () => {
    graphs.changed(CONTEXT);
    await graphs.settled();
    const first = counter.rows;
    expect(first).toBeGreaterThan(VALUES * 2); // the values, the aggregated votes, the stored scores

    // One new judgment, on a pair where it makes an edge count that did not.
    counter.rows = 0;
    const now = new Date().toISOString();
    // The read begins a moment after: the next one's overlap reaches back over these rows.
    readAt = Date.parse(now) + 100;
    await handle.db
      .insertInto("valuePairs")
      .values({ id: "p-new", contextId: CONTEXT, fromId: valueId(0), toId: valueId(39), story: "", llmCallId: null, createdAt: now, randomKey: 1 })
      .execute();
    await handle.db
      .insertInto("judgments")
      .values([
        { id: "j-new-1", pairId: "p-new", citizenId: citizenId(1), answer: "wiser", why: null, createdAt: now },
        { id: "j-new-2", pairId: "p-new", citizenId: citizenId(2), answer: "wiser", why: null, createdAt: now },
      ])
      .execute();
    graphs.changed(CONTEXT);
    await graphs.settled();
    // Two judgments read, nothing else: no value, no event, no stored score is read again.
    expect(counter.rows).toBe(2);

    const { kept, scratch } = await fromScratch();
    expectSame(kept, scratch);
  });

  it("counts once a row that commits after a newer one was read, and reads support again from value events", async () => {
    // A judgment stamped before the newest one read (its transaction committed later), inside the
    // overlap: the last read began 100 ms after the newest row, this one 200 ms after it.
    const newest = readAt! - 100;
    const late = new Date(newest - Math.min(1000, OVERLAP_MS[dialect] / 2)).toISOString();
    readAt = newest + 200;
    await handle.db
      .insertInto("judgments")
      .values({ id: "j-late", pairId: "p-new", citizenId: citizenId(3), answer: "not_wiser", why: null, createdAt: late })
      .execute();
    // An endorsement of v05, with its event and the value's support, as the service writes them.
    const now = new Date().toISOString();
    await handle.db
      .insertInto("endorsements")
      .values({ citizenId: citizenId(7), canonicalId: valueId(5), createdAt: now })
      .execute();
    await handle.db
      .updateTable("canonicalValues")
      .set((eb) => ({ supportCount: eb("supportCount", "+", 1) }))
      .where("id", "=", valueId(5))
      .execute();
    await handle.db
      .insertInto("valueEvents")
      .values({ id: "e-endorse", cardId: null, canonicalId: valueId(5), type: "value.endorsed", actor: "u", payload: "{}", createdAt: now })
      .execute();
    counter.rows = 0;
    graphs.changed(CONTEXT);
    await graphs.settled();
    // Re-read in the overlap: the two judgments already counted (skipped by id), the late one and
    // the event; then the one value's support is read again (one row).
    expect(counter.rows).toBe(5);
    const now2 = await scores(handle.db);
    expect(now2.get(valueId(5))!.support).toBe(1);
    expect(now2.get(valueId(39))!.dissent).toBeGreaterThanOrEqual(1);

    const { kept, scratch } = await fromScratch();
    expectSame(kept, scratch);
  });

  it("reads a burst larger than a page, all of one stamp, page by page, and counts every row once", async () => {
    // 600 judgments and 600 value events in one millisecond: two pages each, the second starting after
    // the first's last id at the same stamp.
    const now = new Date().toISOString();
    readAt = Date.parse(now) + 100;
    const pairs = Array.from({ length: 20 }, (_, i) => ({ id: `p-burst-${i}`, from: valueId(i), to: valueId(i + 20) }));
    await handle.db
      .insertInto("valuePairs")
      .values(
        pairs.map((p, i) => ({ id: p.id, contextId: CONTEXT, fromId: p.from, toId: p.to, story: "", llmCallId: null, createdAt: now, randomKey: 10_000 + i })),
      )
      .execute();
    const burst = pairs.flatMap((p, i) =>
      Array.from({ length: CITIZENS }, (_, c) => ({
        id: `j-burst-${String(i).padStart(2, "0")}-${String(c).padStart(2, "0")}`,
        pairId: p.id,
        citizenId: citizenId(c),
        answer: (c % 3 === 0 ? "not_wiser" : "wiser") as "wiser" | "not_wiser",
        why: null,
        createdAt: now,
      })),
    );
    for (let k = 0; k < burst.length; k += 200)
      await handle.db
        .insertInto("judgments")
        .values(burst.slice(k, k + 200))
        .execute();
    const events = Array.from({ length: 600 }, (_, k) => ({
      id: `e-burst-${String(k).padStart(3, "0")}`,
      cardId: null,
      canonicalId: valueId(k % VALUES),
      type: "value.endorsed",
      actor: "u",
      payload: "{}",
      createdAt: now,
    }));
    for (let k = 0; k < events.length; k += 200)
      await handle.db
        .insertInto("valueEvents")
        .values(events.slice(k, k + 200))
        .execute();
    counter.rows = 0;
    graphs.changed(CONTEXT);
    await graphs.settled();
    // Each burst in two pages (500 and 100), besides the rows of the overlap and the support recounts.
    expect(counter.rows).toBeGreaterThanOrEqual(1200);
    const now2 = await scores(handle.db);
    // Every third citizen's "not wiser" counted once: dissent on each burst pair's "to" value.
    for (const p of pairs) expect(now2.get(p.to)!.dissent).toBeGreaterThanOrEqual(CITIZENS / 3);
    const { kept, scratch } = await fromScratch();
    expectSame(kept, scratch);
  });

  it("a closed registry ends its worker and schedules nothing more", async () => {
    const registry = createGraphRegistry(() => ({ db: handle.db, clock: systemClock }));
    registry.changed(CONTEXT);
    await registry.settled();
    await registry.close();
    // Closed: a change schedules nothing, and settled() does not wait for anything.
    registry.changed(CONTEXT);
    await registry.settled();
  });
});
