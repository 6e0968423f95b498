import type { Kysely } from "kysely";

/** The demo polity's contexts as they were described when this migration was written (db/demo-values.ts). */
const DEMO_DESCRIPTIONS: Record<string, { et: string; ru: string }> = {
  "ai-decisions-about-people": {
    et: "Automatiseeritud süsteemid, mis annavad või jätavad andmata toetusi, laene, lube ja teenuseid või seavad inimesi nende saamiseks pingeritta.",
    ru: "Автоматизированные системы, которые решают, дать ли человеку пособие, кредит, разрешение или услугу, или выстраивают людей в очередь за ними.",
  },
  "ai-media-in-elections": {
    et: "Tehisintellektiga loodud või muudetud pildid, heli ja videod, mis jõuavad valimiskampaania ajal valijateni.",
    ru: "Изображения, аудио и видео, созданные или изменённые с помощью ИИ, которые доходят до избирателей во время предвыборной кампании.",
  },
  "ai-tutors-for-children": {
    et: "Tehisintellekti süsteemid, mis õpetavad, juhendavad või aitavad kooliealisi lapsi õppimisel koolis või kodus.",
    ru: "Системы ИИ, которые учат школьников, занимаются с ними или помогают им с учёбой — в школе или дома.",
  },
  "biometric-identification-public-spaces": {
    et: "Kaamerad ja süsteemid, mis tunnevad inimesi ära näo, kõnnaku või hääle järgi, kui nad liiguvad tänavatel, jaamades ja väljakutel.",
    ru: "Камеры и системы, которые узнают людей по лицу, походке или голосу, когда те находятся на улицах, вокзалах и площадях.",
  },
};

/**
 * A choice context's Estonian and Russian descriptions, beside its Estonian and Russian titles (issue
 * 17): a page describes the context in its own language, in English where the context has no
 * description in it. The demo polity's contexts get theirs here, so a demo seeded before this
 * migration reads the same as a fresh one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contexts").addColumn("description_et", "text").execute();
  await db.schema.alterTable("contexts").addColumn("description_ru", "text").execute();
  for (const [id, d] of Object.entries(DEMO_DESCRIPTIONS))
    await db.updateTable("contexts").set({ description_et: d.et, description_ru: d.ru }).where("id", "=", id).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contexts").dropColumn("description_ru").execute();
  await db.schema.alterTable("contexts").dropColumn("description_et").execute();
}
