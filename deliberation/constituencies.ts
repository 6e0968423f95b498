import { DomainError } from "./errors.js";
import { prng } from "./random.js";

/**
 * Constituencies (DESIGN.md, "Constituencies and mandates"). When a matter is convened the clerk
 * picks a scheme: **districts** (the registry's region field) or **value communities** (citizens
 * clustered by the canonical values they hold and endorse in the matter's context, as Polis finds
 * opinion groups, so that a minority value community gets its own representative). Each
 * constituency's representative votes with the weight of the citizens it represents (`apportion`).
 *
 * Pure: no I/O, no ambient randomness (the clustering's PRNG is seeded from the options), and the
 * result does not depend on the order of the input.
 */

export interface CitizenHoldings {
  id: string;
  /** The registry's region field. */
  district: string;
  /** Canonical value ids she holds (active cards) or endorses, in the matter's context. */
  holds: readonly string[];
}

export type ConstituencyScheme = "districts" | "value-communities";

export interface Constituency {
  /** Stable: "district:<slug>" or "community:<n>". */
  id: string;
  /**
   * District: its name as the registry spells it. Community: its characteristic value ids joined
   * by " + " (the server shows titles instead, from characteristicValues).
   */
  label: string;
  scheme: ConstituencyScheme;
  /** Citizen ids, sorted. */
  members: string[];
  size: number;
  /**
   * Value communities only: the value ids most over-represented in the community against the whole
   * population, most characteristic first: two, up to four when two communities' would be alike,
   * never none; the server maps them to titles.
   */
  characteristicValues?: string[];
}

/** Plain UTF-16 code-unit order: the same everywhere, unlike localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkCitizens(citizens: readonly CitizenHoldings[]): void {
  const seen = new Set<string>();
  for (const citizen of citizens) {
    if (seen.has(citizen.id)) {
      throw new DomainError("invalid", "constituencies.duplicate_citizen", `citizen "${citizen.id}" appears twice`, { id: citizen.id });
    }
    seen.add(citizen.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Districts

/** "Pärnu maakond" → "parnu-maakond"; letters of any script are kept, marks and punctuation are not. */
export function districtSlug(district: string): string {
  const slug = district
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "unspecified";
}

/**
 * One constituency per district. Spellings that slug alike ("Pärnu", "parnu ") are one district,
 * labelled by its most common spelling; a citizen with a blank district is not dropped but goes
 * into "district:unspecified".
 */
