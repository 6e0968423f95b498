import { randomBytes, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

/** A variable that may be absent or empty (as `.env.example` leaves it): both mean unset. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

/** Every variable the server reads, parsed once at start-up. `.env.example` lists the same set. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  OPENAI_BASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  OPENAI_API_KEY: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  AGORA_MODEL: z.string().default("gpt-4o-mini"),
  AGORA_EMBEDDING_MODEL: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  AGORA_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  AGORA_LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Model tokens one deliberation may spend unless the clerk sets another budget when starting it. */
  AGORA_TOKEN_BUDGET: z.coerce.number().int().min(1_000).max(100_000_000).default(400_000),
  /** The polity's name in the rulings' European Legislation Identifiers: /eli/{polity}/ruling/{year}/{number}. */
  AGORA_POLITY: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "AGORA_POLITY is lowercase letters, digits and -")
    .default("demo"),
  /** The polity's name as its public records give it: the Atom feed's author, the Akoma Ntoso document's author. */
  AGORA_POLITY_NAME: z.string().trim().min(1).max(200).default("Agora demo polity"),
  /**
   * The address people reach this registry at: every absolute URI in the public records (feed ids and
   * links, Akoma Ntoso IRIs' hosts, ELI metadata, bundle URLs) starts with it, never with the request's
   * own origin. Default: http://localhost:<PORT>.
   */
  AGORA_PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .or(z.literal("").transform(() => undefined))
    .refine((value) => value === undefined || publicUrlProblem(value) === null, {
      message: "AGORA_PUBLIC_URL is an http(s) address with no path, query or fragment, such as https://agora.example.ee",
    }),
  /** The polity's country in Akoma Ntoso names: ISO 3166-1 alpha-2, lowercase. */
  AGORA_COUNTRY: z
    .string()
    .trim()
    .regex(/^[a-z]{2}$/, "AGORA_COUNTRY is an ISO 3166-1 alpha-2 code in lowercase, such as ee")
    .default("ee"),
  /** The languages rulings are written in, as ISO 639-2 codes by the app's own code for each (matter.language). */
  AGORA_LANGUAGES: z
    .string()
    .trim()
    .regex(/^[a-z]{2}=[a-z]{3}(,[a-z]{2}=[a-z]{3})*$/, "AGORA_LANGUAGES maps each language to its ISO 639-2 code, such as et=est,en=eng")
    .default("et=est,en=eng,ru=rus"),
  /** Harm reports (from different people) that put a published ruling back on the clerk's desk. */
  AGORA_HARM_THRESHOLD: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** Ratification: share of delegates who must vote, and the share of ratify votes (of ratify + reject) to exceed. */
  AGORA_QUORUM: z.coerce.number().min(0).max(1).default(0.5),
  AGORA_MAJORITY: z.coerce.number().min(0).max(0.99).default(0.5),
  /**
   * How long a process holds a deliberation without renewing before another may take it over. It
   * renews every third of it, and every process looks for deliberations running nowhere every second
   * (or every lease, if shorter): a process that dies is replaced within a lease and a second.
   */
  AGORA_LEASE_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
  /**
   * How many server processes the operator runs on this database. More than one needs PostgreSQL: they
   * then share the ledger, the deliberation leases and socket.io's fan-out. SQLite is one process.
   */
  AGORA_PROCESSES: z.coerce.number().int().min(1).max(1024).default(1),
  /** This process's name among them, shown in PostgreSQL's pg_stat_activity (default: agora-<pid>). */
  AGORA_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, "AGORA_INSTANCE is letters, digits, _ . and -")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** PostgreSQL connections this process may hold for requests and jobs (socket.io's fan-out holds 2 more). */
  AGORA_DB_POOL: z.coerce.number().int().min(2).max(1000).default(10),
  /** How long a request waits for a database connection before it is answered 503. */
  AGORA_DB_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  AGORA_SIGNING_KEY: z.string().optional(),
  /** log2 of scrypt's cost parameter N. 15 (32 MiB, tens of milliseconds) unless told otherwise. */
  AGORA_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  /** Set when served over HTTPS (behind a proxy): cookies then carry the Secure flag. */
  COOKIE_SECURE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** OpenID Connect sign-in (decision 20): on when the issuer, client id and secret are all set. */
  OIDC_ISSUER_URL: optionalText.pipe(z.url("OIDC_ISSUER_URL must be a URL").optional()),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  /** The provider's name on the sign-in button ("Sign in with …"). */
  OIDC_PROVIDER_NAME: optionalText,
  OIDC_SCOPE: z.string().trim().default("openid"),
  /** The claim that names the person, and the pattern whose first group is the registry's personal code. */
  OIDC_CLAIM: z.string().trim().min(1).default("sub"),
  OIDC_CLAIM_PATTERN: z.string().default("^[A-Z]{2}(.+)$").refine(isRegExp, "OIDC_CLAIM_PATTERN must be a regular expression"),
});

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: "sqlite"; file: string } | { kind: "postgres"; url: string; poolSize?: number; connectTimeoutMs?: number; applicationName?: string };
  /** The server processes the operator says share this database (AGORA_PROCESSES). */
  processes: number;
  /** This process's name (AGORA_INSTANCE), as PostgreSQL's pg_stat_activity shows it. */
  instance: string;
  llm: { baseUrl?: string; apiKey?: string; model: string; embeddingModel?: string; concurrency: number; timeoutMs: number };
  deliberation: { tokenBudget: number; leaseMs: number };
  polity: string;
  /** Where people reach the registry (AGORA_PUBLIC_URL, no trailing slash): the base of every absolute URI in the public records. */
  publicUrl: string;
  /** How the public records name the polity: its name, its ISO 3166-1 country, and ISO 639-2 codes of the languages its rulings are written in. */
  records: { polityName: string; country: string; languages: Record<string, string> };
  harmThreshold: number;
  /** The polity's ballot rules, frozen into each ballot when it opens. */
  ballot: { quorum: number; majority: number };
  sessionSecret: string;
  /** Ed25519 private key, PKCS#8 PEM. */
  signingKey: string;
  scryptLogN: number;
  cookieSecure: boolean;
  production: boolean;
  /** OpenID Connect sign-in, when configured (OIDC_*); the password path stays either way. */
  oidc: OidcConfig | null;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  providerName: string;
  scope: string;
  claim: string;
  /** Its first capture group (or the whole match) is the personal code looked up in the registry. */
  claimPattern: string;
}

