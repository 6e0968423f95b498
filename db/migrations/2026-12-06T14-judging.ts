import { type Kysely, PostgresAdapter, sql } from "kysely";

// Judgments that reach every value (issue 14): each pair keeps how many judgments it has, and a random
// key set when it is made, so the pairs to offer are read from an index on (context, count, key),
// least-judged first and from a random place among equals, never by scanning the context's pairs.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("value_pairs")
    .addColumn("judgment_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // The application sets the key on every insert; the default only lets existing rows exist until the backfill.
  await db.schema
    .alterTable("value_pairs")
    .addColumn("random_key", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await sql`UPDATE value_pairs SET judgment_count = (SELECT count(*) FROM judgments WHERE judgments.pair_id = value_pairs.id)`.execute(db);
  // Keys in [0, 2^31 - 1), as the application draws them.
  const randomKey = db.getExecutor().adapter instanceof PostgresAdapter ? sql`floor(random() * 2147483647)::integer` : sql`abs(random() % 2147483647)`;
  await sql`UPDATE value_pairs SET random_key = ${randomKey}`.execute(db);

  await db.schema.createIndex("value_pairs_to_judge").on("value_pairs").columns(["context_id", "judgment_count", "random_key"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("value_pairs_to_judge").execute();
  await db.schema.alterTable("value_pairs").dropColumn("random_key").execute();
  await db.schema.alterTable("value_pairs").dropColumn("judgment_count").execute();
}