export function byDistrict(citizens: readonly CitizenHoldings[]): Constituency[] {
  checkCitizens(citizens);
  const groups = new Map<string, { members: string[]; spellings: Map<string, number> }>();
  for (const citizen of citizens) {
    const name = citizen.district.trim();
    const id = `district:${districtSlug(name)}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { members: [], spellings: new Map() }));
    group.members.push(citizen.id);
    group.spellings.set(name, (group.spellings.get(name) ?? 0) + 1);
  }
  const out: Constituency[] = [];
  for (const [id, { members, spellings }] of groups) {
    const [label] = [...spellings].sort((x, y) => y[1] - x[1] || compareStrings(x[0], y[0]))[0]!;
    members.sort(compareStrings);
    out.push({ id, label: label || "unspecified", scheme: "districts", members, size: members.length });
  }
  return out.sort((x, y) => compareStrings(x.id, y.id));
}

// ---------------------------------------------------------------------------------------------
// Value communities

export interface ValueCommunityOptions {
  /**
   * The most representatives the deliberation seats, one per community: never more communities
   * than this, and it sets the size floor (communityFloor). Default DEFAULT_SEATS.
   */
  seats?: number;
  /** The absolute floor on a community's size, whatever the polity (communityFloor). Default 5. */
  minSize?: number;
  /** Seed of the PRNG behind k-means++ and the samples. Default 1. */
  seed?: number;
  /** k-means runs per k up to 8 (each from its own k-means++ start); the lowest WCSS is kept. Fewer beyond (see restartsFor). Default 10. */
  restarts?: number;
  /** Lloyd iterations per run at most. Default 100. */
  maxIterations?: number;
  /** k-means runs on at most this many citizens (a seeded sample beyond; everyone is then assigned). Default 5000. */
  clusterSample?: number;
  /** The silhouette is computed on at most this many citizens (a seeded sample beyond). Default 2000. */
  silhouetteSample?: number;
}

/** Estonia's Riigikogu: 101 members, the mission's polity. */
export const DEFAULT_SEATS = 101;

/**
 * The fewest citizens a value community may have: max(minSize, ⌈N / (2·seats)⌉), N the citizens
 * placed in communities. N / seats is one seat's quota; a group earns its first seat at half a
 * quota under Sainte-Laguë (Webster), the divisor method biased neither to large nor to small
 * groups, so a community below it would win no seat in any proportional apportionment of the
 * seats and would take a place at the table that a larger community is owed. (A floor of a full
 * quota would refuse groups Sainte-Laguë seats.) minSize keeps a representative from speaking for
 * a handful of people in a small polity: its mandate would all but disclose each member's values.
 */
export function communityFloor(participants: number, seats: number, minSize: number): number {
  return Math.max(minSize, Math.ceil(participants / (2 * seats)));
}

export interface CommunityCandidate {
  /** The k given to k-means. */
  k: number;
  /** Communities left after merging those smaller than the floor and joining those that hold the same values (mergeAlike). */
  communities: number;
  /** Mean silhouette of that partition (−1 when it collapsed into one community). */
  silhouette: number;
  /** Within-cluster sum of squares of the best restart (on the clustering sample), before merging. */
  wcss: number;
}

export interface ValueCommunities {
  /** Sorted by community number (community:1 is the largest; numerically, so community:10 follows community:9). */
  constituencies: Constituency[];
  /**
   * Citizens who hold no value in the context, sorted. They go into no community: a community is
   * defined by what its members hold, and the protocol can only represent what a citizen has said
   * (a representative cites values from its mandate). They can still be counted by the district
   * scheme, and they join a community as soon as they write or endorse a value before convening.
   */
  unassigned: string[];
  /**
   * Citizens whose every value is held by no one else, sorted. They have said something, so they
   * are not dropped, but nothing places them nearer one community than another: they join the
   * largest community (community:1), where their own values still compete for its mandate.
   */
  withoutSharedValues: string[];
  /** The values the clustering used: held by at least two citizens, sorted. */
  sharedValues: string[];
  /** Silhouette of the final partition; null when there are fewer than two communities. */
  silhouette: number | null;
  /** Every k tried, for the clerk's review (before the minority rule). */
  candidates: CommunityCandidate[];
  /** Communities the minority rule set apart after the silhouette's choice (see rescueMinorities). */
  rescuedMinorities: number;
  /** The seats the communities were formed for: there are at most this many. */
  seats: number;
  /** No community has fewer members than this (communityFloor), unless there is only one. */
  floor: number;
}

const DEFAULTS = { seats: DEFAULT_SEATS, minSize: 5, seed: 1, restarts: 10, maxIterations: 100, clusterSample: 5000, silhouetteSample: 2000 };

/**
 * A distinct set of shared values (`held`, as value indices) and the citizens holding exactly that
 * set. Citizens with the same set are one point weighing as many citizens, which makes k-means and
 * the silhouette cost O(distinct sets). Its vector is the smoothed, unit-length sparse (idx, val)
 * of `smoothedPoints`, so the squared Euclidean distance between two points is 2 − 2·cosine.
 */
interface Point {
  held: Int32Array;
  idx: Int32Array;
  val: Float64Array;
  members: string[];
}

/** Euclidean distance between two unit points: √(2 − 2·cos). */
function pointDistance(p: Point, q: Point): number {
  let cos = 0;
  let i = 0;
  let j = 0;
  while (i < p.idx.length && j < q.idx.length) {
    const a = p.idx[i]!;
    const b = q.idx[j]!;
    if (a === b) cos += p.val[i++]! * q.val[j++]!;
    else if (a < b) i++;
    else j++;
  }
  const d = 2 - 2 * cos;
  return d > 0 ? Math.sqrt(d) : 0;
}

/** Two values are linked only when at least this many citizens hold both (one citizen alone never makes a bundle). */
export const MIN_HELD_TOGETHER = 2;
/** ... and their correlation (phi) reaches this; weaker links are mostly chance and would only blur. */
export const MIN_VALUE_CORRELATION = 0.05;

/**
 * The smoothing that plays the part PCA plays in Polis. Two values u, v are linked by the
 * correlation of their binary columns over the citizens (phi = (N·n_uv − n_u·n_v) /
 * √(n_u(N − n_u)·n_v(N − n_v))) when it passes MIN_HELD_TOGETHER and MIN_VALUE_CORRELATION; a
 * value is linked to itself with 1. A citizen holding the set X becomes Σ_{u ∈ X} link(u, ·),
 * scaled to unit length. Citizens who hold different parts of the same bundle of co-held values
 * ({a, b} and {b, c} where most hold {a, b, c}) thus become near neighbours instead of being half
 * apart, so neither k-means nor the silhouette splits a community along the chance of which of its
 * values each member happened to write down; citizens whose values are not held together stay
 * apart. The correlation, unlike raw co-occurrence, is not inflated for popular values, and a
 * small group's tight bundle correlates as strongly as a large one's: unlike the first components
 * of a PCA, which follow variance and so the majority, this does not hide a minority.
 */
function smoothedPoints(sets: readonly { held: number[]; members: string[] }[], dims: number): Point[] {
  const holders = new Float64Array(dims);
  const together = new Map<number, number>();
  let population = 0;
  for (const { held, members } of sets) {
    const w = members.length;
    population += w;
    for (let a = 0; a < held.length; a++) {
      holders[held[a]!]! += w;
      for (let b = a + 1; b < held.length; b++) {
        const key = held[a]! * dims + held[b]!;
        together.set(key, (together.get(key) ?? 0) + w);
      }
    }
  }
  const links: { v: number; s: number }[][] = Array.from({ length: dims }, (_, u) => [{ v: u, s: 1 }]);
  for (const [key, count] of [...together].sort((x, y) => x[0] - y[0])) {
    if (count < MIN_HELD_TOGETHER) continue;
    const u = Math.floor(key / dims);
    const v = key - u * dims;
    const nu = holders[u]!;
    const nv = holders[v]!;
    const spread = nu * (population - nu) * nv * (population - nv);
    if (!(spread > 0)) continue; // a value everyone holds correlates with nothing
    const phi = (population * count - nu * nv) / Math.sqrt(spread);
    if (phi < MIN_VALUE_CORRELATION) continue;
    links[u]!.push({ v, s: phi });
    links[v]!.push({ v: u, s: phi });
  }
  return sets.map(({ held, members }) => {
    const y = new Map<number, number>();
    for (const u of held) for (const { v, s } of links[u]!) y.set(v, (y.get(v) ?? 0) + s);
    const entries = [...y].sort((x, z) => x[0] - z[0]);
    let norm = 0;
    for (const [, x] of entries) norm += x * x;
    norm = Math.sqrt(norm);
    return {
      held: Int32Array.from(held),
      idx: Int32Array.from(entries, (e) => e[0]),
      val: Float64Array.from(entries, (e) => e[1] / norm),
      members,
    };
  });
}

/**
 * Some of the points, each weighing a number of citizens, with their vectors laid out as one CSR
 * matrix (row i is idx/val[offsets[i] .. offsets[i + 1])) for the hot loops of k-means.
 */
interface WeightedSet {
  points: Point[];
  weights: Float64Array;
  offsets: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

function weightedSet(points: Point[], weights: Float64Array): WeightedSet {
  const offsets = new Int32Array(points.length + 1);
  points.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.idx.length));
  const idx = new Int32Array(offsets[points.length]!);
  const val = new Float64Array(offsets[points.length]!);
  points.forEach((p, i) => {
    idx.set(p.idx, offsets[i]!);
    val.set(p.val, offsets[i]!);
  });
  return { points, weights, offsets, idx, val };
}

/** All points, weighing their members; or `limit` citizens drawn uniformly with replacement, gathered by point. */
function sampleCitizens(points: readonly Point[], limit: number, random: () => number): WeightedSet {
  const total = points.reduce((s, p) => s + p.members.length, 0);
  if (total <= limit)
    return weightedSet(
      points.slice(),
      Float64Array.from(points, (p) => p.members.length),
    );
  const cumulative = new Float64Array(points.length);
  let running = 0;
  points.forEach((p, i) => (cumulative[i] = running += p.members.length));
  const drawn = new Float64Array(points.length);
  for (let s = 0; s < limit; s++) {
    const target = random() * total;
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    drawn[lo]!++;
  }
  const chosen: number[] = [];
  drawn.forEach((w, i) => {
    if (w > 0) chosen.push(i);
  });
  return weightedSet(
    chosen.map((i) => points[i]!),
    Float64Array.from(chosen, (i) => drawn[i]!),
  );
}

/** k centres of `dims` values each, row c at c·dims, with their squared norms. */
interface Centres {
  k: number;
  dims: number;
  at: Float64Array;
  norm2: Float64Array;
}

function updateNorms(centres: Centres): void {
  const { k, dims, at, norm2 } = centres;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = c * dims, end = j + dims; j < end; j++) s += at[j]! * at[j]!;
    norm2[c] = s;
  }
}

function rowDot(set: WeightedSet, i: number, centres: Centres, c: number): number {
  const { offsets, idx, val } = set;
  const base = c * centres.dims;
  const at = centres.at;
  let dot = 0;
  for (let t = offsets[i]!, end = offsets[i + 1]!; t < end; t++) dot += val[t]! * at[base + idx[t]!]!;
  return dot;
}

/** ‖row i − centre c‖² (row i has unit length). */
function dist2(set: WeightedSet, i: number, centres: Centres, c: number): number {
  const d = 1 + centres.norm2[c]! - 2 * rowDot(set, i, centres, c);
  return d > 0 ? d : 0;
}

/** Cosine between row i and centre c (0 for a zero centre). */
function cosine(set: WeightedSet, i: number, centres: Centres, c: number): number {
  const n2 = centres.norm2[c]!;
  return n2 > 0 ? rowDot(set, i, centres, c) / Math.sqrt(n2) : 0;
}

/** The weighted mean of each cluster's rows (a zero vector for an empty cluster) and the clusters' weights. */
function centroidsOf(set: WeightedSet, labels: Int32Array, k: number, dims: number): { centres: Centres; weights: Float64Array } {
  const at = new Float64Array(k * dims);
  const weights = new Float64Array(k);
  const { offsets, idx, val } = set;
  for (let i = 0; i < set.points.length; i++) {
    const c = labels[i]!;
    const w = set.weights[i]!;
    const base = c * dims;
    for (let t = offsets[i]!, end = offsets[i + 1]!; t < end; t++) at[base + idx[t]!]! += w * val[t]!;
    weights[c]! += w;
  }
  for (let c = 0; c < k; c++) {
    const w = weights[c]!;
    if (w > 0) for (let j = c * dims, end = j + dims; j < end; j++) at[j]! /= w;
  }
  const centres = { k, dims, at, norm2: new Float64Array(k) };
  updateNorms(centres);
  return { centres, weights };
}

/** Each row's nearest centre (ties: the lower index) and its squared distance; whether any label changed. */
function nearestCentres(set: WeightedSet, centres: Centres, labels: Int32Array, distance: Float64Array): boolean {
  let changed = false;
  for (let i = 0; i < set.points.length; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centres.k; c++) {
      const d = dist2(set, i, centres, c);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    distance[i] = bestD;
    if (labels[i] !== best) {
      labels[i] = best;
      changed = true;
    }
  }
  return changed;
}

/** Index drawn with probability proportional to mass[i] (mass summing to total > 0). */
function drawWeighted(mass: ArrayLike<number>, total: number, random: () => number): number {
  let target = random() * total;
  let last = -1;
  for (let i = 0; i < mass.length; i++) {
    const m = mass[i]!;
    if (m <= 0) continue;
    last = i;
    if (target < m) return i;
    target -= m;
  }
  return last; // rounding at the very end of the range
}

interface KMeansResult {
  centres: Centres;
  /** Each row's cluster. */
  labels: Int32Array;
  wcss: number;
}

/**
 * Weighted k-means (Lloyd) from a greedy k-means++ start (Arthur & Vassilvitskii; the greedy
 * variant of scikit-learn): the first centre is drawn in proportion to weight; for each next one,
 * 2 + ⌊ln k⌋ candidates are drawn in proportion to weight × squared distance to the nearest centre
 * so far, and the one that lowers the sum of those the most is kept. With tens of communities a
 * plain k-means++ start often puts two centres in one community and one across two, and Lloyd
 * cannot move them apart. Needs k ≤ set.points.length (distinct value sets are distinct points).
 */
function kMeans(set: WeightedSet, dims: number, k: number, random: () => number, maxIterations: number): KMeansResult {
  const { weights, offsets, idx, val } = set;
  const n = set.points.length;
  let centres: Centres = { k, dims, at: new Float64Array(k * dims), norm2: new Float64Array(k) };
  const seedCentre = (c: number, i: number) => {
    for (let t = offsets[i]!, end = offsets[i + 1]!; t < end; t++) centres.at[c * dims + idx[t]!] = val[t]!;
    centres.norm2[c] = 1;
  };
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  seedCentre(0, drawWeighted(weights, totalWeight, random));
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = dist2(set, i, centres, 0);
  const mass = new Float64Array(n);
  const trials = 2 + Math.floor(Math.log(k));
  let tried = new Float64Array(n);
  let bestTried = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += mass[i] = weights[i]! * nearest[i]!;
    let chosen = -1;
    let chosenPotential = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < trials; trial++) {
      const candidate = drawWeighted(mass, total, random);
      seedCentre(c, candidate);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        tried[i] = Math.min(nearest[i]!, dist2(set, i, centres, c));
        potential += weights[i]! * tried[i]!;
      }
      if (potential < chosenPotential) {
        chosenPotential = potential;
        chosen = candidate;
        [bestTried, tried] = [tried, bestTried];
      }
      centres.at.fill(0, c * dims, (c + 1) * dims);
    }
    seedCentre(c, chosen);
    nearest.set(bestTried);
  }

  const labels = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = nearestCentres(set, centres, labels, distance);
    // An emptied cluster takes the row farthest from its centre (from a cluster of several).
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[labels[i]!]!++;
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let far = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! > 1 && (far < 0 || weights[i]! * distance[i]! > weights[far]! * distance[far]!)) far = i;
      }
      if (far < 0) break;
      counts[labels[far]!]!--;
      labels[far] = c;
      counts[c] = 1;
      distance[far] = 0;
      changed = true;
    }
    if (!changed && iteration > 0) break;
    centres = centroidsOf(set, labels, k, dims).centres;
  }
  let wcss = 0;
  for (let i = 0; i < n; i++) wcss += weights[i]! * dist2(set, i, centres, labels[i]!);
  return { centres, labels, wcss };
}

/**
 * Merges away every cluster weighing less than the floor, smallest first: each of its points
 * moves to the nearest remaining cluster centre (so a noise group may split between neighbours),
 * and nobody is left unrepresented. Clusters at the floor or above are never touched, however
 * small and distinct. Returns labels renumbered 0..count−1 in order of first appearance.
 */
function mergeSmall(all: WeightedSet, labels: Int32Array, k: number, dims: number, floor: number): { labels: Int32Array; count: number } {
  const out = labels.slice();
  for (;;) {
    const { centres, weights } = centroidsOf(all, out, k, dims);
    const alive: number[] = [];
    for (let c = 0; c < k; c++) if (weights[c]! > 0) alive.push(c);
    if (alive.length <= 1) break;
    let small = -1;
    for (const c of alive) if (weights[c]! < floor && (small < 0 || weights[c]! < weights[small]!)) small = c;
    if (small < 0) break;
    for (let i = 0; i < all.points.length; i++) {
      if (out[i] !== small) continue;
      let best = -1;
      let bestD = Number.POSITIVE_INFINITY;
      for (const c of alive) {
        if (c === small) continue;
        const d = dist2(all, i, centres, c);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      out[i] = best;
    }
  }
  const renumber = new Map<number, number>();
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (!renumber.has(c)) renumber.set(c, renumber.size);
    out[i] = renumber.get(c)!;
  }
  return { labels: out, count: renumber.size };
}

/** Cosine between centres c and d of `centres` (0 when either is zero). */
function centreCosine(centres: Centres, c: number, d: number): number {
  const { dims, at, norm2 } = centres;
  if (!(norm2[c]! > 0 && norm2[d]! > 0)) return 0;
  let dot = 0;
  for (let j = 0; j < dims; j++) dot += at[c * dims + j]! * at[d * dims + j]!;
  return dot / Math.sqrt(norm2[c]! * norm2[d]!);
}

/**
 * Joins communities whose centres point the same way (cosine ≥ SAME_VALUES), the most alike pair
 * first, the smaller into the larger: they hold the same bundle of values, and differ only in which
 * of its values each member happened to write down or endorse. Such splits are what the silhouette
 * rewards once k nears the number of distinct value sets (a cluster of identical sets has no spread
 * at all), and the floor alone does not forbid them in a small polity. Labels renumbered as mergeSmall's.
 */
function mergeAlike(all: WeightedSet, labels: Int32Array, k: number, dims: number): { labels: Int32Array; count: number } {
  const { centres, weights } = centroidsOf(all, labels, k, dims);
  const into = Int32Array.from({ length: k }, (_, c) => c);
  const alive: number[] = [];
  for (let c = 0; c < k; c++) if (weights[c]! > 0) alive.push(c);
  const cos = new Float64Array(k * k);
  for (const c of alive) for (const d of alive) if (d > c) cos[c * k + d] = cos[d * k + c] = centreCosine(centres, c, d);
  for (;;) {
    let pair: [number, number] | undefined;
    let most = SAME_VALUES;
    for (const c of alive) {
      for (const d of alive) {
        if (d > c && cos[c * k + d]! >= most) {
          most = cos[c * k + d]!;
          pair = weights[c]! >= weights[d]! ? [c, d] : [d, c];
        }
      }
    }
    if (!pair) break;
    const [big, small] = pair;
    const wb = weights[big]!;
    const ws = weights[small]!;
    let n2 = 0;
    for (let j = 0; j < dims; j++) {
      const x = (wb * centres.at[big * dims + j]! + ws * centres.at[small * dims + j]!) / (wb + ws);
      centres.at[big * dims + j] = x;
      n2 += x * x;
    }
    centres.norm2[big] = n2;
    weights[big] = wb + ws;
    alive.splice(alive.indexOf(small), 1);
    for (const d of alive) if (d !== big) cos[big * k + d] = cos[d * k + big] = centreCosine(centres, big, d);
    for (let c = 0; c < k; c++) if (into[c] === small) into[c] = big;
  }
  const out = Int32Array.from(labels, (c) => into[c]!);
  const renumber = new Map<number, number>();
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (!renumber.has(c)) renumber.set(c, renumber.size);
    out[i] = renumber.get(c)!;
  }
  return { labels: out, count: renumber.size };
}

/** The silhouette sample: which point each entry is, its weight, its rows (for the nearest centre), and the m × m distances. */
interface SilhouetteSample {
  point: Int32Array;
  weight: Float64Array;
  set: WeightedSet;
  distances: Float64Array;
}

function silhouetteSample(points: readonly Point[], limit: number, random: () => number): SilhouetteSample {
  const position = new Map(points.map((p, i) => [p, i]));
  const set = sampleCitizens(points, limit, random);
  const m = set.points.length;
  const distances = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = pointDistance(set.points[i]!, set.points[j]!);
      distances[i * m + j] = d;
      distances[j * m + i] = d;
    }
  }
  return { point: Int32Array.from(set.points, (p) => position.get(p)!), weight: set.weights, set, distances };
}

/**
 * Mean silhouette (Rousseeuw 1987) over the sampled citizens, each point counted as many times as
 * citizens it stands for: s = (b − a)/max(a, b), a = mean distance to the rest of her own cluster,
 * b = mean distance to the nearest other cluster; 0 for a citizen alone in her cluster. `label`
 * gives each sampled entry's cluster.
 */
function silhouette(sample: SilhouetteSample, label: Int32Array, count: number): number {
  const m = sample.point.length;
  const clusterWeight = new Float64Array(count);
  for (let i = 0; i < m; i++) clusterWeight[label[i]!]! += sample.weight[i]!;
  const sums = new Float64Array(count);
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    for (let j = 0; j < m; j++) sums[label[j]!]! += sample.weight[j]! * sample.distances[i * m + j]!;
    const own = label[i]!;
    let s = 0;
    if (clusterWeight[own]! > 1) {
      const a = sums[own]! / (clusterWeight[own]! - 1);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < count; c++) if (c !== own && clusterWeight[c]! > 0) b = Math.min(b, sums[c]! / clusterWeight[c]!);
      const scale = Math.max(a, b);
      s = Number.isFinite(b) && scale > 0 ? (b - a) / scale : 0;
    }
    total += sample.weight[i]! * s;
    weightSum += sample.weight[i]!;
  }
  return weightSum > 0 ? total / weightSum : 0;
}

function checkOptions(options: ValueCommunityOptions): Required<ValueCommunityOptions> {
  const o = { ...DEFAULTS, ...options };
  const integer = (name: string, x: number, min: number) => {
    if (!Number.isInteger(x) || x < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${x}`);
  };
  integer("seats", o.seats, 1);
  integer("minSize", o.minSize, 1);
  integer("restarts", o.restarts, 1);
  integer("maxIterations", o.maxIterations, 1);
  integer("clusterSample", o.clusterSample, 2);
  integer("silhouetteSample", o.silhouetteSample, 2);
  if (!Number.isFinite(o.seed)) throw new RangeError("seed must be a finite number");
  return o;
}

