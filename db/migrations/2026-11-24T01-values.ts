import type { Kysely } from "kysely";

// Citizens' values: contexts, value cards and their history, canonical values, endorsements,
// wiser-than pairs and judgments, and the moral graph's last computed scores.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contexts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("title_et", "text")
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("canonical_values")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("context_id", "text", (c) => c.notNull().references("contexts.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("policies", "text", (c) => c.notNull())
    .addColumn("source_card_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("canonical_values_context").on("canonical_values").column("context_id").execute();

  await db.schema
    .createTable("value_cards")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("citizen_id", "text", (c) => c.notNull().references("citizens.id"))
    .addColumn("context_id", "text", (c) => c.notNull().references("contexts.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("policies", "text", (c) => c.notNull())
    .addColumn("verdict", "text", (c) => c.notNull())
    .addColumn("verdict_reason", "text", (c) => c.notNull())
    .addColumn("verdict_signals", "text", (c) => c.notNull())
    .addColumn("llm_call_id", "text")
    .addColumn("canonical_id", "text", (c) => c.references("canonical_values.id"))
    .addColumn("similarity", "double precision")
    .addColumn("revision_of", "text", (c) => c.references("value_cards.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("value_cards_citizen").on("value_cards").column("citizen_id").execute();
  await db.schema.createIndex("value_cards_canonical").on("value_cards").column("canonical_id").execute();

  await db.schema
    .createTable("value_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("card_id", "text")
    .addColumn("canonical_id", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("value_events_card").on("value_events").column("card_id").execute();

  await db.schema
    .createTable("endorsements")
    .addColumn("citizen_id", "text", (c) => c.notNull().references("citizens.id"))
    .addColumn("canonical_id", "text", (c) => c.notNull().references("canonical_values.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("endorsements_pk", ["citizen_id", "canonical_id"])
    .execute();
  await db.schema.createIndex("endorsements_canonical").on("endorsements").column("canonical_id").execute();

  await db.schema
    .createTable("value_pairs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("context_id", "text", (c) => c.notNull().references("contexts.id"))
    .addColumn("from_id", "text", (c) => c.notNull().references("canonical_values.id"))
    .addColumn("to_id", "text", (c) => c.notNull().references("canonical_values.id"))
    .addColumn("story", "text", (c) => c.notNull())
    .addColumn("llm_call_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("value_pairs_edge", ["from_id", "to_id"])
    .execute();

  await db.schema
    .createTable("judgments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("pair_id", "text", (c) => c.notNull().references("value_pairs.id"))
    .addColumn("citizen_id", "text", (c) => c.notNull().references("citizens.id"))
    .addColumn("answer", "text", (c) => c.notNull())
    .addColumn("why", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("judgments_once", ["pair_id", "citizen_id"])
    .execute();

  await db.schema
    .createTable("graph_scores")
    .addColumn("context_id", "text", (c) => c.notNull())
    .addColumn("canonical_id", "text", (c) => c.notNull())
    .addColumn("score", "double precision", (c) => c.notNull())
    .addColumn("rank", "integer", (c) => c.notNull())
    .addColumn("support", "integer", (c) => c.notNull())
    .addColumn("dissent", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("graph_scores_pk", ["context_id", "canonical_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["graph_scores", "judgments", "value_pairs", "endorsements", "value_events", "value_cards", "canonical_values", "contexts"]) {
    await db.schema.dropTable(table).execute();
  }
}
