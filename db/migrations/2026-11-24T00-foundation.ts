import { type Kysely, PostgresAdapter, sql } from "kysely";

// Migrations use Kysely<any> and snake_case names: they must keep working whatever the app becomes.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable("registry_imports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("total_rows", "integer", (c) => c.notNull())
    .addColumn("imported_rows", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("report", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("citizens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("personal_code", "text", (c) => c.notNull().unique())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("district", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("import_id", "text", (c) => c.references("registry_imports.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("citizens_district").on("citizens").column("district").execute();
  await db.schema.createIndex("citizens_email").on("citizens").column("email").execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("citizen_id", "text", (c) => c.unique().references("citizens.id"))
    .addColumn("locale", "text", (c) => c.notNull().defaultTo("en"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("user_roles")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("granted_by", "text")
    .addColumn("granted_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_roles_pk", ["user_id", "role"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("ledger_events")
    .addColumn("matter_id", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_events_pk", ["matter_id", "seq"])
    .execute();

  // The ledger is append-only, and the database itself refuses anything else.
  if (postgres) {
    await sql`CREATE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'ledger_events is append-only'; END $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
      FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only()`.execute(db);
  } else {
    await sql`CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
      BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
      BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END`.execute(db);
  }

  await db.schema
    .createTable("llm_calls")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("matter_id", "text")
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("engine", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt", "text", (c) => c.notNull())
    .addColumn("response", "text")
    .addColumn("tokens_in", "integer", (c) => c.notNull())
    .addColumn("tokens_out", "integer", (c) => c.notNull())
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("llm_calls_matter").on("llm_calls").column("matter_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["llm_calls", "ledger_events", "sessions", "user_roles", "users", "citizens", "registry_imports"]) {
    await db.schema.dropTable(table).execute();
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP FUNCTION IF EXISTS ledger_events_append_only()`.execute(db);
  }
}