/** A citizen whose vector has a cosine below this with her community's centre is poorly represented by it. */
export const POOR_FIT = 0.5;
/** Two communities whose centres have at least this cosine hold the same values (see mergeAlike). */
export const SAME_VALUES = 0.8;
/** Poorly represented citizens make a distinct minority when they have at least this cosine with its centre. */
export const MINORITY_COHESION = 0.7;
/**
 * The minority rule clusters the poorly represented with k up to this. It takes one minority per
 * round, the largest, so it only has to set that one apart from the rest, not find them all.
 */
const RESCUE_SEARCH = 8;

/**
 * Whether a group's values are its own rather than a chance meeting. Its bundle is its two most
 * held values if at least half of it holds each, else its most held value if half holds that.
 * One value must be mostly the group's: at least half of the value's holders are in the group.
 * A pair must be held together clearly more often than chance: with E = N·p(u)·p(v) the number
 * of citizens expected to hold both if values were held independently and O the number who do,
 * O ≥ 2E and O − E ≥ 3√E. (Larger bundles are not tested: among many values some triple is always
 * shared by a few citizens by chance, and the search would find it.)
 */
function distinctBundle(everyone: WeightedSet, members: readonly number[], holders: Float64Array, population: number): boolean {
  const within = new Map<number, number>();
  let weight = 0;
  for (const i of members) {
    const w = everyone.weights[i]!;
    weight += w;
    for (const v of everyone.points[i]!.held) within.set(v, (within.get(v) ?? 0) + w);
  }
  const bundle = [...within]
    .filter(([, count]) => count >= weight / 2)
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, 2);
  if (bundle.length === 0) return false;
  if (bundle.length === 1) {
    const [v, count] = bundle[0]!;
    return count >= holders[v]! / 2;
  }
  const [u, v] = [bundle[0]![0], bundle[1]![0]];
  const expected = (holders[u]! * holders[v]!) / population;
  let observed = 0;
  everyone.points.forEach((p, i) => {
    if (p.held.includes(u) && p.held.includes(v)) observed += everyone.weights[i]!;
  });
  return observed >= 2 * expected && observed - expected >= 3 * Math.sqrt(expected);
}

