import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { seedDemoPolity } from "../db/seed.js";
import { createAgoraServer } from "../server/app.server.js";
import { hashPassword, verifyPassword } from "../server/auth/password.server.js";
import { loadConfig } from "../server/env.server.js";
import { percentile, round, summary, table } from "./support.js";

/** Sign-in latency at the scrypt cost in use (AGORA_SCRYPT_LOG_N, default 15), and what other costs would take. */
const ROUNDS = 40;
const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-signin-"));
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0" });

const costs: Record<string, string | number>[] = [];
for (const logN of [14, 15, 16]) {
  const hash = await hashPassword("agora-demo", logN);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await verifyPassword("agora-demo", hash);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  costs.push({ "log2 N": logN, "memory MiB": (128 * 2 ** logN * 8) / 2 ** 20, "verify p50 ms": round(percentile(times, 50)) });
}
console.log("scrypt verification (r=8, p=1):");
table(costs);

const server = await createAgoraServer(config, { remix: "none" });
await seedDemoPolity(server.deps.db, { hashPassword: (p) => hashPassword(p, config.scryptLogN), now: () => new Date().toISOString(), ids: server.deps.ids });
const port = await server.listen(0, "127.0.0.1");
const latencies: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const email = `citizen${(i % 12) + 1}@demo.agora`;
  const t = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "agora-demo" }),
  });
  await res.text();
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  latencies.push(performance.now() - t);
}
await server.close();
rmSync(dataDir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
console.log(`\nSign-in over HTTP (SQLite, ${ROUNDS} sequential, log2 N = ${config.scryptLogN}):`);
table([{ "p50 ms": round(percentile(latencies, 50)), "p99 ms": round(percentile(latencies, 99)), "max ms": round(latencies.at(-1)!) }]);
summary("signin", {
  scrypt_log_n: config.scryptLogN,
  signin_p50_ms: round(percentile(latencies, 50)),
  signin_p99_ms: round(percentile(latencies, 99)),
});
