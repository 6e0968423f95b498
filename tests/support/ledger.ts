import type { LedgerEvent } from "../../deliberation/ledger.js";

/** Events that say a call failed: an attempt that will be asked again carries the key of the result that follows it. */
const FAILURES = new Set(["deliberation.attemptFailed", "deliberation.callFailed"]);

/** The keys of the protocol calls' results in a ledger, in order: each must appear once. */
export function resultKeys(events: readonly LedgerEvent[]): string[] {
  return events
    .filter((e) => !FAILURES.has(e.type))
    .map((e) => (e.payload as { key?: unknown }).key)
    .filter((k): k is string => typeof k === "string");
}
