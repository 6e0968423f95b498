import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * SQLite's WAL checkpoints, moved off the connection that serves requests. By default the connection
 * whose commit takes the WAL past 1,000 pages copies them into the database and syncs it, inside that
 * commit: on the event loop, since better-sqlite3 is synchronous. Measured at a nation's size
 * (`npm run bench -- nation`, census import on a loaded machine), such commits held the loop 100 to
 * 860 ms. Here a worker thread with its own connection checkpoints every CHECKPOINT_EVERY_MS, PASSIVE:
 * it copies what no reader still needs and waits for no one, while the serving connection goes on.
 * The serving connection still checkpoints past SERVING_CHECKPOINT_PAGES, rarely and cheaply (what
 * the worker copied is not copied again): the WAL starts over from its beginning only at a write that
 * finds it all copied, which a job writing without pause never does. Should the worker fail, the
 * serving connection checkpoints at SQLite's default again.
 */

/** Past this many pages of WAL (40 MB) the serving connection checkpoints too, and the WAL starts over. */
export const SERVING_CHECKPOINT_PAGES = 10_000;

export const CHECKPOINT_EVERY_MS = 250;

/** The worker: plain JavaScript, so it runs the same under tsx, vitest and compiled. */
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma("busy_timeout = 0");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { if (error.code !== "SQLITE_BUSY" && error.code !== "SQLITE_LOCKED") throw error; }
}, workerData.every);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  /** Stops the worker (after its checkpoint under way) and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` from a worker thread, once the serving connection has been told to make
 * its own checkpoints rare (`setServingCheckpoint`, a `PRAGMA wal_autocheckpoint` on that connection:
 * its first statement, which also creates the file). Should the worker fail, the serving connection
 * is told to checkpoint at SQLite's default again.
 */
export async function startCheckpointer(file: string, setServingCheckpoint: (pages: number) => Promise<unknown>): Promise<Checkpointer> {
  await setServingCheckpoint(SERVING_CHECKPOINT_PAGES);
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { file, driver, every: CHECKPOINT_EVERY_MS } });
  worker.unref();
  let stopping = false;
  const fallBack = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.warn(`[db] the checkpoint worker stopped (${why}): the connection checkpoints for itself again`);
    setServingCheckpoint(1000).catch(() => {
      // The serving connection is closing too: nothing left to checkpoint for.
    });
  };
  worker.on("error", (error) => fallBack(error.message));
  worker.on("exit", (code) => fallBack(`exit code ${code}`));
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      // Held until it has stopped: unref'd, a process with nothing else to do would end first and leave this waiting.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