/**
 * The minority rule: k-means minimises the sum of squares and the silhouette averages over
 * citizens, so both are ruled by the majority: splitting a large community in two can beat
 * setting apart a small one whose values no one else holds, and setting it apart hardly moves the
 * mean silhouette. So after the partition is chosen: the citizens poorly represented by their
 * community (cosine with its centre < POOR_FIT) are clustered among themselves (k-means for every
 * k up to RESCUE_SEARCH, as above), and the largest group of them that is coherent (cosine with
 * its centre ≥ MINORITY_COHESION, and nearer it than their own community's centre), reaches the
 * floor and holds a bundle of values that is its own (distinctBundle: not a chance meeting of
 * values many hold) becomes a community of its own. Repeated while there are seats left;
 * communities left below the floor by the move are merged away as before.
 */
function rescueMinorities(
  everyone: WeightedSet,
  start: { labels: Int32Array; count: number },
  dims: number,
  o: Required<ValueCommunityOptions>,
  floor: number,
  random: () => number,
): { labels: Int32Array; count: number; rescued: number } {
  let { labels, count } = start;
  let rescued = 0;
  const n = everyone.points.length;
  const holders = new Float64Array(dims);
  let population = 0;
  everyone.points.forEach((p, i) => {
    population += everyone.weights[i]!;
    for (const v of p.held) holders[v]! += everyone.weights[i]!;
  });
  while (count < o.seats) {
    const { centres } = centroidsOf(everyone, labels, count, dims);
    const fit = new Float64Array(n);
    const poor: number[] = [];
    let poorWeight = 0;
    for (let i = 0; i < n; i++) {
      fit[i] = cosine(everyone, i, centres, labels[i]!);
      if (fit[i]! < POOR_FIT) {
        poor.push(i);
        poorWeight += everyone.weights[i]!;
      }
    }
    if (poorWeight < floor) break;
    const poorSet = weightedSet(
      poor.map((i) => everyone.points[i]!),
      Float64Array.from(poor, (i) => everyone.weights[i]!),
    );
    const clustered = sampleCitizens(poorSet.points, o.clusterSample, random);
    let best: { members: number[]; weight: number } | undefined;
    for (let k = 1; k <= Math.min(RESCUE_SEARCH, clustered.points.length); k++) {
      let run: KMeansResult | undefined;
      for (let r = 0; r < o.restarts; r++) {
        const next = kMeans(clustered, dims, k, random, o.maxIterations);
        if (!run || next.wcss < run.wcss) run = next;
      }
      for (let c = 0; c < k; c++) {
        const members: number[] = [];
        let weight = 0;
        poor.forEach((i, j) => {
          const cos = cosine(poorSet, j, run!.centres, c);
          if (cos >= MINORITY_COHESION && cos > fit[i]!) {
            members.push(i);
            weight += everyone.weights[i]!;
          }
        });
        if (weight >= floor && (!best || weight > best.weight) && distinctBundle(everyone, members, holders, population)) best = { members, weight };
      }
    }
    if (!best) break;
    const moved = labels.slice();
    for (const i of best.members) moved[i] = count;
    const merged = mergeSmall(everyone, moved, count + 1, dims, floor);
    if (merged.count <= count) break; // what it left behind was too small to stand alone
    ({ labels, count } = merged);
    rescued++;
  }
  return { labels, count, rescued };
}

