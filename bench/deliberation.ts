import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dependentStages } from "../deliberation/protocol/index.js";
import { createAgoraServer } from "../server/app.server.js";
import { loadConfig } from "../server/env.server.js";
import { deliberationState, startDeliberation } from "../server/services/deliberation.server.js";
import { conveneFixture } from "../tests/fixtures/deliberation.js";
import { conveneParliamentFixture, PARLIAMENT_SEATS } from "../tests/fixtures/parliament.js";
import { round, summary, table } from "./support.js";

/**
 * A whole deliberation through the real runner, database and OpenAI adapter, against the scripted
 * server answering every request after a fixed latency: 12 representatives, 4 candidates, 3 rounds
 * (one representative approves nothing, so all rounds run), the concurrency limit as wide as the
 * widest stage. The critical path is the number of dependent model stages times the latency; the
 * ratio says how much the runner adds to it (a protocol that drafted candidates one after another
 * would be near (1 + 3 + 4·3 + 3) / 7 = 2.7 here). Then the same with the offline engine.
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const REPS = 12;
const CANDIDATES = 4;
const ROUNDS = 3;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** Characters per streamed chunk: a few tokens, as models send them. */
const CHUNK = Number(process.env.BENCH_CHUNK ?? 16);
const CLERK = { id: "bench-clerk", email: "", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk" as const] };

const modelProcess = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "deliberation-model-server.ts")], {
  env: { ...process.env, BENCH_LATENCY_MS: String(LATENCY_MS), BENCH_CHUNK: String(CHUNK) },
  stdio: ["pipe", "pipe", "inherit"],
});
const modelLines = createInterface({ input: modelProcess.stdout! })[Symbol.asyncIterator]();
const modelUrl = String((await modelLines.next()).value);
async function modelStats(): Promise<{ maxInFlight: number; received: number; cached: number }> {
  modelProcess.stdin!.write("\n");
  return JSON.parse(String((await modelLines.next()).value));
}

/**
 * The longest the event loop went without running a 5 ms timer while `work` ran: the longest
 * synchronous step (the runner's planning, folding, computed tasks and the offline reader all run on it).
 */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; blockedMaxMs: number }> {
  let last = performance.now();
  let blockedMaxMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    blockedMaxMs = Math.max(blockedMaxMs, now - last - 5);
    last = now;
  }, 5);
  try {
    const result = await work();
    // The stretch since the last tick counts too (a run that never let the timer fire is one long step).
    return { result, blockedMaxMs: Math.max(blockedMaxMs, performance.now() - last - 5) };
  } finally {
    clearInterval(timer);
  }
}

