import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { closedBy, EMPTY_ROOT, type Hash, leafHash, MerkleTree, nodeHash, verifyConsistency, verifyInclusion } from "../../deliberation/transparency/merkle.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => Buffer.from(s, "hex");

// The Certificate Transparency reference data set (RFC 6962 trees): eight leaves and the tree head of
// every prefix, as published with the reference implementations' test suites.
const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(unhex);
const CT_ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
// Published audit paths (leaf numbers 1-based in the sources, 0-based here).
const CT_INCLUSION = [
  {
    index: 0,
    size: 8,
    path: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

/** RFC 6962 §2.1, transcribed as written: MTH, PATH and PROOF/SUBPROOF over lists of leaf hashes. */
const reference = {
  k: (n: number) => 2 ** Math.ceil(Math.log2(n) - 1),
  mth(d: Hash[]): Hash {
    if (d.length === 0) return createHash("sha256").digest();
    if (d.length === 1) return d[0]!;
    const k = reference.k(d.length);
    return nodeHash(reference.mth(d.slice(0, k)), reference.mth(d.slice(k)));
  },
  path(m: number, d: Hash[]): Hash[] {
    if (d.length === 1) return [];
    const k = reference.k(d.length);
    return m < k ? [...reference.path(m, d.slice(0, k)), reference.mth(d.slice(k))] : [...reference.path(m - k, d.slice(k)), reference.mth(d.slice(0, k))];
  },
  subproof(m: number, d: Hash[], b: boolean): Hash[] {
    if (m === d.length) return b ? [] : [reference.mth(d)];
    const k = reference.k(d.length);
    return m <= k
      ? [...reference.subproof(m, d.slice(0, k), b), reference.mth(d.slice(k))]
      : [...reference.subproof(m - k, d.slice(k), false), reference.mth(d.slice(0, k))];
  },
};

describe("the transparency log's Merkle tree (RFC 6962)", () => {
  const leaves = CT_LEAVES.map(leafHash);

  it("gives the published tree head for every prefix of the reference leaves", () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    const tree = new MerkleTree(leaves);
    for (let n = 0; n <= 8; n++) expect(hex(tree.root(n)), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it("gives the published audit paths, and they verify", () => {
    const tree = new MerkleTree(leaves);
    for (const { index, size, path } of CT_INCLUSION) {
      expect(tree.inclusionProof(index, size).map(hex)).toEqual(path);
      expect(verifyInclusion(index, size, leaves[index]!, path.map(unhex), unhex(CT_ROOTS[size]!))).toBe(true);
    }
  });

  // Leaves of every shape of tree up to 64.
  const many = Array.from({ length: 64 }, (_, i) => leafHash(Buffer.from(`ruling bundle ${i}`)));
  const tree = new MerkleTree(many);

  it("matches the recursive reference for every inclusion proof up to size 64, and each verifies only where it should", () => {
    for (let n = 1; n <= 64; n++) {
      const d = many.slice(0, n);
      const root = tree.root(n);
      expect(hex(root)).toBe(hex(reference.mth(d)));
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        expect(proof.map(hex), `leaf ${m} of ${n}`).toEqual(reference.path(m, d).map(hex));
        expect(verifyInclusion(m, n, d[m]!, proof, root)).toBe(true);
        // A wrong leaf, a wrong index, a wrong size or a wrong root fails.
        expect(verifyInclusion(m, n, leafHash(Buffer.from("forged")), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, d[m]!, proof, root)).toBe(false);
        // A size and a root go together (a signed checkpoint binds them): this proof is not one for the next tree.
        if (n < 64) expect(verifyInclusion(m, n + 1, d[m]!, proof, tree.root(n + 1))).toBe(false);
        expect(verifyInclusion(m, n, d[m]!, proof, EMPTY_ROOT)).toBe(false);
      }
    }
  });

  it("matches the recursive reference for every consistency pair up to size 64, and each verifies only where it should", () => {
    for (let n = 1; n <= 64; n++) {
      const d = many.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof.map(hex), `${m} → ${n}`).toEqual(m === n ? [] : reference.subproof(m, d, true).map(hex));
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof), `${m} → ${n}`).toBe(true);
        if (m < n) {
          // A fork: the same sizes, a different history.
          const forked = new MerkleTree([...d.slice(0, m - 1), leafHash(Buffer.from("rewritten")), ...d.slice(m)]);
          expect(verifyConsistency(m, n, forked.root(m), tree.root(n), proof)).toBe(false);
          expect(verifyConsistency(m, n, tree.root(m), forked.root(n), proof)).toBe(false);
          if (proof.length > 0) expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof.slice(1))).toBe(false);
        }
      }
    }
  });

  it("over stored subtree nodes, grown leaf by leaf, gives the same roots and proofs while reading O(log n) nodes", () => {
    // What the registry keeps in log_nodes: each leaf, and each complete subtree as its last leaf closes it.
    const stored = new Map<string, Hash>();
    const key = (level: number, index: number) => `${level}:${index}`;
    const d = Array.from({ length: 64 }, (_, i) => leafHash(Buffer.from(`stored ${i}`)));
    const reference = new MerkleTree(d);
    for (let n = 0; n < d.length; n++) {
      stored.set(key(0, n), d[n]!);
      for (const c of closedBy(n))
        stored.set(key(c.level, c.index), nodeHash(stored.get(key(c.level - 1, 2 * c.index))!, stored.get(key(c.level - 1, 2 * c.index + 1))!));
      const size = n + 1;
      const reads: string[] = [];
      const tree = new MerkleTree({
        size,
        node: (level, index) => {
          reads.push(key(level, index));
          const hash = stored.get(key(level, index));
          if (!hash) throw new Error(`node ${key(level, index)} was never stored`);
          return hash;
        },
      });
      expect(Buffer.from(tree.root()).equals(Buffer.from(reference.root(size))), `root of ${size}`).toBe(true);
      for (let m = 0; m < size; m++) expect(tree.inclusionProof(m).map(hex)).toEqual(reference.inclusionProof(m, size).map(hex));
      for (let m = 0; m <= size; m++) expect(tree.consistencyProof(m).map(hex)).toEqual(reference.consistencyProof(m, size).map(hex));
      // A root reads one stored node per set bit of the size.
      reads.length = 0;
      new MerkleTree({ size, node: (level, index) => (reads.push(key(level, index)), stored.get(key(level, index))!) }).root();
      expect(reads.length).toBe(size.toString(2).replace(/0/g, "").length);
    }
    expect(stored.size).toBe(2 * 64 - 1);
  });
});
