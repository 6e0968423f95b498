import { DomainError } from "../../deliberation/errors.js";
import { type Kysely, PostgresAdapter, type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { type AggregatedEdge, edgeVerdict } from "../../deliberation/values/moral-graph.js";
import type { AppDeps } from "./deps.server.js";
import { GRAPH_WORKER_MARK, type GraphJob, type GraphJobResult } from "./graph-worker.server.js";
import { jobWorker } from "./worker-thread.server.js";

/**
 * Keeps each context's moral graph scores current as values, judgments and endorsements arrive
 * (DESIGN.md, "Why thick values"; issue 15: nothing in the event loop grows with the polity).
 *
 * - Incremental: the registry keeps each context's graph in memory (node index, vote tallies per
 *   judged pair, dissent, support) and, when told of a change, reads only the rows created since its
 *   last read: canonical values, judgments and value events (every card submitted, revised, withdrawn
 *   or split and every endorsement is one), by `created_at`, each walking an index from there. Rows
 *   commit a little after they are stamped (and processes' clocks differ a little), so a read that
 *   follows the last one within OVERLAP_MS starts OVERLAP_MS before it and skips the rows it already
 *   counted (a quiet context's next read starts at its newest row; the overlap is shorter on SQLite). Only the first recompute of a
 *   context in a process reads the whole context, in pages (votes aggregated by the database).
 *   Every write that changes support must come with its value event, as the services' writes do.
 * - Off the event loop: building the CSR, PageRank (warm-started from the previous scores, or from
 *   the stored ones after a restart) and the ranking run in a worker thread (graph-worker.server.ts).
 * - Coalesced: one recompute at a time per context, another if more came in meanwhile.
 * - Writes only what changed: a value's row is written when its rank, support or dissent changed or
 *   its score moved by more than SCORE_SLACK (relative), in transactions of WRITE_CHUNK rows.
 */
export interface GraphRegistry {
  /** A value, judgment, endorsement or withdrawal arrived in this context. */
  changed(contextId: string): void;
  /** Resolves when every scheduled recompute has been written. */
  settled(): Promise<void>;
  /** Stops scheduling, drops pending work, waits for a recompute under way and ends the worker. */
  close(): Promise<void>;
}

/** Changes arriving within this window are one recompute: the graph is a public view, not a read-your-write. */
const DEBOUNCE_MS = 200;
/**
 * How far before the newest row already read an incremental read starts: longer than any
 * transaction that writes a judgment, a card or an endorsement takes to commit after stamping it,
 * plus the clock difference between processes sharing PostgreSQL. Rows in the overlap that were
 * already counted are skipped by id.
 *
 * On SQLite one process writes, on one connection: the services stamp these rows inside their
 * transactions, and a read takes the connection only between transactions, so a row it cannot see yet
 * was stamped after the read began; the second covers the wall clock stepping back a little. (The
 * 10 s re-read at every recompute was a few thousand rows at the nation bench's intake rate, the
 * intake's longest statement at 1.3 M citizens: 83 to 330 ms.)
 */
export const OVERLAP_MS = { sqlite: 1_000, postgres: 10_000 } as const;

/** The overlap for the database `db` talks to. */
export function overlapFor(db: Kysely<Database>): number {
  return db.getExecutor().adapter instanceof PostgresAdapter ? OVERLAP_MS.postgres : OVERLAP_MS.sqlite;
}
/** A stored score is rewritten when the new one differs by more than this share of it (ranks are always exact). */
const SCORE_SLACK = 1e-4;
/** Rows per write transaction: no transaction holds SQLite's one connection for long. */
const WRITE_CHUNK = 1000;
/** Ids per `IN (…)` list: when reading a context whole, and when reading support again. */
const ID_CHUNK = 500;
/** Values per page when reading a context whole. */
const LOAD_PAGE = 5000;
/** Pair keys: from · 2^26 + to, an exact integer below 2^53. */
const NODE_LIMIT = 2 ** 26;

type RegistryDeps = Pick<AppDeps, "db" | "clock">;

/** One context's graph as this process knows it. */
interface Graph {
  ids: string[];
  index: Map<string, number>;
  dissent: number[];
  support: number[];
  pairIndex: Map<number, number>;
  pairs: number;
  from: Int32Array;
  to: Int32Array;
  wiser: Int32Array;
  notWiser: Int32Array;
  unsure: Int32Array;
  /** Scores of the last recompute (or the stored ones), one per node known then. */
  scores: Float64Array | null;
  /** What graph_scores holds for each node (NaN: no row). */
  stored: { score: number[]; rank: number[]; support: number[]; dissent: number[] };
  /** Whether something that moves scores (a node or a judgment) arrived since the last PageRank. */
  dirty: boolean;
  cursors: { values: string; judgments: string; events: string };
  /** OVERLAP_MS for its database. */
  overlapMs: number;
  /** When the last read began, by the clock that stamps the rows. */
  lastReadAt: string;
  /** Ids of rows already counted, with their creation time, kept while inside the overlap. */
  seenJudgments: Map<string, string>;
  seenEvents: Map<string, string>;
}

interface ContextState {
  failures: number;
  graph: Graph | null;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  again: boolean;
}

function emptyGraph(): Graph {
  const capacity = 1024;
  return {
    ids: [],
    index: new Map(),
    dissent: [],
    support: [],
    pairIndex: new Map(),
    pairs: 0,
    from: new Int32Array(capacity),
    to: new Int32Array(capacity),
    wiser: new Int32Array(capacity),
    notWiser: new Int32Array(capacity),
    unsure: new Int32Array(capacity),
    scores: null,
    stored: { score: [], rank: [], support: [], dissent: [] },
    dirty: true,
    cursors: { values: "", judgments: "", events: "" },
    overlapMs: OVERLAP_MS.postgres,
    lastReadAt: "",
    seenJudgments: new Map(),
    seenEvents: new Map(),
  };
}

function node(g: Graph, id: string): number {
  let i = g.index.get(id);
  if (i !== undefined) return i;
  if (g.ids.length >= NODE_LIMIT) throw new DomainError("conflict", "moral_graph.too_many_nodes", "too many values in one context");
  i = g.ids.length;
  g.ids.push(id);
  g.index.set(id, i);
  g.dissent.push(0);
  g.support.push(0);
  g.stored.score.push(Number.NaN);
  g.stored.rank.push(Number.NaN);
  g.stored.support.push(Number.NaN);
  g.stored.dissent.push(Number.NaN);
  g.dirty = true;
  return i;
}

function widen(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}

/** Adds votes on the ordered pair (from → to: "is `to` wiser than `from`?"). */
function tally(g: Graph, fromId: string, toId: string, answer: string, count: number): void {
  if (fromId === toId || count <= 0) return;
  const s = node(g, fromId);
  const d = node(g, toId);
  const key = s * NODE_LIMIT + d;
  let p = g.pairIndex.get(key);
  if (p === undefined) {
    if (g.pairs === g.from.length) {
      const capacity = g.from.length * 2;
      g.from = widen(g.from, capacity);
      g.to = widen(g.to, capacity);
      g.wiser = widen(g.wiser, capacity);
      g.notWiser = widen(g.notWiser, capacity);
      g.unsure = widen(g.unsure, capacity);
    }
    p = g.pairs++;
    g.pairIndex.set(key, p);
    g.from[p] = s;
    g.to[p] = d;
  }
  if (answer === "wiser") g.wiser[p]! += count;
  else if (answer === "not_wiser") {
    g.notWiser[p]! += count;
    g.dissent[d]! += count;
  } else g.unsure[p]! += count;
  g.dirty = true;
}

function minus(iso: string, ms: number): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t - ms).toISOString() : iso;
}

