import type { IncomingHttpHeaders } from "node:http";

/**
 * Whether a request comes from our own pages: no Origin header (not a browser's cross-site request,
 * e.g. a civil service system), or an Origin naming the host it was sent to. "null" and garbage are not ours.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
