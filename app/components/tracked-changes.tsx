import { diffArrays, diffWords } from "diff";
import type { ReactNode } from "react";
import { useT } from "../i18n";

export type Part = { value: string; added?: boolean; removed?: boolean };

const NUMBER = /^\s*\d+[.)]\s+/;
const wordsOf = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/** The share of two clauses' words they have in common (0 to 1). */
function overlap(a: string, b: string): number {
  const x = wordsOf(a);
  const y = wordsOf(b);
  let shared = 0;
  for (const word of x) if (y.has(word)) shared++;
  return shared / Math.max(1, Math.min(x.size, y.size));
}

/**
 * The changes between two rules, clause (line) by clause: a clause edited in place is marked word by
 * word; a clause put in another's place with other words (a ban replaced by a permission) is shown
 * whole, struck, then the new one whole, so it never reads as a few words swapped inside a sentence.
 */
export function trackedParts(before: string, after: string): Part[] {
  const old = before.split("\n");
  const now = after.split("\n");
  const lines: Part[][] = [];
  // Clauses compared without their numbers: one clause added renumbers those after it, and they stay the same clauses.
  const bare = (line: string) => line.replace(NUMBER, "").trim();
  const chunks = diffArrays(old, now, { comparator: (a, b) => bare(a) === bare(b) });
  let i = 0;
  let j = 0;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c]!;
    const next = chunks[c + 1];
    const n = chunk.count ?? chunk.value.length;
    if (chunk.removed && next?.added && (next.count ?? next.value.length) === n) {
      for (let k = 0; k < n; k++) {
        const was = old[i + k]!;
        const is = now[j + k]!;
        const number = NUMBER.exec(was)?.[0];
        if (overlap(was, is) >= 0.5 || !number || !is.startsWith(number)) lines.push(diffWords(was, is));
        else lines.push([{ value: number }, { value: `${was.slice(number.length)} `, removed: true }, { value: is.slice(number.length), added: true }]);
      }
      i += n;
      j += n;
      c++;
    } else if (chunk.removed) {
      for (let k = 0; k < n; k++) lines.push([{ value: old[i + k]!, removed: true }]);
      i += n;
    } else if (chunk.added) {
      for (let k = 0; k < n; k++) lines.push([{ value: now[j + k]!, added: true }]);
      j += n;
    } else {
      for (let k = 0; k < n; k++) lines.push(old[i + k] === now[j + k] ? [{ value: now[j + k]! }] : diffWords(old[i + k]!, now[j + k]!));
      i += n;
      j += n;
    }
  }
  return lines.flatMap((parts, k) => (k === 0 ? parts : [{ value: "\n" }, ...parts]));
}

/**
 * A text with its changes against another, as a lawyer reads a marked-up bill: insertions underlined,
 * deletions struck through, each also said in words for screen readers.
 */
export function TrackedChanges({ before, after, caption }: { before: string; after: string; caption?: ReactNode }) {
  const t = useT();
  const parts = trackedParts(before, after);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <figure className="tracked-figure">
      <figcaption className="help">{caption ?? t("tracked.caption")}</figcaption>
      {changed ? null : <p className="help">{t("tracked.unchanged")}</p>}
      <div className="rule-text tracked">
        {parts.map((part, i) =>
          part.added ? (
            <ins key={i}>
              <span className="visually-hidden">[{t("tracked.added")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </ins>
          ) : part.removed ? (
            <del key={i}>
              <span className="visually-hidden">[{t("tracked.removed")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </del>
          ) : (
            <span key={i}>{part.value}</span>
          ),
        )}
      </div>
    </figure>
  );
}