/**
 * Where a read starts. Every row stamped before `lastReadAt − overlap` had committed by the last
 * read, and was counted then: when the newest row seen is older than that, only rows newer than it
 * are read; otherwise the read starts at that horizon and skips the rows already counted.
 */
function since(cursor: string, lastReadAt: string, overlapMs: number): ["<" | "<=", string] {
  const horizon = minus(lastReadAt, overlapMs);
  return horizon > cursor ? ["<", cursor] : ["<=", horizon];
}

/** After a read begun at `readAt`: forget the ids the next read cannot meet again. */
function forget(seen: Map<string, string>, readAt: string, overlapMs: number): void {
  const horizon = minus(readAt, overlapMs);
  for (const [id, createdAt] of seen) if (createdAt < horizon) seen.delete(id);
}

/**
 * The judged pairs among `ids` (both ends in it) with their votes, from each pair's tallies (kept in
 * the judgment's transaction): one probe of the pairs' key (from, to) per two values, whatever the
 * number of judgments. Pairs join two values of one context, so the context is not asked again.
 */
async function aggregatedEdges(db: Kysely<Database>, ids: readonly string[]): Promise<AggregatedEdge[]> {
  if (ids.length === 0) return [];
  const pairs = await db
    .selectFrom("valuePairs")
    .select(["fromId", "toId", "judgmentCount", "wiserCount", "notWiserCount"])
    .where("fromId", "in", ids)
    .where("toId", "in", ids)
    .where("judgmentCount", ">", 0)
    .execute();
  return pairs.map((p) => {
    const wiser = Number(p.wiserCount);
    const notWiser = Number(p.notWiserCount);
    return { from: p.fromId, to: p.toId, wiser, notWiser, unsure: Number(p.judgmentCount) - wiser - notWiser };
  });
}

