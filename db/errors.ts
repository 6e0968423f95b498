/** A unique or primary-key constraint refused a row: on SQLite and on PostgreSQL alike. */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** SQLSTATEs of a database that went away or cannot take us now (classes 08, 57P and 53300). */
const UNAVAILABLE_CODES = /^(08...|57P0[1-4]|53300)$/;
/** What node and pg say about a connection that broke, was refused, or was never handed out. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|the database system is (starting up|shutting down|in recovery)|terminating connection/i;

/**
 * True when an error says the database cannot be reached or cannot serve us just now (a terminated
 * connection, PostgreSQL restarting, a pool with no free connection, SQLite busy past its timeout):
 * the request may succeed if asked again, so it is answered 503, never 500. Looks through causes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (
      typeof code === "string" &&
      (UNAVAILABLE_CODES.test(code) ||
        code === "SQLITE_BUSY" ||
        code === "SQLITE_WORKER_STOPPED" ||
        /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH)$/.test(code))
    )
      return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
}
