import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as browser from "../../deliberation/crypto/browser.js";
import * as node from "../../deliberation/crypto/node.js";
import { pemBody, toHex } from "../../deliberation/bytes.js";

// The verify panel runs in the browser on ./browser.ts; `agora verify` and the server on ./node.ts.
// Both must give the same answer to every question, or the panel and the CLI could disagree.
describe("#crypto answers the same on Node and in the browser", () => {
  it("hashes alike, including empty, multi-part and non-ASCII input", () => {
    const parts = [new Uint8Array(0), Uint8Array.of(0), randomBytes(1000), new TextEncoder().encode("õiglus ⚖︎")];
    expect(toHex(browser.sha256())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(browser.sha256(...parts))).toBe(toHex(node.sha256(...parts)));
    for (const text of ["", "abc", "Läbipaistev ruling — ✓", "x".repeat(10_000)]) expect(browser.sha256Hex(text)).toBe(node.sha256Hex(text));
  });

  it("accepts exactly the signatures Node accepts", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const spki = pemBody(publicKey.export({ type: "spki", format: "pem" }).toString())!;
    const message = new TextEncoder().encode('{"log":"agora-registry-log","root":"00","size":1}');
    const signature = sign(null, message, privateKey);
    const flipped = Uint8Array.from(signature);
    flipped[10]! ^= 1;
    const other = pemBody(generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString())!;
    const rsa = pemBody(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString())!;
    const cases: [Uint8Array, Uint8Array, Uint8Array, boolean][] = [
      [spki, message, signature, true],
      [spki, Uint8Array.from([...message, 32]), signature, false],
      [spki, message, flipped, false],
      [other, message, signature, false],
      [rsa, message, signature, false],
      [spki, message, signature.subarray(0, 63), false],
      [spki.subarray(0, 20), message, signature, false],
    ];
    for (const [key, msg, sig, expected] of cases) {
      expect(node.verifyEd25519(key, msg, sig)).toBe(expected);
      expect(browser.verifyEd25519(key, msg, sig)).toBe(expected);
    }
  });

  it("never accepts in the browser what Node refuses, even with keys and signatures made to confuse", () => {
    const spkiOf = (raw: Uint8Array) =>
      Uint8Array.from([...pemBody(generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString())!.subarray(0, 12), ...raw]);
    const identity = new Uint8Array(32);
    identity[0] = 1; // the small-order point y = 1
    const nonCanonical = new Uint8Array(32).fill(0xff); // y = p + 1: the same point, encoded out of range
    nonCanonical[0] = 0xee;
    nonCanonical[31] = 0x7f;
    const message = new TextEncoder().encode('{"log":"agora-registry-log","root":"00","size":1}');
    const zero = new Uint8Array(32);
    const cases: [Uint8Array, Uint8Array][] = [
      [identity, Uint8Array.from([...identity, ...zero])],
      [nonCanonical, Uint8Array.from([...identity, ...zero])],
      [identity, Uint8Array.from([...nonCanonical, ...zero])], // ZIP 215 would accept this R; OpenSSL does not
    ];
    for (const [raw, sig] of cases) {
      const spki = spkiOf(raw);
      if (browser.verifyEd25519(spki, message, sig)) expect(node.verifyEd25519(spki, message, sig)).toBe(true);
      expect(browser.verifyEd25519(spki, message, sig)).toBe(false);
    }
  });
});
