import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

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
  /** Where to end the provider's session too, for a session opened through OpenID Connect; else null. */
  oidcSignOutUrl: ColumnType<string | null, string | null | undefined, never>;
}

export interface RegistryImportsTable {
  id: string;
  actorId: string;
  fileName: string;
  totalRows: number;
  importedRows: number;
  /** checking → rejected | writing → applied; failed when a check was cut short (by a restart). */
  status: "checking" | "writing" | "applied" | "rejected" | "failed";
  /** JSON: the per-row error report. */
  report: string;
  createdAt: string;
  /** Progress: records read and checked, rows written into the census (the resume point). */
  rowsRead: Generated<number>;
  rowsWritten: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  problemCount: Generated<number>;
  /** Last progress; an import in progress that has not moved for a minute is taken over or undone. */
  updatedAt: string | null;
}

/** A census file's checked rows, before they are written into `citizens` (then deleted, batch by batch). */
export interface RegistryStagingTable {
  importId: string;
  /** 1.. in file order: the batches' ranges. */
  seq: number;
  /** The id the citizen gets if she is new. */
  citizenId: string;
  personalCode: string;
  fullName: string;
  district: string;
  email: string | null;
}

/** A convening whose members are being written; the lease lets another process undo a dead one. */
export interface ConveningRunsTable {
  matterId: string;
  holder: string;
  startedAt: string;
  expiresAt: string;
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

export interface ContextsTable {
  id: string;
  title: string;
  titleEt: string | null;
  titleRu: string | null;
  description: string;
  descriptionEt: string | null;
  descriptionRu: string | null;
  createdAt: string;
}

export interface CanonicalValuesTable {
  id: string;
  contextId: string;
  title: string;
  description: string;
  /** JSON array of attentional policies. */
  policies: string;
  /** The first card of this value; later cards join it. */
  sourceCardId: string;
  /** JSON: the unit vector of the founding card, when an embedding model is configured. */
  embedding: string | null;
  createdAt: string;
  /** Citizens who endorsed it, kept in step with `endorsements` in the same transaction. */
  endorsementCount: Generated<number>;
  /**
   * Distinct citizens holding an active card of it or endorsing it, kept in step with both in the
   * transaction that changes either (server/services/support.server.ts).
   */
  supportCount: Generated<number>;
  /** Random in [0, 2^31 − 1), set when the value is founded: where it stands among equally endorsed values. */
  randomKey: Generated<number>;
  /** Its endorsement count up to `OFFER_LEVEL_CAP`, then the cap: the level values are offered for endorsing by (decision 30). */
  offerLevel: Generated<number>;
}

export interface ValueCardsTable {
  id: string;
  citizenId: string;
  contextId: string;
  title: string;
  description: string;
  /** JSON array of attentional policies. */
  policies: string;
  verdict: string;
  verdictReason: string;
  /** JSON array of the gate's signals. */
  verdictSignals: string;
  llmCallId: string | null;
  canonicalId: string | null;
  similarity: number | null;
  revisionOf: string | null;
  /** active | revised (a newer revision exists) | withdrawn. */
  status: "active" | "revised" | "withdrawn";
  createdAt: string;
}

export interface ValueEventsTable {
  id: string;
  cardId: string | null;
  canonicalId: string | null;
  type: string;
  actor: string;
  payload: string;
  createdAt: string;
}

export interface EndorsementsTable {
  citizenId: string;
  canonicalId: string;
  createdAt: string;
}

export interface ValuePairsTable {
  id: string;
  contextId: string;
  fromId: string;
  toId: string;
  story: string;
  llmCallId: string | null;
  createdAt: string;
  /** How many judgments the pair has, kept in the judgment's transaction. */
  judgmentCount: Generated<number>;
  /** Random in [0, 2^31 − 1), set when the pair is made: where a citizen's walk among equally judged pairs starts. */
  randomKey: number;
  /** Its judgment count up to `OFFER_LEVEL_CAP`, then the cap: the level pairs are offered for judging by (decision 30). */
  offerLevel: Generated<number>;
  /** How many of its judgments answered "wiser", kept in the judgment's transaction. */
  wiserCount: Generated<number>;
  /** How many answered "not wiser" (unsure: judgmentCount − wiserCount − notWiserCount). */
  notWiserCount: Generated<number>;
}

export interface JudgmentsTable {
  id: string;
  pairId: string;
  citizenId: string;
  answer: "wiser" | "not_wiser" | "unsure";
  why: string | null;
  createdAt: string;
}

export interface GraphScoresTable {
  contextId: string;
  canonicalId: string;
  score: number;
  rank: number;
  support: number;
  dissent: number;
  updatedAt: string;
}

export interface MattersTable {
  id: string;
  title: string;
  ruleText: string;
  contextId: string;
  rationale: string;
  /** 0 or 1: SQLite has no boolean. */
  emergency: number;
  status: string;
  intakeHours: number;
  intakeClosesAt: string | null;
  rounds: number;
  candidates: number;
  approvalThreshold: number;
  sunsetDays: number | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** The published ruling this matter amends (renewal with an amendment), if any. */
  amendsRulingId: string | null;
  /** The language its rule (and every option for it) is written in: "en" | "et" | "ru". */
  language: Generated<"en" | "et" | "ru">;
}

/** A matter's rule, clause by clause; `matters.ruleText` is their numbered text. */
export interface MatterClausesTable {
  matterId: string;
  /** 1-based, in the rule's order. */
  number: number;
  text: string;
}

/**
 * The options for a matter's clauses besides the clerk's wording: her alternatives, and citizens'
 * amendments, each tied to one of the citizen's value cards. Who proposed an amendment is private.
 */
export interface MatterOptionsTable {
  id: string;
  matterId: string;
  kind: "alternative" | "amendment";
  action: "replace" | "strike" | "add";
  /** The clause it replaces or strikes; for "add", the clause it follows (0: before clause 1). */
  clauseNumber: number;
  /** "" for a strike. */
  text: string;
  /** The canonical value the citizen tied it to; null for the clerk's. */
  valueId: string | null;
  /** The citizen's value card (private). */
  cardId: string | null;
  /** Private: never shown publicly. */
  citizenId: string | null;
  createdBy: string;
  createdAt: string;
  withdrawnAt: string | null;
}

export interface ConstituenciesTable {
  matterId: string;
  id: string;
  scheme: string;
  label: string;
  size: number;
  weight: number;
  createdAt: string;
}

export interface ConstituencyMembersTable {
  matterId: string;
  constituencyId: string;
  citizenId: string;
}

export interface MandatesTable {
  matterId: string;
  constituencyId: string;
  /** JSON: the frozen Mandate (deliberation/mandates.ts), hash included. */
  body: string;
  hash: string;
  createdAt: string;
}

export interface DeliberationLeasesTable {
  matterId: string;
  /** The server process running the matter's protocol. */
  holder: string;
  expiresAt: string;
}

export interface BallotVotesTable {
  matterId: string;
  /** 1 for a matter's first ballot; a returned matter's next ballot is 2, and so on. */
  ballot: number;
  delegateId: string;
  choice: "ratify" | "reject" | "abstain";
  reason: string | null;
  /** The ledger event that records the vote: its receipt. */
  seq: number;
  hash: string;
  createdAt: string;
}

export interface RulingsTable {
  id: string;
  matterId: string;
  year: number;
  number: number;
  /** The path of its European Legislation Identifier, e.g. /eli/demo/ruling/2026/1. */
  eli: string;
  title: string;
  text: string;
  contextId: string;
  emergency: number;
  /** in-force | lapsed | renewed | repealed. */
  status: string;
  publishedAt: string;
  sunsetAt: string | null;
  leafIndex: number;
  /** When enough harm reports put the ruling back on the clerk's desk. */
  reviewRequestedAt: string | null;
  /** When the clerk last acted on the ruling's review (renewed it): harm reports count towards a new review from then. */
  reviewedAt: string | null;
  /** The clerk's public reason for repealing it, and when. */
  repealReason: string | null;
  repealedAt: string | null;
  /** The provenance bundle, RFC 8785 canonical JSON: the bytes whose leaf is in the log. */
  bundle: string;
}

/** Which cards stood behind each mandate value of a published ruling (private): the leaves of the roots its bundle publishes. */
export interface RulingCardsTable {
  rulingId: string;
  cardId: string;
  constituencyId: string;
  valueId: string;
}

/** The run that owns a matter's publication while the cards behind its mandates are written. */
export interface PublishingRunsTable {
  matterId: string;
  /** The id the ruling will have: its cards are written under it first. */
  rulingId: string;
  holder: string;
  startedAt: string;
  expiresAt: string;
}

export interface LogLeavesTable {
  idx: number;
  leafHash: string;
  rulingId: string;
  createdAt: string;
}

/** A complete subtree of the log: the hash of the 2^level leaves from idx·2^level on (level 0: a leaf). */
export interface LogNodesTable {
  level: number;
  idx: number;
  hash: string;
}

export interface LogCheckpointsTable {
  size: number;
  root: string;
  keyId: string;
  signature: string;
  createdAt: string;
}

export interface HarmReportsTable {
  id: string;
  rulingId: string;
  reporterId: string;
  what: string;
  /** JSON array of the canonical value ids (of the ruling's mandates) the harm touched. */
  valueIds: string;
  createdAt: string;
}

/** rate-limiter-flexible's Postgres store (decision 17): written by the limiters' own SQL, never through Kysely. */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Milliseconds since the epoch (a bigint: pg returns it as a string). */
  expire: string | number | null;
}

