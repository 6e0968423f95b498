/**
 * Short human names for candidate rulings: what the candidate changes first against the text it
 * revises (the proposed rule in round 1, the last round's winner after that), never its internal id.
 */

export type CandidateName = { kind: "adds"; clause: string } | { kind: "drops"; clause: string } | { kind: "keeps" } | { kind: "titled"; title: string };

const NAME_LENGTH = 60;

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

/** The changes of a candidate against the text it revises, leading change first: clauses it adds, then clauses it drops. */
export function changes(base: string, text: string): CandidateName[] {
  const before = clausesOf(base);
  const after = clausesOf(text);
  const had = new Set(before.map(normal));
  const has = new Set(after.map(normal));
  return [
    ...after.filter((c) => !had.has(normal(c))).map((c): CandidateName => ({ kind: "adds", clause: shorten(c) })),
    ...before.filter((c) => !has.has(normal(c))).map((c): CandidateName => ({ kind: "drops", clause: shorten(c) })),
  ];
}

const keyOf = (n: CandidateName) => (n.kind === "adds" || n.kind === "drops" ? `${n.kind}:${n.clause}` : n.kind === "titled" ? `t:${n.title}` : "keeps");

/**
 * Names for one round's candidates, in their order: each its leading change that no earlier candidate
 * is already named by (candidates often share their first amendment), else its own title.
 */
export function nameCandidates(base: string, candidates: readonly { id: string; title: string; text: string }[]): Map<string, CandidateName> {
  const names = new Map<string, CandidateName>();
  const used = new Set<string>();
  for (const c of candidates) {
    const all = changes(base, c.text);
    const name =
      all.find((n) => !used.has(keyOf(n))) ??
      (all.length === 0 && !used.has("keeps") ? { kind: "keeps" as const } : { kind: "titled" as const, title: shorten(c.title) });
    used.add(keyOf(name));
    names.set(c.id, name);
  }
  return names;
}
