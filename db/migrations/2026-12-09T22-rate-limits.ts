import type { Kysely } from "kysely";

/**
 * Rate-limit counters shared by every process on PostgreSQL (decision 17): the table
 * rate-limiter-flexible's Postgres store reads and writes (its own layout: key, points, expire in ms
 * since the epoch), one for every limiter, keys prefixed by the limiter's name. Made here, not by the
 * store at start, so processes starting together do not race to create it. SQLite has it too, empty:
 * one process keeps its counters in memory.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expire", "bigint")
    .execute();
  await db.schema.createIndex("rate_limits_expire").on("rate_limits").column("expire").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limits").execute();
}
