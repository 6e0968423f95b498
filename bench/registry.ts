/**
 * `npm run bench -- registry [--citizens N] [--pg postgres://…/db]`: a census of N citizens (default
 * 1.3 M) imported from a CSV file through the application's import, then a matter convened by
 * districts (every citizen a member), while a client asks /healthz every 20 ms. Prints the time of
 * each stage, the longest transaction and the longest /healthz wait. `--pg` names a database that
 * is emptied first (never point it at one you keep).
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { demoCitizen } from "../db/factories.js";
import { createAgoraServer } from "../server/app.server.js";
import { loadConfig } from "../server/env.server.js";
import { DEMO_MATTER } from "../server/seed-demo.server.js";
import { convene } from "../server/services/convening.server.js";
import { openMatter } from "../server/services/matters.server.js";
import { importRegistry, transactionTimes } from "../server/services/registry.server.js";
import { round, summary, table } from "./support.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const citizens = Number(arg("--citizens") ?? 1_300_000);
const pg = arg("--pg");
const COUNTIES = 15;

async function writeCensus(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write("personal_code,full_name,district,email\n");
  for (let i = 1; i <= citizens; i++) {
    const c = demoCitizen(i);
    if (!out.write(`${c.personalCode},${c.fullName},County ${(i % COUNTIES) + 1},citizen${i}@example.ee\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** Asks /healthz every 20 ms; `stage()` returns the longest wait since the last call. */
function healthProbe(url: string) {
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      // A kept-alive socket the server closed as it was reused is retried: only the wait counts.
      await fetch(url)
        .then((r) => r.arrayBuffer())
        .catch(() => fetch(url).then((r) => r.arrayBuffer()));
      longest = Math.max(longest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stage: () => {
      const value = longest;
      longest = 0;
      return value;
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-registry-"));
  const file = join(dataDir, "census.csv");
  process.stdout.write(`Writing a census of ${citizens.toLocaleString("en")} citizens…\n`);
  await writeCensus(file);

  const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production", ...(pg ? { DATABASE_URL: pg } : {}) });
  if (pg) {
    const { default: pgLib } = await import("pg");
    const client = new pgLib.Client({ connectionString: pg });
    await client.connect();
    await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    await client.end();
  }
  const server = await createAgoraServer(config, { remix: "none", runDeliberations: false });
  const port = await server.listen(0);
  const probe = healthProbe(`http://127.0.0.1:${port}/healthz`);
  const deps = server.deps;
  const rows: Record<string, string | number>[] = [];
  const stage = async (name: string, work: () => Promise<unknown>) => {
    transactionTimes.longestMs = 0;
    transactionTimes.count = 0;
    probe.stage();
    const started = performance.now();
    await work();
    rows.push({
      stage: name,
      seconds: round((performance.now() - started) / 1000, 1),
      transactions: transactionTimes.count,
      longest_tx_ms: round(transactionTimes.longestMs, 1),
      healthz_max_ms: round(probe.stage(), 1),
    });
    process.stdout.write(`  ${name} done\n`);
  };

  await stage("import", async () => {
    const report = await importRegistry(deps, "bench", "census.csv", createReadStream(file));
    if (report.status !== "applied") throw new Error(`import ${report.status}: ${JSON.stringify(report.problems.slice(0, 3))}`);
  });
  const clerk = { id: "bench-clerk", email: "clerk@bench", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk" as const] };
  await deps.db
    .insertInto("contexts")
    .values({ id: "bench", title: "Bench", titleEt: null, description: "Bench", createdAt: new Date().toISOString() })
    .execute();
  const matter = await openMatter(deps, clerk, { ...DEMO_MATTER, contextId: "bench", startIntake: true });
  await stage("convene (districts)", () => convene(deps, clerk, matter.id, "districts", { confirmEarly: true }));
  const members = Number((await sql<{ n: number }>`select count(*) as n from constituency_members`.execute(deps.db)).rows[0]!.n);

  await probe.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  table(rows);
  const [imported, convened] = [rows[0]!, rows[1]!];
  summary("registry", {
    db: pg ? "postgres" : "sqlite",
    citizens,
    members,
    import_s: imported.seconds!,
    import_rows_per_s: Math.round(citizens / Number(imported.seconds)),
    import_longest_tx_ms: imported.longest_tx_ms!,
    import_healthz_max_ms: imported.healthz_max_ms!,
    convene_s: convened.seconds!,
    convene_longest_tx_ms: convened.longest_tx_ms!,
    convene_healthz_max_ms: convened.healthz_max_ms!,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
