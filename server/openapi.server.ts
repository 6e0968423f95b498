import { z } from "zod";
import type { Access } from "./trpc/init.server.js";
import { appRouter } from "./trpc/router.server.js";

/**
 * The public read API described in OpenAPI 3.1 (issue 17), served at /api/openapi.json.
 *
 * Two kinds of paths: the registry's files (rulings, bundles, the log's checkpoint, open-data exports,
 * the feed and the Akoma Ntoso documents), and the tRPC queries anyone may call. The queries and their
 * input schemas are read from the router itself, so a new public query cannot be left out and an input
 * cannot drift; what each answers is described here, in zod, and tests/integration/openapi.test.ts holds
 * every described answer against a real response. Answers are open objects: a client ignores fields it
 * does not know, and the API may add fields without a new version.
 */

// ───────────────────────────────────── what the API answers ─────────────────────────────────────

const IsoTime = z.string().describe("A time in ISO 8601, UTC.");
const Hex = z.string().regex(/^[0-9a-f]*$/);
const Id = z.string().describe("An opaque identifier.");

const RulingStatus = z.enum(["in-force", "lapsed", "renewed", "repealed"]);

const RulingSummary = z.looseObject({
  id: Id,
  eli: z.string().describe("The ruling's ELI path, e.g. /eli/demo/ruling/2026/1."),
  title: z.string(),
  contextId: z.string(),
  emergency: z.boolean(),
  status: RulingStatus,
  publishedAt: IsoTime,
  sunsetAt: IsoTime.nullable().describe("When an emergency ruling lapses unless renewed."),
  year: z.number().int(),
  number: z.number().int(),
  repealReason: z.string().nullable(),
  repealedAt: IsoTime.nullable(),
});

const Ruling = RulingSummary.extend({
  matterId: Id,
  text: z.string().describe("The ratified text, a numbered list of clauses."),
  leafIndex: z.number().int().nullable().describe("The bundle's leaf in the transparency log."),
  reviewRequestedAt: IsoTime.nullable(),
  amendedBy: z.array(z.looseObject({ id: Id, title: z.string(), status: z.string(), createdAt: IsoTime })),
});

const Checkpoint = z.looseObject({
  log: z.string(),
  size: z.number().int().describe("Leaves in the log."),
  root: Hex.describe("SHA-256 Merkle root (RFC 6962), hex."),
  keyId: z.string(),
  signature: z.string().describe("Ed25519 signature, base64."),
});

const CheckpointView = z.looseObject({
  checkpoint: Checkpoint,
  publicKey: z.string().describe("The registry's Ed25519 public key, PEM."),
  keyId: z.string(),
});

const Consistency = z.looseObject({
  first: z.number().int(),
  second: z.number().int(),
  firstRoot: Hex,
  secondRoot: Hex,
  proof: z.array(Hex).describe("RFC 6962 consistency proof from the first size to the second."),
});

const LedgerEvent = z.looseObject({
  matterId: z.string().describe("The stream: a matter's id, or the polity's stream."),
  seq: z.number().int(),
  type: z.string(),
  actor: z.string().nullable(),
  payload: z.unknown(),
  prevHash: Hex,
  hash: Hex,
  createdAt: IsoTime,
});

const ChainVerdict = z.union([
  z.looseObject({ ok: z.literal(true), length: z.number().int(), head: Hex }),
  z.looseObject({ ok: z.literal(false), seq: z.number().int(), reason: z.string() }),
]);

