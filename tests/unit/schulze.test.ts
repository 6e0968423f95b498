import { describe, expect, it } from "vitest";
import { Schulze as VotesSchulze, utils as votesUtils } from "votes";
import { approval, approvalShare, byId, schulze, type SchulzeBallot, type SchulzeResult } from "../../deliberation/schulze.js";
import { prng, shuffled } from "../../deliberation/random.js";

/**
 * "ACBED" → one candidate per tier; "A>B=C>D" → tiers [[A], [B, C], [D]]. Candidates left out rank
 * below all listed ones (as in the sources below, which call it implicit ranking).
 */
function ranking(text: string): string[][] {
  if (!text.includes(">") && !text.includes("=")) return text === "" ? [] : text.split("").map((c) => [c]);
  return text.split(">").map((tier) => tier.split("="));
}

function ballots(spec: readonly (readonly [number, string])[]): SchulzeBallot[] {
  return spec.map(([weight, text]) => ({ weight, ranking: ranking(text) }));
}

const letters = (text: string): string[] => text.split("");

/** x beats y in the Schulze ranking. */
function beats(result: SchulzeResult, x: string, y: string): boolean {
  const i = result.candidates.indexOf(x);
  const j = result.candidates.indexOf(y);
  return result.p[i]![j]! > result.p[j]![i]!;
}

/** Tiers compared as sets (their internal order is the tie-break's business). */
const asSets = (tiers: string[][]): string[][] => tiers.map((tier) => [...tier].sort());

// The classic 45-voter, 5-candidate example: Schulze's paper (Social Choice and Welfare 36, 2011, and its
// drafts), section 3, Example 1; also the worked example of Wikipedia's "Schulze method" article.
const FORTY_FIVE = ballots([
  [5, "ACBED"],
  [5, "ADECB"],
  [8, "BEDAC"],
  [3, "CABED"],
  [7, "CAEBD"],
  [2, "CBADE"],
  [7, "DCEBA"],
  [8, "EBADC"],
]);

describe("Schulze: the 45-voter worked example", () => {
  const result = schulze({ candidates: letters("ABCDE"), ballots: FORTY_FIVE });

  it("has the published pairwise preferences d", () => {
    expect(result.candidates).toEqual(letters("ABCDE"));
    expect(result.d).toEqual([
      [0, 20, 26, 30, 22],
      [25, 0, 16, 33, 18],
      [19, 29, 0, 17, 24],
      [15, 12, 28, 0, 14],
      [23, 27, 21, 31, 0],
    ]);
  });

  it("has the published strongest paths p", () => {
    expect(result.p).toEqual([
      [0, 28, 28, 30, 24],
      [25, 0, 28, 33, 24],
      [25, 29, 0, 29, 24],
      [25, 28, 28, 0, 24],
      [25, 28, 28, 31, 0],
    ]);
  });

  it("ranks E > A > C > B > D", () => {
    expect(result.tiers).toEqual([["E"], ["A"], ["C"], ["B"], ["D"]]);
    expect(result.order).toEqual(letters("EACBD"));
    expect(result.winners).toEqual(["E"]);
    expect([...result.ranks]).toEqual([
      ["E", 1],
      ["A", 2],
      ["C", 3],
      ["B", 4],
      ["D", 5],
    ]);
  });

  it("agrees with the votes package on it", () => {
    const matrix = votesUtils.matrixFromBallots(
      FORTY_FIVE.map((b) => ({ weight: b.weight, ranking: b.ranking.map((t) => [...t]) })),
      letters("ABCDE"),
    );
    expect(matrix.array).toEqual(result.d);
    expect(new VotesSchulze(matrix).ranking()).toEqual([["E"], ["A"], ["C"], ["B"], ["D"]]);
  });
});

