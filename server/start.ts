import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { DEMO_PASSWORD, isEmpty, seedDemoPolity } from "../db/seed.js";
import { type AgoraServer, createAgoraServer, installProcessGuards } from "./app.server.js";
import { hashPassword } from "./auth/password.server.js";
import { buildIfNeeded } from "./build-if-needed.server.js";
import { seedDemoMatters, seedDemoValues } from "./seed-demo.server.js";
import { loadConfig } from "./env.server.js";
import { log } from "./log.server.js";

/** `npm start`: build if needed, migrate, seed an empty database, serve. `--dev` serves through Vite. */
async function main() {
  installProcessGuards();
  const started = performance.now();
  const dev = process.argv.includes("--dev");
  const root = process.cwd();
  const config = loadConfig();
  if (!dev) buildIfNeeded(root);

  const server = await createAgoraServer(config, { remix: dev ? "dev" : "build", root });
  await seedOnce(server, async () => {
    const { db } = server.deps;
    if (!(await isEmpty(db))) return;
    process.stdout.write("Seeding the demo polity…\n");
    const { citizens, accounts } = await seedDemoPolity(db, {
      hashPassword: (p) => hashPassword(p, config.scryptLogN),
      now: () => new Date().toISOString(),
      ids: server.deps.ids,
      onProgress: (done, total) => {
        if (process.stdout.isTTY) process.stdout.write(`\r  accounts ${"#".repeat(Math.round((done / total) * 20)).padEnd(20, ".")} ${done}/${total}`);
      },
    });
    process.stdout.write(`\n  ${citizens} citizens in the registry, ${accounts.length} accounts.\n`);
    const values = await seedDemoValues(server.deps);
    process.stdout.write(`  ${values.cards} value cards, ${values.pairs} wiser-than pairs, judgments and endorsements.\n`);
    await seedDemoMatters(server.deps);
    process.stdout.write("  3 matters: one published (with a ruling whose bundle verifies), one convened and ready to deliberate, one open for values.\n");
  });

  const port = await server.listen(config.port);
  const url = `http://localhost:${port}`;
  console.log(
    [
      "",
      `Agora is serving ${url}  (database: ${server.deps.dialect}, engine: ${server.deps.llm.engine})`,
      server.realtime.clustered
        ? `  process ${config.instance}, one of ${config.processes} on this database: rooms fan out through PostgreSQL (docs/operations.md)`
        : "  one process (SQLite): AGORA_PROCESSES above 1 needs DATABASE_URL=postgres://…",
      "",
      `Demo accounts (password "${DEMO_PASSWORD}"):`,
      "  admin@demo.agora                            admin",
      "  clerk@demo.agora                            clerk",
      "  delegate1@demo.agora … delegate5@demo.agora delegates",
      "  citizen1@demo.agora … citizen12@demo.agora  citizens (citizen13 … citizen72 are in the registry: sign up as them)",
      "",
      `Ready in ${Math.round(performance.now() - started)} ms.`,
    ].join("\n"),
  );

  log.info({ port, dialect: server.deps.dialect, engine: server.deps.llm.engine, instance: config.instance }, "serving");

  const stop = async (signal: string) => {
    log.info({ signal }, "closing");
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

/** Advisory-lock key of the first start's seeding ("SEED"). */
const SEED_LOCK = 0x53454544;

/**
 * Seeds an empty database once, however many processes start on it together: on PostgreSQL they take
 * turns under a session advisory lock, and the ones after the first find it seeded. (Migrations take
 * Kysely's own lock.) SQLite has one process.
 */
async function seedOnce(server: AgoraServer, seed: () => Promise<void>) {
  if (server.deps.dialect !== "postgres") return seed();
  await server.deps.db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${sql.lit(SEED_LOCK)})`.execute(connection);
    try {
      await seed();
    } finally {
      await sql`SELECT pg_advisory_unlock(${sql.lit(SEED_LOCK)})`.execute(connection);
    }
  });
}

main().catch((error) => {
  // Said in words for the person who started it (a refused configuration), and logged for the machine.
  console.error(error instanceof Error ? error.message : error);
  log.fatal({ err: error }, "could not start");
  process.exit(1);
});
