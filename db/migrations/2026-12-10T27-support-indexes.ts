import type { Kysely } from "kysely";

/**
 * A value's support (distinct citizens holding an active card of it or endorsing it) is counted by the
 * moral graph one value at a time (issue 15). Through the indexes on the value alone, each holder's
 * row was looked up in the table; these hold the status and the citizen too, so a count reads the
 * index alone, in citizen order (no sort for the union). The old ones are their prefixes and go.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("value_cards_value_holders").on("value_cards").columns(["canonical_id", "status", "citizen_id"]).execute();
  await db.schema.dropIndex("value_cards_canonical").execute();
  await db.schema.createIndex("endorsements_value_citizen").on("endorsements").columns(["canonical_id", "citizen_id"]).execute();
  await db.schema.dropIndex("endorsements_canonical").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("endorsements_canonical").on("endorsements").column("canonical_id").execute();
  await db.schema.dropIndex("endorsements_value_citizen").execute();
  await db.schema.createIndex("value_cards_canonical").on("value_cards").column("canonical_id").execute();
  await db.schema.dropIndex("value_cards_value_holders").execute();
}
