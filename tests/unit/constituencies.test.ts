import { describe, expect, it } from "vitest";
import { apportion, byDistrict, byValueCommunities, districtSlug, type CitizenHoldings, type Constituency } from "../../deliberation/constituencies.js";
import { isDomainError } from "../../deliberation/errors.js";
import { prng, shuffled } from "../../deliberation/random.js";

// ---------------------------------------------------------------------------------------------
// Synthetic populations

type Group = { name: string; size: number; values: string[] };

/**
 * Each member of a group holds each of the group's values with probability pIn (at least one of
 * them), and each value of the other groups with probability pOut. Ids are `<group>-<n>`.
 */
function population(seed: number, groups: Group[], pIn = 0.85, pOut = 0.02): CitizenHoldings[] {
  const random = prng(seed);
  const all = groups.flatMap((g) => g.values);
  const out: CitizenHoldings[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.size; i++) {
      const holds = g.values.filter(() => random() < pIn);
      if (holds.length === 0) holds.push(g.values[Math.floor(random() * g.values.length)]!);
      for (const v of all) if (!g.values.includes(v) && random() < pOut) holds.push(v);
      out.push({ id: `${g.name}-${String(i).padStart(3, "0")}`, district: "Tartu", holds });
    }
  }
  return out;
}

const PLANTED: Group[] = [
  { name: "A", size: 40, values: ["a", "b", "c"] },
  { name: "D", size: 30, values: ["d", "e"] },
  { name: "F", size: 6, values: ["f", "g"] },
];

const groupOf = (citizenId: string) => citizenId.split("-")[0]!;

/** Adjusted Rand index (Hubert & Arabie) of two labelings of the same items. */
function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  a.forEach((x, i) => {
    const y = b[i]!;
    cells.set(`${x}\u0000${y}`, (cells.get(`${x}\u0000${y}`) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
  });
  let index = 0;
  for (const n of cells.values()) index += pairs(n);
  let sumRows = 0;
  for (const n of rows.values()) sumRows += pairs(n);
  let sumCols = 0;
  for (const n of cols.values()) sumCols += pairs(n);
  const expected = (sumRows * sumCols) / pairs(a.length);
  const max = (sumRows + sumCols) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Citizen id → constituency id. */
function labelling(constituencies: readonly Constituency[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of constituencies) for (const m of c.members) out.set(m, c.id);
  return out;
}

function ariAgainstPlanted(citizens: readonly CitizenHoldings[], constituencies: readonly Constituency[]): number {
  const found = labelling(constituencies);
  const ids = citizens.map((c) => c.id);
  return adjustedRand(
    ids.map(groupOf),
    ids.map((id) => found.get(id) ?? "none"),
  );
}

// ---------------------------------------------------------------------------------------------

describe("districts", () => {
  const citizens: CitizenHoldings[] = [
    { id: "u3", district: "Tartu", holds: ["a"] },
    { id: "u1", district: "Tartu", holds: [] },
    { id: "u2", district: "Pärnu", holds: ["b"] },
    { id: "u5", district: "parnu ", holds: [] },
    { id: "u4", district: "Pärnu", holds: [] },
    { id: "u6", district: "Ida-Viru maakond", holds: [] },
    { id: "u7", district: "  ", holds: [] },
  ];

  it("groups citizens by district, with stable slug ids, sorted by id, members sorted", () => {
    const result = byDistrict(citizens);
    expect(result.map((c) => c.id)).toEqual(["district:ida-viru-maakond", "district:parnu", "district:tartu", "district:unspecified"]);
    const byId = new Map(result.map((c) => [c.id, c]));
    expect(byId.get("district:tartu")).toEqual({ id: "district:tartu", label: "Tartu", scheme: "districts", members: ["u1", "u3"], size: 2 });
    // Spellings that slug alike are one district, labelled by the most common spelling.
    expect(byId.get("district:parnu")).toMatchObject({ label: "Pärnu", members: ["u2", "u4", "u5"], size: 3 });
    // Nobody is dropped: a blank district is a constituency of its own.
    expect(byId.get("district:unspecified")!.members).toEqual(["u7"]);
    expect(result.reduce((s, c) => s + c.size, 0)).toBe(citizens.length);
  });

  it("does not depend on the order of the citizens", () => {
    expect(byDistrict(shuffled(citizens, prng(3)))).toEqual(byDistrict(citizens));
  });

  it("slugs names in any script", () => {
    expect(districtSlug("Võru")).toBe("voru");
    expect(districtSlug("Нарва")).toBe("нарва");
    expect(districtSlug("Lääne-Viru  maakond!")).toBe("laane-viru-maakond");
  });

  it("refuses a citizen listed twice", () => {
    try {
      byDistrict([...citizens, { id: "u1", district: "Tartu", holds: [] }]);
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error) && error.key).toBe("constituencies.duplicate_citizen");
    }
  });
});

