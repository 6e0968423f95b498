import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Publication in batches (issue 15): the cards behind a ruling's mandates (130,000 at national
 * participation) are written a batch at a time before the ruling's own short transaction, under a
 * run that owns the matter's publication; so `ruling_cards` no longer refers to `rulings` (its rows
 * exist, unread, a moment before their ruling does; every reader joins through the ruling), and a
 * run that dies is undone by the sweep.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`ALTER TABLE ruling_cards DROP CONSTRAINT IF EXISTS ruling_cards_ruling_id_fkey`.execute(db);
  } else {
    // SQLite cannot drop a constraint: the table is made again without it.
    await db.schema
      .createTable("ruling_cards_next")
      .addColumn("ruling_id", "text", (c) => c.notNull())
      .addColumn("card_id", "text", (c) => c.notNull())
      .addColumn("constituency_id", "text", (c) => c.notNull())
      .addColumn("value_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("ruling_cards_next_pk", ["ruling_id", "card_id"])
      .execute();
    await sql`INSERT INTO ruling_cards_next (ruling_id, card_id, constituency_id, value_id) SELECT ruling_id, card_id, constituency_id, value_id FROM ruling_cards`.execute(
      db,
    );
    await db.schema.dropTable("ruling_cards").execute();
    await sql`ALTER TABLE ruling_cards_next RENAME TO ruling_cards`.execute(db);
    await db.schema.createIndex("ruling_cards_tree").on("ruling_cards").columns(["ruling_id", "constituency_id", "value_id"]).execute();
  }
  await db.schema
    .createTable("publishing_runs")
    .addColumn("matter_id", "text", (c) => c.primaryKey())
    .addColumn("ruling_id", "text", (c) => c.notNull())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("publishing_runs").execute();
}
