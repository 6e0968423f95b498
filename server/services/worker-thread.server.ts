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

/** A job's messages and its answer carry its number, so one worker serves any number of jobs at once. */
export interface JobMessage {
  seq: number;
}

/** A job under way in a `jobWorker`: messages posted to it in order, then one question whose answer ends it. */
export interface WorkerJob<Message, Answer> {
  /** The job's number: each of its messages carries it as `seq`. */
  seq: number;
  /** Posts a message of this job (throws if the worker stopped since the job began: the job is lost). */
  post(message: Message, transfer?: ArrayBuffer[]): void;
  /** Posts the job's last message and waits for its answer. */
  ask(message: Message, transfer?: ArrayBuffer[]): Promise<Answer>;
  /** Gives the job up (the worker is told with `drop`, when given, so it lets go of what it gathered). */
  drop(message?: Message): void;
}

/**
 * The client of a module worker (`startModuleWorker`) that answers jobs: one worker per client, started
 * on the first job, held (ref'd) while a job is under way and let go (unref'd) while none is, so an
 * idle worker never keeps a process alive. If the worker fails or stops, every job under way fails
 * with it, and the next job starts a new one.
 */
export function jobWorker<Message extends JobMessage, Answer extends JobMessage>(name: string, mark: string) {
  let worker: Worker | null = null;
  let seq = 0;
  /** Jobs under way: their answer's callbacks once they asked, null before. */
  const open = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void } | null>();

  function failAll(error: Error) {
    for (const waiting of open.values()) waiting?.reject(error);
    open.clear();
    worker = null;
  }

  function close(id: number, w: Worker) {
    open.delete(id);
    if (open.size === 0) w.unref();
  }

  function start(): Worker {
    const w = startModuleWorker(name, mark);
    w.on("message", (answer: Answer) => {
      const waiting = open.get(answer.seq);
      close(answer.seq, w);
      waiting?.resolve(answer);
    });
    w.on("error", (error) => worker === w && failAll(error));
    w.on("exit", (code) => worker === w && failAll(new Error(`the ${name} worker stopped (exit code ${code})`)));
    return w;
  }

  return {
    begin(): WorkerJob<Message, Answer> {
      const id = ++seq;
      worker ??= start();
      const w = worker;
      w.ref();
      open.set(id, null);
      return {
        seq: id,
        post(message, transfer = []) {
          if (!open.has(id)) throw new Error(`the ${name} worker stopped`);
          w.postMessage(message, transfer);
        },
        ask: (message, transfer = []) =>
          new Promise<Answer>((resolve, reject) => {
            if (!open.has(id)) return reject(new Error(`the ${name} worker stopped`));
            open.set(id, { resolve, reject });
            w.postMessage(message, transfer);
          }),
        drop(message) {
          if (!open.has(id)) return;
          if (message) w.postMessage(message);
          close(id, w);
        },
      };
    },
    /** Ends the worker; jobs under way fail. */
    async terminate() {
      const w = worker;
      failAll(new Error(`the ${name} worker was closed`));
      if (w) await w.terminate();
    },
  };
}
