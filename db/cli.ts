import { negotiateLocale } from "../app/i18n/locales.js";
import { translator } from "../app/i18n/translate.js";
import { hashPassword } from "../server/auth/password.server.js";
import { loadConfig } from "../server/env.server.js";
import { openDatabase } from "./connection.js";
import { migrateToLatest } from "./migrate.js";
import { isEmpty, seedDemoPolity } from "./seed.js";
import { randomUUID } from "node:crypto";

/** Speaks the language of LANG (or LC_ALL) when Agora has it, English otherwise, as `agora verify` does. */
const t = translator(negotiateLocale(null, (process.env.LC_ALL || process.env.LANG || "").slice(0, 2)));

/** `npm run migrate` and `npm run seed` against the configured database. */
async function main(command: string | undefined) {
  const config = loadConfig();
  const { db, dialect, close } = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? t("cli.migrated", { dialect, migrations: applied.join(", ") }) : t("cli.upToDate", { dialect }));
    if (command === "seed") {
      if (!(await isEmpty(db))) return console.log(t("cli.notSeeding"));
      const { citizens, accounts } = await seedDemoPolity(db, {
        hashPassword: (p) => hashPassword(p, config.scryptLogN),
        now: () => new Date().toISOString(),
        ids: randomUUID,
      });
      console.log(t("cli.seeded", { citizens, accounts: accounts.length }));
    }
  } finally {
    await close();
  }
}

const command = process.argv[2];
if (command !== "migrate" && command !== "seed") {
  console.error(t("cli.usage"));
  process.exit(2);
}
main(command).catch((error) => {
  console.error(error);
  process.exit(1);
});
