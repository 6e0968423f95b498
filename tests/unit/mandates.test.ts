import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isDomainError } from "../../deliberation/errors.js";
import { canonicalJson } from "../../deliberation/ledger.js";
import {
  buildMandate,
  citizenShareInMandate,
  hashMandate,
  MANDATE_SCORE_FLOOR,
  verifyMandate,
  type Mandate,
  type MandateInput,
} from "../../deliberation/mandates.js";
import { prng, shuffled } from "../../deliberation/random.js";

/** Ten members of the Tartu constituency and what they hold or endorse. */
const MEMBERS: MandateInput["members"] = [
  { id: "mari", holds: ["unobserved", "contestable", "safety"] },
  { id: "jaan", holds: ["unobserved", "contestable"] },
  { id: "liis", holds: ["unobserved", "safety"] },
  { id: "kalle", holds: ["unobserved"] },
  { id: "tiina", holds: ["unobserved", "dignity"] },
  { id: "peeter", holds: ["safety", "safety"] }, // a duplicate holding counts once
  { id: "anu", holds: ["safety", "efficiency"] },
  { id: "toomas", holds: ["contestable", "children"] },
  { id: "kati", holds: ["dignity"] },
  { id: "rein", holds: [] },
];

/** Moral-graph scores in the context (they sum to 1, as PageRank's do); "rare" is held by no member. */
const SCORES = new Map([
  ["contestable", 0.3],
  ["unobserved", 0.2],
  ["dignity", 0.15],
  ["safety", 0.1],
  ["efficiency", 0.05],
  ["rare", 0.2],
]);
const DISSENT = new Map([
  ["safety", 4],
  ["unobserved", 1],
]);

const input = (over: Partial<MandateInput> = {}): MandateInput => ({
  constituencyId: "district:tartu",
  members: MEMBERS,
  scores: SCORES,
  dissent: DISSENT,
  ...over,
});

