/**
 * `npm run bench -- nation [--citizens N] [--participation 0.1] [--concurrency 4] [--pg postgres://…/db]`:
 * the whole emergency cycle at the size of a nation, through the application's services, in one
 * server process (Remix off), while a client asks /healthz every 20 ms.
 *
 * A census of N citizens (default 1.3 M, in 15 counties) is imported from a CSV file; a tenth of them
 * (`--participation`) take part: each signs up (her registry entry and email), writes a value card in
 * her own words (bench/lib/nation-values.ts: ~120 values in ~100 communities), endorses values of her
 * community, judges two pairs and reads her profile. Then: the moral graph settles, one matter is
 * convened by districts and one by value communities, the second is deliberated by its representatives
 * (one per community, up to 101) with the offline engine, 101 delegates vote on the draft, the clerk
 * publishes it and the bundle is verified (with a participant's card).
 *
 * Sign-ups in the cycle hash at scrypt cost 2^10 (AGORA_SCRYPT_LOG_N=10, the least the config takes):
 * a real deployment signs citizens in through the state's OpenID Connect service, so `cycle_s` counts
 * sign-ups without the hash (the hash's measured time at 2^10 is taken off). Password hashing at the
 * configured cost is measured apart (`hash_accounts_per_s`).
 *
 * Per-step costs are the mean wall time of a service call while the first 1 % of the census takes part
 * and while the last 1 % (from 9 % to 10 %) does; `step_growth_max` is the largest ratio of the two.
 * A sign-up's cost includes its hash at 2^10 (the same at any size): taking off a mean measured at
 * another moment left a difference smaller than the noise, negative at times.
 * `--pg` names a database that is emptied first (never point it at one you keep).
 * `NATION_RECORD=<file>` records what held the server's loop (bench/lib/nation-recorder.ts).
 * On SQLite `serving_wait_max_ms` is the longest a statement or a transaction waited for the serving
 * connection (behind another's transaction): /healthz reads on a connection of its own (decision 31).
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { judgmentAnswer } from "../db/demo-values.js";
import { observeServing } from "../db/sqlite-worker.js";
import { demoCitizen } from "../db/factories.js";
import { verifyEnvelope } from "../deliberation/provenance.js";
import type { Role } from "../deliberation/roles.js";
import { hashPassword } from "../server/auth/password.server.js";
import { createAgoraServer } from "../server/app.server.js";
import { loadConfig } from "../server/env.server.js";
import { type SessionUser, signUp } from "../server/services/accounts.server.js";
import { convene } from "../server/services/convening.server.js";
import { deliberationState, startDeliberation } from "../server/services/deliberation.server.js";
import { openMatter } from "../server/services/matters.server.js";
import { importRegistry } from "../server/services/registry.server.js";
import { myCardProof, publishRuling, rulingEnvelope } from "../server/services/registry-log.server.js";
import { setRoles } from "../server/services/roles.server.js";
import { castVote, closeBallot, openBallot } from "../server/services/room.server.js";
import { endorse, judge, myValues, pairsToJudge, submitCard, valuesToEndorse } from "../server/services/values.server.js";
import { healthProbe, pool, progress } from "./lib/nation-support.js";
import { COMMUNITIES, NATION_CONTEXT, type NationValue, nationCard, nationCitizen, nationValues } from "./lib/nation-values.js";
import { round, summary, table } from "./support.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const citizens = Number(arg("--citizens") ?? 1_300_000);
const participation = Number(arg("--participation") ?? 0.1);
const concurrency = Number(arg("--concurrency") ?? 4);
const pg = arg("--pg");
const COUNTIES = 15;
/** The cycle's scrypt cost: the least the configuration takes. */
const CYCLE_LOG_N = 10;
const DELEGATES = 101;
const PAIRS_EACH = 2;
const stride = Math.round(1 / participation);
const participants = Math.floor(citizens / stride);
/** Participants who have taken part when 1 % of the census has, and from when the last 1 % begins. */
const firstWindow = Math.max(1, Math.floor(participants / (participation * 100)));
const lastFrom = participants - firstWindow;
const censusIndex = (participant: number) => 1 + participant * stride;
const delegateIndex = (d: number) => 2 + d * stride;