const BundleEnvelope = z.looseObject({
  bundle: z.looseObject({
    version: z.number().int(),
    ruling: z.looseObject({
      eli: z.string(),
      title: z.string(),
      text: z.string(),
      textHash: Hex,
      matterId: Id,
      contextId: z.string(),
      emergency: z.boolean(),
      publishedAt: IsoTime,
      sunsetAt: IsoTime.nullable(),
    }),
    mandates: z.array(z.looseObject({ constituencyId: Id, label: z.string(), size: z.number().int(), mandate: z.unknown() })),
    ballot: z.looseObject({ ballot: z.number().int(), rules: z.unknown(), eligible: z.array(Id), votes: z.array(z.looseObject({})), tally: z.looseObject({}) }),
    ledger: z.looseObject({ matterId: Id, head: Hex, events: z.array(LedgerEvent) }),
    cardTrees: z
      .array(z.looseObject({}))
      .optional()
      .describe("Version 2: per constituency and mandate value, the count of cards behind it and their Merkle root."),
  }),
  proof: z.looseObject({ leafIndex: z.number().int(), treeSize: z.number().int(), path: z.array(Hex) }),
  checkpoint: Checkpoint,
  publicKey: z.string(),
  acts: z
    .array(
      z.looseObject({
        record: z.looseObject({ log: z.string(), eli: z.string(), act: z.enum(["renewed", "repealed", "lapsed"]), at: IsoTime, bundleLeaf: z.number().int() }),
        leafIndex: z.number().int(),
        path: z.array(Hex),
      }),
    )
    .optional()
    .describe(
      "The acts on the ruling since its publication, each a leaf of the log with its proof under `checkpoint`: the verifier states the ruling's status from them.",
    ),
});

/** One page of /api/rulings.json and of rulings.page. */
const RulingLinks = { uri: z.string().describe("Its ELI URI, under AGORA_PUBLIC_URL."), akn: z.string(), bundle: z.string() };

const Context = z.looseObject({
  id: z.string(),
  title: z.string(),
  titleEt: z.string().nullable(),
  titleRu: z.string().nullable(),
  description: z.string(),
  descriptionEt: z.string().nullable().describe("The description in Estonian, where there is one."),
  descriptionRu: z.string().nullable().describe("The description in Russian, where there is one."),
  values: z.number().int().describe("Values in the context."),
});

