import type { Kysely } from "kysely";

// What the clerk's acts on a ruling leave behind where people read: the repeal's public reason and time,
// when the clerk last took a ruling off her desk (harm reports count again from then), and which ruling a
// matter amends (renewal with an amendment is a new matter that starts from the ruling's text).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("rulings").addColumn("repeal_reason", "text").execute();
  await db.schema.alterTable("rulings").addColumn("repealed_at", "text").execute();
  await db.schema.alterTable("rulings").addColumn("reviewed_at", "text").execute();
  await db.schema
    .alterTable("matters")
    .addColumn("amends_ruling_id", "text", (c) => c.references("rulings.id"))
    .execute();
  await db.schema.createIndex("matters_amends_ruling").on("matters").column("amends_ruling_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("matters_amends_ruling").execute();
  await db.schema.alterTable("matters").dropColumn("amends_ruling_id").execute();
  await db.schema.alterTable("rulings").dropColumn("reviewed_at").execute();
  await db.schema.alterTable("rulings").dropColumn("repealed_at").execute();
  await db.schema.alterTable("rulings").dropColumn("repeal_reason").execute();
}
