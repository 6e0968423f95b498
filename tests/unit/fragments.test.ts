import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import type { TranscriptFragment } from "../../server/realtime/contract.js";
import { absorbFragment, FRAGMENT_CHARS, pieces } from "../../server/realtime/fragments.server.js";
import type { Push } from "../../server/realtime/outbox.server.js";

const said = (key: string, fragment: string): Push => ({
  event: "transcript",
  payload: { matterId: "m1", key, speaker: { task: "position", representativeId: `rep-${key}` }, fragment },
});
const restart = (key: string): Push => ({ event: "transcript", payload: { matterId: "m1", key, speaker: { task: "position" }, restart: "timeout" } });
const event = { event: "ledger:event", payload: { matterId: "m1", seq: 7 } as LedgerEvent } as Push;

/** What a watcher reads of each call: the room page's own rule (a restart empties it, a fragment adds to it). */
function read(pushes: Push[]): Record<string, string> {
  const text: Record<string, string> = {};
  for (const push of pushes) {
    if (push.event !== "transcript") continue;
    const { key, restart: again, fragment } = push.payload as TranscriptFragment;
    text[key] = again !== undefined ? "" : (text[key] ?? "") + (fragment ?? "");
  }
  return text;
}

/** Pushes them one by one into a room's queue, as the outbox does. */
function queue(pushes: Push[]): Push[] {
  const waiting: Push[] = [];
  for (const push of pushes) if (!absorbFragment(waiting, push)) waiting.push(push);
  return waiting;
}

describe("a speaker's fragments waiting for a busy room", () => {
  it("join the same speaker's last waiting words, past other speakers', and read the same", () => {
    const pushes = [said("a", "The "), said("b", "We "), said("a", "river "), said("b", "agree"), said("a", "floods")];
    const waiting = queue(pushes);
    expect(waiting).toEqual([said("a", "The river floods"), said("b", "We agree")]);
    expect(read(waiting)).toEqual(read(pushes));
  });

  it("never across a ledger event, a restart of that call, or past the size of a piece", () => {
    expect(queue([said("a", "one"), event, said("a", "two")])).toHaveLength(3);
    const afterRestart = [said("a", "one"), restart("a"), said("a", "two")];
    expect(queue(afterRestart)).toEqual(afterRestart);
    expect(read(queue(afterRestart))).toEqual({ a: "two" });
    // A restart itself is never folded into anything.
    expect(queue([said("a", "one"), restart("a")])).toHaveLength(2);
    const long = "x".repeat(FRAGMENT_CHARS - 2);
    expect(queue([said("a", long), said("a", "yz")])).toHaveLength(1);
    expect(queue([said("a", long), said("a", "xyz")])).toHaveLength(2);
  });
});

describe("pieces of a long fragment", () => {
  it("are at most FRAGMENT_CHARS long, keep surrogate pairs whole, and carry a restart on the first only", () => {
    const text = `${"a".repeat(FRAGMENT_CHARS - 1)}😀${"b".repeat(FRAGMENT_CHARS)}`;
    const chunk: TranscriptFragment = { matterId: "m1", key: "k", speaker: { task: "mediate", round: 1, index: 0 }, fragment: text, restart: "retry" };
    const out = pieces(chunk);
    expect(out.map((p) => p.fragment).join("")).toBe(text);
    expect(out.every((p) => p.fragment!.length <= FRAGMENT_CHARS)).toBe(true);
    expect(out[0]!.fragment!.endsWith("a")).toBe(true);
    expect(out.map((p) => p.restart)).toEqual(["retry", undefined, undefined]);
  });
});
