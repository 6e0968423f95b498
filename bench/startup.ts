import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { round, summary, table } from "./support.js";

/**
 * Time from `npm start` to the first 200 on "/", as a new user meets it after `npm install`:
 * cold (no build, empty database: builds, migrates, seeds) and warm (both already there).
 * The cold run deletes build/, which the next start rebuilds.
 */
const root = join(import.meta.dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function timeToFirst200(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start"], { cwd: root, env: { ...process.env, PORT: String(port), DATA_DIR: dataDir }, stdio: "ignore", detached: true });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - started > 300_000) throw new Error("no 200 within 5 minutes");
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-start-"));
rmSync(join(root, "build"), { recursive: true, force: true });
const cold = await timeToFirst200(dataDir);
const warm = await timeToFirst200(dataDir);
rmSync(dataDir, { recursive: true, force: true });
table([
  { start: "cold: build + migrate + seed", "to first 200 ms": Math.round(cold) },
  { start: "warm: built, seeded", "to first 200 ms": Math.round(warm) },
]);
summary("startup", { cold_start_to_200_ms: round(cold, 0), warm_start_to_200_ms: round(warm, 0) });
