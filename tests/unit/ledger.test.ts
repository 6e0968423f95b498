import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, chainEvent, GENESIS_HASH, hashEvent, type LedgerEvent, type LedgerEventContent, verifyChain } from "../../deliberation/ledger.js";

const content: LedgerEventContent = {
  matterId: "polity",
  seq: 1,
  type: "roles.granted",
  actor: "system:seed",
  payload: { userId: "u1", roles: ["admin"] },
  createdAt: "2026-11-24T10:00:00.000Z",
};

/** A stream of `n` events built the way the repository appends them. */
function stream(n: number, matterId = "matter-1"): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push(
      chainEvent(events.at(-1) ?? null, {
        matterId,
        type: "test.step",
        actor: `actor-${i % 3}`,
        payload: { i, note: `step ${i}` },
        createdAt: `2026-11-24T10:00:0${i % 10}.000Z`,
      }),
    );
  }
  return events;
}

describe("canonical JSON (RFC 8785)", () => {
  it("sorts keys at every depth and drops insignificant whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it("writes numbers the ECMAScript way", () => {
    expect(canonicalJson([1.0, 1e21, 0.1, -0])).toBe("[1,1e+21,0.1,0]");
  });

  it("refuses what JSON cannot hold", () => {
    expect(() => canonicalJson(undefined)).toThrow();
  });
});

describe("event hashes", () => {
  it("is SHA-256 over the canonical JSON of the content and the previous hash", () => {
    const expected = createHash("sha256")
      .update(
        '{"actor":"system:seed","createdAt":"2026-11-24T10:00:00.000Z","matterId":"polity","payload":{"roles":["admin"],"userId":"u1"},' +
          `"prevHash":"${GENESIS_HASH}","seq":1,"type":"roles.granted"}`,
      )
      .digest("hex");
    expect(hashEvent(content, GENESIS_HASH)).toBe(expected);
    expect(hashEvent(content, GENESIS_HASH)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when any field, or the previous hash, changes", () => {
    const base = hashEvent(content, GENESIS_HASH);
    const variants: LedgerEventContent[] = [
      { ...content, matterId: "other" },
      { ...content, seq: 2 },
      { ...content, type: "roles.revoked" },
      { ...content, actor: "mallory" },
      { ...content, payload: { userId: "u1", roles: ["admin", "clerk"] } },
      { ...content, createdAt: "2026-11-24T10:00:00.001Z" },
    ];
    for (const variant of variants) expect(hashEvent(variant, GENESIS_HASH)).not.toBe(base);
    expect(hashEvent(content, "f".repeat(64))).not.toBe(base);
  });

  it("ignores the key order of the payload and fields that are not content", () => {
    const reordered = { ...content, payload: { roles: ["admin"], userId: "u1" } };
    expect(hashEvent(reordered, GENESIS_HASH)).toBe(hashEvent(content, GENESIS_HASH));
    const withExtras = { ...content, prevHash: "ignored", hash: "ignored" } as LedgerEventContent;
    expect(hashEvent(withExtras, GENESIS_HASH)).toBe(hashEvent(content, GENESIS_HASH));
  });
});

describe("chaining", () => {
  it("starts a stream at seq 1 on the genesis hash", () => {
    const { seq: _seq, ...next } = content;
    const first = chainEvent(null, next);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(first.hash).toBe(hashEvent(first, GENESIS_HASH));
  });

  it("links each event to the one before", () => {
    const events = stream(5);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
  });
});

describe("verifyChain", () => {
  it("accepts an empty stream and an intact one, naming its head", () => {
    expect(verifyChain([])).toEqual({ ok: true, length: 0, head: GENESIS_HASH });
    const events = stream(6);
    expect(verifyChain(events)).toEqual({ ok: true, length: 6, head: events[5]!.hash });
  });

  it("finds a changed payload at the event that was changed", () => {
    const events = structuredClone(stream(6));
    events[3] = { ...events[3]!, payload: { i: 3, note: "rewritten" } };
    expect(verifyChain(events)).toEqual({ ok: false, seq: 4, reason: "hash_mismatch" });
  });

  it("finds a changed event that was re-hashed, at the next event", () => {
    const events = structuredClone(stream(6));
    const forged = { ...events[2]!, actor: "mallory" };
    events[2] = { ...forged, hash: hashEvent(forged, forged.prevHash) };
    expect(verifyChain(events)).toEqual({ ok: false, seq: 4, reason: "prev_hash_mismatch" });
  });

  it("finds the last event forged and re-hashed only against a known head", () => {
    const events = stream(4);
    const forged = { ...events[3]!, payload: { i: 99, note: "forged" } };
    const rewritten = [...events.slice(0, 3), { ...forged, hash: hashEvent(forged, forged.prevHash) }];
    const verdict = verifyChain(rewritten);
    // The chain is internally consistent, so only the published head tells the difference.
    expect(verdict).toMatchObject({ ok: true, length: 4 });
    expect(verdict.ok && verdict.head).not.toBe(events[3]!.hash);
  });

  it("finds deletions, duplicates, reordering and a stream that does not start at 1", () => {
    const events = stream(5);
    expect(verifyChain([events[0]!, events[1]!, events[3]!, events[4]!])).toEqual({ ok: false, seq: 4, reason: "sequence_gap" });
    expect(verifyChain([events[0]!, events[1]!, events[1]!, events[2]!])).toEqual({ ok: false, seq: 2, reason: "sequence_gap" });
    expect(verifyChain([events[1]!, events[0]!])).toMatchObject({ ok: false, reason: "sequence_gap" });
    expect(verifyChain(events.slice(1))).toEqual({ ok: false, seq: 2, reason: "sequence_gap" });
  });

  it("finds an event of another stream spliced in", () => {
    const events = stream(3);
    const other = stream(3, "matter-2");
    expect(verifyChain([events[0]!, other[1]!, events[2]!])).toEqual({ ok: false, seq: 2, reason: "stream_mismatch" });
  });
});
