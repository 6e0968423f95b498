/**
 * Short human names for candidate rulings: what the candidate changes first against the text it
 * revises (the proposed rule in round 1, the last round's winner after that), never its internal id.
 *
 * A clause put in another clause's place is named as that clause reworded, with its number: a
 * candidate that replaces clause 1 (say, a ban) with a permission must not read as if it only added a
 * clause. The clauses of the two texts are aligned (longest common subsequence); between two clauses
 * both texts keep, the clauses only the old text has and those only the new text has are paired as
 * rewordings (in order, the pairs that share the most words), and what is left over is struck or added.
 */

export type CandidateName =
  | { kind: "adds"; clause: string }
  | { kind: "drops"; number: number; clause: string }
  | { kind: "rewords"; number: number; clause: string }
  | { kind: "keeps" }
  /** Every change is already another candidate's name: what it changes, counted, without quotes. */
  | { kind: "summary"; reworded: number[]; struck: number[]; added: number };

const NAME_LENGTH = 50;

/** The clauses of a rule: its lines, or its sentences when it is one paragraph; numbering set aside. */
export function clausesOf(text: string): string[] {
  const lines = text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const parts = lines.length > 1 ? lines : (text.match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
  return parts.map((p) => p.replace(/^(\(?\d+[.)]|[-•*])\s*/, ""));
}

const normal = (clause: string) =>
  clause
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[.;,\s]+$/, "");

/** A clause cut to a name's length at a word boundary. */
export function shorten(clause: string, max = NAME_LENGTH): string {
  const text = clause.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text.replace(/[.;,]$/, "");
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[.;,:]$/, "")}…`;
}

/** The pairs (i in before, j in after) of one longest common subsequence of two clause lists. */
function keptPairs(before: string[], after: string[]): [number, number][] {
  const n = before.length;
  const m = after.length;
  const longest: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) longest[i]![j] = before[i] === after[j] ? longest[i + 1]![j + 1]! + 1 : Math.max(longest[i + 1]![j]!, longest[i]![j + 1]!);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (before[i] === after[j]) pairs.push([i++, j++]);
    else if (longest[i + 1]![j]! >= longest[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

const wordsOf = (clause: string) => new Set(normal(clause).match(/[\p{L}\p{N}]{3,}/gu) ?? []);

function likeness(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.max(1, a.size + b.size - shared);
}

/**
 * Which of the clauses gone from a stretch of the text each clause come into it rewords: as many pairs
 * as the shorter list has, in order, sharing the most words. Returns, for each come clause, the index
 * of the gone clause it rewords, or -1 (added).
 */
function pairUp(gone: string[], come: string[]): number[] {
  const pairs = Math.min(gone.length, come.length);
  const like = gone.map((g) => come.map((c) => likeness(wordsOf(g), wordsOf(c))));
  // best(a, b, k): the most words shared pairing k of gone[a..] with come[b..] in order.
  const memo = new Map<string, { score: number; pick: [number, number][] }>();
  const best = (a: number, b: number, k: number): { score: number; pick: [number, number][] } => {
    if (k === 0) return { score: 0, pick: [] };
    if (gone.length - a < k || come.length - b < k) return { score: Number.NEGATIVE_INFINITY, pick: [] };
    const key = `${a}:${b}:${k}`;
    const known = memo.get(key);
    if (known) return known;
    const paired = best(a + 1, b + 1, k - 1);
    const options = [{ score: paired.score + like[a]![b]!, pick: [[a, b] as [number, number], ...paired.pick] }, best(a + 1, b, k), best(a, b + 1, k)];
    const chosen = options.reduce((x, y) => (y.score > x.score ? y : x));
    memo.set(key, chosen);
    return chosen;
  };
  const rewords = come.map(() => -1);
  for (const [g, c] of best(0, 0, pairs).pick) rewords[c] = g;
  return rewords;
}

/**
 * The changes of a candidate against the text it revises, in the order of the new text (a struck
 * clause where it stood): each clause reworded (with the number it had), added or struck.
 */
export function changes(base: string, text: string): CandidateName[] {
  const before = clausesOf(base);
  const after = clausesOf(text);
  const kept = [...keptPairs(before.map(normal), after.map(normal)), [before.length, after.length] as [number, number]];
  const found: CandidateName[] = [];
  let i = 0;
  let j = 0;
  for (const [keptBefore, keptAfter] of kept) {
    const gone = before.slice(i, keptBefore);
    const come = after.slice(j, keptAfter);
    const rewords = pairUp(gone, come);
    for (const [k, clause] of come.entries())
      found.push(rewords[k]! >= 0 ? { kind: "rewords", number: i + rewords[k]! + 1, clause: shorten(clause) } : { kind: "adds", clause: shorten(clause) });
    for (const [k, clause] of gone.entries()) if (!rewords.includes(k)) found.push({ kind: "drops", number: i + k + 1, clause: shorten(clause) });
    i = keptBefore + 1;
    j = keptAfter + 1;
  }
  return found;
}

function keyOf(n: CandidateName): string {
  switch (n.kind) {
    case "adds":
      return `adds:${normal(n.clause)}`;
    case "drops":
      return `drops:${n.number}`;
    case "rewords":
      return `rewords:${n.number}:${normal(n.clause)}`;
    case "summary":
      return `summary:${n.reworded.join(",")}:${n.struck.join(",")}:${n.added}`;
    default:
      return "keeps";
  }
}

/** All of a candidate's changes, counted: its name when each of them already names another candidate. */
function summary(all: CandidateName[]): CandidateName {
  return {
    kind: "summary",
    reworded: all.flatMap((c) => (c.kind === "rewords" ? [c.number] : [])),
    struck: all.flatMap((c) => (c.kind === "drops" ? [c.number] : [])),
    added: all.filter((c) => c.kind === "adds").length,
  };
}

/**
 * Names for one round's candidates, in their order: each its leading change that no earlier candidate
 * is already named by (candidates often share their first amendment), else what it changes, counted.
 */
export function nameCandidates(base: string, candidates: readonly { id: string; text: string }[]): Map<string, CandidateName> {
  const names = new Map<string, CandidateName>();
  const used = new Set<string>();
  for (const c of candidates) {
    const all = changes(base, c.text);
    const name = all.find((n) => !used.has(keyOf(n))) ?? (all.length === 0 ? { kind: "keeps" as const } : summary(all));
    used.add(keyOf(name));
    names.set(c.id, name);
  }
  return names;
}
