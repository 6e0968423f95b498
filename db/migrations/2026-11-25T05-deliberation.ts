import type { Kysely } from "kysely";

// A lease per running deliberation: exactly one server process runs a matter's protocol at a time, and
// another takes over when the holder stops renewing (it died). The protocol's own state is the ledger.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("deliberation_leases")
    .addColumn("matter_id", "text", (c) => c.primaryKey().references("matters.id"))
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("deliberation_leases").execute();
}
