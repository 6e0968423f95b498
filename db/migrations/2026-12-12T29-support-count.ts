import { type Kysely, sql } from "kysely";

/**
 * A value's support (distinct citizens holding an active card of it or endorsing it) is kept on the value,
 * changed in the transaction that changes it (issue 15, decision 29): the moral graph read it by counting
 * each changed value's holders and endorsers again, a read as long as the value's support, back to back
 * during an intake. Filled here from the cards and endorsements already written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("canonical_values")
    .addColumn("support_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE canonical_values SET support_count = (
    SELECT count(*) FROM (
      SELECT citizen_id FROM value_cards WHERE value_cards.canonical_id = canonical_values.id AND value_cards.status = 'active'
      UNION
      SELECT citizen_id FROM endorsements WHERE endorsements.canonical_id = canonical_values.id
    ) AS supporters
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("canonical_values").dropColumn("support_count").execute();
}