// Examples from the Electowiki "Schulze method" article, with ballots and expected orders as encoded in the
// test suite of ioi/icelect (tests/test_electowiki.py, test_2 … test_4; test_1 is the 45-voter example).
describe("Schulze: further published examples (Electowiki, via ioi/icelect)", () => {
  it("30 voters, 4 candidates: D > A > C > B", () => {
    const result = schulze({
      candidates: letters("ABCD"),
      ballots: ballots([
        [5, "ACBD"],
        [2, "ACDB"],
        [3, "ADCB"],
        [4, "BACD"],
        [3, "CBDA"],
        [3, "CDBA"],
        [1, "DACB"],
        [5, "DBAC"],
        [4, "DCBA"],
      ]),
    });
    expect(result.tiers).toEqual([["D"], ["A"], ["C"], ["B"]]);
    expect(result.winners).toEqual(["D"]);
  });

  it("30 voters, 5 candidates: B > A > D > E > C", () => {
    const result = schulze({
      candidates: letters("ABCDE"),
      ballots: ballots([
        [3, "ABDEC"],
        [5, "ADEBC"],
        [1, "ADECB"],
        [2, "BADEC"],
        [2, "BDECA"],
        [4, "CABDE"],
        [6, "CBADE"],
        [2, "DBECA"],
        [5, "DECAB"],
      ]),
    });
    expect(result.order).toEqual(letters("BADEC"));
    expect(result.tiers).toHaveLength(5);
  });

  // Also SchulzeTest::testResult_2 and testSchulzeOfficialExampleResult_2 in julien-boudry/Condorcet.
  const nine = ballots([
    [3, "ABCD"],
    [2, "DABC"],
    [2, "DBCA"],
    [2, "CBDA"],
  ]);

  it("9 voters with ties in p: B and D both win, then A and C", () => {
    const result = schulze({ candidates: letters("ABCD"), ballots: nine });
    expect(result.d).toEqual([
      [0, 5, 5, 3],
      [4, 0, 7, 5],
      [4, 2, 0, 5],
      [6, 4, 4, 0],
    ]);
    expect(result.p).toEqual([
      [0, 5, 5, 5],
      [5, 0, 7, 5],
      [5, 5, 0, 5],
      [6, 5, 5, 0],
    ]);
    expect(result.tiers).toEqual([
      ["B", "D"],
      ["A", "C"],
    ]);
    expect(result.winners).toEqual(["B", "D"]);
    expect(result.order).toEqual(letters("BDAC"));
    expect(Object.fromEntries(result.ranks)).toEqual({ A: 2, B: 1, C: 2, D: 1 });
  });

  it("9 voters: the Schulze relation need not be a weak order, and tiers are layers of it", () => {
    const result = schulze({ candidates: letters("ABCD"), ballots: nine });
    // B and A are unbeaten both ways, so are A and C, yet B beats C; likewise D beats A.
    expect(beats(result, "B", "A") || beats(result, "A", "B")).toBe(false);
    expect(beats(result, "A", "C") || beats(result, "C", "A")).toBe(false);
    expect(beats(result, "B", "C")).toBe(true);
    expect(beats(result, "D", "A")).toBe(true);
  });

  it("9 voters: the tie-break orders each tier, and only within it", () => {
    const reverseId = (a: string, b: string) => byId(b, a);
    const result = schulze({ candidates: letters("ABCD"), ballots: nine }, { tieBreak: reverseId });
    expect(result.tiers).toEqual([
      ["D", "B"],
      ["C", "A"],
    ]);
    expect(result.order).toEqual(letters("DBCA"));
    expect(result.winners).toEqual(["D", "B"]);
  });
});

