import pino from "pino";

/**
 * The server's log: one JSON object a line on stdout (pino), at LOG_LEVEL (default info; trace, debug,
 * info, warn, error, fatal or silent). Errors go under `err`, with their stack. Children carry what a
 * line is about: `requestId` for an HTTP request, `socket` for a socket's events, `matterId` for the
 * deliberation runner.
 */
export const log = pino({
  level: process.env.LOG_LEVEL?.trim() || "info",
  // AGORA_INSTANCE names the process in its lines too, when it is set.
  base: { pid: process.pid, ...(process.env.AGORA_INSTANCE?.trim() ? { instance: process.env.AGORA_INSTANCE.trim() } : {}) },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type Logger = typeof log;

/** A short token a client may send as X-Request-Id (letters, digits, `._:-`, at most 64): else one is made. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdFrom(incoming: string | string[] | undefined, make: () => string): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SAFE_REQUEST_ID.test(value) ? value : make();
}
