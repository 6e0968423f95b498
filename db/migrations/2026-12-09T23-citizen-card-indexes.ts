import type { Kysely } from "kysely";

/**
 * A citizen's own cards by index (issue 15: a per-citizen step costs the same at any participation).
 * Her cards in a context (pairs to judge, convening's pages) and her card of a value (what she may
 * endorse, whether she holds it already) were read through indexes on the context or the value, which
 * SQLite preferred for their extra column: each such read walked every card of the context or every
 * holder of the value. Both now start at the citizen (a few cards); the index on citizen_id alone is
 * the first one's prefix and goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("value_cards_citizen_context").on("value_cards").columns(["citizen_id", "context_id", "status"]).execute();
  await db.schema.createIndex("value_cards_citizen_value").on("value_cards").columns(["citizen_id", "canonical_id", "status"]).execute();
  await db.schema.dropIndex("value_cards_citizen").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("value_cards_citizen").on("value_cards").column("citizen_id").execute();
  await db.schema.dropIndex("value_cards_citizen_value").execute();
  await db.schema.dropIndex("value_cards_citizen_context").execute();
}
