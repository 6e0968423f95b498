import { sha256, verifyEd25519 } from "#crypto";
import { fromBase64, fromHex, pemBody, toHex, utf8 } from "../bytes.js";
import { canonicalJson } from "../ledger.js";

/**
 * Signed checkpoints of the registry's transparency log: the tree's size and root, signed with the
 * registry's Ed25519 key (AGORA_SIGNING_KEY). The signed bytes are the RFC 8785 canonical JSON of
 * {log, size, root}. This module checks them, on Node and in the browser alike; the signing, which
 * only the registry does, is in ./signing.ts.
 */

export const LOG_NAME = "agora-registry-log";

export interface Checkpoint {
  log: string;
  size: number;
  /** Hex SHA-256 root of the tree of `size` leaves. */
  root: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Which key signed: the first 16 hex digits of SHA-256 over the public key's SPKI DER. */
  keyId: string;
  /** Base64 Ed25519 signature over checkpointBytes. */
  signature: string;
}

export function checkpointBytes(checkpoint: Checkpoint): Uint8Array {
  const { log, size, root } = checkpoint;
  return utf8(canonicalJson({ log, size, root }));
}

/** The key id of a public key given as its SPKI DER. */
export function keyIdOf(spki: Uint8Array): string {
  return toHex(sha256(spki)).slice(0, 16);
}

/** The root a checkpoint states, as bytes (null when it is not 32 bytes of hex). */
export function checkpointRoot(checkpoint: Checkpoint): Uint8Array | null {
  try {
    const root = fromHex(checkpoint.root);
    return root.length === 32 ? root : null;
  } catch {
    return null;
  }
}

/** Whether the checkpoint was signed by the holder of this public key (PEM), exactly as it reads. */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKeyPem: string): boolean {
  const spki = typeof publicKeyPem === "string" ? pemBody(publicKeyPem) : null;
  if (!spki || signed?.keyId !== keyIdOf(spki) || typeof signed.signature !== "string") return false;
  let signature: Uint8Array;
  try {
    signature = fromBase64(signed.signature);
  } catch {
    return false;
  }
  return verifyEd25519(spki, checkpointBytes(signed), signature);
}
