import type { Kysely } from "kysely";

// Matters: the proposed rules a clerk opens. The row is a projection of the matter's ledger stream
// (status, deadlines); the ledger's events are the record of who moved it and when.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("matters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("rule_text", "text", (c) => c.notNull())
    .addColumn("context_id", "text", (c) => c.notNull().references("contexts.id"))
    .addColumn("rationale", "text", (c) => c.notNull())
    .addColumn("emergency", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("intake_hours", "integer", (c) => c.notNull())
    .addColumn("intake_closes_at", "text")
    .addColumn("rounds", "integer", (c) => c.notNull())
    .addColumn("candidates", "integer", (c) => c.notNull())
    .addColumn("approval_threshold", "double precision", (c) => c.notNull())
    .addColumn("sunset_days", "integer")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("matters_status").on("matters").column("status").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("matters").execute();
}
