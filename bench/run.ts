import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** `npm run bench -- NAME` runs bench/NAME.ts; no name runs them all, one process each. */
const here = import.meta.dirname;
const all = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "support.ts"].includes(f) && !f.endsWith("-server.ts"))
  .map((f) => f.slice(0, -3))
  .sort();
// Names first; what follows a "--" flag (`npm run bench -- representation --engine openai`) goes to the benchmark.
const firstFlag = process.argv.slice(2).findIndex((a) => a.startsWith("--"));
const wanted = firstFlag < 0 ? process.argv.slice(2) : process.argv.slice(2, 2 + firstFlag);
const passed = firstFlag < 0 ? [] : process.argv.slice(2 + firstFlag);
for (const name of wanted) {
  if (!existsSync(join(here, `${name}.ts`)) || !all.includes(name)) {
    console.error(`No benchmark named "${name}". Known: ${all.join(", ")}`);
    process.exit(2);
  }
}
let failed = false;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n== bench ${name}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, `${name}.ts`), ...passed], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
