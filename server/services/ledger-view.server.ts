import type { Kysely } from "kysely";
import { readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { type LedgerEvent, POLITY_STREAM, verifyChain } from "../../deliberation/ledger.js";
import { type ActorLabel, actorLabels } from "./ledger.server.js";

/**
 * The public ledger as a person reads it: each event said in words (a message key and its values, which
 * the page translates), who acted (officials by name, citizens never), and whether the chain holds.
 * The raw events stay available as data through `ledger.read` and the provenance bundles.
 */

export interface LedgerLine {
  seq: number;
  createdAt: string;
  hash: string;
  actor: ActorLabel;
  what: { key: string; params: Record<string, string | number> };
}

type Payload = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);

/** Names the stream's representatives by constituency, from the events that froze them. */
function representativeNames(events: readonly LedgerEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    const p = e.payload as Payload | null;
    if (e.type === "matter.convened") for (const c of (p?.constituencies as { id: string; label: string }[] | undefined) ?? []) names.set(c.id, c.label);
    if (e.type === "deliberation.started") for (const r of (p?.representatives as { id: string; label: string }[] | undefined) ?? []) names.set(r.id, r.label);
  }
  return names;
}

/** The candidate id the protocol gives ("r2c3") as the words a reader gets: round and number. */
function candidateWords(id: string): { round: number; number: number } {
  const match = /^r(\d+)c(\d+)$/.exec(id);
  return match ? { round: Number(match[1]), number: Number(match[2]) } : { round: 0, number: 0 };
}

function describe(event: LedgerEvent, reps: Map<string, string>, people: Map<string, ActorLabel>): LedgerLine["what"] {
  const p = (event.payload ?? {}) as Payload;
  const rep = (id: unknown) => reps.get(str(id)) ?? "—";
  const person = (id: unknown) => {
    const label = people.get(str(id));
    return label?.kind === "official" ? label.name : "—";
  };
  switch (event.type) {
    case "matter.drafted":
      return { key: "event.matter.drafted", params: { title: str(p.title) } };
    case "matter.alternativeAdded":
    case "matter.alternativeRemoved":
      return { key: `event.${event.type}`, params: { clause: num(p.clause) } };
    case "matter.amendmentProposed":
      return { key: `event.matter.amendmentProposed.${str(p.action) || "replace"}`, params: { clause: num(p.clause) } };
    case "matter.convened":
      return { key: "event.matter.convened", params: { count: ((p.constituencies as unknown[]) ?? []).length, scheme: str(p.scheme) } };
    case "deliberation.position":
      return { key: "event.deliberation.position", params: { representative: rep(p.representativeId) } };
    case "deliberation.candidate":
      return { key: "event.deliberation.candidate", params: { round: num(p.round), number: num(p.index) + 1 } };
    case "deliberation.critique":
      return { key: "event.deliberation.critique", params: { representative: rep(p.representativeId), round: num(p.round) } };
    case "deliberation.tallied":
      return { key: "event.deliberation.tallied", params: { round: num(p.round), ...prefixed(candidateWords(str(p.winner))) } };
    case "deliberation.drafted":
      return { key: "event.deliberation.drafted", params: { round: num(p.round) } };
    case "room.override":
    case "room.strike":
      return { key: `event.${event.type}`, params: { representative: rep(refRepresentative(p, reps)) } };
    case "ballot.vote":
      return { key: "event.ballot.vote", params: { choice: str(p.choice) } };
    case "ballot.closed":
      return { key: "event.ballot.closed", params: { outcome: str(p.outcome) } };
    case "ruling.published":
      return { key: "event.ruling.published", params: { eli: str(p.eli) } };
    case "ruling.repealed":
      return { key: "event.ruling.repealed", params: { reason: str(p.reason) || "—" } };
    case "roles.granted":
    case "roles.revoked":
      return { key: `event.${event.type}`, params: { person: person(p.userId), roles: ((p.roles as string[]) ?? []).join(", ") } };
    case "registry.imported":
      return { key: "event.registry.imported", params: { count: num(p.rows) } };
    default:
      return { key: `event.${event.type}`, params: {} };
  }
}

const prefixed = (c: { round: number; number: number }) => ({ winnerRound: c.round, winner: c.number });

/** The representative a struck or overridden statement belongs to: the one whose built key it is (keys are never parsed). */
function refRepresentative(p: Payload, reps: Map<string, string>): string {
  const key = str(p.statement);
  const escapeRegExp = (id: string) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const id of reps.keys()) {
    if (key === `position:${id}` || new RegExp(`^critique:\\d+:${escapeRegExp(id)}:r\\d+c\\d+$`).test(key)) return id;
  }
  return "";
}

/** Acts anyone signed in may do as a member of the public: whoever did them is never named, whatever roles she holds. */
const CITIZEN_ACTS = new Set(["ruling.harmReported", "matter.amendmentProposed", "matter.amendmentWithdrawn"]);

/** Events said in words, with their actors labelled: for any page that lists ledger events. */
export async function describeEvents(db: Kysely<Database>, events: readonly LedgerEvent[], context: readonly LedgerEvent[] = events): Promise<LedgerLine[]> {
  const reps = representativeNames(context);
  const subjects = events.filter((e) => e.type.startsWith("roles.")).map((e) => str((e.payload as Payload | null)?.userId));
  const people = await actorLabels(db, [...events.map((e) => e.actor), ...subjects]);
  return events.map((e) => ({
    seq: e.seq,
    createdAt: e.createdAt,
    hash: e.hash,
    actor: CITIZEN_ACTS.has(e.type) ? { kind: "citizen" } : (people.get(e.actor) ?? { kind: "unknown" }),
    what: describe(e, reps, people),
  }));
}

export async function ledgerPage(db: Kysely<Database>, stream: string) {
  // The chain is verified whole; the page lists its first thousand events. One read serves both.
  const chain = await readLedger(db, stream);
  const verdict = verifyChain(chain);
  const events = chain.slice(0, 1000);
  const matter = stream === POLITY_STREAM ? null : await db.selectFrom("matters").select(["id", "title"]).where("id", "=", stream).executeTakeFirst();
  const lines = await describeEvents(db, events);
  return { stream, polity: stream === POLITY_STREAM, matter: matter ? { id: matter.id, title: matter.title } : null, lines, verdict };
}
