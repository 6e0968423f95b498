import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoCitizen } from "../db/factories.js";
import { seedDemoPolity } from "../db/seed.js";
import { createAgoraServer } from "../server/app.server.js";
import { hashPassword } from "../server/auth/password.server.js";
import { newToken, sha256 } from "../server/auth/tokens.server.js";
import { loadConfig } from "../server/env.server.js";
import { seedDemoValues } from "../server/seed-demo.server.js";

/**
 * The server side of `npm run bench -- intake`: one Agora process on SQLite with the demo polity
 * and its values, and a session for each of the 72 registry citizens (accounts made directly, as
 * sign-up would). Prints {port, cookies} as one JSON line, then serves until killed.
 */
const dataDir = mkdtempSync(join(tmpdir(), "agora-bench-intake-"));
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0", AGORA_SCRYPT_LOG_N: "10" });
const server = await createAgoraServer(config, { remix: "none" });
const { db, ids } = server.deps;
await seedDemoPolity(db, { hashPassword: (p) => hashPassword(p, 10), now: () => new Date().toISOString(), ids });
await seedDemoValues(server.deps);

const now = new Date();
const expires = new Date(now.getTime() + 24 * 3600 * 1000).toISOString();
const cookies: string[] = [];
const passwordHash = await hashPassword("bench-only", 10);
for (let i = 1; i <= 72; i++) {
  const citizen = demoCitizen(i);
  const record = await db.selectFrom("citizens").select("id").where("personalCode", "=", citizen.personalCode).executeTakeFirstOrThrow();
  let user = await db.selectFrom("users").select("id").where("citizenId", "=", record.id).executeTakeFirst();
  if (!user) {
    user = { id: ids() };
    await db
      .insertInto("users")
      .values({
        id: user.id,
        email: citizen.email,
        passwordHash,
        displayName: citizen.fullName,
        citizenId: record.id,
        locale: "en",
        createdAt: now.toISOString(),
      })
      .execute();
    await db.insertInto("userRoles").values({ userId: user.id, role: "citizen", grantedBy: "bench", grantedAt: now.toISOString() }).execute();
  }
  const token = newToken();
  await db
    .insertInto("sessions")
    .values({ id: sha256(token), userId: user.id, createdAt: now.toISOString(), expiresAt: expires })
    .execute();
  cookies.push(`agora_session=${token}`);
}
const port = await server.listen(0, "127.0.0.1");
process.stdout.write(JSON.stringify({ port, cookies }) + "\n");
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