// Winners asserted in the test suite of julien-boudry/Condorcet (Tests/src/Algo/Methods/Schulze/SchulzeTest.php,
// "Schulze Winning" = winning votes), which labels most of them as Schulze's official examples. That suite
// ranks unlisted candidates last, as here.
describe("Schulze: examples from the Condorcet PHP test suite", () => {
  const winners = (candidates: string, spec: readonly (readonly [number, string])[]) =>
    schulze({ candidates: letters(candidates), ballots: ballots(spec) }).winners;

  it("official example 1 (21 voters): D", () => {
    expect(
      winners("ABCD", [
        [8, "ACD"],
        [2, "BAD"],
        [4, "CDB"],
        [4, "DBA"],
        [3, "DCB"],
      ]),
    ).toEqual(["D"]);
  });

  it("official example 3 (63 voters): D", () => {
    expect(
      winners("ABCD", [
        [12, "ABC"],
        [6, "ADB"],
        [9, "BCD"],
        [15, "CDA"],
        [21, "DBA"],
      ]),
    ).toEqual(["D"]);
  });

  it("official example 4 (15 voters): A and D", () => {
    expect(
      winners("ABCD", [
        [6, "ACD"],
        [1, "BAD"],
        [3, "CBD"],
        [3, "DBA"],
        [2, "DCB"],
      ]),
    ).toEqual(["A", "D"]);
  });

  it("official example 5 (6 candidates): A, then D once 2 more A>E>F>C>B voters come", () => {
    const spec: [number, string][] = [
      [3, "ADEBC"],
      [3, "BFECD"],
      [4, "CABFD"],
      [1, "DBCEF"],
      [4, "DEFAB"],
      [2, "ECBDF"],
      [2, "FACDB"],
    ];
    expect(winners("ABCDEF", spec)).toEqual(["A"]);
    expect(winners("ABCDEF", [...spec, [2, "AEFCB"]])).toEqual(["D"]);
  });

  it("official example 6, situations 1 and 2: A, then B", () => {
    expect(
      winners("ABCD", [
        [3, "ABD"],
        [5, "ADB"],
        [1, "ADC"],
        [2, "BAD"],
        [2, "BDC"],
        [4, "CAB"],
        [6, "CBA"],
        [2, "DBC"],
        [5, "DCA"],
      ]),
    ).toEqual(["A"]);
    expect(
      winners("ABCDE", [
        [3, "ABDE"],
        [5, "ADEB"],
        [1, "ADEC"],
        [2, "BADE"],
        [2, "BDEC"],
        [4, "CABD"],
        [6, "CBAD"],
        [2, "DBEC"],
        [5, "DECA"],
      ]),
    ).toEqual(["B"]);
  });

  it("official example 7 (ballots with ties and truncation), winning votes: D", () => {
    expect(
      winners("ABCD", [
        [6, "A>B>C>D"],
        [8, "A=B"],
        [8, "A=C"],
        [18, "A=C>D"],
        [8, "A=C=D"],
        [40, "B"],
        [4, "C>B>D"],
        [9, "C>D>A"],
        [8, "C=D"],
        [14, "D>A>B"],
        [11, "D>B>C"],
        [4, "D>C>A"],
      ]),
    ).toEqual(["D"]);
  });

  it("official examples 8 and 9: B, and E", () => {
    expect(
      winners("ABCDE", [
        [9, "ADBE"],
        [6, "BCAD"],
        [5, "BCDE"],
        [2, "CDBE"],
        [6, "DECB"],
        [14, "EACB"],
        [2, "ECAB"],
        [1, "EDAC"],
      ]),
    ).toEqual(["B"]);
    expect(
      winners("ABCDE", [
        [9, "ADBE"],
        [1, "BACE"],
        [6, "CBAD"],
        [2, "CDBE"],
        [5, "CDEA"],
        [6, "DECA"],
        [14, "EBAC"],
        [2, "EBCA"],
      ]),
    ).toEqual(["E"]);
  });

  it("921 voters, 5 named candidates: Abby > Brad > Erin > Dave > Cora", () => {
    const names = ["Abby", "Brad", "Cora", "Dave", "Erin"];
    const spec: [number, string][] = [
      [98, "Abby>Cora>Erin>Dave>Brad"],
      [64, "Brad>Abby>Erin>Cora>Dave"],
      [12, "Brad>Abby>Erin>Dave>Cora"],
      [98, "Brad>Erin>Abby>Cora>Dave"],
      [13, "Brad>Erin>Abby>Dave>Cora"],
      [125, "Brad>Erin>Dave>Abby>Cora"],
      [124, "Cora>Abby>Erin>Dave>Brad"],
      [76, "Cora>Erin>Abby>Dave>Brad"],
      [21, "Dave>Abby>Brad>Erin>Cora"],
      [30, "Dave>Brad>Abby>Erin>Cora"],
      [98, "Dave>Brad>Erin>Cora>Abby"],
      [139, "Dave>Cora>Abby>Brad>Erin"],
      [23, "Dave>Cora>Brad>Abby>Erin"],
    ];
    const result = schulze({ candidates: names, ballots: ballots(spec) });
    expect(result.order).toEqual(["Abby", "Brad", "Erin", "Dave", "Cora"]);
    expect(result.tiers).toHaveLength(5);
  });
});

