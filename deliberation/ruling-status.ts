import { utf8 } from "./bytes.js";
import { canonicalJson } from "./ledger.js";
import { LOG_NAME } from "./transparency/checkpoint.js";
import { leafHash, verifyInclusion } from "./transparency/merkle.js";

/**
 * A ruling's current status, as the transparency log records it. Every act on a published ruling (a
 * renewal, its repeal, its lapse at the sunset) is a leaf of the log whose data is the canonical JSON
 * of an `ActRecord` naming the ruling and its bundle's leaf. The registry serves a bundle with the
 * records of the acts since, each with its inclusion proof under the same signed checkpoint as the
 * bundle, and the verifier says what they add up to: in force (until its sunset), renewed until,
 * repealed on, lapsed. Like the rest of the verifier it imports nothing Node-only.
 *
 * What this cannot show is an act the registry left out of the file: the log proves what it holds,
 * not what a file omits. A bundle fetched again later carries every act up to its checkpoint.
 */

export interface ActRecord {
  log: string;
  eli: string;
  act: "renewed" | "repealed" | "lapsed";
  /** When the act was done (ISO 8601). */
  at: string;
  /** The leaf of the ruling's bundle. */
  bundleLeaf: number;
  /** The sunset after the act: a renewal's new one, null after a repeal. */
  sunsetAt: string | null;
  /** A repeal's public reason. */
  reason?: string;
}

/** An act as the registry serves it beside the bundle: its record, its leaf and the audit path to the checkpoint's root. */
export interface LoggedActProof {
  record: ActRecord;
  leafIndex: number;
  path: string[];
}

export type StatusCode =
  | "verify.status.asPublished"
  | "verify.status.inForce"
  | "verify.status.inForceUntil"
  | "verify.status.renewed"
  | "verify.status.repealed"
  | "verify.status.lapsed"
  | "verify.status.sunsetPassed"
  | "verify.status.proof"
  | "verify.status.other"
  | "verify.status.order";

export interface StatusFinding {
  ok: boolean;
  code: StatusCode;
  params: Record<string, string | number>;
}

const day = (at: unknown) => String(at).slice(0, 10);
const ACTS = new Set(["renewed", "repealed", "lapsed"]);

/** The leaf an act's record is in the log. */
export function actLeaf(record: ActRecord): Uint8Array {
  return leafHash(utf8(canonicalJson(record as unknown as Parameters<typeof canonicalJson>[0])));
}

/**
 * What the acts served with a bundle say of the ruling now. `root` is the signed checkpoint's (null when
 * it is not signed: then nothing the file says is taken), `treeSize` its size; `now`, when given, lets a
 * sunset that has passed with no act yet in the log be said as a lapse.
 */
export function rulingStatus(
  ruling: { eli: string; publishedAt: string; sunsetAt: string | null },
  bundleLeaf: number,
  acts: unknown,
  log: { root: Uint8Array | null; treeSize: number; hexPath: (path: unknown) => Uint8Array[] | null },
  now?: Date,
): StatusFinding {
  const published = day(ruling.publishedAt);
  // A file saved before the registry served acts with bundles: it says nothing past publication.
  if (acts === undefined) return { ok: true, code: "verify.status.asPublished", params: { date: published } };
  if (!Array.isArray(acts) || log.root === null) return { ok: false, code: "verify.status.proof", params: { act: "?" } };
  let previous = bundleLeaf;
  let last: { record: ActRecord; leafIndex: number } | null = null;
  for (const raw of acts as LoggedActProof[]) {
    const record = raw?.record;
    if (!record || typeof record !== "object" || !ACTS.has(String(record.act))) return { ok: false, code: "verify.status.other", params: {} };
    if (record.log !== LOG_NAME || record.eli !== ruling.eli || record.bundleLeaf !== bundleLeaf) return { ok: false, code: "verify.status.other", params: {} };
    const path = log.hexPath(raw.path);
    if (path === null || !verifyInclusion(raw.leafIndex, log.treeSize, actLeaf(record), path, log.root))
      return { ok: false, code: "verify.status.proof", params: { act: String(record.act) } };
    // In the log's order, after the bundle, and nothing after a repeal or a lapse.
    if (!(raw.leafIndex > previous) || (last && last.record.act !== "renewed")) return { ok: false, code: "verify.status.order", params: {} };
    previous = raw.leafIndex;
    last = { record, leafIndex: raw.leafIndex };
  }
  if (last?.record.act === "repealed")
    return { ok: true, code: "verify.status.repealed", params: { date: day(last.record.at), leaf: last.leafIndex, reason: String(last.record.reason ?? "—") } };
  if (last?.record.act === "lapsed")
    return { ok: true, code: "verify.status.lapsed", params: { date: day(last.record.sunsetAt ?? last.record.at), leaf: last.leafIndex } };
  const sunset = last ? last.record.sunsetAt : ruling.sunsetAt;
  if (sunset && now && Date.parse(sunset) <= now.getTime()) return { ok: true, code: "verify.status.sunsetPassed", params: { date: day(sunset) } };
  if (last) return { ok: true, code: "verify.status.renewed", params: { date: day(last.record.at), until: day(sunset), leaf: last.leafIndex } };
  return sunset
    ? { ok: true, code: "verify.status.inForceUntil", params: { date: published, until: day(sunset) } }
    : { ok: true, code: "verify.status.inForce", params: { date: published } };
}
