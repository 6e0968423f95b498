import { type Kysely, sql } from "kysely";
import { textLanguage } from "../../deliberation/values/dedupe.js";

// The rule as clauses (DESIGN.md): a matter's proposed rule is a numbered list of clauses, with the
// clerk's alternative wordings and citizens' amendments as its options, in the matter's language.
// `matters.rule_text` stays, as the numbered text derived from the clauses.
//
// The backfill reads the language with the domain's own detector (a pure function), as the rest of
// Agora reads a text's language; the split is written out here, so it stays what it was when it ran.

const NUMBERED = /^\s*\d{1,3}\s*[.)]\s+/;

function clausesOf(ruleText: string): string[] {
  const clauses = ruleText
    .split(/\r?\n/)
    .map((line) => line.replace(NUMBERED, "").trim())
    .filter((line) => line.length > 0);
  return clauses.length > 0 ? clauses : [ruleText.trim()];
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("matter_clauses")
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("matter_clauses_pk", ["matter_id", "number"])
    .execute();
  await db.schema
    .createTable("matter_options")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("matter_id", "text", (c) => c.notNull().references("matters.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sqlIn("kind", ["alternative", "amendment"])))
    .addColumn("action", "text", (c) => c.notNull().check(sqlIn("action", ["replace", "strike", "add"])))
    .addColumn("clause_number", "integer", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("value_id", "text")
    .addColumn("card_id", "text")
    .addColumn("citizen_id", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("withdrawn_at", "text")
    .execute();
  await db.schema.createIndex("matter_options_matter").on("matter_options").column("matter_id").execute();
  await db.schema
    .alterTable("matters")
    .addColumn("language", "text", (c) => c.notNull().defaultTo("en"))
    .execute();

  // Aliases without underscores: the connection's camel-case plugin leaves them as they are.
  const matters = await db.selectFrom("matters").select(["id", "rule_text as rule"]).orderBy("id").execute();
  for (const matter of matters as { id: string; rule: string }[]) {
    const clauses = clausesOf(matter.rule);
    await db
      .insertInto("matter_clauses")
      .values(clauses.map((text, i) => ({ matter_id: matter.id, number: i + 1, text })))
      .execute();
    await db
      .updateTable("matters")
      .set({ language: textLanguage(clauses.join("\n")), rule_text: clauses.map((text, i) => `${i + 1}. ${text}`).join("\n") })
      .where("id", "=", matter.id)
      .execute();
  }
}

function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("matters").dropColumn("language").execute();
  await db.schema.dropIndex("matter_options_matter").execute();
  await db.schema.dropTable("matter_options").execute();
  await db.schema.dropTable("matter_clauses").execute();
}
