import type { Kysely } from "kysely";

// The clerk's convening warning counts a context's active cards: read from an index, not by scanning
// every card of the polity.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("value_cards_context_status").on("value_cards").columns(["context_id", "status"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("value_cards_context_status").execute();
}
