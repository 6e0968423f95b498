import type { Kysely } from "kysely";

// Convening freezes who a matter's representatives speak for and what they were given: the
// constituencies, their members, and each one's mandate with its hash. Never updated afterwards.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("constituencies")
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("scheme", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("weight", "double precision", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("constituencies_pk", ["matter_id", "id"])
    .execute();
  await db.schema
    .createTable("constituency_members")
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("constituency_id", "text", (c) => c.notNull())
    .addColumn("citizen_id", "text", (c) => c.notNull().references("citizens.id"))
    .addPrimaryKeyConstraint("constituency_members_pk", ["matter_id", "citizen_id"])
    .execute();
  await db.schema
    .createTable("mandates")
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("constituency_id", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("mandates_pk", ["matter_id", "constituency_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["mandates", "constituency_members", "constituencies"]) await db.schema.dropTable(table).execute();
}