/** Silhouettes this close are equal; the partition with fewer communities wins. */
const SILHOUETTE_EPSILON = 1e-9;
/** Every k up to this is tried; beyond, a geometric grid refined around the best (see candidateKs). */
const EVERY_K_UP_TO = 12;
/** The grid's step beyond EVERY_K_UP_TO: each k this much larger than the last. */
const K_GRID_RATIO = 1.25;

/**
 * k-means runs per k: `restarts` up to k = 8, then fewer, so that a k costs about what k = 8 does
 * (a run costs in proportion to k); never fewer than two. The greedy k-means++ start makes a single
 * run at large k good already; the second guards against an unlucky one.
 */
function restartsFor(k: number, restarts: number): number {
  return Math.min(restarts, Math.max(2, Math.ceil((restarts * 8) / k)));
}

/** 2..EVERY_K_UP_TO, then ×K_GRID_RATIO up to kMax (always included). */
function kGrid(kMax: number): number[] {
  const ks: number[] = [];
  for (let k = 2; k <= Math.min(kMax, EVERY_K_UP_TO); k++) ks.push(k);
  for (let k = EVERY_K_UP_TO; k < kMax; ) {
    k = Math.min(kMax, Math.ceil(k * K_GRID_RATIO));
    ks.push(k);
  }
  return ks;
}

