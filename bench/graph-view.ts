import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { openDatabase, type DbConfig } from "../db/connection.js";
import { migrateToLatest } from "../db/migrate.js";
import type { Database } from "../db/schema.js";
import { prng } from "../deliberation/random.js";
import type { AppDeps } from "../server/services/deps.server.js";
import { graphView } from "../server/services/graph.server.js";
import { OFFER_LEVEL_CAP } from "../server/services/values.server.js";

/**
 * The moral-graph page at a nation's size (issue 15): one context of VALUES values, PAIRS_PER_VALUE
 * pairs each, JUDGMENTS judgments from CITIZENS citizens, every value ranked. Times graph.view as it
 * was (every value of the context, and every judgment aggregated) and as it is (the best ranked,
 * edges from the pairs' tallies), median of RUNS. `--pg URL` for PostgreSQL (a schema of its own, dropped after).
 *
 *   npx tsx bench/graph-view.ts [--pg postgres://postgres@127.0.0.1:5432/agora_graph] [--judgments 100000] [--values 3000] [--no-analyze]
 */

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PG_URL = arg("pg");
const JUDGMENTS = Number(arg("judgments") ?? 100_000);
const VALUES = Number(arg("values") ?? 3_000);
const CITIZENS = Math.ceil(JUDGMENTS / 5);
const PAIRS_PER_VALUE = 3;
const RUNS = 7;
const CONTEXT = "bench-context";
const ANSWERS = ["wiser", "wiser", "wiser", "not_wiser", "unsure"] as const;

async function insertChunked<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>, size = 1000) {
  for (let k = 0; k < rows.length; k += size) await write(rows.slice(k, k + size));
}

async function populate(db: Kysely<Database>) {
  const random = prng(15);
  const now = new Date().toISOString();
  await db.insertInto("contexts").values({ id: CONTEXT, title: "Bench", titleEt: null, description: "Bench.", createdAt: now }).execute();
  const citizens = Array.from({ length: CITIZENS }, (_, i) => ({
    id: `z${i}`,
    personalCode: String(30000000000 + i),
    fullName: `Citizen ${i}`,
    district: "Tartu",
    email: null,
    importId: null,
    createdAt: now,
  }));
  await insertChunked(citizens, (chunk) => db.insertInto("citizens").values(chunk).execute());
  const values = Array.from({ length: VALUES }, (_, i) => ({
    id: `v${i}`,
    contextId: CONTEXT,
    title: `Value ${i}`,
    description: `What value ${i} attends to.`,
    policies: JSON.stringify([`Policy ${i}`]),
    sourceCardId: `card${i}`,
    embedding: null,
    createdAt: now,
  }));
  await insertChunked(values, (chunk) => db.insertInto("canonicalValues").values(chunk).execute());
  // Each value after the first few paired with PAIRS_PER_VALUE earlier ones, the newer offered as wiser.
  const pairs: { id: string; from: number; to: number; votes: (typeof ANSWERS)[number][] }[] = [];
  const seen = new Set<string>();
  for (let to = 1; to < VALUES; to++)
    for (let k = 0; k < PAIRS_PER_VALUE; k++) {
      const from = Math.floor(random() * to);
      if (seen.has(`${from}>${to}`)) continue;
      seen.add(`${from}>${to}`);
      pairs.push({ id: `p${pairs.length}`, from, to, votes: [] });
    }
  const judgments: { id: string; pairId: string; citizenId: string; answer: (typeof ANSWERS)[number]; why: null; createdAt: string }[] = [];
  for (let j = 0; j < JUDGMENTS; j++) {
    const citizen = Math.floor(j / 5);
    const pair = pairs[(citizen * 7919 + (j % 5) * 104_729) % pairs.length]!;
    const answer = ANSWERS[Math.floor(random() * ANSWERS.length)]!;
    pair.votes.push(answer);
    judgments.push({ id: `j${j}`, pairId: pair.id, citizenId: `z${citizen}`, answer, why: null, createdAt: now });
  }
  await insertChunked(pairs, (chunk) =>
    db
      .insertInto("valuePairs")
      .values(
        chunk.map((p, i) => ({
          id: p.id,
          contextId: CONTEXT,
          fromId: `v${p.from}`,
          toId: `v${p.to}`,
          story: "",
          llmCallId: null,
          createdAt: now,
          randomKey: i * 7919,
          judgmentCount: p.votes.length,
          offerLevel: Math.min(p.votes.length, OFFER_LEVEL_CAP),
          wiserCount: p.votes.filter((v) => v === "wiser").length,
          notWiserCount: p.votes.filter((v) => v === "not_wiser").length,
        })),
      )
      .execute(),
  );
  await insertChunked(judgments, (chunk) => db.insertInto("judgments").values(chunk).execute());
  const scores = Array.from({ length: VALUES }, (_, i) => ({
    contextId: CONTEXT,
    canonicalId: `v${i}`,
    score: 1 / (i + 1),
    rank: i + 1,
    support: 1,
    dissent: 0,
    updatedAt: now,
  }));
  await insertChunked(scores, (chunk) => db.insertInto("graphScores").values(chunk).execute());
  return { pairs: pairs.length };
}