describe("Schulze: weights", () => {
  it("a ballot of weight 5 counts as 5 ballots of weight 1", () => {
    const expanded = FORTY_FIVE.flatMap((b) => Array.from({ length: b.weight }, () => ({ weight: 1, ranking: b.ranking })));
    expect(expanded).toHaveLength(45);
    const weighted = schulze({ candidates: letters("ABCDE"), ballots: FORTY_FIVE });
    const repeated = schulze({ candidates: letters("ABCDE"), ballots: expanded });
    expect(repeated.d).toEqual(weighted.d);
    expect(repeated.p).toEqual(weighted.p);
    expect(repeated.tiers).toEqual(weighted.tiers);
  });

  it("large constituency weights scale d and p exactly and leave the ranking alone", () => {
    const big = FORTY_FIVE.map((b) => ({ ...b, weight: b.weight * 430_000 }));
    const base = schulze({ candidates: letters("ABCDE"), ballots: FORTY_FIVE });
    const scaled = schulze({ candidates: letters("ABCDE"), ballots: big });
    expect(scaled.d).toEqual(base.d.map((row) => row.map((x) => x * 430_000)));
    expect(scaled.p).toEqual(base.p.map((row) => row.map((x) => x * 430_000)));
    expect(scaled.order).toEqual(base.order);
  });

  it("adds weights beyond 2^53 in total without losing a unit", () => {
    // In floating point, 2^53 + 1 + 1 rounds back to 2^53 and B would win; the exact sums tie.
    const result = schulze({
      candidates: ["A", "B"],
      ballots: [
        { weight: 2 ** 53, ranking: [["A"], ["B"]] },
        { weight: 1, ranking: [["A"], ["B"]] },
        { weight: 1, ranking: [["A"], ["B"]] },
        { weight: 2 ** 53 + 2, ranking: [["B"], ["A"]] },
      ],
    });
    expect(result.winners).toEqual(["A", "B"]);
    expect(result.d).toEqual([
      [0, 2 ** 53 + 2],
      [2 ** 53 + 2, 0],
    ]);
  });

  it("sums non-integer weights exactly as decimals (0.1 + 0.2 ties 0.3)", () => {
    const result = schulze({
      candidates: ["A", "B"],
      ballots: [
        { weight: 0.1, ranking: [["A"], ["B"]] },
        { weight: 0.2, ranking: [["A"], ["B"]] },
        { weight: 0.3, ranking: [["B"], ["A"]] },
      ],
    });
    expect(result.d).toEqual([
      [0, 0.3],
      [0.3, 0],
    ]);
    expect(result.p).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(result.winners).toEqual(["A", "B"]);
    const tilted = schulze({
      candidates: ["A", "B"],
      ballots: [
        { weight: 0.1, ranking: [["A"], ["B"]] },
        { weight: 0.2, ranking: [["A"], ["B"]] },
        { weight: 0.29999999, ranking: [["B"], ["A"]] },
      ],
    });
    expect(tilted.order).toEqual(["A", "B"]);
    expect(tilted.p[0]![1]).toBe(0.3);
    expect(tilted.winners).toEqual(["A"]);
  });

  it("mixes integer and tiny and huge weights", () => {
    const result = schulze({
      candidates: ["A", "B"],
      ballots: [
        { weight: 1e21, ranking: [["A"]] },
        { weight: 1.5e-7, ranking: [["B"]] },
        { weight: 2.5e-7, ranking: [["B"]] },
      ],
    });
    expect(result.d).toEqual([
      [0, 1e21],
      [4e-7, 0],
    ]);
    expect(result.order).toEqual(["A", "B"]);
  });
});

