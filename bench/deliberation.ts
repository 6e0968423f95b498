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

async function run(engine: "openai" | "offline") {
  const dir = mkdtempSync(join(tmpdir(), "agora-bench-deliberation-"));
  const env = {
    DATA_DIR: dir,
    NODE_ENV: "test",
    AGORA_LLM_CONCURRENCY: String(REPS),
    ...(engine === "openai" ? { OPENAI_BASE_URL: modelUrl, OPENAI_API_KEY: "bench", AGORA_MODEL: "scripted" } : {}),
  };
  const server = await createAgoraServer(loadConfig(env as NodeJS.ProcessEnv), { remix: "none" });
  try {
    const { matterId } = await conveneFixture(server.deps.db, {
      representatives: REPS,
      candidates: CANDIDATES,
      rounds: ROUNDS,
      approvalThreshold: 1,
      idSuffix: "bench",
    });
    const before = (await modelStats()).received;
    const started = performance.now();
    await startDeliberation(server.deps, CLERK, matterId);
    await server.deps.deliberations.settled(matterId);
    const wallMs = performance.now() - started;
    const state = (await deliberationState(server.deps, matterId))!;
    if (state.stage !== "drafted") throw new Error(`the deliberation ended ${state.stage}: ${state.haltedBecause}`);
    const rounds = Object.keys(state.tallies).length;
    return { wallMs, rounds, stages: dependentStages(rounds), calls: (await modelStats()).received - before, tokens: state.tokensSpent };
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
const stats = await modelStats();
modelProcess.kill();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
if (stats.cached !== warmCached) console.log(`warning: ${stats.cached - warmCached} requests differed from the warm-up run`);
console.log(
  `${REPS} representatives, ${CANDIDATES} candidates, ${ROUNDS} rounds; model latency ${LATENCY_MS} ms, answers streamed ${CHUNK} characters a chunk; ` +
    `concurrency ${REPS}; most requests in flight at once: ${stats.maxInFlight}`,
);
table(rows);
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
});