async function run(engine: "openai" | "offline", parliament = false) {
  const dir = mkdtempSync(join(tmpdir(), "agora-bench-deliberation-"));
  const env = {
    DATA_DIR: dir,
    NODE_ENV: "test",
    AGORA_LLM_CONCURRENCY: String(REPS),
    ...(engine === "openai" ? { OPENAI_BASE_URL: modelUrl, OPENAI_API_KEY: "bench", AGORA_MODEL: "scripted" } : {}),
  };
  const server = await createAgoraServer(loadConfig(env as NodeJS.ProcessEnv), { remix: "none" });
  try {
    const { matterId } = parliament
      ? await conveneParliamentFixture(server.deps.db, { candidates: CANDIDATES, rounds: ROUNDS, idSuffix: "bench" })
      : await conveneFixture(server.deps.db, {
          representatives: REPS,
          candidates: CANDIDATES,
          rounds: ROUNDS,
          approvalThreshold: 1,
          idSuffix: "bench",
        });
    const before = (await modelStats()).received;
    const started = performance.now();
    const { blockedMaxMs } = await withLoopWatch(async () => {
      await startDeliberation(server.deps, CLERK, matterId, { tokenBudget: 100_000_000 });
      await server.deps.deliberations.settled(matterId);
    });
    const wallMs = performance.now() - started;
    const state = (await deliberationState(server.deps, matterId))!;
    if (state.stage !== "drafted") throw new Error(`the deliberation ended ${state.stage}: ${state.haltedBecause}`);
    const rounds = Object.keys(state.tallies).length;
    return {
      wallMs,
      blockedMaxMs,
      rounds,
      stages: dependentStages(rounds),
      calls: (await modelStats()).received - before,
      tokens: state.tokensSpent,
      values: new Set(state.started.representatives.flatMap((r) => r.mandate.map((v) => v.valueId))).size,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run("openai"); // warm-up: fills the scripted model's memory, warms the JIT
const warmCached = (await modelStats()).cached;
const rows: Record<string, string | number>[] = [];
const ratios: number[] = [];
const offline: number[] = [];
for (let i = 0; i < REPEATS; i++) {
  const r = await run("openai");
  const critical = r.stages * LATENCY_MS;
  ratios.push(r.wallMs / critical);
  rows.push({
    engine: "scripted model",
    run: i + 1,
    rounds: r.rounds,
    stages: r.stages,
    calls: r.calls,
    tokens: r.tokens,
    wall_ms: round(r.wallMs),
    critical_path_ms: critical,
    ratio: round(r.wallMs / critical, 3),
  });
}
for (let i = 0; i < REPEATS; i++) {
  const r = await run("offline");
  offline.push(r.wallMs);
  rows.push({
    engine: "offline",
    run: i + 1,
    rounds: r.rounds,
    stages: r.stages,
    calls: "-",
    tokens: 0,
    wall_ms: round(r.wallMs),
    critical_path_ms: "-",
    ratio: "-",
  });
}
// A parliament: 101 representatives of 8 values each (606 distinct values), once with each engine.
const parliament: Record<string, { wallMs: number; blockedMaxMs: number; calls: number; rounds: number; values: number }> = {};
for (const engine of ["offline", "openai"] as const) {
  const r = await run(engine, true);
  parliament[engine] = r;
  rows.push({
    engine: `${engine === "openai" ? "scripted model" : "offline"}, ${PARLIAMENT_SEATS} reps`,
    run: 1,
    rounds: r.rounds,
    stages: r.stages,
    calls: engine === "openai" ? r.calls : "-",
    tokens: r.tokens,
    wall_ms: round(r.wallMs),
    critical_path_ms: "-",
    ratio: "-",
  });
}
const stats = await modelStats();
modelProcess.kill();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
if (stats.cached !== warmCached) console.log(`warning: ${stats.cached - warmCached} requests differed from the warm-up run`);
console.log(
  `${REPS} representatives, ${CANDIDATES} candidates, ${ROUNDS} rounds; model latency ${LATENCY_MS} ms, answers streamed ${CHUNK} characters a chunk; ` +
    `concurrency ${REPS}; most requests in flight at once: ${stats.maxInFlight}`,
);
table(rows);
console.log(
  `${PARLIAMENT_SEATS} representatives (${parliament.offline!.values} values): draft in ${round(parliament.offline!.wallMs)} ms offline, ` +
    `${round(parliament.openai!.wallMs)} ms with the scripted model; longest synchronous step ${round(parliament.offline!.blockedMaxMs)} ms offline, ` +
    `${round(parliament.openai!.blockedMaxMs)} ms with the model`,
);
console.log(`median ratio to the critical path ${round(median(ratios), 3)} (goal ≤ 1.10); offline median ${round(median(offline))} ms (goal ≤ 2000 ms)`);
summary("deliberation", {
  latency_ms: LATENCY_MS,
  chunk_chars: CHUNK,
  representatives: REPS,
  candidates: CANDIDATES,
  rounds: ROUNDS,
  max_in_flight: stats.maxInFlight,
  ratio_to_critical_path: round(median(ratios), 3),
  offline_wall_ms: round(median(offline)),
  parliament_representatives: PARLIAMENT_SEATS,
  parliament_values: parliament.offline!.values,
  parliament_offline_draft_ms: round(parliament.offline!.wallMs),
  parliament_scripted_draft_ms: round(parliament.openai!.wallMs),
  parliament_offline_blocked_max_ms: round(parliament.offline!.blockedMaxMs),
  parliament_scripted_blocked_max_ms: round(parliament.openai!.blockedMaxMs),
});
