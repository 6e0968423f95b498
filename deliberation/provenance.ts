import { createHash } from "node:crypto";
import { type BallotRules, type BallotTally, type Choice, tallyBallot } from "./ballot.js";
import { canonicalJson, type LedgerEvent, verifyChain } from "./ledger.js";
import { type Mandate, verifyMandate } from "./mandates.js";
import { type SignedCheckpoint, verifyCheckpoint } from "./transparency/checkpoint.js";
import { leafHash, verifyInclusion } from "./transparency/merkle.js";

/**
 * A published ruling's provenance bundle (DESIGN.md, "Publication and verification"): the ruling, the
 * frozen mandates, the ballot and its tally, and the matter's whole ledger up to its head, as RFC 8785
 * canonical JSON. Its leaf in the registry's transparency log is SHA-256(0x00 ‖ those bytes). Anyone
 * can check it offline with `verifyEnvelope`: the same code runs in `agora verify`.
 */

export const BUNDLE_VERSION = 1;

export interface ProvenanceBundle {
  version: number;
  ruling: {
    eli: string;
    title: string;
    text: string;
    /** SHA-256 hex of the text, as frozen in the ballot. */
    textHash: string;
    matterId: string;
    contextId: string;
    emergency: boolean;
    publishedAt: string;
    sunsetAt: string | null;
  };
  mandates: { constituencyId: string; label: string; size: number; mandate: Mandate }[];
  ballot: { ballot: number; rules: BallotRules; eligible: string[]; votes: { delegateId: string; choice: Choice; seq: number; hash: string }[]; tally: BallotTally };
  /** For the citizen's check: each (pseudonymous) card id in a mandate value, with its canonical value and its author's constituency. */
  cards: Record<string, { value: string; constituency: string }>;
  ledger: { matterId: string; head: string; events: LedgerEvent[] };
}

/** What the registry serves: the bundle, and where it sits in the log under a signed checkpoint. */
export interface BundleEnvelope {
  bundle: ProvenanceBundle;
  proof: { leafIndex: number; treeSize: number; path: string[] };
  checkpoint: SignedCheckpoint;
  /** The registry's public key (PEM). Check it against the one the registry publishes, or pass your own. */
  publicKey: string;
}

export function bundleBytes(bundle: ProvenanceBundle): Buffer {
  return Buffer.from(canonicalJson(bundle), "utf8");
}

