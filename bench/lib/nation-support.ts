import { Worker } from "node:worker_threads";

/** What `npm run bench -- nation` needs besides the polity: a progress bar per stage and the /healthz probe. */

/** A one-line bar on stderr (`\r`), redrawn at most every 200 ms: count/total, rate, elapsed. */
export function progress(stage: string, total: number) {
  const started = performance.now();
  let drawn = 0;
  let done = 0;
  const draw = (final: boolean) => {
    const now = performance.now();
    if (!final && now - drawn < 200) return;
    drawn = now;
    const seconds = (now - started) / 1000;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    process.stderr.write(
      `\r  ${stage.padEnd(24)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")}  ${rate.toLocaleString("en")}/s  ${seconds.toFixed(1)} s${final ? "\n" : ""}`,
    );
  };
  draw(false);
  return {
    tick(n = 1) {
      done += n;
      draw(false);
    },
    set(n: number) {
      done = n;
      draw(false);
    },
    end() {
      done = Math.max(done, total);
      draw(true);
    },
  };
}

/**
 * Asks /healthz every 20 ms from a worker thread (its own event loop: a probe in the server's loop
 * would be starved by what starves the server, and see nothing). `take()` returns the longest wait
 * since the last call, a request still unanswered counting as far as it got; `longest` the longest
 * of the run. `onSlow` hears of every wait over SLOW_HEALTHZ_MS (for the recorder).
 */
const SLOW_HEALTHZ_MS = 80;

export function healthProbe(url: string, onSlow?: (ms: number) => void) {
  // [0] longest since take (0.1 ms), [1] longest of the run, [2] start of the request in flight (ms after `epoch`, 0: none), [3] stop.
  const shared = new Int32Array(new SharedArrayBuffer(16));
  const epoch = Date.now();
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads");
     const shared = workerData.shared;
     (async () => {
       while (Atomics.load(shared, 3) === 0) {
         const started = performance.now();
         Atomics.store(shared, 2, Math.max(1, Date.now() - workerData.epoch));
         try { await fetch(workerData.url).then((r) => r.arrayBuffer()); }
         catch { await fetch(workerData.url).then((r) => r.arrayBuffer()).catch(() => {}); }
         Atomics.store(shared, 2, 0);
         const wait = Math.round((performance.now() - started) * 10);
         if (wait > Atomics.load(shared, 0)) Atomics.store(shared, 0, wait);
         if (wait > Atomics.load(shared, 1)) Atomics.store(shared, 1, wait);
         if (wait > workerData.slow * 10) parentPort.postMessage(wait / 10);
         await new Promise((resolve) => setTimeout(resolve, 20));
       }
     })();`,
    { eval: true, workerData: { url, shared, epoch, slow: SLOW_HEALTHZ_MS } },
  );
  if (onSlow) worker.on("message", (ms: number) => onSlow(ms));
  const inFlight = () => {
    const since = Atomics.load(shared, 2);
    return since > 0 ? Date.now() - epoch - since : 0;
  };
  return {
    take: () => Math.max(Atomics.exchange(shared, 0, 0) / 10, inFlight()),
    get longest() {
      return Math.max(Atomics.load(shared, 1) / 10, inFlight());
    },
    stop: async () => {
      Atomics.store(shared, 3, 1);
      // A request the stop cuts off counts as far as it got: not on to whenever `longest` is read (after
      // the server closed and its files were removed, which once turned a 660 ms run into 1,764 ms).
      const cutOff = inFlight();
      await worker.terminate();
      Atomics.store(shared, 1, Math.max(Atomics.load(shared, 1), Math.round(cutOff * 10)));
      Atomics.store(shared, 2, 0);
    },
  };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once, in order of i. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
