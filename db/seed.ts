import type { Kysely } from "kysely";
import { POLITY_STREAM } from "../deliberation/ledger.js";
import type { Role } from "../deliberation/roles.js";
import { DEMO_DISTRICTS, demoCitizen } from "./factories.js";
import { appendLedgerEvent } from "./repos/ledger.js";
import { grantRoles, insertUser } from "./repos/users.js";
import type { Database } from "./schema.js";

export const DEMO_PASSWORD = "agora-demo";
export const DEMO_CITIZENS = 72;
export const DEMO_CITIZEN_ACCOUNTS = 12;
export const DEMO_DELEGATES = 5;

export interface DemoAccount {
  email: string;
  name: string;
  roles: Role[];
  /** Registry index of the citizen this account is, if any. */
  citizen?: number;
}

export function demoAccounts(): DemoAccount[] {
  return [
    { email: "admin@demo.agora", name: "Kristjan Kask", roles: ["admin"] },
    { email: "clerk@demo.agora", name: "Liis Lepp", roles: ["clerk"] },
    ...Array.from({ length: DEMO_DELEGATES }, (_, i) => ({
      email: `delegate${i + 1}@demo.agora`,
      name: i === 0 ? "Jaan Sepp" : `${["Kadri", "Andres", "Triin", "Margus"][i - 1]} ${["Ilves", "Pärn", "Koppel", "Rebane"][i - 1]}`,
      roles: ["delegate"] as Role[],
    })),
    ...Array.from({ length: DEMO_CITIZEN_ACCOUNTS }, (_, i) => {
      const citizen = demoCitizen(i + 1);
      return { email: citizen.email, name: citizen.fullName, roles: ["citizen"] as Role[], citizen: i + 1 };
    }),
  ];
}

export interface SeedTools {
  hashPassword(password: string): Promise<string>;
  now(): string;
  ids(): string;
  onProgress?(done: number, total: number): void;
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom("users").select("id").limit(1).execute()).length === 0;
}

/**
 * The demo polity: a registry of 72 citizens in three districts, and the accounts of DESIGN.md.
 * One transaction: a crash mid-seed leaves an empty database, which the next start seeds again.
 */
export async function seedDemoPolity(db: Kysely<Database>, tools: SeedTools): Promise<{ citizens: number; accounts: DemoAccount[] }> {
  const accounts = demoAccounts();
  let hashed = 0;
  // Hashing is the slow part; libuv's pool runs four at once.
  const hashes = await Promise.all(
    accounts.map(async () => {
      const hash = await tools.hashPassword(DEMO_PASSWORD);
      tools.onProgress?.(++hashed, accounts.length);
      return hash;
    }),
  );
  const now = tools.now();
  const citizens = Array.from({ length: DEMO_CITIZENS }, (_, i) => demoCitizen(i + 1));

  await db.transaction().execute(async (trx) => {
    const importId = tools.ids();
    await trx
      .insertInto("registryImports")
      .values({
        id: importId,
        actorId: "system:seed",
        fileName: "demo-registry.csv",
        totalRows: citizens.length,
        importedRows: citizens.length,
        status: "applied",
        report: "[]",
        createdAt: now,
      })
      .execute();
    const citizenIds = new Map<number, string>();
    await trx
      .insertInto("citizens")
      .values(
        citizens.map((c) => {
          const id = tools.ids();
          citizenIds.set(c.index, id);
          return { id, personalCode: c.personalCode, fullName: c.fullName, district: c.district, email: c.email, importId, createdAt: now };
        }),
      )
      .execute();
    await appendLedgerEvent(trx, {
      matterId: POLITY_STREAM,
      type: "registry.imported",
      actor: "system:seed",
      payload: { importId, fileName: "demo-registry.csv", rows: citizens.length, inserted: citizens.length, updated: 0, districts: [...DEMO_DISTRICTS] },
      createdAt: now,
    });
    for (const [i, account] of accounts.entries()) {
      const userId = tools.ids();
      await insertUser(trx, {
        id: userId,
        email: account.email,
        passwordHash: hashes[i]!,
        displayName: account.name,
        citizenId: account.citizen ? citizenIds.get(account.citizen)! : null,
        locale: "en",
        createdAt: now,
      });
      await grantRoles(trx, userId, account.roles, "system:seed", now);
      if (!account.roles.includes("citizen")) {
        await appendLedgerEvent(trx, {
          matterId: POLITY_STREAM,
          type: "roles.granted",
          actor: "system:seed",
          payload: { userId, roles: account.roles },
          createdAt: now,
        });
      }
    }
  });
  return { citizens: citizens.length, accounts };
}
