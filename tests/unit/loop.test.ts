import { describe, expect, it } from "vitest";
import { LOOP_SLICE_MS, shareTheLoop } from "../../db/loop.js";

/** Holds the thread for `ms`, as a synchronous step (an offline reading, a SQLite write) does. */
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** A job of `steps` synchronous steps that shares the loop between them; `log` hears each step. */
async function job(name: string, steps: number, stepMs: number, log: string[]) {
  for (let i = 0; i < steps; i++) {
    await shareTheLoop();
    busy(stepMs);
    log.push(name);
  }
}

describe("sharing the event loop between synchronous steps", () => {
  it("lets timers run while a long chain of steps goes on (without it they run only at its end)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const log: string[] = [];
    // 40 steps of 5 ms: eight slices' worth, so the loop must have turned several times.
    await job("a", 40, 5, log);
    const during = ticks;
    clearInterval(timer);
    expect(log).toHaveLength(40);
    expect(during).toBeGreaterThanOrEqual(Math.floor((40 * 5) / (2 * LOOP_SLICE_MS)));

    // The same chain without sharing: not one tick until it is over.
    ticks = 0;
    const again = setInterval(() => ticks++, 0);
    for (let i = 0; i < 40; i++) await Promise.resolve().then(() => busy(5));
    const without = ticks;
    clearInterval(again);
    expect(without).toBe(0);
  });

  it("does not queue one job behind another: two jobs started together interleave", async () => {
    const log: string[] = [];
    await Promise.all([job("a", 20, 4, log), job("b", 20, 4, log)]);
    expect(log.filter((x) => x === "a")).toHaveLength(20);
    expect(log.filter((x) => x === "b")).toHaveLength(20);
    // b's first step comes before a's last, and a's first before b's last.
    expect(log.indexOf("b")).toBeLessThan(log.lastIndexOf("a"));
    expect(log.indexOf("a")).toBeLessThan(log.lastIndexOf("b"));
  });
});

describe("steps that ask for the loop at the same moment", () => {
  it("each runs in a turn of its own once one step has used the slice (a stage's calls start together)", async () => {
    let turn = 0;
    let stop = false;
    const ticker = () => {
      if (stop) return;
      turn++;
      setImmediate(ticker);
    };
    setImmediate(ticker);
    const turns: number[] = [];
    // Twelve steps asked for in one go, as the runner starts a stage's calls, each longer than a slice:
    // without care every one of them found the slice young before the first had run, and all twelve ran
    // back to back in one turn (twelve slices and more with no request, timer or socket served).
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await shareTheLoop();
        turns.push(turn);
        busy(LOOP_SLICE_MS + 5);
      }),
    );
    stop = true;
    expect(turns).toHaveLength(12);
    expect(new Set(turns).size).toBe(12);
  });
});