describe("Schulze: ballots with tiers and missing candidates", () => {
  it("counts a tier as equal and unlisted candidates as equal below every listed one", () => {
    const result = schulze({
      candidates: letters("ABCD"),
      ballots: [{ weight: 7, ranking: [["B", "A"], ["C"]] }],
    });
    expect(result.d).toEqual([
      [0, 0, 7, 7],
      [0, 0, 7, 7],
      [0, 0, 0, 7],
      [0, 0, 0, 0],
    ]);
    expect(result.tiers).toEqual([["A", "B"], ["C"], ["D"]]);
    expect(result.order).toEqual(letters("ABCD"));
    expect(Object.fromEntries(result.ranks)).toEqual({ A: 1, B: 1, C: 2, D: 3 });
  });

  it("treats an empty ranking as indifference and ignores empty tiers", () => {
    const a = schulze({ candidates: letters("ABC"), ballots: [{ weight: 3, ranking: [["C"], ["A"]] }] });
    const b = schulze({
      candidates: letters("ABC"),
      ballots: [
        { weight: 3, ranking: [[], ["C"], [], ["A"], []] },
        { weight: 9, ranking: [] },
      ],
    });
    expect(b.d).toEqual(a.d);
    expect(b.tiers).toEqual([["C"], ["A"], ["B"]]);
  });

  it("ties everyone when there are no ballots, ordered by id", () => {
    const result = schulze({ candidates: ["r3", "r1", "r2"], ballots: [] });
    expect(result.tiers).toEqual([["r1", "r2", "r3"]]);
    expect(result.order).toEqual(["r1", "r2", "r3"]);
    expect(result.winners).toEqual(["r1", "r2", "r3"]);
    expect(result.d).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect([...result.ranks.values()]).toEqual([1, 1, 1]);
  });

  it("handles no candidates and a single candidate", () => {
    expect(schulze({ candidates: [], ballots: [] })).toMatchObject({ order: [], tiers: [], winners: [], d: [], p: [] });
    const one = schulze({ candidates: ["only"], ballots: [{ weight: 2, ranking: [["only"]] }] });
    expect(one).toMatchObject({ order: ["only"], tiers: [["only"]], winners: ["only"], d: [[0]], p: [[0]] });
  });

  it("the default tie-break compares ids by code unit, not by locale or number", () => {
    const result = schulze({ candidates: ["b", "a10", "B", "a9", "ä"], ballots: [] });
    expect(result.order).toEqual(["B", "a10", "a9", "b", "ä"]);
  });

  it("a custom tie-break (e.g. value coverage, then id) orders tied candidates; id settles its own ties", () => {
    const coverage = new Map([
      ["r1", 2],
      ["r2", 5],
      ["r3", 5],
      ["r4", 1],
    ]);
    const byCoverage = (a: string, b: string) => coverage.get(b)! - coverage.get(a)!;
    // r4 is strictly last on the only ballot; r1, r2, r3 are tied.
    const result = schulze(
      { candidates: ["r1", "r2", "r3", "r4"], ballots: [{ weight: 212, ranking: [["r1", "r3", "r2"], ["r4"]] }] },
      { tieBreak: byCoverage },
    );
    expect(result.tiers).toEqual([["r2", "r3", "r1"], ["r4"]]);
    expect(result.order).toEqual(["r2", "r3", "r1", "r4"]);
    expect(result.winners).toEqual(["r2", "r3", "r1"]);
    // The tie-break never overrides the Schulze ranking: r4 has the smallest coverage but would stay last anyway,
    // and a comparator preferring r4 cannot lift it.
    const favourR4 = (a: string, b: string) => (a === "r4" ? -1 : b === "r4" ? 1 : 0);
    expect(
      schulze({ candidates: ["r1", "r2", "r3", "r4"], ballots: [{ weight: 1, ranking: [["r1", "r3", "r2"], ["r4"]] }] }, { tieBreak: favourR4 }).order,
    ).toEqual(["r1", "r2", "r3", "r4"]);
  });
});

