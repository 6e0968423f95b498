import { sha256 } from "#crypto";
import { equalBytes } from "../bytes.js";

/**
 * The registry's transparency log is an RFC 6962 Merkle tree (DESIGN.md, "Publication and
 * verification"): leaf hash SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right), a tree of n
 * leaves split at the largest power of two below n. Proofs are made and checked here; verification
 * follows RFC 9162 §2.1.3.2 and §2.1.4.2. Pure: no I/O. Sizes and indexes are plain numbers, halved by
 * arithmetic (not 32-bit shifts), so trees up to 2^53 leaves are handled. Runs in the browser too.
 */

export type Hash = Uint8Array;

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export const EMPTY_ROOT: Hash = sha256();

export function leafHash(data: Uint8Array): Hash {
  return sha256(LEAF, data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return sha256(NODE, left, right);
}

/** The largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Where a tree's complete subtrees come from: `node(level, index)` is the hash of the 2^level leaves
 * from index·2^level on (level 0: the leaf hashes). A log that stores these as it grows (the
 * registry's `log_nodes`) answers a root or a proof by reading O(log n) of them.
 */
export interface NodeSource {
  size: number;
  node(level: number, index: number): Hash;
}

/** The complete subtrees that appending leaf `index` closes: (level, index) of each, lowest first. */
export function closedBy(index: number): { level: number; index: number }[] {
  const closed: { level: number; index: number }[] = [];
  for (let level = 0, i = index; i % 2 === 1; level++, i = Math.floor(i / 2)) closed.push({ level: level + 1, index: Math.floor(i / 2) });
  return closed;
}

/**
 * The nodes a stored tree gains when leaf `index` is appended: the leaf itself, then each complete
 * subtree it closes, lowest first. Each one's right child is the node made just before it; its left
 * child, already stored, comes from `left(level, index)` (see closedBy for which ones are asked).
 */
export function appendedNodes(index: number, leaf: Hash, left: (level: number, index: number) => Hash): { level: number; index: number; hash: Hash }[] {
  const nodes = [{ level: 0, index, hash: leaf }];
  for (const c of closedBy(index)) nodes.push({ level: c.level, index: c.index, hash: nodeHash(left(c.level - 1, 2 * c.index), nodes.at(-1)!.hash) });
  return nodes;
}

/**
 * A tree over given leaf hashes (remembering the subtrees it has computed, so a root and its proofs
 * cost O(n) once and little after that), or over a NodeSource (O(log n) nodes per root or proof).
 */
export class MerkleTree {
  private readonly memo = new Map<string, Hash>();
  private readonly leaves: readonly Hash[] | null;
  private readonly source: NodeSource | null;

  constructor(from: readonly Hash[] | NodeSource) {
    this.leaves = Array.isArray(from) ? (from as readonly Hash[]) : null;
    this.source = Array.isArray(from) ? null : (from as NodeSource);
  }

  get size(): number {
    return this.leaves ? this.leaves.length : this.source!.size;
  }

  /** MTH of leaves [lo, hi). */
  private range(lo: number, hi: number): Hash {
    const width = hi - lo;
    if (this.source && isPowerOfTwo(width) && lo % width === 0) return this.source.node(Math.log2(width), lo / width);
    if (width === 1) return this.leaves![lo]!;
    const key = `${lo}:${hi}`;
    let hash = this.memo.get(key);
    if (!hash) {
      const k = splitPoint(hi - lo);
      hash = nodeHash(this.range(lo, lo + k), this.range(lo + k, hi));
      this.memo.set(key, hash);
    }
    return hash;
  }

  /** The root of the first `size` leaves (the whole tree by default). */
  root(size = this.size): Hash {
    if (size < 0 || size > this.size) throw new RangeError(`tree size ${size} is outside 0..${this.size}`);
    return size === 0 ? EMPTY_ROOT : this.range(0, size);
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves, deepest sibling first. */
  inclusionProof(index: number, size = this.size): Hash[] {
    if (!(index >= 0 && index < size && size <= this.size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const proof: Hash[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        proof.unshift(this.range(lo + k, hi));
        hi = lo + k;
      } else {
        proof.unshift(this.range(lo, lo + k));
        lo += k;
      }
    }
    return proof;
  }

  /** The proof that the tree of the first `first` leaves is a prefix of the tree of the first `second`. */
  consistencyProof(first: number, second = this.size): Hash[] {
    if (!(first >= 0 && first <= second && second <= this.size)) throw new RangeError(`no consistency between sizes ${first} and ${second}`);
    if (first === 0 || first === second) return [];
    const proof: Hash[] = [];
    let lo = 0;
    let hi = second;
    let m = first;
    let whole = true; // the subtree [lo, hi) still starts at the old tree's first leaf
    for (;;) {
      const n = hi - lo;
      if (m === n) {
        if (!whole) proof.unshift(this.range(lo, hi));
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        proof.unshift(this.range(lo + k, hi));
        hi = lo + k;
      } else {
        proof.unshift(this.range(lo, lo + k));
        m -= k;
        lo += k;
        whole = false;
      }
    }
    return proof;
  }
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` at `index` in a tree of `size` with this `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size)) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else r = nodeHash(r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree of size `first` with `firstRoot` a prefix of the one of size `second` with `secondRoot`? */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second)) || first < 0 || first > second) return false;
  const same = equalBytes;
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  // When the old tree is a complete subtree of the new one, its root is the path's first node.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else sr = nodeHash(sr, c);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
