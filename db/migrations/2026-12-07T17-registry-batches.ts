import type { Kysely } from "kysely";

/**
 * Census imports and convening in short batches (issue 15): an import's progress and checkpoint, the
 * staging rows a census is checked into before any citizen changes, and the run that owns a convening
 * while its members are written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ["rows_read", "rows_written", "inserted", "updated", "problem_count"]) {
    await db.schema
      .alterTable("registry_imports")
      .addColumn(column, "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await db.schema.alterTable("registry_imports").addColumn("updated_at", "text").execute();

  await db.schema
    .createTable("registry_staging")
    .addColumn("import_id", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("citizen_id", "text", (c) => c.notNull())
    .addColumn("personal_code", "text", (c) => c.notNull())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("district", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addPrimaryKeyConstraint("registry_staging_pk", ["import_id", "seq"])
    .execute();

  await db.schema
    .createTable("convening_runs")
    .addColumn("matter_id", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("convening_runs").execute();
  await db.schema.dropTable("registry_staging").execute();
  for (const column of ["rows_read", "rows_written", "inserted", "updated", "problem_count", "updated_at"]) {
    await db.schema.alterTable("registry_imports").dropColumn(column).execute();
  }
}