/** graph.view's reads as they were before the tallies: every value of the context, every judgment aggregated. */
async function viewBefore(db: Kysely<Database>) {
  const values = await db
    .selectFrom("canonicalValues as cv")
    .leftJoin("graphScores as gs", (join) => join.onRef("gs.canonicalId", "=", "cv.id").on("gs.contextId", "=", CONTEXT))
    .select(["cv.id", "cv.title", "cv.description", "cv.policies", "gs.score", "gs.rank", "gs.support", "gs.dissent", "gs.updatedAt"])
    .where("cv.contextId", "=", CONTEXT)
    .execute();
  const votes = await db
    .selectFrom("judgments as j")
    .innerJoin("valuePairs as p", "p.id", "j.pairId")
    .select((eb) => ["p.fromId", "p.toId", "j.answer", eb.fn.countAll<number>().as("n")])
    .where("p.contextId", "=", CONTEXT)
    .groupBy(["p.fromId", "p.toId", "j.answer"])
    .execute();
  return { values: values.length, votes: votes.length };
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)]! * 10) / 10;
}

async function main() {
  let config: DbConfig;
  let cleanup: () => Promise<void>;
  if (PG_URL) {
    const schema = `bench_${process.pid}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    config = { kind: "postgres", url: PG_URL, schema };
    cleanup = async () => {
      if (process.env.KEEP_DB) console.log(`kept ${schema}`);
      else await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "agora-graph-view-"));
    config = { kind: "sqlite", file: join(dir, "bench.sqlite") };
    cleanup = async () => (process.env.KEEP_DB ? console.log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true }));
  }
  const handle = openDatabase(config);
  try {
    await migrateToLatest(handle.db as unknown as Kysely<any>);
    const { pairs } = await populate(handle.db);
    // Planners with statistics, as a database in service has them (PostgreSQL's autovacuum; `--no-analyze` to see SQLite without).
    if (!process.argv.includes("--no-analyze")) await sql`ANALYZE`.execute(handle.db);
    const deps = { db: handle.db } as AppDeps;
    const before = await time(() => viewBefore(handle.db));
    const after = await time(() => graphView(deps, CONTEXT, null));
    const view = await graphView(deps, CONTEXT, null);
    console.log(
      JSON.stringify({
        dialect: handle.dialect,
        values: VALUES,
        pairs,
        judgments: JUDGMENTS,
        before_ms: before,
        after_ms: after,
        shown: view.values.length,
        edges: view.edges.length,
        total: view.total,
        judgments_counted: view.judgments,
      }),
    );
  } finally {
    await handle.close();
    await cleanup();
  }
}

await main();
