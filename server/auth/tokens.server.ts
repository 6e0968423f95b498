import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * CSRF tokens for form posts (double submit, signed): the cookie holds `nonce.signature`, every form
 * carries the same value, and the server checks both that they match and that the signature is ours.
 */
export function newCsrfToken(secret: string): string {
  const nonce = randomBytes(18).toString("base64url");
  return `${nonce}.${sign(nonce, secret)}`;
}

function sign(nonce: string, secret: string): string {
  return createHmac("sha256", secret).update(`csrf:${nonce}`).digest("base64url");
}

export function isValidCsrfToken(token: string | null | undefined, secret: string): boolean {
  if (!token) return false;
  const [nonce, signature] = token.split(".");
  if (!nonce || !signature) return false;
  return safeEqual(signature, sign(nonce, secret));
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