/** Lets other work (requests, other queries on SQLite's one connection) run between pages. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Each value's support (distinct citizens holding an active card of it or endorsing it), kept on the
 * value by the transactions that change it (support.server.ts, decision 29): one row per value by its
 * key, whatever its support. Counting each changed value's holders and endorsers here instead grew with
 * the value, and during a 1.3 M intake that recount was most of what PostgreSQL did.
 */
async function supportOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("canonicalValues").select(["id", "supportCount"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, Number(r.supportCount)]));
}

/**
 * The whole context, once per process, read in pages so that no query holds the event loop (SQLite
 * answers synchronously) or the connection for long: the values, then the votes on the pairs of
 * LOAD_PAGE values at a time, aggregated by the database, then support and the stored scores per
 * ID_CHUNK values. Votes are counted here only when stamped before `readAt − overlap` (all of
 * those had committed by now); the later ones, and the values and events of that overlap, are read
 * by `readChanges` straight after, as after any read, so nothing is counted twice or missed though
 * the pages are not one snapshot. (Support is read as it stands, never added to, so reading it twice is harmless.)
 */
async function loadContext(db: Kysely<Database>, contextId: string, readAt: string): Promise<Graph> {
  const g = emptyGraph();
  g.overlapMs = overlapFor(db);
  const horizon = minus(readAt, g.overlapMs);
  g.lastReadAt = readAt;
  g.cursors = { values: horizon, judgments: horizon, events: horizon };
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    let query = db.selectFrom("canonicalValues").select(["id", "createdAt"]).where("contextId", "=", contextId);
    if (after) {
      const { createdAt, id } = after;
      query = query.where(({ eb, refTuple, tuple }) => eb(refTuple("createdAt", "id"), ">", tuple(createdAt, id)));
    }
    const page = await query.orderBy("createdAt").orderBy("id").limit(LOAD_PAGE).execute();
    for (const v of page) node(g, v.id);
    if (page.length < LOAD_PAGE) break;
    after = page[page.length - 1]!;
    await yieldToLoop();
  }
  const ids = g.ids.slice();
  for (let k = 0; k < ids.length; k += ID_CHUNK) {
    const chunk = ids.slice(k, k + ID_CHUNK);
    const votes = await db
      .selectFrom("judgments as j")
      .innerJoin("valuePairs as p", "p.id", "j.pairId")
      // Counted in the sum, not filtered in WHERE: the pairs are found from their values, never by
      // walking the index on created_at (which SQLite would otherwise pick, for every chunk).
      // Nor by the context's index on pairs: the pairs of these values are found by the index on
      // (from, to); a pair is made between two values of one context, checked here all the same.
      .select((eb) => [
        "p.contextId",
        "p.fromId",
        "p.toId",
        "j.answer",
        eb.fn.sum<number>(eb.case().when("j.createdAt", "<", horizon).then(1).else(0).end()).as("n"),
      ])
      .where("p.fromId", "in", chunk)
      .groupBy(["p.contextId", "p.fromId", "p.toId", "j.answer"])
      .execute();
    for (const v of votes) if (v.contextId === contextId) tally(g, v.fromId, v.toId, v.answer, Number(v.n));
    for (const [id, n] of await supportOf(db, chunk)) g.support[g.index.get(id)!] = n;
    // What is stored: written again only where it changes; the stored scores warm-start PageRank.
    const stored = await db
      .selectFrom("graphScores")
      .select(["canonicalId", "score", "rank", "support", "dissent"])
      .where("contextId", "=", contextId)
      .where("canonicalId", "in", chunk)
      .execute();
    for (const row of stored) {
      const i = g.index.get(row.canonicalId)!;
      g.scores ??= new Float64Array(ids.length);
      g.scores[i] = Number(row.score);
      g.stored.score[i] = Number(row.score);
      g.stored.rank[i] = Number(row.rank);
      g.stored.support[i] = Number(row.support);
      g.stored.dissent[i] = Number(row.dissent);
    }
    await yieldToLoop();
  }
  await readChanges(db, contextId, g, readAt);
  return g;
}