describe("buildMandate", () => {
  it("ranks the constituency's values by support × (floor + relative score), with support counts", () => {
    const mandate = buildMandate(input());
    expect(mandate.constituencyId).toBe("district:tartu");
    expect(mandate.size).toBe(10);
    // priorities (scoreScale 0.3): unobserved 5·(0.1+2/3), contestable 3·1.1, safety 4·(0.1+1/3),
    // dignity 2·0.6, efficiency 1·(0.1+1/6), children 1·0.1 ("rare" is held by nobody here).
    expect(mandate.values.map((v) => v.valueId)).toEqual(["unobserved", "contestable", "safety", "dignity", "efficiency", "children"]);
    const byId = new Map(mandate.values.map((v) => [v.valueId, v]));
    expect(byId.get("unobserved")).toMatchObject({ score: 0.2, support: 5, supportShare: 0.5, dissent: 1 });
    expect(byId.get("safety")).toMatchObject({ score: 0.1, support: 4, supportShare: 0.4, dissent: 4 });
    expect(byId.get("children")).toMatchObject({ score: 0, support: 1, dissent: 0 });
    expect(byId.has("rare")).toBe(false);
    expect(mandate.basis).toMatchObject({ floor: MANDATE_SCORE_FLOOR, scoreScale: 0.3, topN: 8 });

    // Weights are the priorities normalised, and sum to 1.
    const priority = (v: Mandate["values"][number]) => v.support * (mandate.basis.floor + v.score / mandate.basis.scoreScale);
    const total = mandate.values.reduce((s, v) => s + priority(v), 0);
    for (const v of mandate.values) expect(v.weight).toBeCloseTo(priority(v) / total, 12);
    expect(mandate.values.reduce((s, v) => s + v.weight, 0)).toBeCloseTo(1, 12);
    // Ordered by weight.
    for (let i = 1; i < mandate.values.length; i++) expect(mandate.values[i - 1]!.weight).toBeGreaterThanOrEqual(mandate.values[i]!.weight);
  });

  it("keeps the top N, weights renormalised over them", () => {
    const mandate = buildMandate(input({ topN: 3 }));
    expect(mandate.values.map((v) => v.valueId)).toEqual(["unobserved", "contestable", "safety"]);
    expect(mandate.values.reduce((s, v) => s + v.weight, 0)).toBeCloseTo(1, 12);
    expect(mandate.basis.topN).toBe(3);
  });

  it("lets the graph reorder what the members hold: a wiser value can outrank a more held one", () => {
    const flat = buildMandate(input({ scores: new Map() }));
    // With no scores, support alone decides (ties by id).
    expect(flat.values.map((v) => v.valueId)).toEqual(["unobserved", "safety", "contestable", "dignity", "children", "efficiency"]);
    const judged = buildMandate(input());
    expect(judged.values.findIndex((v) => v.valueId === "contestable")).toBeLessThan(judged.values.findIndex((v) => v.valueId === "safety"));
  });

  it("breaks ties by value id", () => {
    const members = [
      { id: "x", holds: ["b", "a"] },
      { id: "y", holds: ["c"] },
    ];
    const mandate = buildMandate(input({ members, scores: new Map(), dissent: new Map() }));
    expect(mandate.values.map((v) => v.valueId)).toEqual(["a", "b", "c"]);
    expect(mandate.values.map((v) => v.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("hashes the canonical JSON of everything but the hash", () => {
    const mandate = buildMandate(input());
    const { hash, ...content } = mandate;
    expect(hash).toBe(createHash("sha256").update(canonicalJson(content)).digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashMandate(content)).toBe(hash);
  });

  it("gives the same mandate and hash whatever the order of members, holdings and maps", () => {
    const mandate = buildMandate(input());
    for (const seed of [1, 2, 3]) {
      const members = shuffled(MEMBERS, prng(seed)).map((m) => ({ id: m.id, holds: shuffled(m.holds, prng(seed + 10)) }));
      const scores = new Map(shuffled([...SCORES], prng(seed + 20)));
      const dissent = new Map(shuffled([...DISSENT], prng(seed + 30)));
      expect(buildMandate(input({ members, scores, dissent }))).toEqual(mandate);
    }
  });

  it("changes the hash with any change, and verifyMandate notices", () => {
    const mandate = buildMandate(input());
    expect(verifyMandate(mandate)).toBe(true);
    const first = mandate.values[0]!;
    const variants: Mandate[] = [
      { ...mandate, values: [{ ...first, weight: first.weight + 1e-9 }, ...mandate.values.slice(1)] },
      { ...mandate, values: [{ ...first, valueId: "unobserved-2" }, ...mandate.values.slice(1)] },
      { ...mandate, values: [{ ...first, support: first.support + 1 }, ...mandate.values.slice(1)] },
      { ...mandate, values: [{ ...first, dissent: first.dissent + 1 }, ...mandate.values.slice(1)] },
      { ...mandate, values: mandate.values.slice(1) },
      { ...mandate, values: [mandate.values[1]!, first, ...mandate.values.slice(2)] },
      { ...mandate, size: 11 },
      { ...mandate, constituencyId: "district:parnu" },
      { ...mandate, basis: { ...mandate.basis, floor: 0.2 } },
    ];
    const hashes = new Set([mandate.hash]);
    for (const variant of variants) {
      expect(verifyMandate(variant)).toBe(false);
      const { hash: _, ...content } = variant;
      hashes.add(hashMandate(content));
    }
    expect(hashes.size).toBe(variants.length + 1);
    // Inputs that change the mandate change its hash.
    expect(buildMandate(input({ members: MEMBERS.slice(0, 9) })).hash).not.toBe(mandate.hash);
    expect(buildMandate(input({ scores: new Map([...SCORES, ["safety", 0.11]]) })).hash).not.toBe(mandate.hash);
    expect(buildMandate(input({ dissent: new Map([...DISSENT, ["dignity", 1]]) })).hash).not.toBe(mandate.hash);
    expect(buildMandate(input({ constituencyId: "community:1" })).hash).not.toBe(mandate.hash);
    // A mandate survives a JSON round trip (as it is stored) and still verifies.
    expect(verifyMandate(JSON.parse(JSON.stringify(mandate)) as Mandate)).toBe(true);
  });

  it("makes an empty mandate for an empty constituency", () => {
    const mandate = buildMandate(input({ members: [] }));
    expect(mandate).toMatchObject({ size: 0, values: [] });
    expect(verifyMandate(mandate)).toBe(true);
  });

  it("refuses bad input", () => {
    const key = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isDomainError(error) ? error.key : (error as Error).name;
      }
      return undefined;
    };
    expect(key(() => buildMandate(input({ members: [...MEMBERS, { id: "mari", holds: [] }] })))).toBe("mandate.duplicate_member");
    expect(key(() => buildMandate(input({ scores: new Map([["a", Number.NaN]]) })))).toBe("mandate.bad_score");
    expect(key(() => buildMandate(input({ dissent: new Map([["a", -1]]) })))).toBe("mandate.bad_dissent");
    expect(key(() => buildMandate(input({ topN: 0 })))).toBe("RangeError");
  });
});

describe("citizenShareInMandate", () => {
  it("says which of her values went into the mandate and with what weight", () => {
    const mandate = buildMandate(input({ topN: 4 }));
    const byId = new Map(mandate.values.map((v) => [v.valueId, v.weight]));
    const mari = citizenShareInMandate(mandate, ["safety", "unobserved", "contestable", "not-in-it"]);
    expect(mari.valueIds).toEqual(["unobserved", "contestable", "safety"]);
    expect(mari.weight).toBeCloseTo(byId.get("unobserved")! + byId.get("contestable")! + byId.get("safety")!, 12);
    const kati = citizenShareInMandate(mandate, ["dignity"]);
    expect(kati).toEqual({ valueIds: ["dignity"], weight: byId.get("dignity")! });
    // Toomas's "children" did not make the top 4.
    expect(citizenShareInMandate(mandate, ["children"])).toEqual({ valueIds: [], weight: 0 });
    expect(citizenShareInMandate(mandate, [])).toEqual({ valueIds: [], weight: 0 });
    // Everyone's values together carry the whole mandate.
    expect(
      citizenShareInMandate(
        mandate,
        mandate.values.map((v) => v.valueId),
      ).weight,
    ).toBeCloseTo(1, 12);
  });
});
