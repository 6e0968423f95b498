import { sha256Hex } from "#crypto";
import { fromHex, toHex, utf8 } from "./bytes.js";
import { type BallotRules, type BallotTally, type Choice, tallyBallot } from "./ballot.js";
import { canonicalJson, type JsonValue, type LedgerEvent, verifyChain } from "./ledger.js";
import { weightPercent } from "./mandate-weight.js";
import { type Mandate, verifyMandate } from "./mandates.js";
import { checkpointRoot, type SignedCheckpoint, verifyCheckpoint } from "./transparency/checkpoint.js";
import { leafHash, MerkleTree, verifyInclusion } from "./transparency/merkle.js";
import { type LoggedActProof, rulingStatus, type StatusCode } from "./ruling-status.js";

/**
 * A published ruling's provenance bundle (DESIGN.md, "Publication and verification"): the ruling, the
 * frozen mandates, the ballot and its tally, and the matter's whole ledger up to its head, as RFC 8785
 * canonical JSON. Its leaf in the registry's transparency log is SHA-256(0x00 ‖ those bytes). Anyone
 * can check it offline with `verifyEnvelope`: the same code runs in `agora verify` and in the verify
 * panel of the ruling's page (it imports nothing Node-only: `#crypto` resolves per platform).
 */

/**
 * 2: the cards behind each mandate value are a count and a Merkle root (`cardTrees`), no longer listed one
 * by one (`cards`, version 1); a citizen checks her own card with its proof (`CardProof`). The verifier
 * reads both.
 */
export const BUNDLE_VERSION = 2;

/** The cards behind one value of one constituency's mandate: how many, and the RFC 6962 root over their commitments. */
export interface CardTree {
  constituencyId: string;
  valueId: string;
  count: number;
  /** Hex root of the Merkle tree whose leaves are the cards' commitments (`cardLeaf`), in the order of their ids. */
  root: string;
}

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
  ballot: {
    ballot: number;
    rules: BallotRules;
    eligible: string[];
    votes: { delegateId: string; choice: Choice; seq: number; hash: string }[];
    tally: BallotTally;
  };
  /**
   * Version 1 only: each (pseudonymous) card id in a mandate value, with its canonical value and its
   * author's constituency. It grew with participation (about 10 MB at a nation's).
   */
  cards?: Record<string, { value: string; constituency: string }>;
  /** Version 2: per constituency and value of its mandate, the count of the cards behind it and their root; by constituency, then value. */
  cardTrees?: CardTree[];
  ledger: { matterId: string; head: string; events: LedgerEvent[] };
  /**
   * The published figures, as the ledger holds them (optional: bundles published before they were added
   * lack them): the value coverage of the text ratified, from readings (the last ballot opened carries it),
   * and the winner's fairness (the last draft's). The verifier checks both against the ledger.
   */
  valuePreservation?: JsonValue;
  fairness?: JsonValue;
}

/** What the registry serves: the bundle, and where it sits in the log under a signed checkpoint. */
export interface BundleEnvelope {
  bundle: ProvenanceBundle;
  proof: { leafIndex: number; treeSize: number; path: string[] };
  checkpoint: SignedCheckpoint;
  /** The registry's public key (PEM). Check it against the one the registry publishes, or pass your own. */
  publicKey: string;
  /**
   * The acts on the ruling since its publication (renewals, a repeal, a lapse), each a leaf of the log
   * with its proof under the same checkpoint: the verdict states the ruling's current status from them.
   * Absent from files saved before the registry served them.
   */
  acts?: LoggedActProof[];
}

/** The bundle as the log holds it: RFC 8785 canonical JSON. */
export function bundleJson(bundle: ProvenanceBundle): string {
  return canonicalJson(bundle);
}

export function bundleLeaf(bundle: ProvenanceBundle): Uint8Array {
  return leafHash(utf8(bundleJson(bundle)));
}

export { sha256Hex };

