import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { DomainError } from "../errors.js";
import { type Checkpoint, checkpointBytes, checkpointRoot, keyIdOf, type SignedCheckpoint } from "./checkpoint.js";
import { type Hash, verifyConsistency } from "./merkle.js";

/**
 * The registry's side of checkpoints: signing with its Ed25519 key. A checkpoint is only ever signed
 * if the log it describes extends the last one signed, proven by a consistency proof: the registry
 * cannot sign two histories. Server only (node:crypto holds the private key).
 */

const publicKeys = new Map<string, string>();

/** The public key (SPKI PEM) of a private key; derived once per key, as every bundle and checkpoint request asks. */
export function publicKeyPem(privateKeyPem: string): string {
  let pem = publicKeys.get(privateKeyPem);
  if (pem === undefined) {
    pem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString();
    publicKeys.set(privateKeyPem, pem);
  }
  return pem;
}

export function signCheckpoint(checkpoint: Checkpoint, privateKeyPem: string): SignedCheckpoint {
  const privateKey = createPrivateKey(privateKeyPem);
  const signature = sign(null, checkpointBytes(checkpoint), privateKey).toString("base64");
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return { log: checkpoint.log, size: checkpoint.size, root: checkpoint.root, keyId: keyIdOf(spki), signature };
}

/**
 * Signs the next checkpoint, but only if the proof shows the log grew from the last signed one: a
 * checkpoint inconsistent with the last signed one is never signed.
 */
export function signNextCheckpoint(last: SignedCheckpoint | null, next: Checkpoint, proof: readonly Hash[], privateKeyPem: string): SignedCheckpoint {
  if (last) {
    const lastRoot = checkpointRoot(last);
    const nextRoot = checkpointRoot(next);
    const consistent =
      last.log === next.log &&
      next.size >= last.size &&
      lastRoot !== null &&
      nextRoot !== null &&
      verifyConsistency(last.size, next.size, lastRoot, nextRoot, proof);
    if (!consistent) {
      throw new DomainError(
        "conflict",
        "log.inconsistent",
        `Refusing to sign a checkpoint of size ${next.size} that does not extend the last signed one (size ${last.size}).`,
        {
          lastSize: last.size,
          nextSize: next.size,
        },
      );
    }
  }
  return signCheckpoint(next, privateKeyPem);
}
