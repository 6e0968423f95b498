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
 * Asks /healthz every 20 ms. `take()` returns the longest wait since the last call (a request the
 * loop could not answer, from the moment it was sent), `longest` the longest of the whole run.
 */
export function healthProbe(url: string) {
  let sinceTake = 0;
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      // A kept-alive socket the server closed as it was reused is retried: only the wait counts.
      await fetch(url)
        .then((r) => r.arrayBuffer())
        .catch(() => fetch(url).then((r) => r.arrayBuffer()));
      const wait = performance.now() - started;
      sinceTake = Math.max(sinceTake, wait);
      longest = Math.max(longest, wait);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    take: () => {
      const value = sinceTake;
      sinceTake = 0;
      return value;
    },
    get longest() {
      return longest;
    },
    stop: async () => {
      running = false;
      await loop;
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
