import { toHex } from "../../deliberation/bytes.js";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LOG_NAME, verifyCheckpoint } from "../../deliberation/transparency/checkpoint.js";
import { publicKeyPem, signCheckpoint, signNextCheckpoint } from "../../deliberation/transparency/signing.js";
import { leafHash, MerkleTree } from "../../deliberation/transparency/merkle.js";

const pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("signed checkpoints of the transparency log", () => {
  const key = pem();
  const leaves = Array.from({ length: 9 }, (_, i) => leafHash(Buffer.from(`bundle ${i}`)));
  const tree = new MerkleTree(leaves);
  const at = (size: number, t = tree) => ({ log: LOG_NAME, size, root: toHex(t.root(size)) });

  it("verifies with the registry's public key, and fails for any change or another key", () => {
    const signed = signCheckpoint(at(5), key);
    expect(verifyCheckpoint(signed, publicKeyPem(key))).toBe(true);
    expect(verifyCheckpoint({ ...signed, size: 6 }, publicKeyPem(key))).toBe(false);
    expect(verifyCheckpoint({ ...signed, root: at(6).root }, publicKeyPem(key))).toBe(false);
    expect(verifyCheckpoint({ ...signed, signature: signed.signature.replace(/^./, (c) => (c === "A" ? "B" : "A")) }, publicKeyPem(key))).toBe(false);
    expect(verifyCheckpoint(signed, publicKeyPem(pem()))).toBe(false);
  });

  it("signs a checkpoint only when it extends the last signed one", () => {
    const first = signNextCheckpoint(null, at(3), [], key);
    const second = signNextCheckpoint(first, at(7), tree.consistencyProof(3, 7), key);
    expect(verifyCheckpoint(second, publicKeyPem(key))).toBe(true);
    // The same size again is fine; a smaller one, or one with a rewritten history, is refused.
    expect(() => signNextCheckpoint(second, at(7), [], key)).not.toThrow();
    expect(() => signNextCheckpoint(second, at(5), [], key)).toThrow(/does not extend/);
    const forked = new MerkleTree([...leaves.slice(0, 2), leafHash(Buffer.from("rewritten")), ...leaves.slice(3)]);
    expect(() => signNextCheckpoint(second, at(9, forked), forked.consistencyProof(7, 9), key)).toThrow(/does not extend/);
    // A proof that does not belong to these sizes is refused too.
    expect(() => signNextCheckpoint(second, at(9), tree.consistencyProof(6, 9), key)).toThrow(/does not extend/);
    expect(verifyCheckpoint(signNextCheckpoint(second, at(9), tree.consistencyProof(7, 9), key), publicKeyPem(key))).toBe(true);
  });
});
