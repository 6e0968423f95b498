import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * Sharing the event loop with long chains of synchronous work. On SQLite every query answers
 * synchronously, and the offline engine and the computed protocol tasks answer at once, so a
 * deliberation (or any job made of such steps) runs as one chain of microtasks that no request,
 * timer or socket can interrupt: 101 representatives offline held the loop for seconds.
 *
 * `shareTheLoop()` between steps bounds that without serialising anyone: a step goes on at once
 * while the current slice of the loop is younger than LOOP_SLICE_MS, and otherwise waits for the
 * next turn (timers and I/O run first). The slice is process-wide: whoever resumes first in a turn
 * starts a new slice, and the others resuming in the same turn wait again once it is used up. So
 * the loop is held for at most a slice plus one step, an idle loop costs a step nothing, and no
 * job waits behind another's queue (each only behind the turn).
 */
export const LOOP_SLICE_MS = 20;

let sliceStartedAt = performance.now();

export async function shareTheLoop(): Promise<void> {
  while (performance.now() - sliceStartedAt > LOOP_SLICE_MS) {
    const asked = performance.now();
    await nextTurn();
    // The first to resume in this turn starts its slice; a later one finds it started after it asked.
    if (sliceStartedAt < asked) sliceStartedAt = performance.now();
  }
}
