import type { Kysely } from "kysely";

// The moral graph reads only what changed (issue 15): the graph registry reads each context's new
// canonical values, judgments and value events since its last read, by creation time, so each of
// those reads walks an index from that time on instead of the whole context.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("canonical_values_context_created").on("canonical_values").columns(["context_id", "created_at"]).execute();
  await db.schema.createIndex("judgments_created").on("judgments").column("created_at").execute();
  await db.schema.createIndex("value_events_created").on("value_events").column("created_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("value_events_created").execute();
  await db.schema.dropIndex("judgments_created").execute();
  await db.schema.dropIndex("canonical_values_context_created").execute();
}
