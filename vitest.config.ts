import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Workers for the whole run. Vitest's default on a 2-core machine is one (cores − 1), which ran every
 * unit and integration file one after another and only then, in a phase of their own, the e2e files.
 * Two: the e2e chain (the longest path, with its own server and browser processes) in one, the unit
 * and integration files in the other, at the same time; each took about 250-300 s on a busy 2-core
 * machine. With a third worker (on a busier machine) the e2e chain slowed to 570 s and deliberations
 * that tests wait for timed out.
 */
const WORKERS = 2;

/**
 * Unit and integration files share their worker's imported modules instead of each starting afresh
 * (vitest's isolate: false). Each file's own module and state are its own (servers, databases and
 * temp dirs are made per file); what is shared is the app's code, imported once per worker rather than
 * once per file. Beside the e2e chain on a busy 2-core machine, importing anew cost 3-5 s a file, some
 * 120 s of the 380 s the other worker spent while the chain ran; the unit and integration files' run
 * went from about 460 s to 370 s.
 */
const ISOLATE = false;

/**
 * The e2e files share one server and run one after another. Vitest can only keep files of a project
 * apart by running them after all other files, so a full run runs them as one file,
 * tests/e2e/sequence.ts (which imports every tests/e2e/*.test.ts), in one worker beside the others.
 * A run that names an e2e file (any argument that is part of an e2e file's path, such as
 * `tests/e2e/shell.test.ts` or `shell`) runs the e2e files as files of their own, one after another.
 */
const E2E_FILES = readdirSync(new URL("./tests/e2e/", import.meta.url))
  .filter((name) => name.endsWith(".test.ts"))
  .map((name) => `tests/e2e/${name}`);
const namesE2eFile = process.argv
  .slice(2)
  .some(
    (arg) => !arg.startsWith("-") && !["run", "e2e"].includes(arg) && E2E_FILES.some((file) => file.includes(arg.replace(/^\.\//, "")) || arg.endsWith(file)),
  );

// The Remix Vite plugin is deliberately absent here: tests import modules directly.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // Unit files now share the cores with the e2e chain: a few CPU-bound ones (the gate's corpus
          // four times over) took 6 s on a busy machine and hit the 5 s default. Time is not what they test.
          testTimeout: 20_000,
          maxWorkers: WORKERS,
          isolate: ISOLATE,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: WORKERS,
          isolate: ISOLATE,
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One browser and one server are shared; files run one after another.
          ...(namesE2eFile ? { include: ["tests/e2e/**/*.test.ts"], fileParallelism: false } : { include: ["tests/e2e/sequence.ts"], maxWorkers: WORKERS }),
        },
      },
    ],
  },
});