const MatterSummary = z.looseObject({
  id: Id,
  title: z.string(),
  ruleText: z.string(),
  language: z.string(),
  contextId: z.string(),
  contextTitle: z.string(),
  rationale: z.string(),
  emergency: z.boolean(),
  status: z.string(),
  intakeHours: z.number().int(),
  intakeClosesAt: IsoTime.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const Matter = MatterSummary.extend({
  rule: z
    .looseObject({ clauses: z.array(z.looseObject({})) })
    .describe("The rule as numbered clauses, with the clerk's alternatives and citizens' amendments."),
  ruling: z.looseObject({ eli: z.string(), status: z.string() }).nullable(),
});

const ConstituencyView = z.looseObject({
  id: Id,
  scheme: z.string(),
  label: z.string(),
  size: z.number().int().describe("Citizens it speaks for."),
  weight: z.number(),
  mandate: z.looseObject({ hash: Hex, values: z.array(z.looseObject({})) }),
});

const DeliberationView = z
  .looseObject({
    stage: z.string(),
    round: z.number().int(),
    language: z.string(),
    engine: z.string(),
    representatives: z.array(z.looseObject({ id: Id, label: z.string(), citizens: z.number().int() })),
    rounds: z.array(z.looseObject({ round: z.number().int() })),
    draft: z.looseObject({ title: z.string(), text: z.string() }).nullable(),
    lastSeq: z.number().int(),
  })
  .nullable()
  .describe("Null before the deliberation starts.");

const BallotView = z
  .looseObject({
    ballot: z.number().int(),
    open: z.boolean(),
    text: z.string(),
    textHash: Hex,
    eligible: z.number().int(),
    tally: z.looseObject({ voted: z.number().int(), ratify: z.number().int(), reject: z.number().int(), abstain: z.number().int() }),
    votes: z.array(z.looseObject({ delegate: z.string(), choice: z.string() })),
  })
  .nullable()
  .describe("Null before a ballot opens.");

const GraphView = z.looseObject({
  context: z.looseObject({ id: z.string(), title: z.string() }),
  values: z.array(
    z.looseObject({
      id: Id,
      title: z.string(),
      description: z.string(),
      policies: z.array(z.string()),
      score: z.number(),
      rank: z.number().int(),
      support: z.number().int(),
      dissent: z.number().int(),
    }),
  ),
  edges: z.array(z.looseObject({ from: Id, to: Id, likelihood: z.number(), votes: z.number().int() })),
  judgments: z.number().int(),
  total: z.number().int().describe("Values in the context; `values` holds the top `limit` of them by rank."),
  limit: z.number().int(),
});

const LedgerPage = z.looseObject({
  stream: z.string(),
  polity: z.boolean(),
  lines: z.array(z.looseObject({ seq: z.number().int(), createdAt: IsoTime, hash: Hex, what: z.unknown() })),
  verdict: ChainVerdict,
});

const HarmOverview = z.looseObject({
  threshold: z.number().int().describe("Reports that send the ruling back to the clerk for review."),
  reviewRequestedAt: IsoTime.nullable(),
  reports: z.array(z.looseObject({})),
  constituencies: z.array(z.looseObject({ label: z.string(), citizens: z.number().int(), honouredWeight: z.number(), erodedWeight: z.number() })),
});

const ExportRow = z.looseObject({ contextId: z.string(), datetime: IsoTime });

/** What each public query answers. A public query missing here fails the OpenAPI test. */
export const PUBLIC_QUERY_ANSWERS: Record<string, { summary: string; answer: z.ZodType }> = {
  "values.contexts": { summary: "The choice contexts values are given in, with their counts.", answer: z.array(Context) },
  "graph.view": { summary: "A context's moral graph: its top values by rank and the wiser-than edges between them.", answer: GraphView },
  "matters.list": { summary: "Matters, newest first.", answer: z.array(MatterSummary) },
  "matters.get": { summary: "A matter with its rule as clauses.", answer: Matter },
  "matters.openIntakes": { summary: "Matters whose intake of values is open.", answer: z.array(MatterSummary) },
  "matters.convening": { summary: "A matter's constituencies and their frozen mandates.", answer: z.array(ConstituencyView) },
  "matters.deliberation": { summary: "A matter's deliberation as its ledger tells it: readings, positions, rounds and the draft.", answer: DeliberationView },
  "room.ballot": { summary: "A matter's ballot: the text voted on, the tally and each delegate's vote.", answer: BallotView },
  "ledger.read": { summary: "A stream's ledger events in order, a page at a time.", answer: z.array(LedgerEvent) },
  "ledger.page": { summary: "A stream's ledger as a person reads it, with the chain's verdict.", answer: LedgerPage },
  "ledger.verify": { summary: "Whether a stream's hash chain holds.", answer: ChainVerdict },
  "rulings.list": { summary: "Published rulings, newest first, with search and filters.", answer: z.array(RulingSummary) },
  "rulings.get": { summary: "A published ruling by its ELI.", answer: Ruling },
  "rulings.page": {
    summary: "Every published ruling, newest first, a page at a time: the total and the next page's cursor (null on the last).",
    answer: z.looseObject({ listUrl: z.string(), total: z.number().int(), rulings: z.array(RulingSummary.extend(RulingLinks)), next: z.string().nullable() }),
  },
  "rulings.atom": { summary: "The registry's Atom feed (RFC 4287), as the text of the document.", answer: z.string() },
  "rulings.akn": { summary: "A ruling as an Akoma Ntoso 3.0 document, as its text.", answer: z.string() },
  "rulings.eliMetadata": {
    summary: "A ruling's ELI metadata (JSON-LD in the ELI ontology), as its page carries it.",
    answer: z.looseObject({ "@id": z.string(), "@type": z.literal("eli:LegalResource") }),
  },
  "rulings.bundle": { summary: "A ruling's provenance bundle with its inclusion proof under the newest checkpoint.", answer: BundleEnvelope },
  "rulings.checkpoint": { summary: "The transparency log's newest signed checkpoint and the registry's public key.", answer: CheckpointView },
  "rulings.consistency": { summary: "A consistency proof between two sizes of the transparency log.", answer: Consistency },
  "rulings.harm": { summary: "Harm reports on a ruling (counts, never reporters) and the values it honours.", answer: HarmOverview },
};

/**
 * Public queries that are not part of the described API, and why: `auth.me` and `auth.signInOptions`
 * answer the app's own pages about the caller's session and how she may sign in; the answer of
 * `exports.pages` is a stream the download routes read in process, and over HTTP the same rows are
 * /api/exports/{file}.
 */
export const UNDESCRIBED_QUERIES: ReadonlySet<string> = new Set(["auth.me", "auth.signInOptions", "exports.pages"]);

// ───────────────────────────────────── the document ─────────────────────────────────────

type JsonSchema = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(type, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return schema;
}

interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription"; meta?: { access?: Access }; inputs: z.ZodType[] };
}

/** The router's public queries, by dotted path. */
export function publicQueries(): { path: string; input: z.ZodType | null }[] {
  // Typed as the nested router record, but at run time a flat record keyed by dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
  return Object.entries(procedures)
    .filter(([path, p]) => p._def.type === "query" && p._def.meta?.access === "public" && !UNDESCRIBED_QUERIES.has(path))
    .map(([path, p]) => ({ path, input: p._def.inputs[0] ?? null }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const TRPC_ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["message", "code", "data"],
      properties: {
        message: { type: "string", description: "What went wrong, in the caller's language." },
        code: { type: "integer", description: "JSON-RPC 2.0 error code." },
        data: {
          type: "object",
          properties: {
            code: { type: "string", description: "BAD_REQUEST, NOT_FOUND, FORBIDDEN, TOO_MANY_REQUESTS …" },
            httpStatus: { type: "integer" },
            path: { type: "string" },
            issues: { type: "array", items: { type: "object" }, description: "For invalid input: which field, and why." },
          },
        },
      },
    },
  },
};

const errorResponses = (statuses: readonly number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? "An error.",
        content: { "application/json": { schema: { $ref: "#/components/schemas/TrpcError" } } },
      },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The input is not valid: the error names the field and why.",
  404: "There is no such thing.",
  429: "Too many requests: ask again after Retry-After seconds.",
  503: "The database is away for a moment: ask again after Retry-After seconds.",
};

