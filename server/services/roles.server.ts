import { sql } from "kysely";
import { countUsersWithRole, findUserById, grantRoles, revokeRoles, rolesOf } from "../../db/repos/users.js";
import { DomainError } from "../../deliberation/errors.js";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import { ROLES, type Role, isRole } from "../../deliberation/roles.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";

export async function listUsers(deps: AppDeps, input: { query?: string | undefined; limit: number; offset: number }) {
  let query = deps.db
    .selectFrom("users")
    .leftJoin("citizens", "citizens.id", "users.citizenId")
    .select(["users.id", "users.email", "users.displayName", "users.createdAt", "citizens.district"]);
  if (input.query) {
    const like = `%${input.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // An explicit ESCAPE: SQLite's LIKE has no escape character by default (PostgreSQL's is the backslash).
    query = query.where(sql<boolean>`(lower(users.email) LIKE ${like} ESCAPE '\\' OR lower(users.display_name) LIKE ${like} ESCAPE '\\')`);
  }
  const users = await query.orderBy("users.email").limit(input.limit).offset(input.offset).execute();
  const roleRows = users.length
    ? await deps.db
        .selectFrom("userRoles")
        .select(["userId", "role"])
        .where(
          "userId",
          "in",
          users.map((u) => u.id),
        )
        .execute()
    : [];
  return users.map((u) => ({
    ...u,
    roles: roleRows
      .filter((r) => r.userId === u.id)
      .map((r) => r.role)
      .filter(isRole)
      .sort(),
  }));
}

/** Replaces a person's roles. Every grant and revocation is a ledger event; the last admin stays. */
export async function setRoles(deps: AppDeps, actorId: string, userId: string, wanted: readonly Role[]) {
  return withLedger(deps, async (trx, append) => {
    if (!(await findUserById(trx, userId))) throw new DomainError("not_found", "admin.userNotFound", "There is no such user.");
    const current = await rolesOf(trx, userId);
    const grant = ROLES.filter((r) => wanted.includes(r) && !current.includes(r));
    const revoke = ROLES.filter((r) => !wanted.includes(r) && current.includes(r));
    if (revoke.includes("admin") && (await countUsersWithRole(trx, "admin")) <= 1) {
      throw new DomainError("conflict", "admin.lastAdmin", "The polity must keep at least one administrator.");
    }
    const at = nowIso(deps);
    await grantRoles(trx, userId, grant, actorId, at);
    await revokeRoles(trx, userId, revoke);
    if (grant.length > 0) await append({ matterId: POLITY_STREAM, type: "roles.granted", actor: actorId, payload: { userId, roles: grant } });
    if (revoke.length > 0) await append({ matterId: POLITY_STREAM, type: "roles.revoked", actor: actorId, payload: { userId, roles: revoke } });
    return { userId, roles: await rolesOf(trx, userId) };
  });
}
