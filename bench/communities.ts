import { performance } from "node:perf_hooks";
import { byValueCommunities, type CitizenHoldings, DEFAULT_SEATS } from "../deliberation/constituencies.js";
import { prng } from "../deliberation/random.js";
import { round, summary, table } from "./support.js";

/**
 * Value communities at national scale: synthetic polities of 10,000, 100,000 and 130,000 taking
 * part (Estonia at 10 %), with 40 planted value groups of 3–5 values, sizes falling as 1/rank^0.7.
 * A member holds each of her group's values with probability 0.6 (one at least) and, one time in
 * five, one value of any group. Times byValueCommunities with the convening defaults (101 seats,
 * k up to 101), and says how many communities it found, the floor, the smallest community and the
 * agreement with the planted groups (adjusted Rand index). `--citizens N` runs one size.
 */

const GROUPS = 40;

function polity(citizens: number, seed: number): CitizenHoldings[] {
  const random = prng(seed);
  const groups = Array.from({ length: GROUPS }, (_, g) => Array.from({ length: 3 + (g % 3) }, (_, j) => `g${g}v${j}`));
  const all = groups.flat();
  const shares = groups.map((_, g) => 1 / (g + 1) ** 0.7);
  const total = shares.reduce((s, x) => s + x, 0);
  const out: CitizenHoldings[] = [];
  groups.forEach((values, g) => {
    const size = Math.round((citizens * shares[g]!) / total);
    for (let i = 0; i < size; i++) {
      const holds = values.filter(() => random() < 0.6);
      if (holds.length === 0) holds.push(values[Math.floor(random() * values.length)]!);
      if (random() < 0.2) holds.push(all[Math.floor(random() * all.length)]!);
      out.push({ id: `G${g}-${i}`, district: "Harju", holds });
    }
  });
  return out;
}

/** Adjusted Rand index (Hubert & Arabie) of two labelings of the same items. */
function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const count = (keys: readonly string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.values()].reduce((s, n) => s + pairs(n), 0);
  };
  const index = count(a.map((x, i) => `${x}\u0000${b[i]}`));
  const rows = count(a);
  const cols = count(b);
  const expected = (rows * cols) / pairs(a.length);
  const max = (rows + cols) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

const at = process.argv.indexOf("--citizens");
const sizes = at >= 0 ? [Number(process.argv[at + 1])] : [10_000, 100_000, 130_000];
const rows: Record<string, string | number>[] = [];
const figures: Record<string, number> = {};
for (const size of sizes) {
  const citizens = polity(size, 1);
  const started = performance.now();
  const result = byValueCommunities(citizens);
  const ms = performance.now() - started;
  const found = new Map<string, string>();
  for (const c of result.constituencies) for (const m of c.members) found.set(m, c.id);
  const ari = adjustedRand(
    citizens.map((c) => c.id.split("-")[0]!),
    citizens.map((c) => found.get(c.id) ?? "none"),
  );
  const smallest = Math.min(...result.constituencies.map((c) => c.size));
  rows.push({
    citizens: citizens.length,
    seats: DEFAULT_SEATS,
    floor: result.floor,
    k_tried: result.candidates.length,
    communities: result.constituencies.length,
    smallest,
    ari: round(ari, 3),
    ms: Math.round(ms),
  });
  const tag = size >= 1000 ? `${Math.round(size / 1000)}k` : String(size);
  figures[`cluster_${tag}_ms`] = Math.round(ms);
  figures[`communities_${tag}`] = result.constituencies.length;
  figures[`smallest_${tag}`] = smallest;
  figures[`ari_${tag}`] = round(ari, 3);
}
table(rows);
summary("communities", figures);
