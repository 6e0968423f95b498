import type { Kysely } from "kysely";

// Harm reports against published rulings: one per person per ruling (so a threshold counts people, not
// clicks), and the moment a ruling went back on the clerk's desk for review.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("harm_reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ruling_id", "text", (c) => c.notNull().references("rulings.id"))
    .addColumn("reporter_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("what", "text", (c) => c.notNull())
    .addColumn("value_ids", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("harm_reports_one_per_person", ["ruling_id", "reporter_id"])
    .execute();
  await db.schema.alterTable("rulings").addColumn("review_requested_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("rulings").dropColumn("review_requested_at").execute();
  await db.schema.dropTable("harm_reports").execute();
}
