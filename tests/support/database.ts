import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, type KyselyPlugin, sql } from "kysely";
import pg from "pg";
import { type DbConfig, type DialectName, openDatabase } from "../../db/connection.js";
import { DEMO_CARDS, DEMO_CONTEXTS } from "../../db/demo-values.js";
import { migrateTo } from "../../db/migrate.js";
import { DEMO_PASSWORD, seedDemoPolity } from "../../db/seed.js";
import type { Role } from "../../deliberation/roles.js";
import { type AgoraServer, createAgoraServer } from "../../server/app.server.js";
import { hashPassword } from "../../server/auth/password.server.js";
import { loadConfig, type ServerConfig } from "../../server/env.server.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { submitCard } from "../../server/services/values.server.js";

/**
 * Test infrastructure shared by the integration suites: a database of its own per test file (a
 * temp SQLite file, or a fresh PostgreSQL schema), a real server on an ephemeral port, and a small
 * tRPC-over-HTTP client that speaks the wire format directly (GET for queries, POST for mutations).
 */

export const PG_SKIP_WARNING = "PostgreSQL integration suites SKIPPED: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test";

let warned = false;

/** The dialects to run against: SQLite always, PostgreSQL when TEST_DATABASE_URL names one. */
export function dialects(): DialectName[] {
  if (process.env.TEST_DATABASE_URL) return ["sqlite", "postgres"];
  if (process.env.REQUIRE_E2E === "1" || process.env.CI) {
    throw new Error(`TEST_DATABASE_URL is required here (REQUIRE_E2E=1 or CI is set). ${PG_SKIP_WARNING}`);
  }
  if (!warned) {
    warned = true;
    // One line per run, not per test file: the first worker of this vitest process claims the marker.
    if (claimOnce(`agora-pg-skip-warned-${process.ppid}`)) console.warn(`\n!!! ${PG_SKIP_WARNING} !!!\n`);
  }
  return ["sqlite"];
}

function claimOnce(name: string): boolean {
  try {
    writeFileSync(join(tmpdir(), name), String(process.pid), { flag: "wx" });
    return true;
  } catch {
    return false;
  }
}

export interface TestDatabase {
  dialect: DialectName;
  /** What openDatabase (and ServerConfig.database) takes. */
  config: DbConfig;
  /** Removes the database: deletes the temp folder, or drops the schema CASCADE. */
  destroy(): Promise<void>;
}

/** A database of its own for one test file: nothing is shared, nothing needs truncating. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "agora-db-"));
    return {
      dialect,
      config: { kind: "sqlite", file: join(dir, "agora.sqlite") },
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error(PG_SKIP_WARNING);
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  return {
    dialect,
    config: { kind: "postgres", url, schema, poolSize: 10 },
    destroy: () => withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

/**
 * A database of its own at an older migration, for a migration's test: `raw` is its Kysely with the
 * schema's own names (snake_case, as a migration sees them), `now` the time its rows are stamped with.
 * It holds a context "c" and, with `citizens`, that many citizens z1, z2… of Tartu. `close()` closes
 * and removes it.
 */
