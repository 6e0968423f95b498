import type { Kysely } from "kysely";

// A citizen's account lists what happened to the matters she took part in, read from her own rows: the
// matters she was a constituent of (by citizen), the matters of her contexts, and only their lifecycle
// events (by matter and type), so it costs the same at 1.3 M citizens as at a thousand.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("constituency_members_citizen").on("constituency_members").columns(["citizen_id", "matter_id"]).execute();
  await db.schema.createIndex("matters_context").on("matters").column("context_id").execute();
  await db.schema.createIndex("ledger_events_matter_type").on("ledger_events").columns(["matter_id", "type", "seq"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["ledger_events_matter_type", "matters_context", "constituency_members_citizen"]) await db.schema.dropIndex(index).execute();
}
