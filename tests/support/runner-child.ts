/**
 * A deliberation runner in a process of its own, for the crash test: it opens the database, runs every
 * deliberation it finds (taking over leases that have expired), prints each ledger event it appends as
 * `event <seq> <type> <key>`, and prints `done` and exits when nothing is left to run. The test kills it
 * with SIGKILL at random points and starts it again.
 *
 * Env: AGORA_DB_FILE (SQLite), OPENAI_BASE_URL / OPENAI_API_KEY / AGORA_MODEL (the scripted server),
 * AGORA_LEASE_MS.
 */
import { randomUUID } from "node:crypto";
import { openDatabase } from "../../db/connection.js";
import { createEngine } from "../../deliberation/llm/index.js";
import { loadConfig } from "../../server/env.server.js";
import { createDeliberationRunner, deliberationState } from "../../server/services/deliberation.server.js";
import { type AppDeps, systemClock } from "../../server/services/deps.server.js";
import { dbCallRecorder } from "../../server/llm-recorder.server.js";

const file = process.env.AGORA_DB_FILE!;
const config = loadConfig({ ...process.env, NODE_ENV: "test" });
const database = openDatabase({ kind: "sqlite", file });
const ids = () => randomUUID();
// The services this process needs: no HTTP server, no moral graphs; the deliberation runner, the engine, the database.
const partial: Omit<AppDeps, "llm" | "graphs" | "deliberations"> = {
  db: database.db,
  dialect: database.dialect,
  config: { ...config, database: { kind: "sqlite", file } },
  clock: systemClock,
  ids,
  events: {
    ledgerAppended: (event) => process.stdout.write(`event ${event.seq} ${event.type} ${(event.payload as { key?: string }).key ?? "-"}\n`),
  },
};
const deps = partial as AppDeps;
deps.llm = createEngine({ ...config.llm, recorder: dbCallRecorder(() => deps), clock: systemClock, ids });
deps.deliberations = createDeliberationRunner(() => deps, { leaseMs: config.deliberation.leaseMs, concurrency: config.llm.concurrency, sweepMs: 0 });

// Run until no deliberation is left that is neither drafted nor halted.
for (;;) {
  await deps.deliberations.sweep();
  const rows = await deps.db.selectFrom("matters").select("id").where("status", "=", "deliberating").execute();
  await Promise.all(rows.map((r) => deps.deliberations.settled(r.id)));
  const open = await Promise.all(rows.map(async (r) => !["drafted", "halted"].includes((await deliberationState(deps, r.id))?.stage ?? "halted")));
  if (!open.some(Boolean)) break;
  await new Promise((resolve) => setTimeout(resolve, Math.max(50, config.deliberation.leaseMs / 3)));
}
process.stdout.write("done\n");
await deps.deliberations.close();
await database.close();
