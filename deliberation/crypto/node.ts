import * as nodeCrypto from "node:crypto";
import { createHash, createPublicKey, verify } from "node:crypto";

/**
 * The hashing and signature checks of the verifiable parts of Agora (the ledger chain, the log's
 * Merkle tree, checkpoints), on Node's native crypto. `#crypto` resolves here on the server, in the
 * tests and in `agora verify`; the browser gets ./browser.ts, which answers the same calls in pure
 * JavaScript so the ruling page's verify panel runs exactly the code `agora verify` runs.
 */

/** SHA-256 over the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex. */
export function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash("sha256", text, "hex") : createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Node's one-shot `crypto.hash` (20.12 and later; a string is hashed as UTF-8) skips the Hash object
 * and its stream machinery: on a ledger event's few hundred bytes it takes about half the time of
 * createHash. Read off the namespace, so an older Node 20 falls back rather than failing to link.
 */
const oneShotHash = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/** Whether `signature` is an Ed25519 signature of `message` by the key whose SPKI DER is `spki`. */
export function verifyEd25519(spki: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ed25519" && verify(null, message, key, signature);
  } catch {
    return false;
  }
}