describe("value communities", () => {
  it("recovers three planted groups, the minority of six with its own community", () => {
    for (const dataSeed of [1, 2, 3, 4, 5]) {
      const citizens = population(dataSeed, PLANTED);
      const result = byValueCommunities(citizens);
      expect(ariAgainstPlanted(citizens, result.constituencies), `data seed ${dataSeed}`).toBeGreaterThanOrEqual(0.9);
      // The minority: a community made (almost) only of F, holding most of F.
      const minority = result.constituencies.find((c) => c.characteristicValues!.includes("f"));
      expect(minority, `data seed ${dataSeed}`).toBeDefined();
      expect(new Set(minority!.characteristicValues)).toEqual(new Set(["f", "g"]));
      expect(minority!.members.filter((m) => groupOf(m) === "F").length).toBeGreaterThanOrEqual(5);
      expect(minority!.members.filter((m) => groupOf(m) !== "F").length).toBeLessThanOrEqual(1);
    }
  });

  it("finds the planted partition exactly on clean data, labelled by characteristic values", () => {
    const citizens = population(7, PLANTED, 0.9, 0);
    const result = byValueCommunities(citizens);
    expect(ariAgainstPlanted(citizens, result.constituencies)).toBe(1);
    expect(result.constituencies.map((c) => [c.id, c.size])).toEqual([
      ["community:1", 40],
      ["community:2", 30],
      ["community:3", 6],
    ]);
    for (const c of result.constituencies) {
      expect(c.scheme).toBe("value-communities");
      expect(c.members).toEqual(c.members.slice().sort());
      expect(c.characteristicValues).toHaveLength(2);
      expect(c.label).toBe(c.characteristicValues!.join(" + "));
    }
    const [a, d, f] = result.constituencies;
    expect(a!.characteristicValues!.every((v) => ["a", "b", "c"].includes(v))).toBe(true);
    expect(new Set(d!.characteristicValues)).toEqual(new Set(["d", "e"]));
    expect(new Set(f!.characteristicValues)).toEqual(new Set(["f", "g"]));
    expect(result.silhouette).toBeGreaterThan(0.5);
    expect(result.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it("gives a small distinct minority its own community in a large population", () => {
    // 8 in 3,308: neither k-means (sum of squares) nor the mean silhouette cares much about them.
    const groups: Group[] = [
      { name: "A", size: 1500, values: ["a", "b", "c", "h", "i"] },
      { name: "D", size: 1000, values: ["d", "e", "j", "k"] },
      { name: "L", size: 800, values: ["l", "m", "n"] },
      { name: "F", size: 8, values: ["f", "g"] },
    ];
    for (const [dataSeed, pIn, pOut] of [
      [1, 0.85, 0.02],
      [2, 0.85, 0.02],
      [1, 0.8, 0.01],
    ] as const) {
      const citizens = population(dataSeed, groups, pIn, pOut);
      const result = byValueCommunities(citizens);
      expect(result.constituencies, `data seed ${dataSeed}`).toHaveLength(4);
      const minority = result.constituencies[3]!;
      expect(new Set(minority.characteristicValues)).toEqual(new Set(["f", "g"]));
      expect(minority.size).toBeGreaterThanOrEqual(5);
      expect(minority.members.every((m) => groupOf(m) === "F")).toBe(true);
      expect(ariAgainstPlanted(citizens, result.constituencies)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("does not invent minorities in a noisy population without one", () => {
    const groups: Group[] = [
      { name: "A", size: 600, values: ["a", "b", "c", "h", "i"] },
      { name: "D", size: 400, values: ["d", "e", "j", "k"] },
    ];
    const citizens = population(2, groups, 0.7, 0.05);
    const result = byValueCommunities(citizens);
    expect(result.rescuedMinorities).toBe(0);
    expect(result.constituencies).toHaveLength(2);
    expect(ariAgainstPlanted(citizens, result.constituencies)).toBeGreaterThanOrEqual(0.9);
  });

  it("is deterministic for a fixed seed and does not depend on input order", () => {
    const citizens = population(3, PLANTED);
    const first = byValueCommunities(citizens, { seed: 42 });
    expect(byValueCommunities(citizens, { seed: 42 })).toEqual(first);
    const reordered = shuffled(citizens, prng(9)).map((c) => ({ ...c, holds: shuffled(c.holds, prng(11)) }));
    expect(byValueCommunities(reordered, { seed: 42 })).toEqual(first);
  });

  it("gives the same partition for different seeds on well-separated data", () => {
    const citizens = population(4, PLANTED, 0.9, 0);
    const partitions = [1, 2, 3, 17, 12345].map((seed) => byValueCommunities(citizens, { seed }).constituencies);
    for (const p of partitions) expect(p).toEqual(partitions[0]);
  });

  it("leaves citizens who hold no values unassigned, and places those who share none", () => {
    const citizens = [
      ...population(5, PLANTED, 0.9, 0),
      { id: "silent-1", district: "Tartu", holds: [] },
      { id: "silent-0", district: "Tartu", holds: [] },
      { id: "lonely", district: "Tartu", holds: ["only-mine"] },
    ];
    const result = byValueCommunities(citizens);
    expect(result.unassigned).toEqual(["silent-0", "silent-1"]);
    expect(result.withoutSharedValues).toEqual(["lonely"]);
    expect(result.sharedValues).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    const members = labelling(result.constituencies);
    expect(members.has("silent-0")).toBe(false);
    expect(members.get("lonely")).toBe("community:1");
    expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(citizens.length - 2);
  });

  it("merges tiny noise groups (smaller than minSize) and keeps a distinct group of minSize", () => {
    const base = population(6, PLANTED, 0.9, 0);
    const pair = [
      { id: "N-000", district: "Tartu", holds: ["x", "y"] },
      { id: "N-001", district: "Tartu", holds: ["x", "y"] },
    ];
    const withPair = byValueCommunities([...base, ...pair]);
    expect(withPair.constituencies).toHaveLength(3);
    expect(Math.min(...withPair.constituencies.map((c) => c.size))).toBeGreaterThanOrEqual(3);
    expect(labelling(withPair.constituencies).has("N-000")).toBe(true);

    const trio = [...pair, { id: "N-002", district: "Tartu", holds: ["x", "y"] }];
    const withTrio = byValueCommunities([...base, ...trio]);
    expect(withTrio.constituencies).toHaveLength(4);
    expect(withTrio.constituencies.find((c) => c.members.includes("N-000"))!.members).toEqual(["N-000", "N-001", "N-002"]);
  });

  it("merges the minority away when it is below minSize", () => {
    const citizens = population(7, PLANTED, 0.9, 0);
    const result = byValueCommunities(citizens, { minSize: 10 });
    expect(result.constituencies).toHaveLength(2);
    expect(Math.min(...result.constituencies.map((c) => c.size))).toBeGreaterThanOrEqual(10);
    expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(citizens.length);
  });

  it("respects maxCommunities", () => {
    const citizens = population(8, PLANTED, 0.9, 0);
    const result = byValueCommunities(citizens, { maxCommunities: 2 });
    expect(result.constituencies).toHaveLength(2);
    expect(result.candidates.map((c) => c.k)).toEqual([2]);
  });

  it("handles the degenerate cases", () => {
    expect(byValueCommunities([])).toMatchObject({ constituencies: [], unassigned: [], silhouette: null });
    // Everyone holds the same values: one community.
    const same = Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, district: "Tartu", holds: ["a", "b"] }));
    const one = byValueCommunities(same);
    expect(one.constituencies.map((c) => [c.id, c.size, c.label])).toEqual([["community:1", 10, "a + b"]]);
    expect(one.silhouette).toBeNull();
    // Too few citizens for two communities of minSize.
    const few = [
      { id: "p1", district: "Tartu", holds: ["a"] },
      { id: "p2", district: "Tartu", holds: ["a"] },
      { id: "p3", district: "Tartu", holds: ["b"] },
      { id: "p4", district: "Tartu", holds: ["b"] },
    ];
    expect(byValueCommunities(few).constituencies.map((c) => c.members)).toEqual([["p1", "p2", "p3", "p4"]]);
    expect(() => byValueCommunities(few, { maxCommunities: 0 })).toThrow(RangeError);
  });
});

describe("apportionment", () => {
  it("weighs each representative by the citizens it represents; weights sum to 1", () => {
    const citizens = population(9, PLANTED);
    const constituencies = byValueCommunities(citizens).constituencies;
    const shares = apportion(constituencies);
    expect(shares.map((s) => s.id)).toEqual(constituencies.map((c) => c.id));
    expect(shares.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
    for (const share of shares) expect(share.weight).toBeCloseTo(share.size / citizens.length, 12);
    expect(
      apportion([
        { id: "district:tartu", size: 212 },
        { id: "district:parnu", size: 88 },
      ]),
    ).toEqual([
      { id: "district:tartu", size: 212, weight: 212 / 300 },
      { id: "district:parnu", size: 88, weight: 88 / 300 },
    ]);
  });

  it("gives no weight when nobody is represented, and refuses a bad size", () => {
    expect(apportion([{ id: "community:1", size: 0 }])).toEqual([{ id: "community:1", size: 0, weight: 0 }]);
    expect(() => apportion([{ id: "community:1", size: -1 }])).toThrow(RangeError);
  });
});