/** A partition of the clustering sample at one k, after the floor: its centres and its mean silhouette. */
interface Partition {
  k: number;
  labels: Int32Array;
  count: number;
  centres: Centres;
  silhouette: number;
}

/**
 * Value communities, Polis-style. Method:
 * 1. A citizen is the binary vector of the canonical values she holds or endorses, over the values
 *    held by at least two citizens (a value only one citizen holds says nothing about who is close
 *    to whom), smoothed by the correlations between values (see smoothedPoints) and scaled to unit
 *    length: distances are cosine distances. No PCA to two or three components: a small
 *    community's direction carries little variance and can fall outside them, which would hide
 *    exactly the minority this scheme exists for.
 * 2. The floor (communityFloor) follows the polity and the seats: no community smaller than
 *    max(minSize, ⌈N / (2·seats)⌉).
 * 3. k runs up to kMax = the seats (at most the number of distinct value sets sampled and of
 *    citizens ÷ floor): every k up to EVERY_K_UP_TO, beyond that a geometric grid and a pattern
 *    search around the best k of the grid, so the work grows with log kMax · kMax, not kMax². For
 *    each k: weighted k-means from greedy k-means++ starts drawn from the seeded PRNG, the lowest
 *    within-cluster sum of squares of restartsFor(k) runs kept. Beyond `clusterSample` citizens,
 *    k-means runs on a seeded sample.
 * 4. Communities below the floor are merged into their nearest neighbours (see mergeSmall); a
 *    community at the floor stays, however small and distinct.
 * 5. The partition with the highest mean silhouette wins (ties: fewer communities), so a k whose
 *    extra cluster was only noise collapses onto the smaller k it merged back into. Everyone then
 *    goes to the nearest of its centres, and the floor is applied again on the whole population.
 * 6. The minority rule (see rescueMinorities): citizens poorly represented by their community who
 *    share a coherent bundle of values of their own, at least the floor of them, get a community.
 * Communities are numbered by size, largest first (ties: smallest member id), so ids do not depend
 * on the seed when the partition does not. The same input and seed give the same result, whatever
 * the order of the citizens and of their holdings.
 */