/** Rows per page of an incremental read of judgments or value events. */
const CHANGES_PAGE = 500;

interface PageKey {
  createdAt: string;
  id: string;
}

/**
 * One page of rows stamped since a read's start, in (created_at, id) order: from the start
 * (`since op created_at`), or after the last row of the page before. The ORDER BY and LIMIT make the
 * index on created_at the plan on both databases whatever their statistics: with a bare range,
 * PostgreSQL without statistics on a table (autovacuum off, or not yet run on a table filling up)
 * read every judgment and value event at every recompute (the 1.3 M intake slowed from 57 to 25
 * participants a second), and on SQLite one read is one statement of at most a page.
 */
function pageOf<QB extends SelectQueryBuilder<Database, "judgments" | "valueEvents", object>>(
  query: QB,
  op: "<" | "<=",
  since: string,
  after: PageKey | null,
): QB {
  let q = query.where((eb) => eb(eb.val(since), op, eb.ref("createdAt")));
  if (after)
    q = q.where((eb) =>
      eb.and([
        eb("createdAt", ">=", after.createdAt),
        eb.or([eb("createdAt", ">", after.createdAt), eb.and([eb("createdAt", "=", after.createdAt), eb("id", ">", after.id)])]),
      ]),
    );
  return q.orderBy("createdAt").orderBy("id").limit(CHANGES_PAGE) as QB;
}

/** Reads the pages of an incremental read one after another, the loop getting a turn between them. */
async function changesSince(page: (after: PageKey | null) => Promise<PageKey[]>): Promise<void> {
  let after: PageKey | null = null;
  for (;;) {
    const rows = await page(after);
    if (rows.length < CHANGES_PAGE) return;
    for (const row of rows)
      if (!after || row.createdAt > after.createdAt || (row.createdAt === after.createdAt && row.id > after.id))
        after = { createdAt: row.createdAt, id: row.id };
    await yieldToLoop();
  }
}

