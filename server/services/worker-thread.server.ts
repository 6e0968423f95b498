import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts `./<name>.server.{ts,js}` (a module beside this one) in a worker thread, with `mark` as its
 * workerData so the module knows it is the worker and starts its listener (imported anywhere else it
 * starts none). The modules are TypeScript, and on Node 20 a worker does not inherit tsx's ESM loader
 * (nor accept it through `execArgv`), so under tsx (npm start, the dev server, benches) and vitest the
 * worker registers tsx's CommonJS hook first and requires the module through it. Compiled to
 * JavaScript, the module is started as it is.
 */
export function startModuleWorker(name: string, mark: string): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL(`./${name}.server.js`, here), { workerData: mark });
  const require = createRequire(here);
  const hook = require.resolve("tsx/cjs/api");
  const entry = fileURLToPath(new URL(`./${name}.server.ts`, here));
  const code = `require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: mark });
}