export function byValueCommunities(citizens: readonly CitizenHoldings[], options: ValueCommunityOptions = {}): ValueCommunities {
  checkCitizens(citizens);
  const o = checkOptions(options);
  const random = prng(o.seed);

  const unassigned: string[] = [];
  const holding: { id: string; values: string[] }[] = [];
  const holders = new Map<string, number>();
  for (const citizen of citizens) {
    const values = [...new Set(citizen.holds)].sort(compareStrings);
    if (values.length === 0) {
      unassigned.push(citizen.id);
      continue;
    }
    holding.push({ id: citizen.id, values });
    for (const v of values) holders.set(v, (holders.get(v) ?? 0) + 1);
  }
  unassigned.sort(compareStrings);
  const sharedValues = [...holders]
    .filter(([, count]) => count >= 2)
    .map(([v]) => v)
    .sort(compareStrings);
  const dimension = new Map(sharedValues.map((v, j) => [v, j]));
  const dims = sharedValues.length;

  // Citizens with the same shared values are one point; points in key order.
  const withoutSharedValues: string[] = [];
  const byKey = new Map<string, { held: number[]; members: string[] }>();
  for (const { id, values } of holding) {
    const held = values.flatMap((v) => (dimension.has(v) ? [dimension.get(v)!] : [])).sort((a, b) => a - b);
    if (held.length === 0) {
      withoutSharedValues.push(id);
      continue;
    }
    const key = held.join(",");
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { held, members: [] }));
    entry.members.push(id);
  }
  withoutSharedValues.sort(compareStrings);
  const points = smoothedPoints(
    [...byKey].sort((x, y) => compareStrings(x[0], y[0])).map(([, entry]) => entry),
    dims,
  );
  const everyone = weightedSet(
    points,
    Float64Array.from(points, (p) => p.members.length),
  );
  const represented = everyone.weights.reduce((s, w) => s + w, 0);
  const floor = communityFloor(holding.length, o.seats, o.minSize);

  let labels: Int32Array = new Int32Array(points.length);
  let count = points.length > 0 ? 1 : 0;
  let bestSilhouette: number | null = null;
  const candidates: CommunityCandidate[] = [];
  const clustered = sampleCitizens(points, o.clusterSample, random);
  // Without sampling the clustering sample is everyone, point for point.
  const sampled = clustered.points.length !== points.length || clustered.points.some((p, i) => p !== points[i]);
  const sampleWeight = clustered.weights.reduce((s, w) => s + w, 0);
  const sampleFloor = (floor * sampleWeight) / represented;
  const kMax = Math.min(o.seats, clustered.points.length, Math.floor(represented / floor));
  let drawn: SilhouetteSample | undefined;
  const sample = () => (drawn ??= silhouetteSample(points, o.silhouetteSample, random));
  const labelsOfSample = (of: Int32Array) => Int32Array.from(sample().point, (p) => of[p]!);

  const tried = new Map<number, Partition | null>();
  let best: Partition | undefined;
  const tryK = (k: number) => {
    if (k < 2 || k > kMax || tried.has(k)) return;
    let run: KMeansResult | undefined;
    for (let r = 0; r < restartsFor(k, o.restarts); r++) {
      const next = kMeans(clustered, dims, k, random, o.maxIterations);
      if (!run || next.wcss < run.wcss) run = next;
    }
    const apart = mergeSmall(clustered, run!.labels, k, dims, sampleFloor);
    const merged = mergeAlike(clustered, apart.labels, apart.count, dims);
    candidates.push({ k, communities: merged.count, silhouette: -1, wcss: run!.wcss });
    if (merged.count < 2) {
      tried.set(k, null);
      return;
    }
    const { centres } = centroidsOf(clustered, merged.labels, merged.count, dims);
    let label: Int32Array;
    if (sampled) {
      const s = sample();
      label = new Int32Array(s.point.length).fill(-1);
      nearestCentres(s.set, centres, label, new Float64Array(s.point.length));
    } else label = labelsOfSample(merged.labels);
    const score = silhouette(sample(), label, merged.count);
    candidates[candidates.length - 1]!.silhouette = score;
    const partition = { k, labels: merged.labels, count: merged.count, centres, silhouette: score };
    tried.set(k, partition);
    if (!best || score > best.silhouette + SILHOUETTE_EPSILON || (score >= best.silhouette - SILHOUETTE_EPSILON && merged.count < best.count)) best = partition;
  };
  const grid = kGrid(kMax);
  for (const k of grid) tryK(k);
  if (best && best.k >= EVERY_K_UP_TO) {
    // Pattern search between the best k's neighbours on the grid: halve the step until it is 1.
    const at = grid.indexOf(best.k);
    let step = Math.ceil(Math.max(best.k - grid[at - 1]!, (grid[at + 1] ?? best.k) - best.k) / 2);
    for (; step >= 1; step = step === 1 ? 0 : Math.ceil(step / 2)) {
      const centre = best.k;
      tryK(centre - step);
      tryK(centre + step);
      if (best.k !== centre) step *= 2; // moved: search as widely around the new best before narrowing
    }
  }
  candidates.sort((x, y) => x.k - y.k);
  if (best) {
    bestSilhouette = best.silhouette;
    if (sampled) {
      const assigned = new Int32Array(points.length).fill(-1);
      nearestCentres(everyone, best.centres, assigned, new Float64Array(points.length));
      ({ labels, count } = mergeSmall(everyone, assigned, best.count, dims, floor));
      if (count !== best.count) bestSilhouette = count >= 2 ? silhouette(sample(), labelsOfSample(labels), count) : null;
    } else ({ labels, count } = best);
  }
  let rescuedMinorities = 0;
  if (count >= 1) {
    const rescue = rescueMinorities(everyone, { labels, count }, dims, o, floor, random);
    if (rescue.rescued > 0) {
      ({ labels, count, rescued: rescuedMinorities } = rescue);
      bestSilhouette = count >= 2 ? silhouette(sample(), labelsOfSample(labels), count) : null;
    }
  }

  // Gather the communities, counting how many of their represented members hold each shared value.
  const groups = Array.from({ length: count }, () => ({ members: [] as string[], represented: 0, valueCounts: new Float64Array(dims) }));
  points.forEach((p, i) => {
    const g = groups[labels[i]!]!;
    g.members.push(...p.members);
    g.represented += p.members.length;
    for (let t = 0; t < p.held.length; t++) g.valueCounts[p.held[t]!]! += p.members.length;
  });
  for (const g of groups) g.members.sort(compareStrings);
  groups.sort((x, y) => y.members.length - x.members.length || compareStrings(x.members[0]!, y.members[0]!));
  if (withoutSharedValues.length > 0) {
    if (groups.length === 0) groups.push({ members: [], represented: 0, valueCounts: new Float64Array(dims) });
    groups[0]!.members = [...groups[0]!.members, ...withoutSharedValues].sort(compareStrings);
  }

  const overall = new Float64Array(dims);
  for (const g of groups) for (let j = 0; j < dims; j++) overall[j]! += g.valueCounts[j]!;
  const valuesOf = new Map(holding.map((h) => [h.id, h.values]));
  const ranked = groups.map((g) =>
    g.represented > 0 ? distinctiveValues(g.valueCounts, g.represented, overall, represented, sharedValues) : mostHeld(g.members, valuesOf),
  );
  const characteristic = distinctLabels(ranked);
  const constituencies = groups.map(
    (g, position): Constituency => ({
      id: `community:${position + 1}`,
      label: characteristic[position]!.join(" + "),
      scheme: "value-communities",
      members: g.members,
      size: g.members.length,
      characteristicValues: characteristic[position]!,
    }),
  );
  return {
    constituencies,
    unassigned,
    withoutSharedValues,
    sharedValues,
    silhouette: bestSilhouette,
    candidates,
    rescuedMinorities,
    seats: o.seats,
    floor,
  };
}

