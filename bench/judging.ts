import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { prng } from "../deliberation/random.js";
import type { Role } from "../deliberation/roles.js";
import { similarity } from "../deliberation/values/dedupe.js";
import { createAgoraServer } from "../server/app.server.js";
import { loadConfig } from "../server/env.server.js";
import type { SessionUser } from "../server/services/accounts.server.js";
import type { AppDeps } from "../server/services/deps.server.js";
import { judge, pairsAtLevel, pairsToJudge, randomPairKey } from "../server/services/values.server.js";
import { createTestDatabase } from "../tests/support/database.js";
import { percentile, round, summary, table } from "./support.js";

/**
 * Do judgments reach every value? One context of VALUES canonical values, each held by two of
 * CITIZENS citizens, paired as `pairWithRelated` pairs a new value (the PAIRS_PER_NEW_VALUE most
 * related earlier values, the newer one offered as the possibly wiser). Values, cards and pairs are
 * inserted directly (no gate, no upgrade-story calls: neither bears on which pair is offered); then
 * the citizens, WAVE at a time asking at once, each ask for a pair and judge it, twice, through the
 * application's own `pairsToJudge` and `judge`. `judged_share` is the share of values in at least
 * one judged pair. The same run with the old "oldest unjudged pair first" query is the baseline.
 * SQLite by default; PostgreSQL with --pg or TEST_DATABASE_URL.
 */
const VALUES = Number(process.env.JUDGING_VALUES ?? 500);
const CITIZENS = Number(process.env.JUDGING_CITIZENS ?? 1000);
const JUDGMENTS_EACH = 2;
const WAVE = 20;
/** As in server/services/values.server.ts. */
const PAIRS_PER_NEW_VALUE = 3;
const CONTEXT = "bench-judging";
const TIMED_CALLS = 100;
const ANSWERS = ["wiser", "not_wiser", "unsure"] as const;

