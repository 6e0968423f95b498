import type { Kysely } from "kysely";

// The public registry of published rulings and its transparency log: one leaf per provenance bundle,
// appended only; checkpoints signed by the registry's key, each consistent with the one before.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rulings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("matter_id", "text", (c) => c.notNull().unique().references("matters.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("eli", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("context_id", "text", (c) => c.notNull())
    .addColumn("emergency", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("published_at", "text", (c) => c.notNull())
    .addColumn("sunset_at", "text")
    .addColumn("leaf_index", "integer", (c) => c.notNull().unique())
    .addColumn("bundle", "text", (c) => c.notNull())
    .addUniqueConstraint("rulings_year_number", ["year", "number"])
    .execute();
  await db.schema
    .createTable("log_leaves")
    .addColumn("idx", "integer", (c) => c.primaryKey())
    .addColumn("leaf_hash", "text", (c) => c.notNull())
    .addColumn("ruling_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("log_checkpoints")
    .addColumn("size", "integer", (c) => c.primaryKey())
    .addColumn("root", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["log_checkpoints", "log_leaves", "rulings"]) await db.schema.dropTable(table).execute();
}