/** Shares closer than this are equal. */
const SHARE_EPSILON = 1e-12;
/** A label names two values; more only to tell two communities apart, and never more than this. */
const LABEL_VALUES = 2;
const LABEL_VALUES_MAX = 4;

/**
 * A community's values, most distinctive first (at most LABEL_VALUES_MAX): those over-represented
 * in it (the share of its members holding the value minus the share in the whole represented
 * population; ties by the share within, then id), then the most held (one community for
 * everyone has nothing over-represented), so the label always says what the community holds.
 */
function distinctiveValues(counts: Float64Array, size: number, overall: Float64Array, population: number, values: readonly string[]): string[] {
  const held = values.map((id, j) => ({ id, within: counts[j]! / size, lift: counts[j]! / size - overall[j]! / population })).filter((v) => v.within > 0);
  const byLift = held.filter((v) => v.lift > SHARE_EPSILON).sort((x, y) => y.lift - x.lift || y.within - x.within || compareStrings(x.id, y.id));
  const chosen = byLift.slice(0, LABEL_VALUES_MAX).map((v) => v.id);
  const byShare = held.filter((v) => !chosen.includes(v.id)).sort((x, y) => y.within - x.within || compareStrings(x.id, y.id));
  for (const v of byShare) {
    if (chosen.length >= LABEL_VALUES_MAX) break;
    chosen.push(v.id);
  }
  return chosen;
}

/** A community of citizens who share no value with anyone: the values its members hold, most held first (ties: id). */
function mostHeld(members: readonly string[], valuesOf: ReadonlyMap<string, readonly string[]>): string[] {
  const counts = new Map<string, number>();
  for (const m of members) for (const v of valuesOf.get(m) ?? []) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((x, y) => y[1] - x[1] || compareStrings(x[0], y[0]))
    .slice(0, LABEL_VALUES_MAX)
    .map(([v]) => v);
}

/**
 * Each community's label values: its LABEL_VALUES most distinctive, and one more for every
 * community whose label would name the same values as another's (up to LABEL_VALUES_MAX), so that
 * a person reading two labels can tell the communities apart when what they hold differs at all.
 */
function distinctLabels(ranked: readonly string[][]): string[][] {
  const lengths = ranked.map((r) => Math.min(LABEL_VALUES, r.length));
  const key = (i: number) => ranked[i]!.slice(0, lengths[i]).sort(compareStrings).join("\u0000");
  for (let round = LABEL_VALUES; round < LABEL_VALUES_MAX; round++) {
    const seen = new Map<string, number[]>();
    for (let i = 0; i < ranked.length; i++) seen.set(key(i), [...(seen.get(key(i)) ?? []), i]);
    let grew = false;
    for (const same of seen.values()) {
      if (same.length < 2) continue;
      for (const i of same) {
        if (lengths[i]! < ranked[i]!.length) {
          lengths[i]!++;
          grew = true;
        }
      }
    }
    if (!grew) break;
  }
  return ranked.map((r, i) => r.slice(0, lengths[i]));
}

// ---------------------------------------------------------------------------------------------
// Apportionment

export interface Apportionment {
  id: string;
  size: number;
  /** size / total: the weight of the constituency's representative in every vote. */
  weight: number;
}

/**
 * The representative's vote weighs the number of citizens it represents: weight = size / total
 * (all 0 when nobody is represented). Constituencies are taken as disjoint.
 */
export function apportion(constituencies: readonly Pick<Constituency, "id" | "size">[]): Apportionment[] {
  let total = 0;
  for (const c of constituencies) {
    if (!Number.isInteger(c.size) || c.size < 0) throw new RangeError(`constituency "${c.id}" has a bad size ${c.size}`);
    total += c.size;
  }
  return constituencies.map((c) => ({ id: c.id, size: c.size, weight: total > 0 ? c.size / total : 0 }));
}
