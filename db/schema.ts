import type { Insertable, Selectable } from "kysely";

/**
 * One interface per table, in camelCase (the CamelCasePlugin maps to the snake_case columns).
 * Times are ISO-8601 UTC strings and JSON is stored as text, identically on SQLite and PostgreSQL.
 */
export interface CitizensTable {
  id: string;
  personalCode: string;
  fullName: string;
  district: string;
  email: string | null;
  importId: string | null;
  createdAt: string;
}

export interface UsersTable {
  id: string;
  email: string;
  passwordHash: string;
  displayName: string;
  citizenId: string | null;
  locale: string;
  createdAt: string;
}

export interface UserRolesTable {
  userId: string;
  role: string;
  grantedBy: string | null;
  grantedAt: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a leaked table does not leak sessions. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface RegistryImportsTable {
  id: string;
  actorId: string;
  fileName: string;
  totalRows: number;
  importedRows: number;
  status: "applied" | "rejected";
  /** JSON: the per-row error report. */
  report: string;
  createdAt: string;
}

export interface LedgerEventsTable {
  matterId: string;
  seq: number;
  type: string;
  actor: string;
  /** JSON text. */
  payload: string;
  prevHash: string;
  hash: string;
  createdAt: string;
}

export interface LlmCallsTable {
  id: string;
  matterId: string | null;
  purpose: string;
  engine: string;
  model: string;
  /** JSON: the exact messages sent. */
  prompt: string;
  response: string | null;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  status: "ok" | "error";
  error: string | null;
  createdAt: string;
}

export interface Database {
  citizens: CitizensTable;
  users: UsersTable;
  userRoles: UserRolesTable;
  sessions: SessionsTable;
  registryImports: RegistryImportsTable;
  ledgerEvents: LedgerEventsTable;
  llmCalls: LlmCallsTable;
}

export type Citizen = Selectable<CitizensTable>;
export type NewCitizen = Insertable<CitizensTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type LedgerEventRow = Selectable<LedgerEventsTable>;
export type LlmCallRow = Selectable<LlmCallsTable>;
export type NewLlmCall = Insertable<LlmCallsTable>;
