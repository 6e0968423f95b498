import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { DomainError } from "../errors.js";
import { canonicalJson } from "../ledger.js";
import { type Hash, verifyConsistency } from "./merkle.js";

/**
 * Signed checkpoints of the registry's transparency log: the tree's size and root, signed with the
 * registry's Ed25519 key (AGORA_SIGNING_KEY). The signed bytes are the RFC 8785 canonical JSON of
 * {log, size, root}. A checkpoint is only ever signed if the log it describes extends the last one
 * signed, proven by a consistency proof: the registry cannot sign two histories.
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

export function checkpointBytes(checkpoint: Checkpoint): Buffer {
  const { log, size, root } = checkpoint;
  return Buffer.from(canonicalJson({ log, size, root }), "utf8");
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

export function publicKeyPem(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString();
}

export function signCheckpoint(checkpoint: Checkpoint, privateKeyPem: string): SignedCheckpoint {
  const privateKey = createPrivateKey(privateKeyPem);
  const signature = sign(null, checkpointBytes(checkpoint), privateKey).toString("base64");
  return { log: checkpoint.log, size: checkpoint.size, root: checkpoint.root, keyId: keyIdOf(createPublicKey(privateKey)), signature };
}

/** Whether the checkpoint was signed by the holder of this public key, exactly as it reads. */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKey: string | KeyObject): boolean {
  try {
    const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
    if (signed.keyId !== keyIdOf(key)) return false;
    return verify(null, checkpointBytes(signed), key, Buffer.from(signed.signature, "base64"));
  } catch {
    return false;
  }
}

/**
 * Signs the next checkpoint, but only if the proof shows the log grew from the last signed one: a
 * checkpoint inconsistent with the last signed one is never signed.
 */
export function signNextCheckpoint(last: SignedCheckpoint | null, next: Checkpoint, proof: readonly Hash[], privateKeyPem: string): SignedCheckpoint {
  if (last) {
    const consistent =
      last.log === next.log && next.size >= last.size && verifyConsistency(last.size, next.size, Buffer.from(last.root, "hex"), Buffer.from(next.root, "hex"), proof);
    if (!consistent) {
      throw new DomainError("conflict", "log.inconsistent", `Refusing to sign a checkpoint of size ${next.size} that does not extend the last signed one (size ${last.size}).`, {
        lastSize: last.size,
        nextSize: next.size,
      });
    }
  }
  return signCheckpoint(next, privateKeyPem);
}
