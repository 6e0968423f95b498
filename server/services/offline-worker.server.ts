import { parentPort, workerData } from "node:worker_threads";
import type { OfflineOffload } from "../../deliberation/llm/offline.js";
import type { Task } from "../../deliberation/llm/port.js";
import { readTask } from "../../deliberation/protocol/tasks.js";
import { valueClassifyTask } from "../../deliberation/values/gate.js";
import { jobWorker } from "./worker-thread.server.js";

/**
 * The offline engine's readings, in a worker thread (decision 18). The gate reads a card through some
 * fifty lexicons compiled to large regular expressions: a few milliseconds a card once they are
 * compiled, but their first use compiles them all (measured at a nation's size, the intake's first
 * card held the event loop 494 ms, 178 ms of it on the CPU while the machine was loaded), and V8 drops
 * compiled expressions left unused for a couple of full collections, so a quiet spell costs the same
 * again. A deliberation's reading of a clause against up to READING_BATCH values first works out each
 * value's profile (the concepts its title, description and policies name): a parliament's first
 * reading held the loop 210 to 266 ms of CPU in the 10 k and 1.3 M nation benches. Here cards and
 * clauses are read beside the loop, and the loop waits for nothing.
 */

/** Marks the worker, so that importing this module elsewhere starts no listener. */
export const OFFLINE_WORKER_MARK = "agora-offline-worker";

/** The tasks whose offline function runs in the worker, by name: pure functions of their (cloneable) input. */
// biome-ignore lint/suspicious/noExplicitAny: a table of tasks of different types, each called with its own parsed input.
const OFFLOADED: ReadonlyMap<string, Task<any, any>> = new Map<string, Task<any, any>>([
  [valueClassifyTask.name, valueClassifyTask],
  [readTask.name, readTask],
]);

interface OfflineJob {
  seq: number;
  task: string;
  input: unknown;
}

type OfflineAnswer = { seq: number; ok: true; output: unknown } | { seq: number; ok: false; message: string };

if (parentPort && workerData === OFFLINE_WORKER_MARK) {
  const port = parentPort;
  port.on("message", (job: OfflineJob) => {
    const task = OFFLOADED.get(job.task);
    try {
      if (!task) throw new Error(`${job.task} is not run in the offline worker`);
      port.postMessage({ seq: job.seq, ok: true, output: task.offline(job.input) } satisfies OfflineAnswer);
    } catch (error) {
      port.postMessage({ seq: job.seq, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies OfflineAnswer);
    }
  });
}

/**
 * The engine's side: tasks of OFFLOADED go to one worker (started on first use, let go while idle),
 * any other task is left to the engine. A task that throws in the worker throws here with its message.
 */
export function createOfflineWorker(): { offload: OfflineOffload; terminate(): Promise<void> } {
  const worker = jobWorker<OfflineJob, OfflineAnswer>("offline-worker", OFFLINE_WORKER_MARK);
  return {
    offload(taskName, input) {
      if (!OFFLOADED.has(taskName)) return undefined;
      const job = worker.begin();
      return job.ask({ seq: job.seq, task: taskName, input }).then((answer) => {
        if (!answer.ok) throw new Error(answer.message);
        return answer.output;
      });
    },
    terminate: worker.terminate,
  };
}
