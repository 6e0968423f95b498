/**
 * Errors the domain raises on purpose. Each carries a stable `key` that the UI translates and a
 * `kind` that the API layer maps to a transport status in one place (server/trpc/init.ts).
 */
export type DomainErrorKind =
  | "invalid" // the input makes no sense for the domain (400)
  | "unauthenticated" // sign-in needed (401)
  | "forbidden" // signed in, but the role does not allow it (403)
  | "not_found" // (404)
  | "conflict" // the state of the world does not allow it now (409)
  | "rate_limited"; // (429)

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly key: string;
  readonly params: Record<string, string | number>;

  constructor(kind: DomainErrorKind, key: string, message: string, params: Record<string, string | number> = {}) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.key = key;
    this.params = params;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
