import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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

/** Builds the Remix app unless build/ already holds a build of exactly these sources. */
export function buildIfNeeded(root: string, log: (line: string) => void = console.log): void {
  const stamp = join(root, "build", ".source-hash");
  const current = sourceHash(root);
  if (existsSync(join(root, "build/server/index.js")) && existsSync(stamp) && readFileSync(stamp, "utf8") === current) return;
  log("Building the web app (first start, or the sources changed)…");
  const result = spawnSync(process.execPath, [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("The web app did not build; see the output above.");
  writeFileSync(stamp, current);
}