/** Why an address cannot be the registry's public base URL, or null when it can. */
function publicUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "not http(s)";
  // The app answers at the root: a path here would promise URIs that reach nothing.
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return "has more than an origin";
  return null;
}

/** The language table of AGORA_LANGUAGES: "et=est,en=eng" → { et: "est", en: "eng" }. */
function languageCodes(spec: string): Record<string, string> {
  return Object.fromEntries(spec.split(",").map((pair) => pair.split("=") as [string, string]));
}

/** A secret from the environment, or the one generated into DATA_DIR on the first start. */
function persistedSecret(dataDir: string, fileName: string, fromEnv: string | undefined, make: () => string): string {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = make();
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (!e.DATABASE_URL && e.AGORA_PROCESSES > 1) {
    // Several processes on one SQLite file would each run deliberations and push only their own events:
    // refused at start rather than found out as a room that misses half of what happens.
    throw new Error(
      `Invalid configuration:\n  AGORA_PROCESSES: ${e.AGORA_PROCESSES} processes need PostgreSQL (DATABASE_URL=postgres://…); SQLite serves one process.`,
    );
  }
  const dataDir = resolve(e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const instance = e.AGORA_INSTANCE ?? `agora-${process.pid}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.AGORA_DB_POOL, connectTimeoutMs: e.AGORA_DB_WAIT_MS, applicationName: instance }
      : { kind: "sqlite", file: join(dataDir, "agora.sqlite") },
    processes: e.AGORA_PROCESSES,
    instance,
    llm: {
      baseUrl: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      model: e.AGORA_MODEL,
      ...(e.AGORA_EMBEDDING_MODEL ? { embeddingModel: e.AGORA_EMBEDDING_MODEL } : {}),
      concurrency: e.AGORA_LLM_CONCURRENCY,
      timeoutMs: e.AGORA_LLM_TIMEOUT_MS,
    },
    deliberation: { tokenBudget: e.AGORA_TOKEN_BUDGET, leaseMs: e.AGORA_LEASE_MS },
    ballot: { quorum: e.AGORA_QUORUM, majority: e.AGORA_MAJORITY },
    polity: e.AGORA_POLITY,
    publicUrl: new URL(e.AGORA_PUBLIC_URL ?? `http://localhost:${e.PORT}`).origin,
    records: { polityName: e.AGORA_POLITY_NAME, country: e.AGORA_COUNTRY, languages: languageCodes(e.AGORA_LANGUAGES) },
    harmThreshold: e.AGORA_HARM_THRESHOLD,
    sessionSecret: persistedSecret(dataDir, "session-secret", e.SESSION_SECRET, () => randomBytes(32).toString("base64url")),
    signingKey: persistedSecret(dataDir, "signing-key.pem", e.AGORA_SIGNING_KEY?.replace(/\\n/g, "\n"), () =>
      generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim(),
    ),
    scryptLogN: e.AGORA_SCRYPT_LOG_N,
    cookieSecure: e.COOKIE_SECURE,
    production: e.NODE_ENV === "production",
    oidc: oidcConfig(e),
  };
}

function oidcConfig(e: z.infer<typeof EnvSchema>): OidcConfig | null {
  const given = [e.OIDC_ISSUER_URL, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (given.every((v) => v === undefined)) return null;
  if (!e.OIDC_ISSUER_URL || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) {
    // Half a configuration would show a sign-in button that cannot work: refused at start instead.
    throw new Error("Invalid configuration:\n  OIDC_*: OpenID Connect needs OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together.");
  }
  return {
    issuer: e.OIDC_ISSUER_URL,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    providerName: e.OIDC_PROVIDER_NAME ?? new URL(e.OIDC_ISSUER_URL).host,
    scope: e.OIDC_SCOPE.split(/\s+/).includes("openid") ? e.OIDC_SCOPE : `openid ${e.OIDC_SCOPE}`.trim(),
    claim: e.OIDC_CLAIM,
    claimPattern: e.OIDC_CLAIM_PATTERN,
  };
}
