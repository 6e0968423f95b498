/**
 * The Schulze method (Markus Schulze, "A new monotonic, clone-independent, reversal symmetric, and
 * Condorcet-consistent single-winner election method", Social Choice and Welfare 36, 2011), used in
 * step 4 of the deliberation protocol to combine the representatives' rankings of the candidate
 * rulings, each ballot weighted by the number of citizens its representative speaks for.
 *
 * Pure: no I/O, no clock, no randomness. The same input always gives the same output, so the tally
 * can be recomputed from a provenance bundle years later.
 *
 * Ballots. A ranking is a list of tiers, best first; a tier holds candidates ranked equal. Candidates
 * a ballot does not list rank below every listed one and equal to each other. Empty tiers are ignored.
 *
 * Arithmetic. Weights are summed exactly: each weight is read as its shortest round-trip decimal
 * (`String(weight)`, the same text canonical JSON carries) and the sums are kept as scaled BigInts, so
 * 0.1 + 0.2 equals 0.3 here, ballot order never matters, and weights in the hundreds of thousands
 * across many ballots never lose a unit. `d` and `p` are reported as the nearest numbers to those
 * exact values (exact whenever the value is an integer up to 2^53).
 */

export interface SchulzeBallot {
  /** Tiers of equally ranked candidate ids, best first. */
  readonly ranking: readonly (readonly string[])[];
  /** Positive and finite: the citizens the ballot's representative speaks for. */
  readonly weight: number;
}

export interface SchulzeInput {
  readonly candidates: readonly string[];
  readonly ballots: readonly SchulzeBallot[];
}

/** A comparator on candidate ids: negative when `a` should come first. */
export type TieBreak = (a: string, b: string) => number;

export interface SchulzeOptions {
  /**
   * Orders candidates the Schulze ranking leaves tied (same tier). Whatever it leaves at 0 is then
   * ordered by `byId`, so `order` is always strict and deterministic. Default: `byId` alone.
   */
  readonly tieBreak?: TieBreak;
}

export interface SchulzeResult {
  /** The candidates in input order: the row and column order of `d` and `p`. */
  readonly candidates: string[];
  /** d[i][j]: total weight of ballots that rank candidates[i] strictly above candidates[j]. */
  readonly d: number[][];
  /** p[i][j]: strength of the strongest (widest) path from candidates[i] to candidates[j]; 0 on the diagonal. */
  readonly p: number[][];
  /**
   * The Schulze ranking with its ties, best tier first: tier 1 is the set of Schulze winners, each next
   * tier the winners among the candidates not yet placed. No candidate beats another of its own or of an
   * earlier tier, and each candidate below tier 1 is beaten by one of the tier just above. Within a tier,
   * candidates are listed in the tie-break order, so `tiers.flat()` equals `order`.
   *
   * The relation "x beats y iff p[x][y] > p[y][x]" is transitive (Schulze 2011, §4.1) but need not be a
   * strict weak order: being unbeaten both ways is not transitive (in the 9-voter example of the tests,
   * B~A and A~C but B beats C). Hence these layers rather than classes of "tied" candidates.
   */
  readonly tiers: string[][];
  /** The strict order: the tiers in turn, each sorted by the tie-break. */
  readonly order: string[];
  /** 1-based tier number of each candidate (tied candidates share a rank; ranks are dense: 1, 2, 2, 3). */
  readonly ranks: Map<string, number>;
  /** All Schulze winners (potential winners): w with p[w][x] >= p[x][w] for every x. Same as `tiers[0]`. */
  readonly winners: string[];
}

/** The default tie-break: ids compared by UTF-16 code units (locale-independent, so reproducible anywhere). */
export const byId: TieBreak = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

