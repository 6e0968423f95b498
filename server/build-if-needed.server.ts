import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const INPUTS = ["app", "vite.config.ts", "remix.config.js", "package-lock.json"];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

/** A hash of everything the browser bundle is built from. */
export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap((p) => filesUnder(join(root, p))).sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** A build older than this holding the lock is taken for one whose process died. */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * One build at a time across processes (test files in parallel workers, a server starting beside them):
 * two builds writing build/ at once leave a mix of both. The lock is a directory, made atomically.
 */
function withBuildLock(root: string, run: () => void): void {
  const lock = join(root, ".build-lock");
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(wait, 0, 0, 250);
    }
  }
  try {
    run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the Remix app unless build/ already holds a build of exactly these sources. */
export function buildIfNeeded(root: string, log: (line: string) => void = console.log): void {
  const stamp = join(root, "build", ".source-hash");
  const current = sourceHash(root);
  const built = () => existsSync(join(root, "build/server/index.js")) && existsSync(stamp) && readFileSync(stamp, "utf8") === current;
  if (built()) return;
  withBuildLock(root, () => {
    // Another process may have built these very sources while this one waited.
    if (!built()) build(root, stamp, current, log);
  });
}

function build(root: string, stamp: string, current: string, log: (line: string) => void): void {
  log("Building the web app (first start, or the sources changed)…");
  const result = spawnSync(process.execPath, [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("The web app did not build; see the output above.");
  writeFileSync(stamp, current);
}