function trpcPath(path: string, input: z.ZodType | null, answer: { summary: string; answer: z.ZodType }) {
  const area = path.split(".")[0]!;
  return {
    get: {
      operationId: path,
      tags: [area],
      summary: answer.summary,
      ...(input
        ? {
            parameters: [
              {
                name: "input",
                in: "query",
                required: true,
                description: "The query's input as JSON (URL-encoded).",
                content: { "application/json": { schema: schemaOf(input, "input") } },
              },
            ],
          }
        : {}),
      responses: {
        "200": {
          description: "The answer.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["result"],
                properties: { result: { type: "object", required: ["data"], properties: { data: schemaOf(answer.answer, "output") } } },
              },
            },
          },
        },
        ...errorResponses(input ? [400, 404, 429, 503] : [429, 503]),
      },
    },
  };
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema: schemaOf(schema, "output") } } });
const notFound = { "404": { description: "There is no such thing." } };

/** The registry's files: what a person or a program downloads without tRPC. */
function filePaths() {
  return {
    "/api/rulings.json": {
      get: {
        operationId: "rulingsJson",
        tags: ["registry"],
        summary: "Every published ruling as open data, newest first, a page at a time, each with its URI and its files' addresses.",
        parameters: [
          { name: "cursor", in: "query", required: false, schema: { type: "string" }, description: "The page after the one whose `links.next` gave it." },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: {
          "200": json(
            z.looseObject({
              total: z.number().int().describe("Published rulings in all."),
              count: z.number().int(),
              links: z.looseObject({ first: z.string(), next: z.string().nullable() }),
              rulings: z.array(RulingSummary.extend(RulingLinks)),
            }),
            "A page of rulings.",
          ),
        },
      },
    },
    "/api/rulings/{id}/bundle.json": {
      get: {
        operationId: "rulingBundle",
        tags: ["registry"],
        summary: "A ruling's provenance bundle with its inclusion proof: what the verifier reads.",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" }, description: "The ruling's id (from /api/rulings.json)." }],
        responses: { "200": json(BundleEnvelope, "The bundle envelope."), ...notFound },
      },
    },
    "/api/log/checkpoint": {
      get: {
        operationId: "logCheckpoint",
        tags: ["registry"],
        summary: "The transparency log's newest signed checkpoint and the registry's public key.",
        responses: { "200": json(CheckpointView, "The checkpoint.") },
      },
    },
    "/api/exports/{file}": {
      get: {
        operationId: "export",
        tags: ["open data"],
        summary: "Anonymised values, endorsements or judgments of every context, in Polis's layout (CSV) or as JSON rows.",
        parameters: [
          {
            name: "file",
            in: "path",
            required: true,
            schema: { type: "string", enum: ["values.csv", "values.json", "endorsements.csv", "endorsements.json", "judgments.csv", "judgments.json"] },
          },
        ],
        responses: {
          "200": {
            description: "The rows, streamed.",
            content: { "text/csv": { schema: { type: "string" } }, "application/json": { schema: schemaOf(z.array(ExportRow), "output") } },
          },
          ...notFound,
        },
      },
    },
    "/agora-verify.mjs": {
      get: {
        operationId: "verifier",
        tags: ["registry"],
        summary: "The registry's verifier: one ES module with no dependencies. Run: node agora-verify.mjs bundle.json (Node 20 or newer).",
        responses: { "200": { description: "The module.", content: { "text/javascript": { schema: { type: "string" } } } } },
      },
    },
    "/agora-verify.mjs.sha256": {
      get: {
        operationId: "verifierSha256",
        tags: ["registry"],
        summary: "The verifier's SHA-256, as sha256sum writes it; it is also recorded in the transparency log.",
        responses: { "200": { description: "The checksum line.", content: { "text/plain": { schema: { type: "string" } } } } },
      },
    },
    "/rulings.atom": {
      get: {
        operationId: "rulingsFeed",
        tags: ["registry"],
        summary: "Published rulings as an Atom feed (RFC 4287).",
        responses: { "200": { description: "The feed.", content: { "application/atom+xml": { schema: { type: "string" } } } } },
      },
    },
    "/eli/{polity}/ruling/{year}/{number}/akn.xml": {
      get: {
        operationId: "rulingAkomaNtoso",
        tags: ["registry"],
        summary: "A ruling as an Akoma Ntoso 3.0 document.",
        parameters: [
          { name: "polity", in: "path", required: true, schema: { type: "string" } },
          { name: "year", in: "path", required: true, schema: { type: "integer" } },
          { name: "number", in: "path", required: true, schema: { type: "integer" } },
        ],
        responses: { "200": { description: "The document.", content: { "application/akn+xml": { schema: { type: "string" } } } }, ...notFound },
      },
    },
  };
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  paths: Record<string, unknown>;
  [key: string]: unknown;
}

/** The document, built once per process (it depends on the code only). */
let built: OpenApiDocument | undefined;

export function openApiDocument(version: string): OpenApiDocument {
  if (built) return built;
  const missing = publicQueries().filter((q) => !PUBLIC_QUERY_ANSWERS[q.path]);
  if (missing.length) throw new Error(`openapi: describe what ${missing.map((q) => q.path).join(", ")} answers (PUBLIC_QUERY_ANSWERS).`);
  const trpc = Object.fromEntries(publicQueries().map((q) => [`/trpc/${q.path}`, trpcPath(q.path, q.input, PUBLIC_QUERY_ANSWERS[q.path]!)]));
  built = {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Agora public read API",
      version,
      summary: "Published rulings, their provenance, the transparency log, the moral graph and open data.",
      description:
        "Everything here is public and needs no account. The registry's files are plain HTTP; the queries are tRPC over HTTP GET (`/trpc/{procedure}?input={JSON}`), answering `{ result: { data } }` or `{ error }`. Answers are open objects: ignore fields you do not know. Bundles verify offline with the registry's verifier.",
    },
    servers: [{ url: "/", description: "This registry." }],
    paths: { ...filePaths(), ...trpc },
    components: { schemas: { TrpcError: TRPC_ERROR } },
  };
  return built;
}