export function schulze(input: SchulzeInput, options: SchulzeOptions = {}): SchulzeResult {
  const candidates = [...input.candidates];
  const n = candidates.length;
  const indexOf = new Map<string, number>();
  candidates.forEach((id, i) => {
    if (indexOf.has(id)) throw new RangeError(`Schulze: candidate "${id}" is listed twice in the candidates`);
    indexOf.set(id, i);
  });

  const { scaled, unitExponent } = exactWeights(input.ballots);

  // d, exactly: exactD[i * n + j] = weight of ballots ranking i strictly above j.
  const exactD: bigint[] = new Array<bigint>(n * n).fill(0n);
  const level = new Int32Array(n);
  input.ballots.forEach((ballot, b) => {
    level.fill(-1);
    let tier = 0;
    for (const group of ballot.ranking) {
      if (group.length === 0) continue;
      for (const id of group) {
        const i = indexOf.get(id);
        if (i === undefined) throw new RangeError(`Schulze: ballot ${b} ranks unknown candidate "${id}"`);
        if (level[i] !== -1) throw new RangeError(`Schulze: ballot ${b} ranks candidate "${id}" more than once`);
        level[i] = tier;
      }
      tier++;
    }
    for (let i = 0; i < n; i++) if (level[i] === -1) level[i] = tier; // unlisted: one tier below all listed
    const w = scaled[b]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (level[i]! < level[j]!) exactD[i * n + j]! += w;
    }
  });

  // Link strength = winning votes: the link i→j has strength d[i][j] when d[i][j] > d[j][i], else there
  // is no link (strength 0). Widest paths only compare and pick among these values, so they are replaced by
  // their ranks among the distinct values (0 stays 0) and Floyd–Warshall runs on small integers.
  const links: bigint[] = new Array<bigint>(n * n).fill(0n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && exactD[i * n + j]! > exactD[j * n + i]!) links[i * n + j] = exactD[i * n + j]!;
    }
  }
  const values = [...new Set([0n, ...links])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordinal = new Map(values.map((v, k) => [v, k]));
  const P = new Int32Array(n * n);
  for (let k = 0; k < n * n; k++) P[k] = ordinal.get(links[k]!)!;

  // Widest path (Floyd–Warshall variant): p[i][j] = max over paths of the weakest link on the path.
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ik = P[i * n + k]!;
      if (ik === 0) continue;
      for (let j = 0; j < n; j++) {
        if (j === i || j === k) continue;
        const through = Math.min(ik, P[k * n + j]!);
        if (through > P[i * n + j]!) P[i * n + j] = through;
      }
    }
  }

  // i beats j in the Schulze ranking iff p[i][j] > p[j][i]. Schulze proved this relation transitive, so it is
  // a strict partial order (not always a weak order), and peeling off its maximal elements (those nobody
  // remaining beats) yields the tiers. The tiers in turn, each in any internal order, always extend the relation.
  const beats = (i: number, j: number): boolean => P[i * n + j]! > P[j * n + i]!;
  const compare = chain(options.tieBreak);
  const tiers: string[][] = [];
  let remaining = candidates.map((_, i) => i);
  while (remaining.length > 0) {
    const top = remaining.filter((i) => !remaining.some((j) => beats(j, i)));
    if (top.length === 0) throw new Error("Schulze: the ranking relation has a cycle (internal error)");
    tiers.push(top.map((i) => candidates[i]!).sort(compare));
    remaining = remaining.filter((i) => !top.includes(i));
  }

  const ranks = new Map<string, number>();
  tiers.forEach((tier, t) => tier.forEach((id) => ranks.set(id, t + 1)));
  const asNumber = (v: bigint): number => toNumber(v, unitExponent);
  const numberOf = values.map(asNumber);
  const matrix = (cell: (i: number, j: number) => number): number[][] => candidates.map((_, i) => candidates.map((_, j) => (i === j ? 0 : cell(i, j))));

  return {
    candidates,
    d: matrix((i, j) => asNumber(exactD[i * n + j]!)),
    p: matrix((i, j) => numberOf[P[i * n + j]!]!),
    tiers,
    order: tiers.flat(),
    ranks,
    winners: [...(tiers[0] ?? [])],
  };
}

export interface Approval {
  /** Total weight (citizens represented) of ballots approving the candidate. */
  readonly weight: number;
  /** Total weight of all ballots. */
  readonly total: number;
  /** weight / total; 0 when there are no ballots. */
  readonly share: number;
}

/** Approval of a candidate: the ballots (by weight) that place it in their first non-empty tier, out of all ballots' weight. */
export function approval(ballots: readonly SchulzeBallot[], candidate: string): Approval {
  const { scaled, unitExponent } = exactWeights(ballots);
  let approving = 0n;
  let total = 0n;
  ballots.forEach((ballot, b) => {
    const seen = new Set<string>();
    for (const group of ballot.ranking) {
      for (const id of group) {
        if (seen.has(id)) throw new RangeError(`Schulze: ballot ${b} ranks candidate "${id}" more than once`);
        seen.add(id);
      }
    }
    const top = ballot.ranking.find((group) => group.length > 0);
    if (top?.includes(candidate)) approving += scaled[b]!;
    total += scaled[b]!;
  });
  const weight = toNumber(approving, unitExponent);
  const sum = toNumber(total, unitExponent);
  return { weight, total: sum, share: total === 0n ? 0 : approving === total ? 1 : weight / sum };
}

/** Share of the total ballot weight whose top (first non-empty) tier contains `candidate`; 0 with no ballots. */
export function approvalShare(ballots: readonly SchulzeBallot[], candidate: string): number {
  return approval(ballots, candidate).share;
}

function chain(tieBreak: TieBreak | undefined): TieBreak {
  if (!tieBreak) return byId;
  return (a, b) => tieBreak(a, b) || byId(a, b);
}

/**
 * Reads every weight as an exact decimal (coefficient × 10^exponent, from its shortest round-trip text)
 * and rescales all of them to the common unit 10^unitExponent (unitExponent <= 0), so they add exactly.
 */
function exactWeights(ballots: readonly SchulzeBallot[]): { scaled: bigint[]; unitExponent: number } {
  const decimals = ballots.map((ballot, b) => {
    const w: unknown = ballot.weight;
    if (typeof w !== "number" || !Number.isFinite(w) || w <= 0) {
      throw new RangeError(`Schulze: ballot ${b} has weight ${String(w)}; weights must be positive finite numbers`);
    }
    const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(w));
    if (!match) throw new RangeError(`Schulze: ballot ${b} has an unreadable weight ${String(w)}`);
    const fraction = match[2] ?? "";
    return { coefficient: BigInt(match[1]! + fraction), exponent: Number(match[3] ?? 0) - fraction.length };
  });
  const unitExponent = decimals.reduce((min, x) => Math.min(min, x.exponent), 0);
  const scaled = decimals.map((x) => x.coefficient * 10n ** BigInt(x.exponent - unitExponent));
  return { scaled, unitExponent };
}

/** The number nearest to value × 10^unitExponent (correctly rounded: it goes through decimal text). */
function toNumber(value: bigint, unitExponent: number): number {
  if (unitExponent === 0) return Number(value);
  const places = -unitExponent;
  const digits = value.toString().padStart(places + 1, "0");
  return Number(`${digits.slice(0, -places)}.${digits.slice(-places)}`);
}
