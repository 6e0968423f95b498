import { sha256Hex } from "#crypto";

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

/**
 * RFC 8785 canonical JSON (JCS): no whitespace, object keys sorted by UTF-16 code units, strings and
 * numbers as ECMAScript's JSON.stringify writes them (which is what the RFC prescribes for both).
 * It answers exactly as the `canonicalize` package did (the tests keep that package as the oracle):
 * toJSON is honoured, an undefined or symbol property is left out and an undefined or symbol array
 * element is written null; NaN, ±Infinity, lone surrogates, cycles, bigints, functions and a
 * top-level undefined are refused (where canonicalize wrote invalid JSON for a nested function or
 * hole, this refuses, or writes null for the hole as JSON.stringify does).
 */
export function canonicalJson(value: unknown): string {
  const before = escapes;
  const text = write(value, 0, null, false);
  // JSON.stringify escapes a lone surrogate as \udXXX, where RFC 8785 refuses it: when some string
  // needed escaping, look for that, and if it is there write again, strictly (which throws on a lone
  // surrogate; a literal backslash before "ud" in a string also lands there, and passes).
  if (escapes === before || !text.includes("\\ud")) return text;
  return write(value, 0, null, true);
}

/**
 * Past this depth, write keeps the objects on its path and refuses a cycle; a cycle always gets
 * this deep, and JSON values this deep are rare, so the shallow levels skip the bookkeeping.
 */
const TRACKED_DEPTH = 32;

function write(value: unknown, depth: number, ancestors: object[] | null, strict: boolean): string {
  switch (typeof value) {
    case "string":
      if (strict && hasLoneSurrogate(value)) throw new TypeError("a lone surrogate cannot be represented as canonical JSON");
      return quote(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be represented as canonical JSON`);
      return `${value}`; // as JSON.stringify writes a finite number, -0 as 0
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (depth >= TRACKED_DEPTH) {
        ancestors ??= [];
        if (ancestors.includes(value)) throw new TypeError("a cycle cannot be represented as canonical JSON");
        ancestors.push(value);
      }
      depth++;
      let text: string;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        text = write((value as { toJSON(): unknown }).toJSON(), depth, ancestors, strict);
      } else if (Array.isArray(value)) {
        text = "[";
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (i > 0) text += ",";
          text += item === undefined || typeof item === "symbol" ? "null" : write(item, depth, ancestors, strict);
        }
        text += "]";
      } else {
        const record = value as Record<string, unknown>;
        const keys = sortKeys(Object.keys(record));
        text = "{";
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const item = record[key];
          if (item === undefined || typeof item === "symbol") continue;
          if (strict && hasLoneSurrogate(key)) throw new TypeError("a lone surrogate cannot be represented as canonical JSON");
          text += text.length > 1 ? kept(membersAfter, key, ",", ":") : kept(members, key, "", ":");
          text += write(item, depth, ancestors, strict);
        }
        text += "}";
      }
      if (depth > TRACKED_DEPTH) ancestors!.pop();
      return text;
    }
    default: // undefined, function, symbol, bigint
      throw new TypeError(`${typeof value} cannot be represented as canonical JSON`);
  }
}

/** By UTF-16 code units (§3.2.3), as Array.prototype.sort does; few keys, often in order already. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! < key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** What JSON.stringify escapes (quote, backslash, controls) and surrogates, which it may escape. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** How many strings so far needed escaping (only ever grows, so nested calls cannot hide one). */
let escapes = 0;

/** A string as JSON.stringify writes it, without its cost when there is nothing to escape. */
function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  escapes++;
  return JSON.stringify(text);
}

/**
 * `before`, the quoted `value`, `after`: kept for short plain values, since keys, actors, streams and
 * types come from a small vocabulary. (A value that needed escaping is not kept, so it counts in
 * `escapes` every time.)
 */
function kept(runs: Map<string, string>, value: string, before: string, after: string): string {
  let run = runs.get(value);
  if (run !== undefined) return run;
  const quoted = quote(value);
  run = before + quoted + after;
  if (quoted.length === value.length + 2 && value.length <= 100) {
    if (runs.size >= 1024) runs.clear();
    runs.set(value, run);
  }
  return run;
}

const members = new Map<string, string>(); // "key":
const membersAfter = new Map<string, string>(); // ,"key":
const actorRuns = new Map<string, string>(); // {"actor":"…","createdAt":"
const streamRuns = new Map<string, string>(); // ","matterId":"…","payload":
const typeRuns = new Map<string, string>(); // ,"type":"…"}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return true; // a low surrogate with no high one before it
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

export function hashEvent(content: LedgerEventContent, prevHash: string): string {
  const { matterId, seq, type, actor, payload, createdAt } = content;
  // The envelope's keys, written in their sorted order (actor, createdAt, matterId, payload, prevHash,
  // seq, type): only the payload needs the general serializer. Anything off the usual shape (a field
  // missing or of another type, a string to escape or that needs the closer look) goes the general way.
  if (
    typeof actor === "string" &&
    typeof createdAt === "string" &&
    typeof matterId === "string" &&
    typeof prevHash === "string" &&
    typeof type === "string" &&
    typeof seq === "number" &&
    Number.isFinite(seq) &&
    payload !== undefined &&
    typeof payload !== "symbol"
  ) {
    // Walking a chain, the previous hash is the one just computed: lowercase hex, nothing to escape.
    if ((prevHash === lastHash || !NEEDS_ESCAPE.test(prevHash)) && !NEEDS_ESCAPE.test(createdAt)) {
      const before = escapes;
      const text =
        kept(actorRuns, actor, '{"actor":', ',"createdAt":"') +
        createdAt +
        kept(streamRuns, matterId, '","matterId":', ',"payload":') +
        write(payload, 0, null, false) +
        ',"prevHash":"' +
        prevHash +
        '","seq":' +
        seq +
        kept(typeRuns, type, ',"type":', "}");
      if (escapes === before || !text.includes("\\ud")) return (lastHash = sha256Hex(text));
    }
  }
  return (lastHash = sha256Hex(canonicalJson({ matterId, seq, type, actor, payload, createdAt, prevHash })));
}

/** The last hash hashEvent computed (so, 64 lowercase hex digits). */
let lastHash = "";

/** The event that follows `head` (or starts the stream when `head` is null). */
export function chainEvent(head: Pick<LedgerEvent, "seq" | "hash"> | null, next: Omit<LedgerEventContent, "seq">): LedgerEvent {
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
