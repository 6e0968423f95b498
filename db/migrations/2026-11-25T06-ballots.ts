import type { Kysely } from "kysely";

// One vote per delegate per ballot, enforced by the primary key: however many requests arrive at
// once, the database keeps one. The vote is also a ledger event; `seq` and `hash` are its receipt.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ballot_votes")
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("ballot", "integer", (c) => c.notNull())
    .addColumn("delegate_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ballot_votes_pk", ["matter_id", "ballot", "delegate_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ballot_votes").execute();
}
