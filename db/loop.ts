/**
 * Sharing the event loop with long chains of synchronous work. On SQLite every query answers
 * synchronously, and the offline engine and the computed protocol tasks answer at once, so a
 * deliberation (or any job made of such steps) runs as one chain of microtasks that no request,
 * timer or socket can interrupt: 101 representatives offline held the loop for seconds.
 *
 * `shareTheLoop()` between steps bounds that without serialising anyone. The loop's time is cut in
 * slices of LOOP_SLICE_MS: a step goes on at once while the current slice is young; once it is used
 * up, the job waits for the next turn of the loop (timers and I/O run first), where a new slice
 * begins. Waiting jobs are resumed in order, round robin: those that ran in the last slice after those
 * that were passed over, so no job waits behind another's whole run, and a job that finishes early
 * leaves the rest of its slice to the next. The loop is held for about a slice plus one step, also when
 * many steps ask at once (a stage's calls start together), and an idle loop costs a step nothing.
 *
 * A step that must not wait its turn behind every job's (a health check's one tiny read: otherwise it
 * waits one turn per job that asked before it, 3 to 5 turns in the nation bench's intake) asks to go
 * `first`: it waits only for the turn under way, and runs first in the next.
 */
export const LOOP_SLICE_MS = 20;

let sliceStartedAt = performance.now();
/** Asked to go first (a health check's one read): served before anyone else in the next turn. */
const first: (() => void)[] = [];
/** Resumed in a turn whose slice was used up before they could run: first in the next (after `first`). */
const passedOver: (() => void)[] = [];
/** Asked for a turn after running (or for the first time): after them. */
const ranLast: (() => void)[] = [];
let sliceStartScheduled = false;

const young = () => performance.now() - sliceStartedAt <= LOOP_SLICE_MS;

/**
 * Queues a wait for the next turn. Each waiter gets an immediate of its own, so each checks the slice
 * after the ones before it have done their step (microtasks run between immediates); which waiter an
 * immediate resumes is decided when it runs, from the queues in order. The first wait queued for a turn
 * also queues, ahead of it, the start of that turn's slice.
 */
function nextTurn(queue: (() => void)[]): Promise<void> {
  return new Promise<void>((resolve) => {
    queue.push(resolve);
    if (!sliceStartScheduled) {
      sliceStartScheduled = true;
      setImmediate(() => {
        sliceStartScheduled = false;
        sliceStartedAt = performance.now();
      });
    }
    setImmediate(() => (first.shift() ?? passedOver.shift() ?? ranLast.shift())?.());
  });
}

/**
 * A step let through on a young slice whose work has not run yet. The work runs when the step's caller
 * resumes, a microtask later; a step asking meanwhile (a stage's calls all ask in the same moment) would
 * judge a slice the first has not spent yet, and every one of them would run in this turn. So only one
 * step is let through at a time without waiting: the flag is cleared just before the first one's work.
 */
let admitted = false;

export async function shareTheLoop(options: { first?: boolean } = {}): Promise<void> {
  if (young() && !admitted) {
    admitted = true;
    // Queued before the caller's continuation, so it runs right before the admitted step's work.
    queueMicrotask(() => {
      admitted = false;
    });
    return;
  }
  if (options.first) {
    // The next turn's first step, whatever its slice: one short step, not a job of them.
    await nextTurn(first);
    return;
  }
  await nextTurn(ranLast);
  // The ones resumed before in this turn may have used its slice up.
  while (!young()) await nextTurn(passedOver);
}
