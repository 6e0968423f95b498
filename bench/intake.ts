import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { once } from "node:events";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { DEMO_CARDS } from "../db/demo-values.js";
import { GATE_CORPUS } from "../tests/fixtures/value-corpus.js";
import { percentile, round, summary, table } from "./support.js";

/**
 * Value submissions through HTTP (tRPC values.submit) against one server process on SQLite: the
 * gate, dedupe into canonical values, the card and its event in one transaction, the recorded
 * engine call, and the moral graph kept current in the background. The load comes from this
 * process (another one), CONCURRENCY requests in flight, citizens taking turns.
 */
const TOTAL = Number(process.env.INTAKE_TOTAL ?? 6000);
const CONCURRENCY = Number(process.env.INTAKE_CONCURRENCY ?? 16);
const WARMUP = 300;

const child = spawn(
  process.execPath,
  [...(process.env.INTAKE_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/intake-prof"] : []), "--import", "tsx", join(import.meta.dirname, "intake-server.ts")],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
const { port, cookies } = JSON.parse(line) as { port: number; cookies: string[] };
const url = `http://127.0.0.1:${port}/trpc/values.submit`;

const usable = GATE_CORPUS.filter(
  (e) =>
    e.card.policies.length >= 2 &&
    e.card.policies.length <= 6 &&
    e.card.policies.every((p) => p.length >= 5 && p.length <= 160) &&
    e.card.title.length >= 3 &&
    e.card.title.length <= 80 &&
    e.card.description.length >= 10 &&
    e.card.description.length <= 600,
);

// Mostly paraphrases of values citizens already hold (as intake mostly is), some new values, some non-values.
const contexts = ["ai-decisions-about-people", "ai-media-in-elections", "ai-tutors-for-children", "biometric-identification-public-spaces"];
function card(i: number) {
  const kind = i % 10;
  if (kind < 7) {
    const demo = DEMO_CARDS[i % DEMO_CARDS.length]!;
    return { contextId: demo.contextId, title: demo.title, description: `${demo.description} (${i})`, policies: [...demo.policies] };
  }
  const entry = usable[i % usable.length]!;
  return { contextId: contexts[i % contexts.length]!, title: entry.card.title, description: entry.card.description, policies: [...entry.card.policies] };
}

async function submit(i: number): Promise<{ ms: number; status: number }> {
  const body = JSON.stringify(card(i));
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", cookie: cookies[i % cookies.length]! }, body });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

async function run(count: number, offset: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = offset + next++;
        const { ms, status } = await submit(i);
        latencies.push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { latencies: latencies.sort((a, b) => a - b), seconds, statuses };
}

/**
 * With wrk on the machine (Debian's package), the load comes from it: a C client costs the server's
 * second core far less than Node's fetch does, so the figures say more about the server.
 */
function wrkAvailable(): boolean {
  return !process.env.INTAKE_FETCH && spawnSync("wrk", ["--version"]).error === undefined;
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function runWrk(seconds: number) {
  const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify(card(WARMUP + i)));
  const script = [
    `local cookies = { ${cookies.map(luaString).join(", ")} }`,
    `local bodies = { ${bodies.map(luaString).join(", ")} }`,
    "local n = 0",
    'wrk.method = "POST"',
    'wrk.headers["content-type"] = "application/json"',
    "request = function()",
    "  n = n + 1",
    '  wrk.headers["cookie"] = cookies[(n % #cookies) + 1]',
    "  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])",
    "end",
    "done = function(summary, latency, requests)",
    '  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))',
    "end",
  ].join("\n");
  const file = `${mkdtempSync(`${tmpdir()}/agora-wrk-`)}/intake.lua`;
  writeFileSync(file, script);
  const out = spawnSync("wrk", ["-t1", `-c${CONCURRENCY}`, `-d${seconds}s`, "-s", file, url], { encoding: "utf8" }).stdout;
  const match = /RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(out);
  if (!match) throw new Error(`wrk gave no result:\n${out}`);
  const [, requests, micros, non2xx, p50, p99, max] = match.map(Number) as number[];
  return { requests: requests!, perSecond: requests! / (micros! / 1e6), non2xx: non2xx!, p50: p50!, p99: p99!, max: max! };
}

try {
  await run(WARMUP, 0);
  if (wrkAvailable()) {
    const result = runWrk(Number(process.env.INTAKE_SECONDS ?? 10));
    if (result.non2xx > 0) console.log(`non-2xx answers: ${result.non2xx}`);
    table([
      {
        client: "wrk",
        submissions: result.requests,
        concurrency: CONCURRENCY,
        "per second": Math.round(result.perSecond),
        "p50 ms": round(result.p50),
        "p99 ms": round(result.p99),
        "max ms": round(result.max),
      },
    ]);
    console.log("goals: >= 2000 per second, p99 <= 50 ms");
    summary("intake", {
      intake_per_s: Math.round(result.perSecond),
      intake_p50_ms: round(result.p50),
      intake_p99_ms: round(result.p99),
      concurrency: CONCURRENCY,
      submissions: result.requests,
      client: "wrk",
    });
  } else {
    await runWithFetch();
  }
} finally {
  child.kill("SIGTERM");
}

async function runWithFetch() {
  const { latencies, seconds, statuses } = await run(TOTAL, WARMUP);
  const rejected = [...statuses].filter(([s]) => s !== 200);
  if (rejected.length > 0) console.log(`non-200 answers: ${JSON.stringify(Object.fromEntries(rejected))}`);
  const perSecond = TOTAL / seconds;
  table([
    {
      client: "fetch",
      submissions: TOTAL,
      concurrency: CONCURRENCY,
      "per second": Math.round(perSecond),
      "p50 ms": round(percentile(latencies, 50)),
      "p99 ms": round(percentile(latencies, 99)),
      "max ms": round(latencies.at(-1)!),
    },
  ]);
  console.log("goals: >= 2000 per second, p99 <= 50 ms");
  summary("intake", {
    intake_per_s: Math.round(perSecond),
    intake_p50_ms: round(percentile(latencies, 50)),
    intake_p99_ms: round(percentile(latencies, 99)),
    concurrency: CONCURRENCY,
    submissions: TOTAL,
    client: "fetch",
  });
}
