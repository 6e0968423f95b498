import type { Kysely } from "kysely";
import type { DialectName } from "../../db/connection.js";
import type { Database } from "../../db/schema.js";
import type { Clock, IdGenerator, LlmPort } from "../../deliberation/llm/port.js";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import type { ServerConfig } from "../env.server.js";
import type { DeliberationRunner } from "./deliberation.server.js";
import type { GraphRegistry } from "./graph.server.js";

/** What every service needs, built once per process (and once per test). */
export interface AppDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  config: ServerConfig;
  clock: Clock;
  ids: IdGenerator;
  llm: LlmPort;
  /** Pushes appended ledger events to live clients; a no-op until the realtime layer is attached. */
  events: LedgerBroadcaster;
  /** Keeps the moral graphs' scores current as values and judgments arrive. */
  graphs: GraphRegistry;
  /** Runs deliberations (one process per matter, by lease) and resumes them after a restart. */
  deliberations: DeliberationRunner;
}

export interface LedgerBroadcaster {
  ledgerAppended(event: LedgerEvent): void;
}

export const systemClock: Clock = { now: () => new Date() };

export function nowIso(deps: Pick<AppDeps, "clock">): string {
  return deps.clock.now().toISOString();
}