const usePg = process.argv.includes("--pg") || Boolean(process.env.TEST_DATABASE_URL);
if (usePg && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const showPlans = !process.argv.includes("--no-explain");

// Words for distinct, partly overlapping value cards, so that "most related" pairs values as it would.
const CONCERNS = [
  "appeal",
  "explanation",
  "privacy",
  "consent",
  "dignity",
  "fairness",
  "safety",
  "accuracy",
  "language",
  "childhood",
  "protest",
  "memory",
  "trust",
  "repair",
  "access",
  "anonymity",
  "correction",
  "deletion",
  "oversight",
  "time",
];
const SUBJECTS = [
  "a refused benefit",
  "a loan decision",
  "an exam grade",
  "a face match",
  "a school place",
  "a tax audit",
  "a permit",
  "a bail score",
  "a job application",
  "a voice recording",
  "a medical triage",
  "a rent price",
  "a shift schedule",
  "a translated letter",
  "a traffic fine",
  "a child's records",
  "a news photo",
  "a campaign video",
  "a sanction",
  "a camera",
];

function synthesiseValue(i: number, random: () => number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const a = pick(CONCERNS);
  const b = pick(CONCERNS.filter((c) => c !== a));
  const s = pick(SUBJECTS);
  const t = pick(SUBJECTS.filter((x) => x !== s));
  return {
    title: `${a[0]!.toUpperCase()}${a.slice(1)} and ${b} around ${s} (${i})`,
    description: `When ${s} is decided by a system, I care about ${a}, and about ${b} when it comes to ${t}.`,
    policies: [`MOMENTS when ${a} is at stake in ${s}`, `WAYS ${b} is kept for people facing ${t}`, `SIGNS that ${s} can be put right`],
  };
}

interface World {
  deps: AppDeps;
  citizens: SessionUser[];
  values: string[];
  pairs: number;
  close(): Promise<void>;
}

async function buildWorld(): Promise<World> {
  const database = await createTestDatabase(usePg ? "postgres" : "sqlite");
  const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-judging-"));
  const base = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0", AGORA_SCRYPT_LOG_N: "10" });
  const server = await createAgoraServer({ ...base, database: database.config }, { remix: "none" });
  const { db, ids } = server.deps;
  const now = new Date().toISOString();
  const random = prng(14);

  await db
    .insertInto("contexts")
    .values({ id: CONTEXT, title: "AI systems that make decisions about people", titleEt: null, description: "Bench.", createdAt: now })
    .execute();
  const citizenIds = Array.from({ length: CITIZENS }, () => ids());
  for (let from = 0; from < CITIZENS; from += 200) {
    await db
      .insertInto("citizens")
      .values(
        citizenIds.slice(from, from + 200).map((id, k) => ({
          id,
          personalCode: `4900101${String(from + k).padStart(4, "0")}`,
          fullName: `Citizen ${from + k}`,
          district: "Tartu",
          email: null,
          importId: null,
          createdAt: now,
        })),
      )
      .execute();
  }

  // Value i is founded by citizen i and held by one more citizen; pairs are made as each value arrives.
  const made: { id: string; title: string; description: string; policies: string[]; createdAt: string }[] = [];
  for (let i = 0; i < VALUES; i++) {
    const card = synthesiseValue(i, random);
    const id = ids();
    const createdAt = new Date(Date.parse(now) + i * 1000).toISOString();
    const founder = citizenIds[i % CITIZENS]!;
    const joiner = citizenIds[(VALUES + ((i * 7) % VALUES)) % CITIZENS]!;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("canonicalValues")
        .values({
          id,
          contextId: CONTEXT,
          title: card.title,
          description: card.description,
          policies: JSON.stringify(card.policies),
          sourceCardId: id,
          embedding: null,
          createdAt,
          // Its holders, as the services keep it (decision 29).
          supportCount: founder === joiner ? 1 : 2,
        })
        .execute();
      for (const [k, holder] of [founder, joiner].entries()) {
        await trx
          .insertInto("valueCards")
          .values({
            id: k === 0 ? id : ids(),
            citizenId: holder,
            contextId: CONTEXT,
            title: card.title,
            description: card.description,
            policies: JSON.stringify(card.policies),
            verdict: "value",
            verdictReason: "bench",
            verdictSignals: "[]",
            llmCallId: null,
            canonicalId: id,
            similarity: k === 0 ? null : 1,
            revisionOf: null,
            status: "active",
            createdAt,
          })
          .execute();
      }
      const related = made
        .map((other) => ({ other, related: similarity(card, other) }))
        .sort((a, b) => b.related - a.related || b.other.createdAt.localeCompare(a.other.createdAt) || a.other.id.localeCompare(b.other.id))
        .slice(0, PAIRS_PER_NEW_VALUE);
      for (const { other } of related) {
        await trx
          .insertInto("valuePairs")
          .values({ id: ids(), contextId: CONTEXT, fromId: other.id, toId: id, story: "bench", llmCallId: null, createdAt, randomKey: randomPairKey() })
          .execute();
      }
    });
    made.push({ id, ...card, createdAt });
  }
  if (usePg) await sql`ANALYZE`.execute(db);
  const pairs = Number(
    (
      await db
        .selectFrom("valuePairs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const citizens = citizenIds.map((citizenId, k) => ({ id: `bench:${k}`, email: "", displayName: "", locale: "en", citizenId, roles: ["citizen"] as Role[] }));
  return {
    deps: server.deps,
    citizens,
    values: made.map((v) => v.id),
    pairs,
    async close() {
      await server.deps.graphs.settled();
      await server.close();
      await database.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The order before issue 14: the oldest pair in the context she has not judged. */
async function oldestFirst(deps: AppDeps, user: SessionUser, contextId: string, limit: number) {
  return deps.db
    .selectFrom("valuePairs as p")
    .select("p.id")
    .where("p.contextId", "=", contextId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("judgments as j").select("j.id").whereRef("j.pairId", "=", "p.id").where("j.citizenId", "=", user.citizenId!))),
    )
    .orderBy("p.createdAt")
    .orderBy("p.id")
    .limit(limit)
    .execute();
}

type Ask = (deps: AppDeps, user: SessionUser, contextId: string, limit: number) => Promise<{ id: string }[]>;

async function timeAsks(world: World, ask: Ask, random: () => number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < TIMED_CALLS; i++) {
    const user = world.citizens[Math.floor(random() * world.citizens.length)]!;
    const started = performance.now();
    await ask(world.deps, user, CONTEXT, 1);
    ms.push(performance.now() - started);
  }
  return percentile(
    ms.sort((a, b) => a - b),
    50,
  );
}

async function simulate(order: string, ask: Ask) {
  const world = await buildWorld();
  const random = prng(7);
  try {
    const startMs = await timeAsks(world, ask, random);
    const started = performance.now();
    let judgments = 0;
    for (let from = 0; from < world.citizens.length; from += WAVE) {
      const wave = world.citizens.slice(from, from + WAVE);
      const done = await Promise.all(
        wave.map(async (user) => {
          let n = 0;
          for (let k = 0; k < JUDGMENTS_EACH; k++) {
            const [pair] = await ask(world.deps, user, CONTEXT, 1);
            if (!pair) break;
            await judge(world.deps, user, { pairId: pair.id, answer: ANSWERS[Math.floor(random() * 3)]! });
            n++;
          }
          return n;
        }),
      );
      judgments += done.reduce((a, b) => a + b, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    const endMs = await timeAsks(world, ask, random);
    const db = world.deps.db;
    const judgedPairs = await db.selectFrom("valuePairs").select(["fromId", "toId"]).where("contextId", "=", CONTEXT).where("judgmentCount", ">", 0).execute();
    const reached = new Set(judgedPairs.flatMap((p) => [p.fromId, p.toId]));
    const recorded = Number(
      (
        await db
          .selectFrom("judgments")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const counted = Number(
      (
        await db
          .selectFrom("valuePairs")
          .select((eb) => eb.fn.sum<number>("judgmentCount").as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (counted !== recorded) throw new Error(`pair counts (${counted}) disagree with the judgments recorded (${recorded})`);
    if (showPlans && order === "least_judged") await explain(world);
    return {
      order,
      values: world.values.length,
      pairs: world.pairs,
      judgments,
      judged_pairs: judgedPairs.length,
      judged_share: round(reached.size / world.values.length, 3),
      ask_ms_start: round(startMs, 2),
      ask_ms_end: round(endMs, 2),
      seconds: round(seconds, 1),
    };
  } finally {
    await world.close();
  }
}

/** The query plans of the walk: the lowest level, then a level's pairs from her place on. */
async function explain(world: World) {
  const db = world.deps.db;
  const user = world.citizens[3]!;
  const own = await db.selectFrom("valueCards").select("canonicalId").where("citizenId", "=", user.citizenId!).execute();
  const walk = { contextId: CONTEXT, citizenId: user.citizenId!, own: own.map((r) => r.canonicalId!), level: 1 };
  const level = db.selectFrom("valuePairs").select("offerLevel").where("contextId", "=", CONTEXT).where("offerLevel", ">", 0).orderBy("offerLevel").limit(1);
  for (const [name, query] of [
    ["lowest level above 0", level.compile()],
    ["pairs of level 1 from her place", pairsAtLevel(db, walk, { from: 2 ** 30 }, 8).compile()],
  ] as const) {
    const prefix = world.deps.dialect === "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN ";
    const { rows } = await (db as Kysely<Database>).executeQuery<Record<string, unknown>>({ ...query, sql: prefix + query.sql });
    console.log(`-- plan (${world.deps.dialect}): ${name}`);
    for (const row of rows) console.log(`   ${String(world.deps.dialect === "sqlite" ? row.detail : row["QUERY PLAN"])}`);
  }
}

const rows = [await simulate("least_judged", pairsToJudge)];
if (!process.argv.includes("--no-baseline")) rows.push(await simulate("oldest_first", oldestFirst));
table(rows);
console.log(`goal: judged_share >= 0.9 (${usePg ? "postgres" : "sqlite"}); ask_ms is the median pairsToJudge call, before and after the judgments`);
const [least, old] = rows;
summary("judging", {
  database: usePg ? "postgres" : "sqlite",
  values: least!.values,
  pairs: least!.pairs,
  citizens: CITIZENS,
  judgments: least!.judgments,
  judged_share: least!.judged_share,
  judged_pairs: least!.judged_pairs,
  ask_ms_start: least!.ask_ms_start,
  ask_ms_end: least!.ask_ms_end,
  ...(old ? { judged_share_oldest_first: old.judged_share, judged_pairs_oldest_first: old.judged_pairs } : {}),
});
