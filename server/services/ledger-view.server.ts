import type { Kysely } from "kysely";
import { readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { type LedgerEvent, POLITY_STREAM, verifyChain } from "../../deliberation/ledger.js";
import { delegateOptionId } from "../../deliberation/protocol/index.js";
import { type ActorLabel, actorLabels, CITIZEN_ACTS } from "./ledger.server.js";

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

interface OptionLabel {
  source: "clerk" | "alternative" | "citizen" | "addition" | "delegate" | "mediator";
  /** The clerk's clause it stands for, or the one an added clause follows. */
  number: number;
}

/** What each option read in the stream is, in words a reader gets: from the start (the people's), the mediator's wording and the delegates' amendments. */
function optionLabels(events: readonly LedgerEvent[]): Map<string, OptionLabel> {
  const labels = new Map<string, OptionLabel>();
  let slots: { kind: string; number: number }[] = [];
  const add = (o: { id: string; slot: number; source: string }) => {
    const slot = slots[o.slot];
    const source = slot?.kind === "addition" ? "addition" : (o.source as OptionLabel["source"]);
    labels.set(o.id, { source, number: slot?.number ?? 0 });
  };
  for (const e of events) {
    const p = e.payload as Payload | null;
    if (e.type === "deliberation.started") {
      slots = (p?.slots as { kind: string; number: number }[] | undefined) ?? [];
      for (const o of (p?.options as { id: string; slot: number; source: string }[] | undefined) ?? []) add(o);
    }
    if (e.type === "deliberation.wording") for (const o of (p?.options as { id: string; slot: number; source: string }[] | undefined) ?? []) add(o);
    // A delegate's amendment is the option the protocol names after the event's place in the ledger (deliberation/protocol: delegateOptionId).
    if (e.type === "room.amended" && typeof p?.slot === "number") add({ id: delegateOptionId(e.seq), slot: p.slot, source: "delegate" });
  }
  return labels;
}

/** The candidate id the protocol gives ("r2c3") as the words a reader gets: round and number. */
function candidateWords(id: string): { round: number; number: number } {
  const match = /^r(\d+)c(\d+)$/.exec(id);
  return match ? { round: Number(match[1]), number: Number(match[2]) } : { round: 0, number: 0 };
}

function describe(event: LedgerEvent, reps: Map<string, string>, people: Map<string, ActorLabel>, options: Map<string, OptionLabel>): LedgerLine["what"] {
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
    case "deliberation.reading": {
      const option = options.get(str(p.optionId));
      const readings = (p.readings as { verdict?: string }[] | undefined) ?? [];
      return {
        key: "event.deliberation.reading",
        params: {
          source: option?.source ?? "other",
          number: option?.number ?? 0,
          count: readings.length,
          honours: readings.filter((r) => r.verdict === "honours").length,
          erodes: readings.filter((r) => r.verdict === "erodes").length,
        },
      };
    }
    case "deliberation.wording":
      return { key: "event.deliberation.wording", params: { round: num(p.round), count: ((p.options as unknown[]) ?? []).length } };
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
    case "registry.verifierPublished":
      return { key: "event.registry.verifierPublished", params: { file: str(p.file), sha256: str(p.sha256), leaf: num(p.leafIndex) } };
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

/** Events said in words, with their actors labelled: for any page that lists ledger events. */
export async function describeEvents(db: Kysely<Database>, events: readonly LedgerEvent[], context: readonly LedgerEvent[] = events): Promise<LedgerLine[]> {
  const reps = representativeNames(context);
  const options = optionLabels(context);
  const subjects = events.filter((e) => e.type.startsWith("roles.")).map((e) => str((e.payload as Payload | null)?.userId));
  const people = await actorLabels(db, [...events.map((e) => e.actor), ...subjects]);
  return events.map((e) => ({
    seq: e.seq,
    createdAt: e.createdAt,
    hash: e.hash,
    actor: CITIZEN_ACTS.has(e.type) ? { kind: "citizen" } : (people.get(e.actor) ?? { kind: "unknown" }),
    what: describe(e, reps, people, options),
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