/** The rows created since the last read (and in the overlap before it), applied to the graph. */
async function readChanges(db: Kysely<Database>, contextId: string, g: Graph, readAt: string): Promise<void> {
  const [valuesOp, valuesSince] = since(g.cursors.values, g.lastReadAt, g.overlapMs);
  const [judgmentsOp, judgmentsSince] = since(g.cursors.judgments, g.lastReadAt, g.overlapMs);
  const [eventsOp, eventsSince] = since(g.cursors.events, g.lastReadAt, g.overlapMs);
  const values = await db
    .selectFrom("canonicalValues")
    .select(["id", "createdAt"])
    .where("contextId", "=", contextId)
    .where((eb) => eb(eb.val(valuesSince), valuesOp, eb.ref("createdAt")))
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
  const affected = new Set<string>();
  for (const v of values) {
    if (!g.index.has(v.id)) affected.add(v.id);
    node(g, v.id);
    if (v.createdAt > g.cursors.values) g.cursors.values = v.createdAt;
  }

  // The judgments since then (of every context: few, from the index on created_at), then each one's
  // pair by its key, kept when it is of this context. Filtering by context in SQL would let a
  // planner walk the context's pairs instead, every one of them. In pages (see changesSince).
  await changesSince((after) =>
    db
      .with(
        (cte) => cte("recent").materialized(),
        (qb) => pageOf(qb.selectFrom("judgments").select(["id", "pairId", "answer", "createdAt"]), judgmentsOp, judgmentsSince, after),
      )
      .selectFrom("recent as j")
      .leftJoin("valuePairs as p", "p.id", "j.pairId")
      .select(["j.id", "j.createdAt", "j.answer", "p.contextId", "p.fromId", "p.toId"])
      .execute()
      .then((rows) => {
        for (const j of rows) {
          if (j.contextId !== contextId || !j.fromId || !j.toId || g.seenJudgments.has(j.id)) continue;
          g.seenJudgments.set(j.id, j.createdAt);
          tally(g, j.fromId, j.toId, j.answer, 1);
          if (j.createdAt > g.cursors.judgments) g.cursors.judgments = j.createdAt;
        }
        return rows;
      }),
  );
  forget(g.seenJudgments, readAt, g.overlapMs);

  // Support changes with every card submitted, revised, withdrawn or split and every endorsement:
  // each is a value event; the support of the values they touch is read again. Kept when of this context (by its
  // card or its value), in code: a page is read whole, so that its last row says where the next begins.
  await changesSince((after) =>
    db
      .with(
        (cte) => cte("recent").materialized(),
        (qb) => pageOf(qb.selectFrom("valueEvents").select(["id", "createdAt", "type", "payload", "canonicalId", "cardId"]), eventsOp, eventsSince, after),
      )
      .selectFrom("recent as ve")
      .leftJoin("valueCards as c", "c.id", "ve.cardId")
      .leftJoin("valueCards as prev", "prev.id", "c.revisionOf")
      .leftJoin("canonicalValues as cv", "cv.id", "ve.canonicalId")
      .select([
        "ve.id",
        "ve.createdAt",
        "ve.type",
        "ve.payload",
        "ve.canonicalId",
        "c.canonicalId as cardCanonicalId",
        "prev.canonicalId as previousCanonicalId",
        "c.contextId as cardContextId",
        "cv.contextId as valueContextId",
      ])
      .execute()
      .then((rows) => {
        for (const e of rows) {
          if ((e.cardContextId !== contextId && e.valueContextId !== contextId) || g.seenEvents.has(e.id)) continue;
          g.seenEvents.set(e.id, e.createdAt);
          if (e.createdAt > g.cursors.events) g.cursors.events = e.createdAt;
          for (const id of [e.canonicalId, e.cardCanonicalId, e.previousCanonicalId]) if (id) affected.add(id);
          if (e.type === "card.split") {
            const from = (JSON.parse(e.payload) as { from?: unknown }).from;
            if (typeof from === "string") affected.add(from);
          }
        }
        return rows;
      }),
  );
  forget(g.seenEvents, readAt, g.overlapMs);
  g.lastReadAt = readAt;

  const reread = [...affected];
  for (let k = 0; k < reread.length; k += ID_CHUNK) {
    const ids = reread.slice(k, k + ID_CHUNK);
    const counted = await supportOf(db, ids);
    for (const id of ids) {
      // A value of another context (an event's previous card, in principle) is not this graph's.
      const i = g.index.get(id);
      if (i !== undefined) g.support[i] = counted.get(id) ?? 0;
    }
    await yieldToLoop();
  }
}

