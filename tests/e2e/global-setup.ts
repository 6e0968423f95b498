import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { CHROMIUM, chromiumAvailable } from "../support/browser.js";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    e2eSkipped: boolean;
  }
}

const HEALTH_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 5_000;
/** How much of the server's output we keep to show when it fails. */
const OUTPUT_LIMIT = 64 * 1024;

function skippedBanner(): string {
  const line = "!".repeat(78);
  return [
    "",
    line,
    "!!!",
    "!!!   END-TO-END SUITE SKIPPED: NO BROWSER",
    "!!!",
    `!!!   ${CHROMIUM} is missing, so not one browser test ran.`,
    "!!!   Install it with:   apt-get install chromium",
    "!!!   (or point CHROMIUM_PATH at a Chromium binary).",
    "!!!   Set REQUIRE_E2E=1 to make this an error instead of a skip.",
    "!!!",
    line,
    "",
  ].join("\n");
}

/** A port nobody is listening on right now: the OS picks one, we give it back. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("Could not find a free port."))));
    });
  });
}

/** The environment of someone running `npm start` by hand: none of the test runner's settings. */
function serverEnv(port: number, dataDir: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("VITEST") || key.startsWith("OPENAI") || key.startsWith("AGORA_")) continue;
    if (["NODE_ENV", "DATABASE_URL", "SESSION_SECRET", "TEST", "PORT", "DATA_DIR", "HOST"].includes(key)) continue;
    env[key] = value;
  }
  env.PORT = String(port);
  env.DATA_DIR = dataDir;
  env.FORCE_COLOR = "0";
  return env;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill("SIGTERM");
  if (await waitForExit(child, KILL_GRACE_MS)) return;
  child.kill("SIGKILL");
  await waitForExit(child, KILL_GRACE_MS);
}

export default async function setup({ provide }: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!chromiumAvailable()) {
    if (process.env.REQUIRE_E2E === "1") {
      throw new Error(`REQUIRE_E2E=1: the end-to-end suite requires Chromium, but ${CHROMIUM} is missing. Install it with: apt-get install chromium`);
    }
    console.warn(skippedBanner());
    provide("e2eSkipped", true);
    provide("baseUrl", "");
    return undefined;
  }

  const root = process.cwd();
  buildIfNeeded(root);

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "agora-e2e-"));
  const baseUrl = `http://localhost:${port}`;

  // Exactly what `npm start` runs.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], {
    cwd: root,
    // NODE_ENV stays unset, as in a shell: the server then defaults to production.
    env: serverEnv(port, dataDir) as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
    if (process.env.E2E_SERVER_LOG === "1") process.stderr.write(chunk);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);

  const teardown = async () => {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let last = "no answer yet";
    for (;;) {
      if (exited(child)) throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before it was healthy`);
      if (Date.now() > deadline) throw new Error(`GET /healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
      try {
        const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) break;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await teardown();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The Agora server for the end-to-end tests did not start: ${reason}.\n--- server output ---\n${output || "(none)"}\n--- end of server output ---`,
    );
  }

  provide("e2eSkipped", false);
  provide("baseUrl", baseUrl);
  return teardown;
}
