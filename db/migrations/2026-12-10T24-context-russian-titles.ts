import type { Kysely } from "kysely";

/** The demo polity's contexts as they were named when this migration was written (db/demo-values.ts). */
const DEMO_TITLES: Record<string, string> = {
  "ai-decisions-about-people": "Системы ИИ, которые принимают решения о людях",
  "ai-media-in-elections": "Созданные ИИ материалы на выборах",
  "ai-tutors-for-children": "ИИ-репетиторы для детей",
  "biometric-identification-public-spaces": "Биометрическая идентификация в общественных местах в реальном времени",
};

/**
 * A choice context's Russian title, beside its Estonian one (decision 19): a Russian page names the
 * context in Russian. The demo polity's contexts get theirs here too, so a demo seeded before this
 * migration reads the same as a fresh one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contexts").addColumn("title_ru", "text").execute();
  for (const [id, title] of Object.entries(DEMO_TITLES)) await db.updateTable("contexts").set({ title_ru: title }).where("id", "=", id).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contexts").dropColumn("title_ru").execute();
}