/** One worker per registry, started on first use; a job at a time per context, any number of contexts (exported for the bench). */
export function createGraphWorker() {
  const worker = jobWorker<GraphJob, GraphJobResult>("graph-worker", GRAPH_WORKER_MARK);
  return {
    run(job: Omit<GraphJob, "seq">): Promise<GraphJobResult> {
      const transfer = [job.from.buffer, job.to.buffer, job.wiser.buffer, job.notWiser.buffer, job.unsure.buffer];
      if (job.initial) transfer.push(job.initial.buffer);
      const run = worker.begin();
      return run.ask({ ...job, seq: run.seq }, transfer as ArrayBuffer[]);
    },
    terminate: worker.terminate,
  };
}

export function createGraphRegistry(deps: () => RegistryDeps): GraphRegistry {
  const states = new Map<string, ContextState>();
  const worker = createGraphWorker();
  let closed = false;

  function state(contextId: string): ContextState {
    let s = states.get(contextId);
    if (!s) states.set(contextId, (s = { failures: 0, graph: null, timer: null, running: null, again: false }));
    return s;
  }

  function schedule(contextId: string) {
    if (closed) return;
    const s = state(contextId);
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      s.running = recompute(contextId)
        .then(() => {
          s.failures = 0;
        })
        .catch((error) => {
          // What is in memory may be half applied: the next recompute reads the context afresh.
          s.graph = null;
          if (closed) return;
          console.error(`[graph] recompute of ${contextId} failed:`, error);
          // Try again (a few times): otherwise the scores would wait for the next judgment.
          if (++s.failures <= 3) s.again = true;
        })
        .finally(() => {
          s.running = null;
          if (s.again) {
            s.again = false;
            schedule(contextId);
          }
        });
    }, DEBOUNCE_MS);
  }

  async function recompute(contextId: string) {
    const { db, clock } = deps();
    const s = state(contextId);
    const readAt = clock.now().toISOString();
    if (s.graph) await readChanges(db, contextId, s.graph, readAt);
    else s.graph = await loadContext(db, contextId, readAt);
    const g = s.graph;
    const n = g.ids.length;

    let scores = g.scores;
    let ranks: ArrayLike<number> | null = null;
    if (g.dirty || !scores || scores.length !== n) {
      let initial: Float64Array | null = null;
      if (scores && scores.length > 0 && n > 0) {
        // Known values keep their score; new ones start at 1/n (PageRank renormalises).
        initial = new Float64Array(n).fill(1 / n);
        initial.set(scores.subarray(0, Math.min(n, scores.length)));
      }
      g.dirty = false; // before the await: what arrives meanwhile marks it again
      const result = await worker.run({
        n,
        from: g.from.slice(0, g.pairs),
        to: g.to.slice(0, g.pairs),
        wiser: g.wiser.slice(0, g.pairs),
        notWiser: g.notWiser.slice(0, g.pairs),
        unsure: g.unsure.slice(0, g.pairs),
        initial,
      });
      if (!result.ok) throw new Error(`graph worker: ${result.message}`);
      scores = g.scores = result.scores;
      ranks = result.ranks;
    }

    // The rows that changed, from what is stored.
    const updatedAt = clock.now().toISOString();
    const rows: Database["graphScores"][] = [];
    for (let i = 0; i < n; i++) {
      const score = scores![i]!;
      const rank = ranks ? ranks[i]! : g.stored.rank[i]!;
      const stored = g.stored.score[i]!;
      if (
        rank === g.stored.rank[i] &&
        g.support[i] === g.stored.support[i] &&
        g.dissent[i] === g.stored.dissent[i] &&
        Math.abs(score - stored) <= SCORE_SLACK * stored
      )
        continue;
      rows.push({ contextId, canonicalId: g.ids[i]!, score, rank, support: g.support[i]!, dissent: g.dissent[i]!, updatedAt });
    }
    for (let k = 0; k < rows.length; k += WRITE_CHUNK) {
      const chunk = rows.slice(k, k + WRITE_CHUNK);
      await db.transaction().execute(async (trx) => {
        // Processes sharing PostgreSQL may recompute one context at the same moment: they take turns.
        if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`SELECT pg_advisory_xact_lock(hashtext(${`graph:${contextId}`}))`.execute(trx);
        await trx
          .insertInto("graphScores")
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(["contextId", "canonicalId"]).doUpdateSet((eb) => ({
              score: eb.ref("excluded.score"),
              rank: eb.ref("excluded.rank"),
              support: eb.ref("excluded.support"),
              dissent: eb.ref("excluded.dissent"),
              updatedAt: eb.ref("excluded.updatedAt"),
            })),
          )
          .execute();
      });
      // SQLite answers synchronously: without this, the chunks would follow each other in one turn.
      await yieldToLoop();
      for (const row of chunk) {
        const i = g.index.get(row.canonicalId)!;
        g.stored.score[i] = row.score;
        g.stored.rank[i] = row.rank;
        g.stored.support[i] = row.support;
        g.stored.dissent[i] = row.dissent;
      }
    }
  }

  return {
    changed: schedule,
    async settled() {
      for (;;) {
        const pending = [...states.values()].filter((s) => s.timer || s.running);
        if (pending.length === 0) return;
        await Promise.all(pending.map((s) => s.running ?? new Promise((r) => setTimeout(r, DEBOUNCE_MS * 2))));
      }
    },
    async close() {
      closed = true;
      for (const s of states.values()) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = null;
        s.again = false;
      }
      await Promise.all([...states.values()].map((s) => s.running));
      await worker.terminate();
    },
  };
}

