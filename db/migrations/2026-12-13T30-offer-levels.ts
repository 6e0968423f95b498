import { type Kysely, sql } from "kysely";

/**
 * The order in which pairs are offered for judging and values for endorsing follows an offer level: the
 * count, up to 32, then 32 for good (issue 15, decision 30). The indexes the offers walk were on the
 * counts themselves, so every judgment and endorsement rewrote an index entry; on PostgreSQL each left
 * the old entry behind until a vacuum, and the walk from the lowest level read all of them (about
 * 1,700 pages of `value_pairs_to_judge` for 360 pairs after 260,000 judgments). An offer level that
 * stops moving leaves the index alone: the dead entries are at most 32 per row, and the row's later
 * updates change no indexed column (PostgreSQL's HOT updates). 32 is written here, not imported, so
 * the migration stays what it was when it ran (`OFFER_LEVEL_CAP` in server/services/values.server.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("value_pairs")
    .addColumn("offer_level", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("canonical_values")
    .addColumn("offer_level", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE value_pairs SET offer_level = CASE WHEN judgment_count < 32 THEN judgment_count ELSE 32 END`.execute(db);
  await sql`UPDATE canonical_values SET offer_level = CASE WHEN endorsement_count < 32 THEN endorsement_count ELSE 32 END`.execute(db);
  await db.schema.dropIndex("value_pairs_to_judge").execute();
  await db.schema.createIndex("value_pairs_to_judge").on("value_pairs").columns(["context_id", "offer_level", "random_key"]).execute();
  await db.schema.dropIndex("canonical_values_to_endorse").execute();
  await db.schema.createIndex("canonical_values_to_endorse").on("canonical_values").columns(["context_id", "offer_level", "random_key"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("canonical_values_to_endorse").execute();
  await db.schema.createIndex("canonical_values_to_endorse").on("canonical_values").columns(["context_id", "endorsement_count", "random_key"]).execute();
  await db.schema.dropIndex("value_pairs_to_judge").execute();
  await db.schema.createIndex("value_pairs_to_judge").on("value_pairs").columns(["context_id", "judgment_count", "random_key"]).execute();
  await db.schema.alterTable("canonical_values").dropColumn("offer_level").execute();
  await db.schema.alterTable("value_pairs").dropColumn("offer_level").execute();
}
