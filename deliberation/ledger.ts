import { sha256Hex } from "#crypto";
import canonicalize from "canonicalize";

/**
 * The ledger is a hash chain of events per stream (a matter, or the polity's own stream).
 * Each event's hash covers its content and the previous event's hash, so any edit, insertion or
 * deletion breaks every later hash. Hashes are SHA-256 over RFC 8785 canonical JSON.
 */
export const GENESIS_HASH = "0".repeat(64);

/** The polity's own stream: role grants, registry imports and other acts outside a matter. */
export const POLITY_STREAM = "polity";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface LedgerEventContent {
  matterId: string;
  seq: number;
  type: string;
  actor: string;
  payload: JsonValue;
  createdAt: string;
}

export interface LedgerEvent extends LedgerEventContent {
  prevHash: string;
  hash: string;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value cannot be represented as canonical JSON");
  return text;
}

export function hashEvent(content: LedgerEventContent, prevHash: string): string {
  const { matterId, seq, type, actor, payload, createdAt } = content;
  return sha256Hex(canonicalJson({ matterId, seq, type, actor, payload, createdAt, prevHash }));
}

/** The event that follows `head` (or starts the stream when `head` is null). */
export function chainEvent(
  head: Pick<LedgerEvent, "seq" | "hash"> | null,
  next: Omit<LedgerEventContent, "seq">,
): LedgerEvent {
  const seq = head ? head.seq + 1 : 1;
  const prevHash = head ? head.hash : GENESIS_HASH;
  const content = { ...next, seq };
  return { ...content, prevHash, hash: hashEvent(content, prevHash) };
}

export type ChainVerdict =
  | { ok: true; length: number; head: string }
  | { ok: false; seq: number; reason: "sequence_gap" | "prev_hash_mismatch" | "hash_mismatch" | "stream_mismatch" };

/** Checks a whole stream, in order from seq 1. */
export function verifyChain(events: readonly LedgerEvent[]): ChainVerdict {
  let prevHash = GENESIS_HASH;
  const stream = events[0]?.matterId;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.matterId !== stream) return { ok: false, seq: event.seq, reason: "stream_mismatch" };
    if (event.seq !== i + 1) return { ok: false, seq: event.seq, reason: "sequence_gap" };
    if (event.prevHash !== prevHash) return { ok: false, seq: event.seq, reason: "prev_hash_mismatch" };
    if (hashEvent(event, event.prevHash) !== event.hash) return { ok: false, seq: event.seq, reason: "hash_mismatch" };
    prevHash = event.hash;
  }
  return { ok: true, length: events.length, head: prevHash };
}
