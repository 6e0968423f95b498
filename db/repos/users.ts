import type { Kysely } from "kysely";
import { isRole, type Role } from "../../deliberation/roles.js";
import type { Database, NewUser, User } from "../schema.js";

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  await db.insertInto("users").values(user).execute();
}

export async function rolesOf(db: Kysely<Database>, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom("userRoles").select("role").where("userId", "=", userId).execute();
  return rows
    .map((r) => r.role)
    .filter(isRole)
    .sort();
}

export async function grantRoles(db: Kysely<Database>, userId: string, roles: readonly Role[], grantedBy: string | null, grantedAt: string): Promise<void> {
  if (roles.length === 0) return;
  await db
    .insertInto("userRoles")
    .values(roles.map((role) => ({ userId, role, grantedBy, grantedAt })))
    .onConflict((oc) => oc.columns(["userId", "role"]).doNothing())
    .execute();
}

export async function revokeRoles(db: Kysely<Database>, userId: string, roles: readonly Role[]): Promise<void> {
  if (roles.length === 0) return;
  await db.deleteFrom("userRoles").where("userId", "=", userId).where("role", "in", roles).execute();
}

export async function countUsersWithRole(db: Kysely<Database>, role: Role): Promise<number> {
  const row = await db
    .selectFrom("userRoles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", role)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