/** Her own values in a context: those her active cards hold, and those a card of hers founded. */
async function valuesOf(db: Kysely<Database>, contextId: string, citizenId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("valueCards as c")
    .innerJoin("canonicalValues as cv", "cv.id", "c.canonicalId")
    .select(["cv.id", "c.status", "cv.sourceCardId", "c.id as cardId"])
    .where("c.citizenId", "=", citizenId)
    .where("c.contextId", "=", contextId)
    .execute();
  return new Set(rows.filter((r) => r.status === "active" || r.sourceCardId === r.cardId).map((r) => r.id));
}

/** How many values the moral-graph page shows, best ranked first (her own are shown besides, wherever they rank). */
export const GRAPH_VIEW_LIMIT = 100;

/**
 * The ids the page shows: the GRAPH_VIEW_LIMIT best ranked (from the index on (context, rank,
 * value)); when fewer are ranked, values not ranked yet (new since the last recompute) fill up, by id
 * (from the index on (context, id), skipping the fewer-than-limit ranked ones); then hers.
 */
async function shownIds(db: Kysely<Database>, contextId: string, mine: Set<string>): Promise<string[]> {
  const ranked = await db
    .selectFrom("graphScores")
    .select("canonicalId")
    .where("contextId", "=", contextId)
    .orderBy("rank")
    .orderBy("canonicalId")
    .limit(GRAPH_VIEW_LIMIT)
    .execute();
  const ids = ranked.map((r) => r.canonicalId);
  if (ids.length < GRAPH_VIEW_LIMIT) {
    const unranked = await db
      .selectFrom("canonicalValues as cv")
      .select("cv.id")
      .where("cv.contextId", "=", contextId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("graphScores as gs").select("gs.canonicalId").whereRef("gs.canonicalId", "=", "cv.id").where("gs.contextId", "=", contextId))),
      )
      .orderBy("cv.id")
      .limit(GRAPH_VIEW_LIMIT - ids.length)
      .execute();
    ids.push(...unranked.map((r) => r.id));
  }
  const shown = new Set(ids);
  for (const id of mine) if (!shown.has(id)) ids.push(id);
  return ids;
}

