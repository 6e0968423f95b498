import { type Kysely, PostgresAdapter, sql } from "kysely";

// Endorsing at national scale (issue 15): each canonical value keeps how many citizens endorsed it and a
// random key set when it is founded, so the values offered for endorsement are read from an index on
// (context, count, key), least-endorsed first, never by counting a context's endorsements per request.
// A citizen's profile counts her judgments by an index on the judging citizen.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("canonical_values")
    .addColumn("endorsement_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("canonical_values")
    .addColumn("random_key", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE canonical_values SET endorsement_count = (SELECT count(*) FROM endorsements WHERE endorsements.canonical_id = canonical_values.id)`.execute(
    db,
  );
  const randomKey = db.getExecutor().adapter instanceof PostgresAdapter ? sql`floor(random() * 2147483647)::integer` : sql`abs(random() % 2147483647)`;
  await sql`UPDATE canonical_values SET random_key = ${randomKey}`.execute(db);
  await db.schema.createIndex("canonical_values_to_endorse").on("canonical_values").columns(["context_id", "endorsement_count", "random_key"]).execute();
  await db.schema.createIndex("judgments_citizen").on("judgments").column("citizen_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("judgments_citizen").execute();
  await db.schema.dropIndex("canonical_values_to_endorse").execute();
  await db.schema.alterTable("canonical_values").dropColumn("random_key").execute();
  await db.schema.alterTable("canonical_values").dropColumn("endorsement_count").execute();
}