/**
 * A citizen's own card, checkable from her side against a version 2 bundle: her card's commitment and
 * its audit path to the root the bundle publishes for her constituency's value. She gets it signed in
 * (`rulings.cardProof`, or the file /api/rulings/{id}/card-proof.json?card=…), never from the bundle.
 */
export interface CardProof {
  /** The ruling whose bundle holds the root. */
  eli: string;
  card: string;
  constituency: string;
  value: string;
  /** Her card's place among the cards behind that value (ordered by id), and how many there are. */
  index: number;
  count: number;
  /** Her card's commitment, hex: SHA-256(0x00 ‖ canonical JSON of {card, constituency, value}). */
  leaf: string;
  /** The audit path, deepest sibling first, hex. */
  path: string[];
}

/** A card's commitment: the leaf hash of the canonical JSON naming the card, her constituency and the value. */
export function cardLeaf(card: string, constituency: string, value: string): Uint8Array {
  return leafHash(utf8(canonicalJson({ card, constituency, value })));
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The tree of the cards behind one value of one constituency, over their ids in code-unit order. */
function cardTreeOf(constituency: string, value: string, cards: readonly string[]): MerkleTree {
  return new MerkleTree(cards.map((card) => cardLeaf(card, constituency, value)));
}

/**
 * The cards behind each mandate value, grouped: each group's ids sorted, its count and its root. The
 * bundle publishes `{constituencyId, valueId, count, root}`; the registry keeps the ids (privately) to
 * answer a citizen's `cardProof`.
 */
export function cardTrees(entries: readonly { card: string; constituency: string; value: string }[]): (CardTree & { cards: string[] })[] {
  const groups = new Map<string, { constituencyId: string; valueId: string; cards: string[] }>();
  for (const e of entries) {
    const key = canonicalJson([e.constituency, e.value]);
    const group = groups.get(key) ?? { constituencyId: e.constituency, valueId: e.value, cards: [] };
    groups.set(key, group);
    group.cards.push(e.card);
  }
  return [...groups.values()]
    .sort((a, b) => byCodeUnit(a.constituencyId, b.constituencyId) || byCodeUnit(a.valueId, b.valueId))
    .map((g) => {
      const cards = [...new Set(g.cards)].sort(byCodeUnit);
      return { ...g, cards, count: cards.length, root: toHex(cardTreeOf(g.constituencyId, g.valueId, cards).root()) };
    });
}

/** Her card's proof within its group (the group's ids as `cardTrees` gives them), or null when it is not among them. */
export function cardProof(eli: string, constituency: string, value: string, cards: readonly string[], card: string): CardProof | null {
  const sorted = [...cards].sort(byCodeUnit);
  const index = sorted.indexOf(card);
  if (index < 0) return null;
  const tree = cardTreeOf(constituency, value, sorted);
  return {
    eli,
    card,
    constituency,
    value,
    index,
    count: sorted.length,
    leaf: toHex(cardLeaf(card, constituency, value)),
    path: tree.inclusionProof(index).map(toHex),
  };
}

/**
 * Each check's finding as a message code and its parameters, so the CLI and the panel can say it in the
 * reader's language (the codes are keys of the app's message catalogues, app/i18n).
 */
export type CheckCode =
  | "verify.notBundle"
  | "verify.ledger.ok"
  | "verify.ledger.head"
  | "verify.ledger.otherMatter"
  | "verify.ledger.sequence_gap"
  | "verify.ledger.prev_hash_mismatch"
  | "verify.ledger.hash_mismatch"
  | "verify.ledger.stream_mismatch"
  | "verify.ruling.ok"
  | "verify.ruling.text"
  | "verify.ruling.notRatified"
  | "verify.ruling.other"
  | "verify.ruling.figures"
  | "verify.mandates.ok"
  | "verify.mandates.one"
  | "verify.mandates.set"
  | "verify.mandates.cards"
  | "verify.tally.ok"
  | "verify.tally.differs"
  | "verify.log.ok"
  | "verify.log.proof"
  | "verify.log.signature"
  | "verify.card.ok"
  | "verify.card.notInMandate"
  | "verify.card.unknown"
  | "verify.card.noProof"
  | "verify.card.proof"
  | StatusCode;

export interface Check {
  name: "ledger" | "ruling" | "mandates" | "tally" | "log" | "status" | "card";
  ok: boolean;
  code: CheckCode;
  params: Record<string, string | number>;
}

export interface Verdict {
  ok: boolean;
  checks: Check[];
}

const pass = (name: Check["name"], code: CheckCode, params: Check["params"] = {}): Check => ({ name, ok: true, code, params });
const fail = (name: Check["name"], code: CheckCode, params: Check["params"] = {}): Check => ({ name, ok: false, code, params });

/** Reads a bundle file as received: anything may be wrong with it, and each problem gets a reason. */
export interface VerifyOptions {
  /** The registry's public key (PEM); without it, the key the bundle brings is used. */
  publicKey?: string;
  /** A citizen's card id, to check that her value was in her representative's mandate. */
  cardId?: string;
  /** Her card's proof (`CardProof`, as received): what a version 2 bundle needs to check her card. */
  cardProof?: unknown;
  /** The ruling the bundle must be of (its ELI), when the check is made on that ruling's behalf. */
  eli?: string;
  /** The verifier's clock: a sunset that has passed with no act in the log yet is then said as a lapse. */
  now?: Date;
}

export function verifyEnvelope(raw: unknown, options: VerifyOptions = {}): Verdict {
  try {
    return checkEnvelope(raw, options);
  } catch {
    // A file shaped unlike any bundle (a mandate that is not an object, say) fails as a whole.
    return { ok: false, checks: [fail("ledger", "verify.notBundle")] };
  }
}

function checkEnvelope(raw: unknown, options: VerifyOptions): Verdict {
  const checks: Check[] = [];
  const envelope = raw as BundleEnvelope;
  const bundle = envelope?.bundle;
  if (
    !bundle ||
    typeof bundle !== "object" ||
    !bundle.ledger ||
    !bundle.ruling ||
    !bundle.ballot ||
    !Array.isArray(bundle.mandates) ||
    !envelope.proof ||
    !envelope.checkpoint
  ) {
    return { ok: false, checks: [fail("ledger", "verify.notBundle")] };
  }
  // Bundles of version 1 list every card; version 2 gives each mandate value's cards as a count and a root.
  const version = bundle.version ?? 1;
  if (version !== 1 && version !== 2) return { ok: false, checks: [fail("ledger", "verify.notBundle")] };
  const events = Array.isArray(bundle.ledger.events) ? bundle.ledger.events : [];

  // 1. The ledger: an unbroken hash chain ending at the stated head.
  const chain = verifyChain(events);
  checks.push(
    !chain.ok
      ? fail("ledger", `verify.ledger.${chain.reason}`, { seq: chain.seq })
      : chain.head !== bundle.ledger.head
        ? fail("ledger", "verify.ledger.head")
        : !events.every((e) => e.matterId === bundle.ruling.matterId)
          ? fail("ledger", "verify.ledger.otherMatter")
          : pass("ledger", "verify.ledger.ok", { events: chain.length, head: `${String(bundle.ledger.head).slice(0, 16)}…` }),
  );

  // 2. The ruling is the text the ballot was about, and the ballot's outcome is on the ledger.
  const opened = events.filter((e) => e.type === "ballot.opened").at(-1)?.payload as
    | { ballot?: number; textHash?: string; rules?: BallotRules; eligible?: string[] }
    | undefined;
  const closed = events.filter((e) => e.type === "ballot.closed").at(-1)?.payload as { ballot?: number; outcome?: string } | undefined;
  const textOk =
    typeof bundle.ruling.text === "string" && sha256Hex(bundle.ruling.text) === bundle.ruling.textHash && opened?.textHash === bundle.ruling.textHash;
  // The published figures, when the bundle carries them, are the ledger's own: the ballot's coverage and the draft's fairness.
  const drafted = events.filter((e) => e.type === "deliberation.drafted").at(-1)?.payload as { fairness?: JsonValue } | undefined;
  const same = (claimed: JsonValue | undefined, recorded: JsonValue | undefined) =>
    claimed === undefined || canonicalJson(claimed) === canonicalJson(recorded ?? null);
  const figuresOk = same(bundle.valuePreservation, (opened as { coverage?: JsonValue } | undefined)?.coverage) && same(bundle.fairness, drafted?.fairness);
  checks.push(
    options.eli !== undefined && bundle.ruling.eli !== options.eli
      ? fail("ruling", "verify.ruling.other", { eli: String(bundle.ruling.eli), expected: options.eli })
      : !textOk
        ? fail("ruling", "verify.ruling.text")
        : !figuresOk
          ? fail("ruling", "verify.ruling.figures")
          : closed?.outcome === "ratified" && closed.ballot === bundle.ballot.ballot
            ? pass("ruling", "verify.ruling.ok", { eli: String(bundle.ruling.eli), title: String(bundle.ruling.title) })
            : fail("ruling", "verify.ruling.notRatified"),
  );

  // 3. The mandates are the frozen ones: each hash recomputes and matches the convening on the ledger.
  const convened = events.find((e) => e.type === "matter.convened")?.payload as { constituencies?: { id: string; mandateHash: string }[] } | undefined;
  const frozen = new Map((convened?.constituencies ?? []).map((c) => [c.id, c.mandateHash]));
  const badMandate = bundle.mandates.find((m) => !verifyMandate(m.mandate) || frozen.get(m.constituencyId) !== m.mandate.hash);
  const treesOk = version === 1 || cardTreesFit(bundle);
  checks.push(
    badMandate
      ? fail("mandates", "verify.mandates.one", { label: String(badMandate.label) })
      : bundle.mandates.length !== frozen.size
        ? fail("mandates", "verify.mandates.set")
        : !treesOk
          ? fail("mandates", "verify.mandates.cards")
          : pass("mandates", "verify.mandates.ok", { count: bundle.mandates.length }),
  );

  // 4. The tally, recomputed from the votes the ledger records.
  const votes = events
    .filter((e) => e.type === "ballot.vote" && (e.payload as { ballot?: number }).ballot === bundle.ballot.ballot)
    .map((e) => e.payload as { delegateId: string; choice: Choice });
  const recount = opened?.rules && opened.eligible ? tallyBallot(opened.rules, opened.eligible, votes) : null;
  const sameTally = recount !== null && canonicalJson(recount) === canonicalJson(bundle.ballot.tally) && recount.outcome === "ratified";
  checks.push(
    sameTally
      ? pass("tally", "verify.tally.ok", {
          votes: votes.length,
          ratify: recount!.ratify,
          reject: recount!.reject,
          abstain: recount!.abstain,
          eligible: recount!.eligible,
        })
      : fail("tally", "verify.tally.differs"),
  );

  // 5. The bundle is in the registry's log, under a checkpoint the registry signed.
  const key = options.publicKey ?? envelope.publicKey;
  const signed = verifyCheckpoint(envelope.checkpoint, key);
  const root = checkpointRoot(envelope.checkpoint);
  const path = hexPath(envelope.proof.path);
  const included =
    signed &&
    root !== null &&
    path !== null &&
    envelope.proof.treeSize === envelope.checkpoint.size &&
    verifyInclusion(envelope.proof.leafIndex, envelope.proof.treeSize, bundleLeaf(bundle), path, root);
  checks.push(
    included
      ? pass("log", "verify.log.ok", { leaf: envelope.proof.leafIndex, size: envelope.checkpoint.size, keyId: envelope.checkpoint.keyId })
      : fail("log", signed ? "verify.log.proof" : "verify.log.signature"),
  );

  // 6. Its status now: the acts since its publication, each a leaf under the same signed checkpoint.
  const status = rulingStatus(
    bundle.ruling,
    envelope.proof.leafIndex,
    envelope.acts,
    { root: signed ? root : null, treeSize: envelope.checkpoint.size, hexPath },
    options.now,
  );
  checks.push({ name: "status", ...status });

  // 7. Given a card: her value went into her representative's mandate.
  if (version === 2 && (options.cardId || options.cardProof !== undefined)) {
    checks.push(checkCardProof(bundle, options.cardProof, options.cardId));
  } else if (options.cardId) {
    const cards = bundle.cards && typeof bundle.cards === "object" ? bundle.cards : {};
    const card = Object.hasOwn(cards, options.cardId) ? cards[options.cardId] : undefined;
    const mandate = card ? bundle.mandates.find((m) => m.constituencyId === card.constituency) : undefined;
    const held = mandate?.mandate.values.find((v) => v.valueId === card?.value);
    checks.push(
      held
        ? pass("card", "verify.card.ok", { card: options.cardId, label: mandate!.label, weight: weightPercent(held.weight) })
        : fail("card", card ? "verify.card.notInMandate" : "verify.card.unknown"),
    );
  }
  return { ok: checks.every((c) => c.ok), checks };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A version 2 bundle's card trees: each of a value in its constituency's mandate, once, with a count and a root. */
function cardTreesFit(bundle: ProvenanceBundle): boolean {
  if (!Array.isArray(bundle.cardTrees)) return false;
  const held = new Set(bundle.mandates.flatMap((m) => m.mandate.values.map((v) => canonicalJson([m.constituencyId, v.valueId]))));
  const seen = new Set<string>();
  for (const tree of bundle.cardTrees) {
    const key = canonicalJson([String(tree?.constituencyId), String(tree?.valueId)]);
    if (!held.has(key) || seen.has(key) || !(Number.isSafeInteger(tree.count) && tree.count > 0) || !HEX64.test(String(tree.root))) return false;
    seen.add(key);
  }
  return true;
}

/** Her card against a version 2 bundle: the proof places her card's commitment under the root of a value of her constituency's mandate. */
function checkCardProof(bundle: ProvenanceBundle, raw: unknown, cardId: string | undefined): Check {
  if (raw === undefined || raw === null) return fail("card", "verify.card.noProof");
  const proof = raw as CardProof;
  const card = String(proof.card);
  const tree = (bundle.cardTrees ?? []).find((t) => t.constituencyId === proof.constituency && t.valueId === proof.value);
  const mandate = bundle.mandates.find((m) => m.constituencyId === proof.constituency);
  const held = mandate?.mandate.values.find((v) => v.valueId === proof.value);
  const path = hexPath(proof.path);
  const leaf = cardLeaf(card, String(proof.constituency), String(proof.value));
  const placed =
    tree !== undefined &&
    held !== undefined &&
    path !== null &&
    proof.eli === bundle.ruling.eli &&
    (cardId === undefined || cardId === card) &&
    proof.count === tree.count &&
    (proof.leaf === undefined || proof.leaf === toHex(leaf)) &&
    verifyInclusion(proof.index, tree.count, leaf, path, fromHex(tree.root));
  return placed ? pass("card", "verify.card.ok", { card, label: mandate!.label, weight: weightPercent(held!.weight) }) : fail("card", "verify.card.proof");
}

/** An audit path as received: every node 32 bytes of hex, or null. */
function hexPath(path: unknown): Uint8Array[] | null {
  if (!Array.isArray(path)) return null;
  try {
    const nodes = path.map((p) => fromHex(String(p)));
    return nodes.every((n) => n.length === 32) ? nodes : null;
  } catch {
    return null;
  }
}