export function bundleLeaf(bundle: ProvenanceBundle): Buffer {
  return leafHash(bundleBytes(bundle));
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export interface Check {
  name: "ledger" | "ruling" | "mandates" | "tally" | "log" | "card";
  ok: boolean;
  detail: string;
}

export interface Verdict {
  ok: boolean;
  checks: Check[];
}

/** Reads a bundle file as received: anything may be wrong with it, and each problem gets a reason. */
export function verifyEnvelope(raw: unknown, options: { publicKey?: string; cardId?: string } = {}): Verdict {
  const checks: Check[] = [];
  const envelope = raw as BundleEnvelope;
  const bundle = envelope?.bundle;
  if (!bundle || typeof bundle !== "object" || !bundle.ledger || !bundle.ruling || !bundle.ballot || !envelope.proof || !envelope.checkpoint) {
    return { ok: false, checks: [{ name: "ledger", ok: false, detail: "This is not an Agora provenance bundle: it lacks its ruling, ledger, ballot or proof." }] };
  }
  const events = Array.isArray(bundle.ledger.events) ? bundle.ledger.events : [];

  // 1. The ledger: an unbroken hash chain ending at the stated head.
  const chain = verifyChain(events);
  checks.push(
    chain.ok && chain.head === bundle.ledger.head && events.every((e) => e.matterId === bundle.ruling.matterId)
      ? { name: "ledger", ok: true, detail: `The matter's ledger of ${chain.length} events is an unbroken chain ending at ${bundle.ledger.head.slice(0, 16)}…` }
      : { name: "ledger", ok: false, detail: chain.ok ? "The ledger's last hash is not the head the bundle states." : `The ledger chain breaks at event ${chain.seq} (${chain.reason.replace(/_/g, " ")}).` },
  );

  // 2. The ruling is the text the ballot was about, and the ballot's outcome is on the ledger.
  const opened = events.filter((e) => e.type === "ballot.opened").at(-1)?.payload as { ballot?: number; textHash?: string; rules?: BallotRules; eligible?: string[] } | undefined;
  const closed = events.filter((e) => e.type === "ballot.closed").at(-1)?.payload as { ballot?: number; outcome?: string } | undefined;
  const textOk = sha256Hex(bundle.ruling.text) === bundle.ruling.textHash && opened?.textHash === bundle.ruling.textHash;
  checks.push(
    textOk && closed?.outcome === "ratified" && closed.ballot === bundle.ballot.ballot
      ? { name: "ruling", ok: true, detail: "The ruling's text is the one the delegates voted on, and the ledger records its ratification." }
      : { name: "ruling", ok: false, detail: textOk ? "The ledger does not record this ballot as ratified." : "The ruling's text is not the text frozen in the ballot." },
  );

  // 3. The mandates are the frozen ones: each hash recomputes and matches the convening on the ledger.
  const convened = events.find((e) => e.type === "matter.convened")?.payload as { constituencies?: { id: string; mandateHash: string }[] } | undefined;
  const frozen = new Map((convened?.constituencies ?? []).map((c) => [c.id, c.mandateHash]));
  const badMandate = bundle.mandates.find((m) => !verifyMandate(m.mandate) || frozen.get(m.constituencyId) !== m.mandate.hash);
  checks.push(
    !badMandate && bundle.mandates.length === frozen.size
      ? { name: "mandates", ok: true, detail: `All ${bundle.mandates.length} mandates hash to what was frozen when the matter was convened.` }
      : { name: "mandates", ok: false, detail: badMandate ? `The mandate of ${badMandate.label} is not the one frozen at convening.` : "The bundle's mandates are not the ones frozen at convening." },
  );

  // 4. The tally, recomputed from the votes the ledger records.
  const votes = events
    .filter((e) => e.type === "ballot.vote" && (e.payload as { ballot?: number }).ballot === bundle.ballot.ballot)
    .map((e) => e.payload as { delegateId: string; choice: Choice });
  const recount = opened?.rules && opened.eligible ? tallyBallot(opened.rules, opened.eligible, votes) : null;
  const sameTally = recount !== null && canonicalJson(recount) === canonicalJson(bundle.ballot.tally) && recount.outcome === "ratified";
  checks.push(
    sameTally
      ? { name: "tally", ok: true, detail: `Recounted from the ledger's ${votes.length} votes: ${recount!.ratify} ratify, ${recount!.reject} reject, ${recount!.abstain} abstain of ${recount!.eligible}; ratified.` }
      : { name: "tally", ok: false, detail: "The tally recomputed from the ledger's votes differs from the one the bundle states." },
  );

  // 5. The bundle is in the registry's log, under a checkpoint the registry signed.
  const key = options.publicKey ?? envelope.publicKey;
  const signed = verifyCheckpoint(envelope.checkpoint, key);
  const included =
    signed &&
    envelope.proof.treeSize === envelope.checkpoint.size &&
    verifyInclusion(envelope.proof.leafIndex, envelope.proof.treeSize, bundleLeaf(bundle), envelope.proof.path.map((p) => Buffer.from(p, "hex")), Buffer.from(envelope.checkpoint.root, "hex"));
  checks.push(
    included
      ? { name: "log", ok: true, detail: `Leaf ${envelope.proof.leafIndex} of the transparency log, under the checkpoint of size ${envelope.checkpoint.size} signed by key ${envelope.checkpoint.keyId}.` }
      : {
          name: "log",
          ok: false,
          detail: signed ? "This bundle, byte for byte, is not the one the log holds: its inclusion proof fails." : "The checkpoint is not signed by the registry's key.",
        },
  );

  // 6. Given a card: her value went into her representative's mandate.
  if (options.cardId) {
    const card = bundle.cards?.[options.cardId];
    const mandate = card ? bundle.mandates.find((m) => m.constituencyId === card.constituency) : undefined;
    const held = mandate?.mandate.values.find((v) => v.valueId === card?.value);
    checks.push(
      held
        ? { name: "card", ok: true, detail: `Card ${options.cardId}'s value is in the mandate of ${mandate!.label}, with weight ${(held.weight * 100).toFixed(1)} %.` }
        : { name: "card", ok: false, detail: card ? "That card's value is not in its constituency's mandate." : "That card is not among this ruling's mandates." },
    );
  }
  return { ok: checks.every((c) => c.ok), checks };
}
