import type { Kysely } from "kysely";

/**
 * Convening reads the census a page at a time in id order, each citizen's id and district (issue 15).
 * Through the primary key's index each row was then looked up in the table, a random read per
 * citizen: a page of 20,000 took 100 ms and more of the event loop on SQLite. An index holding both
 * columns answers the page by itself, in order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("citizens_id_district").on("citizens").columns(["id", "district"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("citizens_id_district").execute();
}
