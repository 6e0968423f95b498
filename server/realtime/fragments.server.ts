import type { TranscriptFragment } from "./contract.js";
import type { Push } from "./outbox.server.js";

/** A transcript fragment is cut into pieces of at most this many characters, to stay under NOTIFY's limit (decision 16). */
export const FRAGMENT_CHARS = 1_200;

/**
 * A speaker's next words join its last ones while both wait to go out to a room (a busy room is written
 * less often than the runner streams), unless an event, or a restart of that call, came between them.
 */
export function absorbFragment(waiting: Push[], next: Push): boolean {
  if (next.event !== "transcript" || next.payload.restart !== undefined || next.payload.fragment === undefined) return false;
  const { key, fragment } = next.payload;
  for (let i = waiting.length - 1; i >= 0; i--) {
    const earlier = waiting[i]!;
    if (earlier.event !== "transcript") return false;
    if (earlier.payload.key !== key) continue;
    const text = earlier.payload.fragment;
    if (earlier.payload.restart !== undefined || text === undefined || text.length + fragment.length > FRAGMENT_CHARS) return false;
    waiting[i] = { event: "transcript", payload: { ...earlier.payload, fragment: text + fragment } };
    return true;
  }
  return false;
}

/** A fragment in pieces of at most FRAGMENT_CHARS characters, never splitting a surrogate pair. */
export function pieces(chunk: TranscriptFragment): TranscriptFragment[] {
  const text = chunk.fragment;
  if (text === undefined || text.length <= FRAGMENT_CHARS) return [chunk];
  const out: TranscriptFragment[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + FRAGMENT_CHARS, text.length);
    if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1]!)) end -= 1;
    out.push({ ...chunk, fragment: text.slice(start, end) });
    start = end;
  }
  // A restart travels with the first piece only.
  return out.map((piece, i) => (i === 0 ? piece : { matterId: piece.matterId, key: piece.key, speaker: piece.speaker, fragment: piece.fragment! }));
}