const county = (i: number) => `County ${(i % COUNTIES) + 1}`;
const emailOf = (i: number) => `citizen${i}@example.ee`;

async function writeCensus(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write("personal_code,full_name,district,email\n");
  const bar = progress("census file", citizens);
  for (let i = 1; i <= citizens; i++) {
    const c = demoCitizen(i);
    if (!out.write(`${c.personalCode},${c.fullName},${county(i)},${emailOf(i)}\n`)) await once(out, "drain");
    if (i % 10_000 === 0) bar.set(i);
  }
  out.end();
  await once(out, "finish");
  bar.end();
}

/** A service call as a request makes it: in a turn of the event loop of its own, so the server answers others between calls. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  await yieldToEventLoop();
  return work();
}

/** Per-step timings: the mean of calls in the first window and in the last. */
class Steps {
  private sums = new Map<string, { first: number; firstN: number; last: number; lastN: number }>();
  /** One call of a service, as one request is: it arrives from outside, in a turn of the event loop of its own. */
  async time<T>(step: string, participant: number, work: () => Promise<T>): Promise<T> {
    await yieldToEventLoop();
    const started = performance.now();
    const result = await work();
    this.add(step, participant, performance.now() - started);
    return result;
  }
  add(step: string, participant: number, ms: number) {
    const s = this.sums.get(step) ?? { first: 0, firstN: 0, last: 0, lastN: 0 };
    this.sums.set(step, s);
    if (participant < firstWindow) {
      s.first += ms;
      s.firstN++;
    }
    if (participant >= lastFrom) {
      s.last += ms;
      s.lastN++;
    }
  }
  figures() {
    return [...this.sums].map(([step, s]) => {
      const at1 = s.firstN ? s.first / s.firstN : Number.NaN;
      const at10 = s.lastN ? s.last / s.lastN : Number.NaN;
      return { step, at1, at10, growth: at10 / at1 };
    });
  }
}

/** Accounts per second at a scrypt cost: hashes on the thread pool, as many at once as it has threads. */
async function hashRate(logN: number, seconds: number): Promise<{ perS: number; meanMs: number }> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  let count = 0;
  let busy = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (performance.now() - started < seconds * 1000) {
        const t = performance.now();
        await hashPassword("correct horse battery staple", logN);
        busy += performance.now() - t;
        count++;
      }
    }),
  );
  return { perS: count / ((performance.now() - started) / 1000), meanMs: busy / count };
}

