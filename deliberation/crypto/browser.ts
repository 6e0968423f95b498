import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * The browser's side of `#crypto` (see ./node.ts): the same calls on audited pure-JavaScript
 * primitives (@noble), synchronous like Node's, so the shared verification code need not change shape.
 */

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function sha256Hex(text: string): string {
  return bytesToHex(nobleSha256(utf8ToBytes(text)));
}

/** The DER prefix of every Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

export function verifyEd25519(spki: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (spki.length !== ED25519_SPKI_PREFIX.length + 32 || !ED25519_SPKI_PREFIX.every((b, i) => spki[i] === b)) return false;
  try {
    // RFC 8032's strict rules, not ZIP 215's: noble's default accepts a non-canonical R that OpenSSL
    // refuses. Strict, it refuses small-order keys that OpenSSL takes; no registry key is one, and the
    // panel never says "verified" where `agora verify` would not.
    return ed25519.verify(signature, message, spki.subarray(ED25519_SPKI_PREFIX.length), { zip215: false });
  } catch {
    return false;
  }
}
