import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

export async function insertSession(
  db: Kysely<Database>,
  session: { id: string; userId: string; createdAt: string; expiresAt: string; oidcSignOutUrl?: string | null },
): Promise<void> {
  await db.insertInto("sessions").values(session).execute();
}

export async function findLiveSession(db: Kysely<Database>, id: string, now: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.userId")
    .select(["sessions.id", "sessions.userId", "sessions.expiresAt", "users.email", "users.displayName", "users.locale", "users.citizenId"])
    .where("sessions.id", "=", id)
    .where("sessions.expiresAt", ">", now)
    .executeTakeFirst();
}

/** Ends a session; answers where to end the provider's too, for one opened through OpenID Connect. */
export async function deleteSession(db: Kysely<Database>, id: string): Promise<{ oidcSignOutUrl: string | null } | undefined> {
  return db.deleteFrom("sessions").where("id", "=", id).returning("oidcSignOutUrl").executeTakeFirst();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom("sessions").where("expiresAt", "<=", now).execute();
}
