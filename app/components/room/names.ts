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

const normal = (clause: string) => clause.toLowerCase().replace(/\s+/g, " ").replace(/[.;,\s]+$/, "");

/** A clause cut to a name's length at a word boundary. */
export function shorten(clause: string, max = NAME_LENGTH): string {
  const text = clause.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text.replace(/[.;,]$/, "");
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[.;,:]$/, "")}…`;
}

/** The leading change of a candidate against the text it revises. */
export function leadingChange(base: string, text: string): CandidateName {
  const before = clausesOf(base);
  const after = clausesOf(text);
  const had = new Set(before.map(normal));
  const has = new Set(after.map(normal));
  const added = after.find((c) => !had.has(normal(c)));
  if (added) return { kind: "adds", clause: shorten(added) };
  const dropped = before.find((c) => !has.has(normal(c)));
  if (dropped) return { kind: "drops", clause: shorten(dropped) };
  return { kind: "keeps" };
}

/**
 * Names for one round's candidates, in their order. Two candidates that would read alike are told
 * apart by their own titles, then by their place in the round.
 */
export function nameCandidates(base: string, candidates: readonly { id: string; title: string; text: string }[]): Map<string, CandidateName> {
  const names = new Map<string, CandidateName>();
  const seen = new Map<string, number>();
  const keyOf = (n: CandidateName) => (n.kind === "adds" || n.kind === "drops" ? `${n.kind}:${n.clause}` : n.kind === "titled" ? `t:${n.title}` : "keeps");
  for (const c of candidates) {
    let name = leadingChange(base, c.text);
    if (seen.has(keyOf(name)) && c.title.trim()) name = { kind: "titled", title: shorten(c.title) };
    seen.set(keyOf(name), (seen.get(keyOf(name)) ?? 0) + 1);
    names.set(c.id, name);
  }
  return names;
}
