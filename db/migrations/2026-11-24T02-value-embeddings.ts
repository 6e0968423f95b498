import type { Kysely } from "kysely";

// With an embedding model configured, each canonical value keeps the vector it was founded with
// (JSON text), so near-duplicates can be found by meaning and not only by shared words.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("canonical_values").addColumn("embedding", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("canonical_values").dropColumn("embedding").execute();
}
