import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from "kysely";
import * as foundation from "./migrations/2026-11-24T00-foundation.js";
import * as values from "./migrations/2026-11-24T01-values.js";
import * as valueEmbeddings from "./migrations/2026-11-24T02-value-embeddings.js";
import * as matters from "./migrations/2026-11-24T03-matters.js";
import * as convening from "./migrations/2026-11-24T04-convening.js";
import * as deliberation from "./migrations/2026-11-25T05-deliberation.js";
import * as ballots from "./migrations/2026-11-25T06-ballots.js";
import * as registry from "./migrations/2026-11-25T07-registry.js";
import * as harmReports from "./migrations/2026-11-25T08-harm-reports.js";
import * as logNodes from "./migrations/2026-11-25T09-log-nodes.js";
import * as citizenProgress from "./migrations/2026-11-25T10-citizen-progress.js";
import * as clerkActs from "./migrations/2026-11-26T11-clerk-acts.js";
import * as valueCardsContext from "./migrations/2026-11-26T12-value-cards-context.js";
import * as clauses from "./migrations/2026-12-06T13-clauses.js";
import * as judging from "./migrations/2026-12-06T14-judging.js";
import * as endorsing from "./migrations/2026-12-06T15-endorsing.js";
import * as graphIncrements from "./migrations/2026-12-07T16-graph-increments.js";
import * as registryBatches from "./migrations/2026-12-07T17-registry-batches.js";
import * as rulingCards from "./migrations/2026-12-08T18-ruling-cards.js";
import * as publishingBatches from "./migrations/2026-12-09T20-publishing-batches.js";
import * as pairTallies from "./migrations/2026-12-09T21-pair-tallies.js";
import * as rateLimits from "./migrations/2026-12-09T22-rate-limits.js";
import * as citizenCardIndexes from "./migrations/2026-12-09T23-citizen-card-indexes.js";
import * as contextRussianTitles from "./migrations/2026-12-10T24-context-russian-titles.js";
import * as censusPageIndex from "./migrations/2026-12-10T25-census-page-index.js";
import * as oidcSessions from "./migrations/2026-12-10T26-oidc-sessions.js";
import * as supportIndexes from "./migrations/2026-12-10T27-support-indexes.js";
import * as contextDescriptions from "./migrations/2026-12-11T28-context-descriptions.js";
import * as supportCount from "./migrations/2026-12-12T29-support-count.js";
import * as offerLevels from "./migrations/2026-12-13T30-offer-levels.js";

// Listed explicitly (not read from the folder) so the bundle and every runner see the same set.
const migrations: Record<string, Migration> = {
  "2026-11-24T00-foundation": foundation,
  "2026-11-24T01-values": values,
  "2026-11-24T02-value-embeddings": valueEmbeddings,
  "2026-11-24T03-matters": matters,
  "2026-11-24T04-convening": convening,
  "2026-11-25T05-deliberation": deliberation,
  "2026-11-25T06-ballots": ballots,
  "2026-11-25T07-registry": registry,
  "2026-11-25T08-harm-reports": harmReports,
  "2026-11-25T09-log-nodes": logNodes,
  "2026-11-25T10-citizen-progress": citizenProgress,
  "2026-11-26T11-clerk-acts": clerkActs,
  "2026-11-26T12-value-cards-context": valueCardsContext,
  "2026-12-06T13-clauses": clauses,
  "2026-12-06T14-judging": judging,
  "2026-12-06T15-endorsing": endorsing,
  "2026-12-07T16-graph-increments": graphIncrements,
  "2026-12-07T17-registry-batches": registryBatches,
  "2026-12-08T18-ruling-cards": rulingCards,
  "2026-12-09T20-publishing-batches": publishingBatches,
  "2026-12-09T21-pair-tallies": pairTallies,
  "2026-12-09T22-rate-limits": rateLimits,
  "2026-12-09T23-citizen-card-indexes": citizenCardIndexes,
  "2026-12-10T24-context-russian-titles": contextRussianTitles,
  "2026-12-10T25-census-page-index": censusPageIndex,
  "2026-12-10T26-oidc-sessions": oidcSessions,
  "2026-12-10T27-support-indexes": supportIndexes,
  "2026-12-11T28-context-descriptions": contextDescriptions,
  "2026-12-12T29-support-count": supportCount,
  "2026-12-13T30-offer-levels": offerLevels,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * The migrator, its own tables in the connection's schema. Without naming it, Kysely looks for its
 * tables in every schema of the database: a test file whose schema is new found another file's and
 * skipped creating its own ("kysely_migration_lock does not exist"), and a deployment sharing a
 * database with another schema would do the same.
 */
async function migratorFor(db: Kysely<any>): Promise<Migrator> {
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : null;
  // Unordered: migrations written side by side land in any order, and one that sorts before another
  // already run here is run all the same (each stands alone; none assumes a later one).
  return new Migrator({ db, provider, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/**
 * Kysely finds its tables by listing every table of the database; a schema dropped meanwhile (another
 * test file's, another tenant's) fails that listing with "schema … does not exist" (3F000) though
 * nothing is wrong with ours: asked again, it passes.
 */
async function withSchemaRace<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "3F000" || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return withSchemaRace(async () => {
    const { error, results } = await (await migratorFor(db)).migrateToLatest();
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  }).catch((error: unknown) => {
    throw error instanceof Error ? error : new Error(String(error));
  });
}

/** Up (or down) to the named migration: for tests of a migration's backfill over rows of the schema before it. */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await (await migratorFor(db)).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