describe("Schulze: validation", () => {
  const candidates = letters("ABC");
  const run = (ballot: SchulzeBallot) => () => schulze({ candidates, ballots: [{ weight: 1, ranking: [["A"]] }, ballot] });

  it("rejects a candidate the election does not have", () => {
    expect(run({ weight: 1, ranking: [["A"], ["Z"]] })).toThrow(RangeError);
    expect(run({ weight: 1, ranking: [["A"], ["Z"]] })).toThrow(/ballot 1 ranks unknown candidate "Z"/);
  });

  it("rejects a candidate ranked twice on one ballot, in one tier or two", () => {
    expect(run({ weight: 1, ranking: [["A", "A"]] })).toThrow(/ballot 1 ranks candidate "A" more than once/);
    expect(run({ weight: 1, ranking: [["B"], ["C"], ["B"]] })).toThrow(RangeError);
  });

  it("rejects weights that are not positive finite numbers", () => {
    for (const weight of [0, -0, -3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(run({ weight, ranking: [["A"]] }), String(weight)).toThrow(RangeError);
    }
    expect(run({ weight: 0, ranking: [["A"]] })).toThrow(/ballot 1 has weight 0; weights must be positive finite numbers/);
    expect(run({ weight: "5" as unknown as number, ranking: [["A"]] })).toThrow(RangeError);
  });

  it("rejects a candidate listed twice in the election", () => {
    expect(() => schulze({ candidates: ["A", "B", "A"], ballots: [] })).toThrow(RangeError);
  });
});

describe("approval", () => {
  const cast = ballots([
    [212, "A=B>C"],
    [430_000, "C>A"],
    [88, "B"],
    [5, ""],
  ]);

  it("is the share of the total weight whose top tier holds the candidate", () => {
    const total = 212 + 430_000 + 88 + 5;
    expect(approvalShare(cast, "A")).toBe(212 / total);
    expect(approvalShare(cast, "B")).toBe((212 + 88) / total);
    expect(approvalShare(cast, "C")).toBe(430_000 / total);
    expect(approvalShare(cast, "D")).toBe(0);
    expect(approval(cast, "B")).toEqual({ weight: 300, total, share: 300 / total });
  });

  it("is 0 with no ballots, 1 when everyone approves, and skips empty leading tiers", () => {
    expect(approvalShare([], "A")).toBe(0);
    expect(
      approvalShare(
        ballots([
          [0.1, "A"],
          [0.2, "A>B"],
        ]),
        "A",
      ),
    ).toBe(1);
    expect(approvalShare([{ weight: 3, ranking: [[], ["A"]] }], "A")).toBe(1);
  });

  it("validates weights and duplicates like the count does", () => {
    expect(() => approvalShare([{ weight: -1, ranking: [["A"]] }], "A")).toThrow(RangeError);
    expect(() => approvalShare([{ weight: 1, ranking: [["A"], ["A"]] }], "A")).toThrow(RangeError);
  });
});

// ---- Properties on seeded random elections ----

interface Election {
  candidates: string[];
  ballots: SchulzeBallot[];
}

/** Random ballots with ties and truncation; integer weights from 1 to maxWeight. */
function randomElection(random: () => number, options: { complete?: boolean; maxWeight?: number } = {}): Election {
  const n = 2 + Math.floor(random() * 7);
  const candidates = shuffled(
    Array.from({ length: n }, (_, i) => `c${i}`),
    random,
  );
  const count = Math.floor(random() * 12);
  const maxWeight = options.maxWeight ?? 500_000;
  const ballots: SchulzeBallot[] = [];
  for (let b = 0; b < count; b++) {
    const listed = shuffled(candidates, random).slice(0, options.complete ? n : Math.floor(random() * (n + 1)));
    const tiers: string[][] = [];
    for (const c of listed) {
      if (tiers.length > 0 && !options.complete && random() < 0.3) tiers[tiers.length - 1]!.push(c);
      else tiers.push([c]);
    }
    const weight = random() < 0.5 ? 1 + Math.floor(random() * 5) : 1 + Math.floor(random() * maxWeight);
    ballots.push({ weight, ranking: tiers });
  }
  return { candidates, ballots };
}

function* elections(seed: number, runs: number, options?: Parameters<typeof randomElection>[1]): Generator<Election> {
  const random = prng(seed);
  for (let k = 0; k < runs; k++) yield randomElection(random, options);
}

describe("Schulze: properties on seeded random elections", () => {
  it("order is a permutation, tiers partition it and are layers consistent with p, winners are the potential winners", () => {
    for (const election of elections(20251124, 400)) {
      const result = schulze(election);
      const { candidates, tiers, order } = result;
      expect([...order].sort()).toEqual([...candidates].sort());
      expect(tiers.flat()).toEqual(order);
      expect(tiers.every((tier) => tier.length > 0)).toBe(true);
      expect(result.winners.length).toBeGreaterThan(0);
      expect(result.winners).toEqual(tiers[0]);
      for (const c of candidates) expect(result.ranks.get(c)).toBe(tiers.findIndex((t) => t.includes(c)) + 1);
      for (let t = 0; t < tiers.length; t++) {
        for (const x of tiers[t]!) {
          // Nobody in this or a later tier beats x; someone in the tier just above does.
          for (const y of tiers.slice(t).flat()) expect(beats(result, y, x)).toBe(false);
          if (t > 0) expect(tiers[t - 1]!.some((y) => beats(result, y, x))).toBe(true);
        }
      }
      const potential = candidates.filter((w) => candidates.every((x) => !beats(result, x, w)));
      expect([...result.winners].sort()).toEqual(potential.sort());
    }
  });

  it("the beats relation is transitive (Schulze's theorem) and p is at least as strong as each winning link", () => {
    for (const election of elections(7, 300)) {
      const result = schulze(election);
      const { candidates: cs, d, p } = result;
      for (const x of cs)
        for (const y of cs)
          for (const z of cs) {
            if (beats(result, x, y) && beats(result, y, z)) expect(beats(result, x, z)).toBe(true);
          }
      for (let i = 0; i < cs.length; i++) {
        for (let j = 0; j < cs.length; j++) {
          if (i !== j && d[i]![j]! > d[j]![i]!) expect(p[i]![j]!).toBeGreaterThanOrEqual(d[i]![j]!);
          if (i !== j && p[i]![j]! > 0) expect(d.flat()).toContain(p[i]![j]!);
        }
      }
    }
  });

  it("a Condorcet winner is the unique Schulze winner", () => {
    let seen = 0;
    for (const election of elections(99, 600)) {
      const result = schulze(election);
      const n = result.candidates.length;
      for (let i = 0; i < n; i++) {
        const wins = result.d.every((_, j) => j === i || result.d[i]![j]! > result.d[j]![i]!);
        if (wins) {
          seen++;
          expect(result.winners).toEqual([result.candidates[i]]);
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
  });

  it("reversing every ballot reverses the Schulze relation, so a unique winner stops winning", () => {
    let uniques = 0;
    for (const election of elections(31337, 300)) {
      const result = schulze(election);
      const reversed = schulze({
        candidates: election.candidates,
        ballots: election.ballots.map((b) => {
          const listed = new Set(b.ranking.flat());
          const bottom = election.candidates.filter((c) => !listed.has(c));
          return { weight: b.weight, ranking: [...b.ranking, bottom].reverse() };
        }),
      });
      const transpose = (m: number[][]) => m.map((row, i) => row.map((_, j) => m[j]![i]!));
      expect(reversed.d).toEqual(transpose(result.d));
      expect(reversed.p).toEqual(transpose(result.p));
      for (const x of election.candidates) {
        for (const y of election.candidates) expect(beats(reversed, x, y)).toBe(beats(result, y, x));
      }
      if (result.winners.length === 1 && election.candidates.length >= 2) {
        uniques++;
        expect(reversed.winners).not.toContain(result.winners[0]);
        expect(reversed.order.at(-1)).toBe(result.winners[0]);
      }
    }
    expect(uniques).toBeGreaterThan(50);
  });

  it("weight w equals w copies, and the order of ballots and of candidates does not matter", () => {
    const random = prng(4242);
    for (const election of elections(4242, 120, { maxWeight: 6 })) {
      const result = schulze(election);
      const copies = election.ballots.flatMap((b) => Array.from({ length: b.weight }, () => ({ weight: 1, ranking: b.ranking })));
      const repeated = schulze({ candidates: election.candidates, ballots: shuffled(copies, random) });
      expect(repeated.d).toEqual(result.d);
      expect(repeated.p).toEqual(result.p);
      expect(repeated.order).toEqual(result.order);
      const reordered = schulze({ candidates: [...election.candidates].sort(), ballots: election.ballots });
      expect(reordered.order).toEqual(result.order);
      expect(reordered.tiers).toEqual(result.tiers);
    }
  });

  it("agrees with the votes package (pairwise matrix, and who beats how many in p)", () => {
    for (const election of elections(2026, 400)) {
      const result = schulze(election);
      const matrix = votesUtils.matrixFromBallots(
        election.ballots.map((b) => ({ weight: b.weight, ranking: b.ranking.map((t) => [...t]) })),
        [...election.candidates],
      );
      expect(result.d).toEqual(matrix.array);
      // votes scores each candidate by how many it beats (p[x][y] > p[y][x]); compare that exactly. (Its own
      // ranking groups by that count, which is not the same as the tiers when the relation is not a weak order.)
      const scores = new VotesSchulze(matrix).scores();
      for (const x of election.candidates) {
        expect(election.candidates.filter((y) => beats(result, x, y)).length, x).toBe(scores[x]);
      }
      if (result.winners.length === 1) expect(new VotesSchulze(matrix).ranking()[0]).toEqual(result.winners);
    }
  });

  it("complete strict ballots too (no ties, no truncation)", () => {
    for (const election of elections(11, 200, { complete: true })) {
      const result = schulze(election);
      const matrix = votesUtils.matrixFromBallots(
        election.ballots.map((b) => ({ weight: b.weight, ranking: b.ranking.map((t) => [...t]) })),
        [...election.candidates],
      );
      const scores = new VotesSchulze(matrix).scores();
      for (const x of election.candidates) expect(election.candidates.filter((y) => beats(result, x, y)).length).toBe(scores[x]);
      const total = election.ballots.reduce((s, b) => s + b.weight, 0);
      for (let i = 0; i < result.candidates.length; i++) {
        for (let j = 0; j < result.candidates.length; j++) if (i !== j) expect(result.d[i]![j]! + result.d[j]![i]!).toBe(total);
      }
    }
  });
});