async function main() {
  // What held the loop, with NATION_RECORD=<file> (bench/lib/nation-recorder.ts).
  const recorder = process.env.NATION_RECORD ? (await import("./lib/nation-recorder.js")).startRecorder(process.env.NATION_RECORD) : undefined;
  // On SQLite /healthz reads on a connection of its own (decision 31): how long statements waited for
  // the serving connection, behind a transaction, is measured here and reported beside it.
  let servingWaitMaxMs = 0;
  observeServing((event) => {
    if (event.kind === "connection-wait") servingWaitMaxMs = Math.max(servingWaitMaxMs, event.ms);
  });
  if (!(participation > 0 && participation <= 1) || participants < 1) throw new Error("--participation must be in (0, 1] and leave someone taking part");
  const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-nation-"));
  const file = join(dataDir, "census.csv");
  process.stdout.write(
    `A polity of ${citizens.toLocaleString("en")} citizens in ${COUNTIES} counties, ${participants.toLocaleString("en")} taking part (${participation * 100} %), on ${pg ? "PostgreSQL" : "SQLite"}; ${availableParallelism()} cores.\n`,
  );

  // Password hashing apart: at the configured cost, and at the cycle's.
  const configured = loadConfig({ DATA_DIR: dataDir, NODE_ENV: "production" }).scryptLogN;
  const atConfigured = await hashRate(configured, 3);
  const atCycle = await hashRate(CYCLE_LOG_N, 1);
  process.stdout.write(
    `Password hashing: ${atConfigured.perS.toFixed(1)} accounts/s at scrypt 2^${configured} (${atConfigured.meanMs.toFixed(0)} ms each); the cycle signs up at 2^${CYCLE_LOG_N} (${atCycle.meanMs.toFixed(2)} ms each, taken off).\n`,
  );

  await writeCensus(file);
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    AGORA_SCRYPT_LOG_N: String(CYCLE_LOG_N),
    // Every delegate votes; the ballot closes with them all.
    ...(pg ? { DATABASE_URL: pg } : {}),
  });
  if (pg) {
    const { default: pgLib } = await import("pg");
    const client = new pgLib.Client({ connectionString: pg });
    await client.connect();
    await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    await client.end();
  }
  const server = await createAgoraServer(config, { remix: "none", runDeliberations: true });
  const port = await server.listen(0);
  const probe = healthProbe(`http://127.0.0.1:${port}/healthz`, recorder?.healthz);
  const deps = server.deps;
  const rows: Record<string, string | number>[] = [];
  const figures: Record<string, number | string> = {};
  const cycleStarted = performance.now();
  let hashTakenOffS = 0;
  const stage = async (name: string, work: () => Promise<unknown>) => {
    probe.take();
    const started = performance.now();
    await work();
    const seconds = (performance.now() - started) / 1000;
    const healthz = probe.take();
    rows.push({ stage: name, seconds: round(seconds, 1), healthz_max_ms: round(healthz, 1) });
    figures[`${name.replace(/[^a-z0-9]+/g, "_").replace(/_$/, "")}_s`] = round(seconds, 1);
  };
  const clerk: SessionUser = { id: "bench-clerk", email: "clerk@bench", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk"] };
  const steps = new Steps();

  await stage("import", async () => {
    // Progress by the bytes of the census read so far (asking the database would add work to what is measured).
    const size = statSync(file).size;
    const bar = progress("import (census read)", 100);
    let read = 0;
    const source = async function* () {
      for await (const chunk of createReadStream(file)) {
        read += (chunk as Buffer).length;
        bar.set(Math.floor((100 * read) / size));
        yield chunk as Buffer;
      }
    };
    const report = await importRegistry(deps, "bench-admin", "census.csv", source());
    bar.end();
    if (report.status !== "applied") throw new Error(`import ${report.status}: ${JSON.stringify(report.problems.slice(0, 3))}`);
  });

  await deps.db
    .insertInto("contexts")
    .values({ ...NATION_CONTEXT, createdAt: new Date().toISOString() })
    .execute();
  const { FIXTURE_CLAUSES } = await import("../tests/fixtures/deliberation.js");
  const matterDraft = {
    title: "Automated decisions about people, for the whole country",
    clauses: FIXTURE_CLAUSES,
    language: "en" as const,
    contextId: NATION_CONTEXT.id,
    rationale: "Public authorities have begun deciding benefits, permits and places by automated systems; the government asks for an emergency rule.",
    emergency: true,
    intakeHours: 48,
    rounds: 2,
    candidates: 3,
    approvalThreshold: 0.6,
    startIntake: true,
  };
  const byDistricts = await openMatter(deps, clerk, matterDraft);
  const byCommunities = await openMatter(deps, clerk, matterDraft);

  // Sign-ups: each participant with her registry entry, from her own address.
  const users: SessionUser[] = new Array(participants);
  await stage("sign-ups", async () => {
    const bar = progress("sign-ups", participants);
    await pool(participants, concurrency, async (p) => {
      const c = demoCitizen(censusIndex(p));
      const address = `10.${(p >> 16) & 255}.${(p >> 8) & 255}.${p & 255}`;
      const session = await steps.time("signup", p, () =>
        signUp(
          deps,
          { email: emailOf(c.index), password: `pw-${c.personalCode}`, displayName: c.fullName, personalCode: c.personalCode, locale: "en" },
          address,
        ),
      );
      users[p] = session.user;
      bar.tick();
    });
    bar.end();
  });
  hashTakenOffS = (participants * atCycle.meanMs) / 1000 / concurrency;

  // Intake: a card, endorsements, judgments, her profile.
  const values = nationValues();
  const canonicalOf = new Map<string, string>();
  const wisdomOf = new Map<string, number>();
  let admitted = 0;
  let endorsements = 0;
  let judgments = 0;
  let repeatedPairs = 0;
  await stage("intake", async () => {
    const bar = progress("intake", participants);
    await pool(participants, concurrency, async (p) => {
      const user = users[p]!;
      const plan = nationCitizen(p, values);
      const card = nationCard(plan.writes, plan.wording);
      const saved = await steps.time("submit", p, () => submitCard(deps, user, { contextId: NATION_CONTEXT.id, ...card }));
      if (saved.canonical) {
        admitted++;
        if (!canonicalOf.has(plan.writes.key)) canonicalOf.set(plan.writes.key, saved.canonical.id);
        wisdomOf.set(saved.canonical.id, plan.writes.wisdom);
      }
      // She is shown values to endorse, and endorses those of her plan that exist (as she would find them in the graph).
      const offered = await steps.time("to-endorse", p, () => valuesToEndorse(deps, user, NATION_CONTEXT.id, 5));
      const wanted = plan.endorses.map((v: NationValue) => canonicalOf.get(v.key)).filter((id): id is string => id !== undefined && id !== saved.canonical?.id);
      if (wanted.length === 0 && offered.length > 0 && p % 4 === 0) wanted.push(offered[0]!.id);
      for (const id of new Set(wanted)) {
        await steps.time("endorse", p, () => endorse(deps, user, id));
        endorsements++;
      }
      const pairs = await steps.time("pairs", p, () => pairsToJudge(deps, user, NATION_CONTEXT.id, PAIRS_EACH));
      // A pair offered twice in one answer would be a fault (another citizen's judgment moving it up a level
      // between the service's reads of two levels, fixed and tested in judging.test.ts): counted; she judges it once.
      const distinct = pairs.filter((pair, k) => pairs.findIndex((q) => q.id === pair.id) === k);
      if (distinct.length < pairs.length) repeatedPairs++;
      for (const [k, pair] of distinct.entries()) {
        const answer = judgmentAnswer(wisdomOf.get(pair.from.id) ?? 3, wisdomOf.get(pair.to.id) ?? 3, censusIndex(p), k);
        await steps.time("judge", p, () => judge(deps, user, { pairId: pair.id, answer }));
        judgments++;
      }
      await steps.time("profile", p, () => myValues(deps, user));
      bar.tick();
    });
    bar.end();
  });

  await stage("graph", async () => {
    const bar = progress("graph settles", 1);
    await deps.graphs.settled();
    bar.end();
  });
  const canonical = Number(
    (
      await deps.db
        .selectFrom("canonicalValues")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("contextId", "=", NATION_CONTEXT.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

  let districts = 0;
  await stage("convene districts", async () => {
    const bar = progress("convene (districts)", 1);
    districts = (await call(() => convene(deps, clerk, byDistricts.id, "districts", { confirmEarly: true }))).constituencies;
    bar.end();
  });
  let communities = 0;
  await stage("convene communities", async () => {
    const bar = progress("convene (communities)", 1);
    communities = (await call(() => convene(deps, clerk, byCommunities.id, "value-communities", { confirmEarly: true }))).constituencies;
    bar.end();
  });

  // Delegates: citizens with the delegate role, granted by the administrator (a ledger event each).
  const delegates: SessionUser[] = [];
  await stage("delegates", async () => {
    const bar = progress("delegates", DELEGATES);
    for (let d = 0; d < DELEGATES; d++) {
      const c = demoCitizen(delegateIndex(d));
      const session = await call(() =>
        signUp(
          deps,
          { email: emailOf(c.index), password: `pw-${c.personalCode}`, displayName: c.fullName, personalCode: c.personalCode, locale: "en" },
          `10.255.0.${d}`,
        ),
      );
      const roles: Role[] = ["citizen", "delegate"];
      await call(() => setRoles(deps, "bench-admin", session.user.id, roles));
      delegates.push({ ...session.user, roles });
      bar.tick();
    }
    bar.end();
  });

  let deliberation: { stage: string; representatives: number } = { stage: "", representatives: 0 };
  await stage("deliberation", async () => {
    const bar = progress(`deliberation (${communities} seats)`, 1);
    await call(() => startDeliberation(deps, clerk, byCommunities.id));
    for (;;) {
      const state = await call(() => deliberationState(deps, byCommunities.id));
      if (state && ["drafted", "halted"].includes(state.stage)) {
        deliberation = { stage: state.stage, representatives: state.started.representatives.length };
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    bar.end();
    if (deliberation.stage !== "drafted") throw new Error(`the deliberation ended ${deliberation.stage}`);
  });

  let outcome = "";
  await stage("ballot", async () => {
    const bar = progress("ballot", DELEGATES);
    await call(() => openBallot(deps, clerk, byCommunities.id));
    for (const delegate of delegates) {
      await call(() => castVote(deps, delegate, byCommunities.id, "ratify", undefined));
      bar.tick();
    }
    outcome = (await call(() => closeBallot(deps, clerk, byCommunities.id))).outcome;
    bar.end();
  });

  let eli = "";
  let rulingId = "";
  await stage("publication", async () => {
    const bar = progress("publication", 1);
    const published = await call(() => publishRuling(deps, clerk, byCommunities.id));
    eli = published.eli;
    rulingId = published.id;
    bar.end();
  });

  let verified = false;
  await stage("verification", async () => {
    const bar = progress("verification", 1);
    const envelope = await call(() => rulingEnvelope(deps, rulingId));
    // A participant checks that her card was in her representative's mandate.
    const citizen = users[0]!;
    const [card] = (await call(() => myValues(deps, citizen))).cards;
    const cardProof = card ? await call(() => myCardProof(deps, citizen, rulingId, card.id)).catch(() => undefined) : undefined;
    const verdict = verifyEnvelope(JSON.parse(JSON.stringify(envelope)), {
      eli,
      ...(card && cardProof ? { cardId: card.id, cardProof: JSON.parse(JSON.stringify(cardProof)) } : {}),
    });
    verified = verdict.ok;
    bar.end();
    if (!verdict.ok) console.error(JSON.stringify(verdict.checks.filter((c) => !("ok" in c) || !c.ok)));
  });
  const cycleS = (performance.now() - cycleStarted) / 1000;

  await probe.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });

  console.log();
  table(rows);
  console.log();
  const costs = steps.figures();
  table(costs.map((c) => ({ step: c.step, ms_at_1pct: round(c.at1, 3), ms_at_10pct: round(c.at10, 3), growth: round(c.growth, 2) })));
  for (const c of costs) {
    figures[`${c.step.replace("-", "_")}_ms_at_1pct`] = round(c.at1, 3);
    figures[`${c.step.replace("-", "_")}_ms_at_10pct`] = round(c.at10, 3);
  }
  summary("nation", {
    db: pg ? "postgres" : "sqlite",
    citizens,
    participants,
    concurrency,
    canonical_values: canonical,
    cards_admitted: admitted,
    endorsements,
    judgments,
    pairs_offered_twice: repeatedPairs,
    districts,
    communities,
    planted_communities: Math.min(COMMUNITIES, values.length - 1),
    representatives: deliberation.representatives,
    delegates: DELEGATES,
    outcome,
    verified: verified ? "yes" : "no",
    ...figures,
    hash_accounts_per_s: round(atConfigured.perS, 1),
    hash_scrypt_log_n: configured,
    cycle_scrypt_log_n: CYCLE_LOG_N,
    cycle_hash_taken_off_s: round(hashTakenOffS, 1),
    step_growth_max: round(Math.max(...costs.map((c) => c.growth).filter(Number.isFinite)), 2),
    blocked_max_ms: round(probe.longest, 1),
    ...(pg ? {} : { serving_wait_max_ms: round(servingWaitMaxMs, 1) }),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cycle_s: round(cycleS - hashTakenOffS, 1),
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