export async function databaseAt(dialect: DialectName, migration: string, options: { citizens?: number } = {}) {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.config);
  const close = async () => {
    await handle.close();
    await database.destroy();
  };
  // biome-ignore lint/suspicious/noExplicitAny: an older schema than the one db/schema.ts describes
  const raw = handle.db as unknown as Kysely<any>;
  const now = new Date().toISOString();
  try {
    await migrateTo(raw, migration);
    await raw.insertInto("contexts").values({ id: "c", title: "Decisions", title_et: null, description: "Automated decisions.", created_at: now }).execute();
    const citizens = Array.from({ length: options.citizens ?? 0 }, (_, i) => i + 1);
    if (citizens.length > 0) {
      await raw
        .insertInto("citizens")
        .values(
          citizens.map((n) => ({
            id: `z${n}`,
            personal_code: `3800101000${n}`,
            full_name: `Citizen ${n}`,
            district: "Tartu",
            email: null,
            import_id: null,
            created_at: now,
          })),
        )
        .execute();
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { handle, raw, now, close };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestServer {
  url: string;
  server: AgoraServer;
  dialect: DialectName;
  config: ServerConfig;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** log2 of scrypt's N. 12 keeps the suites fast; a test about the real cost passes 15. */
  scryptLogN?: number;
  /** Serve the built Remix app too (end-to-end tests that need a server of their own); default none. */
  remix?: "build" | "none";
  /** Settings that differ from the defaults, e.g. the polity's ballot rules. */
  overrides?: Partial<Pick<ServerConfig, "ballot" | "deliberation" | "harmThreshold" | "oidc" | "publicUrl" | "records">>;
  /** An OpenAI-compatible endpoint (the scripted test server) instead of the offline engine. */
  llm?: { baseUrl: string; apiKey: string; model?: string; embeddingModel?: string };
}

/** A migrated, seeded server (the demo polity) on 127.0.0.1 and an ephemeral port. */
export async function startTestServer(dialect: DialectName, options: TestServerOptions = {}): Promise<TestServer> {
  const scryptLogN = options.scryptLogN ?? 12;
  const database = await createTestDatabase(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), "agora-data-"));
  // loadConfig generates the Ed25519 signing key into DATA_DIR, as on a first real start.
  const base = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    AGORA_SCRYPT_LOG_N: String(scryptLogN),
    NODE_ENV: "test",
  });
  // ServerConfig.database is what openDatabase receives, so the test schema travels with it.
  const databaseConfig: DbConfig = database.config;
  const llm = options.llm ? { ...base.llm, ...options.llm, model: options.llm.model ?? "scripted-model", timeoutMs: 5_000 } : base.llm;
  const config: ServerConfig = { ...base, ...options.overrides, database: databaseConfig, llm };

  let server: AgoraServer | undefined;
  try {
    server = await createAgoraServer(config, { remix: options.remix ?? "none" });
    await seedDemoPolity(server.deps.db, {
      hashPassword: (password) => hashPassword(password, scryptLogN),
      now: () => new Date().toISOString(),
      ids: server.deps.ids,
    });
    const port = await server.listen(0, "127.0.0.1");
    const running = server;
    return {
      url: `http://127.0.0.1:${port}`,
      server: running,
      dialect,
      config,
      async close() {
        await running.close();
        await database.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close().catch(() => undefined);
    await database.destroy().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// tRPC over real HTTP (tRPC 11, no transformer, no batching)

export interface TrpcErrorBody {
  error: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; path?: string; key: string | null; params: Record<string, unknown>; issues: unknown };
  };
}

export interface TrpcResponse<T = unknown> {
  status: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: { result: { data: T } } | TrpcErrorBody | any;
  headers: Headers;
  /** result.data on success. */
  data: T;
  /** error on failure. */
  error: TrpcErrorBody["error"] | undefined;
}

export type ProcedureKind = "query" | "mutation";

export interface HttpClient {
  readonly baseUrl: string;
  /** The `agora_session` cookie this client sends, if any. */
  cookie: string | null;
  /** The network address the server sees (X-Forwarded-For from loopback, which it trusts). */
  readonly address: string;
  query<T = any>(path: string, input?: unknown): Promise<TrpcResponse<T>>;
  mutate<T = any>(path: string, input?: unknown): Promise<TrpcResponse<T>>;
  call<T = any>(kind: ProcedureKind, path: string, input?: unknown): Promise<TrpcResponse<T>>;
  /** A request of one's own making (garbage bodies, odd headers); the session cookie is added. */
  raw(path: string, init?: RequestInit): Promise<TrpcResponse>;
  /** Signs in with the demo password (or the one given) and keeps the session cookie. */
  signIn(email: string, password?: string): Promise<TrpcResponse>;
}

/** A client with no session. Each client gets its own address, so rate limits don't leak between them. */
export function httpClient(baseUrl: string, options: { address?: string; cookie?: string | null } = {}): HttpClient {
  const address = options.address ?? `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const client: HttpClient = {
    baseUrl,
    cookie: options.cookie ?? null,
    address,
    query: (path, input) => client.call("query", path, input),
    mutate: (path, input) => client.call("mutation", path, input),
    call<T>(kind: ProcedureKind, path: string, input?: unknown): Promise<TrpcResponse<T>> {
      if (kind === "query") {
        const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
        return client.raw(`/trpc/${path}${search}`) as Promise<TrpcResponse<T>>;
      }
      return client.raw(`/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        ...(input === undefined ? {} : { body: JSON.stringify(input) }),
      }) as Promise<TrpcResponse<T>>;
    },
    async raw(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("x-forwarded-for", address);
      if (client.cookie && !headers.has("cookie")) headers.set("cookie", client.cookie);
      const response = await fetch(baseUrl + path, { ...init, headers });
      const text = await response.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: left as text for the test to judge.
      }
      return {
        status: response.status,
        body,
        headers: response.headers,
        data: body?.result?.data,
        error: body?.error,
      };
    },
    async signIn(email, password = DEMO_PASSWORD) {
      const response = await client.mutate("auth.signIn", { email, password });
      const session = sessionCookie(response.headers);
      if (response.status !== 200 || !session) {
        throw new Error(`sign-in as ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      client.cookie = session;
      return response;
    },
  };
  return client;
}

/** A client signed in as a demo account (password "agora-demo"), holding its session cookie. */
export async function signInAs(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<HttpClient> {
  const client = httpClient(baseUrl);
  await client.signIn(email, password);
  return client;
}

/** `agora_session=<token>` from a response's Set-Cookie headers, if it set a live one. */
export function sessionCookie(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const match = /^agora_session=([^;]*)/.exec(line);
    if (match?.[1]) return `agora_session=${match[1]}`;
  }
  return null;
}

/** The demo accounts each suite calls as, by the role they stand for. */
export const CALLERS = {
  anonymous: null,
  citizen: "citizen1@demo.agora",
  delegate: "delegate1@demo.agora",
  clerk: "clerk@demo.agora",
  admin: "admin@demo.agora",
} as const;
export type CallerName = keyof typeof CALLERS;
export const CALLER_NAMES = Object.keys(CALLERS) as CallerName[];
/** The roles each caller holds in the demo polity. */
export const CALLER_ROLES: Record<CallerName, readonly string[]> = {
  anonymous: [],
  citizen: ["citizen"],
  delegate: ["delegate"],
  clerk: ["clerk"],
  admin: ["admin"],
};

/** One client per caller: anonymous, and each role signed in. */
export async function signInCallers(baseUrl: string): Promise<Record<CallerName, HttpClient>> {
  const entries = await Promise.all(
    CALLER_NAMES.map(async (name) => {
      const email = CALLERS[name];
      return [name, email ? await signInAs(baseUrl, email) : httpClient(baseUrl)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<CallerName, HttpClient>;
}

/** The tables the foundation migration made; every later table is counted as well (see rowCounts). */
export const CORE_TABLES = ["citizens", "users", "user_roles", "sessions", "registry_imports", "ledger_events", "llm_calls"] as const;

/**
 * Every application table in the server's database (or schema), as the database lists them; not the
 * rate limits' counters (decision 17), which a refused request is meant to write.
 */
export async function tableNames(server: AgoraServer): Promise<string[]> {
  const { db, dialect } = server.deps;
  const listed =
    dialect === "sqlite"
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`
      : sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'`;
  return (await listed.execute(db)).rows
    .map((r) => r.name)
    .filter((name) => name !== "rate_limits")
    .sort();
}

/** Row counts of every table, to show that a refused request wrote nothing. */
export async function rowCounts(server: AgoraServer): Promise<Record<(typeof CORE_TABLES)[number], number> & Record<string, number>> {
  const { db } = server.deps;
  const tables = await tableNames(server);
  const counts = await Promise.all(
    tables.map(async (table) => {
      const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
      return [table, Number(rows[0]?.n)] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<(typeof CORE_TABLES)[number], number> & Record<string, number>;
}

/** A message a person can read: words (not a bare CODE), not a JSON dump, not a stack trace, not a novel. */
export function isReadableMessage(message: unknown): boolean {
  if (typeof message !== "string") return false;
  const text = message.trim();
  if (text.length === 0 || text.length > 1000) return false;
  if (!/[a-z]+\s+[a-z]+/i.test(text) || !/[a-z]/.test(text)) return false;
  if (/^[[{]/.test(text)) return false;
  if (/\n\s+at /.test(text)) return false;
  return true;
}

/**
 * Someone else acting between two reads of a service: a Kysely plugin for the service's `deps.db` that,
 * right after the first read whose rows carry `marker` (before or after camel-casing), adds one to
 * `column` and to the offer level of those rows, through a connection of its own (the service's query
 * still holds its own). `undo` takes the additions back and closes that connection.
 */
export function actedMeanwhile(
  config: DbConfig,
  change: { table: "valuePairs"; column: "judgmentCount" } | { table: "canonicalValues"; column: "endorsementCount" },
  marker: { camel: string; snake: string },
) {
  const other = openDatabase(config);
  let moved: string[] = [];
  const bump = (ids: string[], by: 1 | -1) =>
    other.db
      .updateTable(change.table)
      .set((eb) => ({ [change.column]: eb(change.column, by === 1 ? "+" : "-", 1), offerLevel: eb("offerLevel", by === 1 ? "+" : "-", 1) }))
      .where("id", "in", ids)
      .execute();
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      const rows = args.result.rows as Record<string, unknown>[];
      if (moved.length === 0 && rows.length > 0 && (rows[0]![marker.camel] ?? rows[0]![marker.snake]) !== undefined) {
        moved = rows.map((r) => String(r.id));
        await bump(moved, 1);
      }
      return args.result;
    },
  };
  return {
    plugin,
    moved: () => moved,
    async undo() {
      if (moved.length > 0) await bump(moved, -1);
      await other.close();
    },
  };
}

/**
 * The demo polity's intake in some of its contexts, through the service (the gate, dedupe, and the
 * pairs each new value gets): the contexts, then every demo card in them. Returns the demo citizens
 * as session users by their number (citizen7@demo.agora is 7).
 */
export async function demoIntake(deps: AppDeps, contextIds: readonly string[]): Promise<Map<number, SessionUser>> {
  const now = new Date().toISOString();
  await deps.db
    .insertInto("contexts")
    .values(DEMO_CONTEXTS.filter((c) => contextIds.includes(c.id)).map((c) => ({ ...c, createdAt: now })))
    .execute();
  const citizens = new Map<number, SessionUser>();
  for (const row of await deps.db.selectFrom("citizens").select(["id", "email"]).execute()) {
    const n = Number(/^citizen(\d+)@/.exec(row.email ?? "")?.[1]);
    if (n) citizens.set(n, { id: `test:${n}`, email: row.email!, displayName: "", locale: "en", citizenId: row.id, roles: ["citizen"] as Role[] });
  }
  for (const card of DEMO_CARDS.filter((c) => contextIds.includes(c.contextId)))
    await submitCard(deps, citizens.get(card.citizen)!, {
      contextId: card.contextId,
      title: card.title,
      description: card.description,
      policies: [...card.policies],
    });
  await deps.graphs.settled();
  return citizens;
}
