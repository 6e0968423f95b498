import { type Kysely, sql } from "kysely";

/**
 * The moral-graph page does not grow with the polity (issue 15): each pair keeps its wiser and
 * not-wiser tallies beside its judgment count (unsure = judgment_count − both), kept in the
 * judgment's transaction, so the edges among the values shown are read from the pairs by their key
 * instead of aggregating the context's judgments; the best-ranked values are read from an index on
 * (context, rank, value) up to the page's limit, and values not ranked yet from one on (context, id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("value_pairs")
    .addColumn("wiser_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("value_pairs")
    .addColumn("not_wiser_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE value_pairs SET
    wiser_count = (SELECT count(*) FROM judgments WHERE judgments.pair_id = value_pairs.id AND judgments.answer = 'wiser'),
    not_wiser_count = (SELECT count(*) FROM judgments WHERE judgments.pair_id = value_pairs.id AND judgments.answer = 'not_wiser')`.execute(db);
  await db.schema.createIndex("canonical_values_context_id").on("canonical_values").columns(["context_id", "id"]).execute();
  await db.schema.createIndex("graph_scores_ranking").on("graph_scores").columns(["context_id", "rank", "canonical_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("graph_scores_ranking").execute();
  await db.schema.dropIndex("canonical_values_context_id").execute();
  await db.schema.alterTable("value_pairs").dropColumn("not_wiser_count").execute();
  await db.schema.alterTable("value_pairs").dropColumn("wiser_count").execute();
}