export interface Database {
  citizens: CitizensTable;
  users: UsersTable;
  userRoles: UserRolesTable;
  sessions: SessionsTable;
  registryImports: RegistryImportsTable;
  registryStaging: RegistryStagingTable;
  conveningRuns: ConveningRunsTable;
  ledgerEvents: LedgerEventsTable;
  llmCalls: LlmCallsTable;
  contexts: ContextsTable;
  canonicalValues: CanonicalValuesTable;
  valueCards: ValueCardsTable;
  valueEvents: ValueEventsTable;
  endorsements: EndorsementsTable;
  valuePairs: ValuePairsTable;
  judgments: JudgmentsTable;
  graphScores: GraphScoresTable;
  matters: MattersTable;
  matterClauses: MatterClausesTable;
  matterOptions: MatterOptionsTable;
  constituencies: ConstituenciesTable;
  constituencyMembers: ConstituencyMembersTable;
  mandates: MandatesTable;
  deliberationLeases: DeliberationLeasesTable;
  ballotVotes: BallotVotesTable;
  rulings: RulingsTable;
  rulingCards: RulingCardsTable;
  publishingRuns: PublishingRunsTable;
  logLeaves: LogLeavesTable;
  logNodes: LogNodesTable;
  logCheckpoints: LogCheckpointsTable;
  harmReports: HarmReportsTable;
  rateLimits: RateLimitsTable;
}

export type Citizen = Selectable<CitizensTable>;
export type NewCitizen = Insertable<CitizensTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type LedgerEventRow = Selectable<LedgerEventsTable>;
export type LlmCallRow = Selectable<LlmCallsTable>;
export type NewLlmCall = Insertable<LlmCallsTable>;
