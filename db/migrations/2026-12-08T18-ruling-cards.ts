import type { Kysely } from "kysely";

/**
 * Bundles proportional to what they prove (issue 15): a version 2 bundle gives the cards behind each
 * mandate value as a count and a Merkle root; the registry keeps which cards those were (never
 * published), as they stood at publication, to give a signed-in citizen her own card's proof.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ruling_cards")
    .addColumn("ruling_id", "text", (c) => c.notNull().references("rulings.id"))
    .addColumn("card_id", "text", (c) => c.notNull())
    .addColumn("constituency_id", "text", (c) => c.notNull())
    .addColumn("value_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ruling_cards_pk", ["ruling_id", "card_id"])
    .execute();
  await db.schema.createIndex("ruling_cards_tree").on("ruling_cards").columns(["ruling_id", "constituency_id", "value_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ruling_cards").execute();
}
