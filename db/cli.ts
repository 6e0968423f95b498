import { hashPassword } from "../server/auth/password.server.js";
import { loadConfig } from "../server/env.server.js";
import { openDatabase } from "./connection.js";
import { migrateToLatest } from "./migrate.js";
import { isEmpty, seedDemoPolity } from "./seed.js";
import { randomUUID } from "node:crypto";

/** `npm run migrate` and `npm run seed` against the configured database. */
async function main(command: string | undefined) {
  const config = loadConfig();
  const { db, dialect, close } = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(db);
    console.log(`${dialect}: ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}`);
    if (command === "seed") {
      if (!(await isEmpty(db))) return console.log("The database already has users; not seeding.");
      const { citizens, accounts } = await seedDemoPolity(db, {
        hashPassword: (p) => hashPassword(p, config.scryptLogN),
        now: () => new Date().toISOString(),
        ids: randomUUID,
      });
      console.log(`Seeded ${citizens} citizens and ${accounts.length} accounts.`);
    }
  } finally {
    await close();
  }
}

const command = process.argv[2];
if (command !== "migrate" && command !== "seed") {
  console.error("usage: tsx db/cli.ts migrate|seed");
  process.exit(2);
}
main(command).catch((error) => {
  console.error(error);
  process.exit(1);
});
