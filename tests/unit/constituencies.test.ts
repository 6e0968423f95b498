import { describe, expect, it } from "vitest";
import {
  apportion,
  byDistrict,
  byValueCommunities,
  communityFloor,
  DEFAULT_SEATS,
  districtSlug,
  type CitizenHoldings,
  type Constituency,
} from "../../deliberation/constituencies.js";
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
    // 76 citizens, 101 seats: the absolute floor of 5 rules; k is not capped at 8 but by the data.
    expect(result).toMatchObject({ seats: DEFAULT_SEATS, floor: 5 });
    const ks = result.candidates.map((c) => c.k);
    expect(ks[0]).toBe(2);
    expect(Math.max(...ks)).toBeGreaterThan(8);
  });

  it("gives a small distinct minority its own community in a large population", () => {
    // 20 in 3,320 (the floor is ⌈3,320 / 202⌉ = 17): neither k-means (sum of squares) nor the mean silhouette cares much about them.
    const groups: Group[] = [
      { name: "A", size: 1500, values: ["a", "b", "c", "h", "i"] },
      { name: "D", size: 1000, values: ["d", "e", "j", "k"] },
      { name: "L", size: 800, values: ["l", "m", "n"] },
      { name: "F", size: 20, values: ["f", "g"] },
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
      expect(minority.size).toBeGreaterThanOrEqual(result.floor);
      expect(result.floor).toBe(17);
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
    // 101 seats would allow 101 communities of 5; splitting a group by which of its values each member wrote down is not a community.
    expect(result.constituencies).toHaveLength(2);
    expect(Math.min(...result.constituencies.map((c) => c.size))).toBeGreaterThanOrEqual(result.floor);
    expect(ariAgainstPlanted(citizens, result.constituencies)).toBeGreaterThanOrEqual(0.9);
  });

  it("derives the floor from the polity and the seats: half a seat's quota, never below the absolute floor", () => {
    expect(communityFloor(76, DEFAULT_SEATS, 5)).toBe(5);
    expect(communityFloor(1_000, DEFAULT_SEATS, 5)).toBe(5);
    expect(communityFloor(3_320, DEFAULT_SEATS, 5)).toBe(17);
    expect(communityFloor(130_000, DEFAULT_SEATS, 5)).toBe(644); // Estonia, 10 % taking part
    expect(communityFloor(100, 10, 3)).toBe(5);
  });

  it("finds the 40 value groups of a polity of 100,000 citizens, each community above the floor and labelled by its values", () => {
    // 40 groups of 3–5 values, sizes falling as 1/rank^0.7 (6,600 down to 1,300); a member holds each of
    // her group's values with probability 0.6 (one at least), and one value of any group with probability 0.2.
    const random = prng(5);
    const groups = Array.from({ length: 40 }, (_, g) => Array.from({ length: 3 + (g % 3) }, (_, j) => `g${g}v${j}`));
    const all = groups.flat();
    const shares = groups.map((_, g) => 1 / (g + 1) ** 0.7);
    const total = shares.reduce((s, x) => s + x, 0);
    const citizens: CitizenHoldings[] = [];
    groups.forEach((values, g) => {
      const size = Math.round((100_000 * shares[g]!) / total);
      for (let i = 0; i < size; i++) {
        const holds = values.filter(() => random() < 0.6);
        if (holds.length === 0) holds.push(values[Math.floor(random() * values.length)]!);
        if (random() < 0.2) holds.push(all[Math.floor(random() * all.length)]!);
        citizens.push({ id: `G${g}-${i}`, district: "Harju", holds });
      }
    });
    // Fewer restarts and a smaller sample than convening uses keep the test fast; it still finds them.
    const result = byValueCommunities(citizens, { restarts: 2, clusterSample: 3000 });
    expect(result.floor).toBe(communityFloor(citizens.length, DEFAULT_SEATS, 5));
    expect(result.constituencies.length).toBeGreaterThan(8);
    expect(result.constituencies.length).toBeLessThanOrEqual(DEFAULT_SEATS);
    expect(result.constituencies.length).toBeGreaterThanOrEqual(36);
    for (const c of result.constituencies) expect(c.size).toBeGreaterThanOrEqual(result.floor);
    expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(citizens.length);
    expect(ariAgainstPlanted(citizens, result.constituencies)).toBeGreaterThanOrEqual(0.9);
    // Each label names values its community holds, of its own group, and no two labels are alike.
    const labels = new Set<string>();
    for (const c of result.constituencies) {
      const group = new Map<string, number>();
      for (const m of c.members) group.set(groupOf(m), (group.get(groupOf(m)) ?? 0) + 1);
      const [main] = [...group].sort((x, y) => y[1] - x[1])[0]!;
      expect(c.characteristicValues!.length).toBeGreaterThanOrEqual(2);
      expect(
        c.characteristicValues!.every((v) => v.startsWith(`g${main.slice(1)}v`)),
        c.label,
      ).toBe(true);
      expect(c.label).toBe(c.characteristicValues!.join(" + "));
      labels.add(c.label);
    }
    expect(labels.size).toBe(result.constituencies.length);
  }, 60_000);

  it("labels a community by the values its members hold, even when none of them is shared", () => {
    const loners = [
      { id: "l1", district: "Tartu", holds: ["quiet streets"] },
      { id: "l2", district: "Tartu", holds: ["open data", "sauna culture"] },
      { id: "l3", district: "Tartu", holds: ["sauna culture2"] },
    ];
    const result = byValueCommunities(loners);
    expect(result.constituencies).toHaveLength(1);
    const [only] = result.constituencies;
    expect(only!.members).toEqual(["l1", "l2", "l3"]);
    expect(only!.characteristicValues).toEqual(["open data", "quiet streets"]);
    expect(only!.label).toBe("open data + quiet streets");
    expect(only!.label).not.toMatch(/community/i);
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

  it("merges groups below the floor into their nearest community: three people never get a representative", () => {
    const base = population(6, PLANTED, 0.9, 0);
    const group = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `N-00${i}`, district: "Tartu", holds: ["x", "y"] }));
    for (const n of [2, 3, 4]) {
      const result = byValueCommunities([...base, ...group(n)]);
      expect(result.floor).toBe(5);
      expect(result.constituencies, `a group of ${n}`).toHaveLength(3);
      expect(Math.min(...result.constituencies.map((c) => c.size))).toBeGreaterThanOrEqual(5);
      expect(labelling(result.constituencies).has("N-000")).toBe(true);
      expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(base.length + n);
    }
    // Five, a distinct bundle of their own, are a community.
    const five = byValueCommunities([...base, ...group(5)]);
    expect(five.constituencies).toHaveLength(4);
    expect(five.constituencies.find((c) => c.members.includes("N-000"))!.members).toEqual(["N-000", "N-001", "N-002", "N-003", "N-004"]);
    // With an absolute floor of 3 they would be one: the default is what keeps them out.
    expect(byValueCommunities([...base, ...group(3)], { minSize: 3 }).constituencies).toHaveLength(4);
  });

  it("merges the minority away when it is below minSize", () => {
    const citizens = population(7, PLANTED, 0.9, 0);
    const result = byValueCommunities(citizens, { minSize: 10 });
    expect(result.constituencies).toHaveLength(2);
    expect(Math.min(...result.constituencies.map((c) => c.size))).toBeGreaterThanOrEqual(10);
    expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(citizens.length);
  });

  it("forms no more communities than seats, and raises the floor as seats get fewer", () => {
    const citizens = population(8, PLANTED, 0.9, 0);
    const result = byValueCommunities(citizens, { seats: 2 });
    expect(result.floor).toBe(19); // ⌈76 / 4⌉: the minority of 6 would win no seat of two
    expect(result.constituencies).toHaveLength(2);
    expect(result.candidates.map((c) => c.k)).toEqual([2]);
    expect(result.constituencies.reduce((s, c) => s + c.size, 0)).toBe(citizens.length);
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
    expect(() => byValueCommunities(few, { seats: 0 })).toThrow(RangeError);
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