/**
 * The context's totals without reading its judgments: the number of values is counted on the index
 * of the context's values (one entry per value, thousands at a nation's size), and the number of
 * judgments is the sum of the pairs' kept counts on the index of the context's pairs (a few pairs
 * per value: PAIRS_PER_NEW_VALUE are made with each new value). Both grow with the context's values,
 * never with its citizens or their judgments; a counter of either would be one row every write of
 * the context waits for.
 */
async function contextTotals(db: Kysely<Database>, contextId: string): Promise<{ values: number; judgments: number }> {
  const [values, judgments] = await Promise.all([
    db
      .selectFrom("canonicalValues")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("contextId", "=", contextId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("valuePairs")
      .select((eb) => eb.fn.sum<number>("judgmentCount").as("n"))
      .where("contextId", "=", contextId)
      .executeTakeFirstOrThrow(),
  ]);
  return { values: Number(values.n), judgments: Number(judgments.n ?? 0) };
}

/**
 * The public view of one context's moral graph (issue 15: bounded, whatever the size of the polity):
 * the GRAPH_VIEW_LIMIT best-ranked values and a citizen's own wherever they rank (marked for her),
 * the edges that count among them, and the context's totals.
 */
export async function graphView(deps: AppDeps, contextId: string, citizenId: string | null = null) {
  const context = await deps.db
    .selectFrom("contexts")
    .select(["id", "title", "titleEt", "titleRu", "description", "descriptionEt", "descriptionRu"])
    .where("id", "=", contextId)
    .executeTakeFirst();
  if (!context) throw new DomainError("not_found", "values.unknownContext", "There is no such choice context.");
  const mine = citizenId ? await valuesOf(deps.db, contextId, citizenId) : new Set<string>();
  const ids = await shownIds(deps.db, contextId, mine);
  const values = ids.length
    ? await deps.db
        .selectFrom("canonicalValues as cv")
        .leftJoin("graphScores as gs", (join) => join.onRef("gs.canonicalId", "=", "cv.id").on("gs.contextId", "=", contextId))
        .select(["cv.id", "cv.title", "cv.description", "cv.policies", "gs.score", "gs.rank", "gs.support", "gs.dissent", "gs.updatedAt"])
        // By key alone: every id is of this context, and a filter on the context could lead a planner to walk all of its values.
        .where("cv.id", "in", ids)
        .execute()
    : [];
  const ranked = values
    .map((v) => ({
      id: v.id,
      title: v.title,
      description: v.description,
      policies: JSON.parse(v.policies) as string[],
      score: v.score ?? 0,
      rank: v.rank ?? null,
      support: v.support ?? 0,
      dissent: v.dissent ?? 0,
      mine: mine.has(v.id),
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const edges = (await aggregatedEdges(deps.db, ids))
    .map((e) => ({ ...e, ...edgeVerdict(e) }))
    .filter((e) => e.counts)
    .map(({ from, to, likelihood, wiser, notWiser, unsure }) => ({ from, to, likelihood, votes: wiser + notWiser + unsure }));
  // The newest score shown: each recompute rewrites the rows that moved, the best ranked among them.
  const updatedAt = values.reduce<string | null>((latest, v) => (v.updatedAt && (!latest || v.updatedAt > latest) ? v.updatedAt : latest), null);
  const totals = await contextTotals(deps.db, contextId);
  return { context, values: ranked, edges, updatedAt, judgments: totals.judgments, total: totals.values, limit: GRAPH_VIEW_LIMIT };
}
