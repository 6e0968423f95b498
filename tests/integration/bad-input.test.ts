import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen } from "../../db/factories.js";
import type { Access } from "../../server/trpc/init.server.js";
import { REGISTRY_MAX_BYTES } from "../../server/trpc/routers/admin.server.js";
import {
  type CallerName,
  CORE_TABLES,
  dialects,
  type HttpClient,
  isReadableMessage,
  rowCounts,
  signInCallers,
  startTestServer,
  tableNames,
  type TestServer,
  type TrpcResponse,
} from "../support/database.js";
import { allProcedures, PROCEDURE_SAMPLES, type ProcedureSample, type SampleContext } from "../support/samples.js";

/**
 * Every procedure that takes input, called by someone allowed to call it, with broken input:
 * each answer is a 400 with a readable message, and nothing is written.
 */
const WITH_INPUT = allProcedures().filter((p) => PROCEDURE_SAMPLES[p.path]?.input !== undefined);
const OVERSIZED = 1_000_000;
/** Query input travels in the URL, and Node refuses request heads over 16 KiB (431) before any code of ours runs. */
const OVERSIZED_IN_URL = 8_000;

function callerFor(access: Access): CallerName {
  if (access === "public") return "anonymous";
  if (access === "signed-in") return "citizen";
  return access;
}

interface BadCase {
  name: string;
  input: unknown;
}

/** `longArray`: how many items make an oversized array; a query carries its input in the URL, which Node caps near 16 KB. */
function wrongTypesFor(value: unknown, longArray: number, freeArray = false): unknown[] {
  if (typeof value === "string") return [12345, true, {}, [], ["text"], null];
  if (typeof value === "number") return ["10", true, {}, [], null, 1.5, -1, 1e308];
  if (Array.isArray(value))
    return ["citizen", 1, {}, null, [1], [{}], ...(freeArray ? [] : [["no-such-thing"]]), Array.from({ length: longArray }, () => value[0])];
  if (typeof value === "boolean") return ["true", 1, {}, [], null];
  return ["text", 1, [], null];
}

/** The battery for one procedure, derived from its valid sample. */
function badCases(kind: "query" | "mutation", sample: ProcedureSample, valid: Record<string, unknown>): BadCase[] {
  const optional = new Set(sample.optional ?? []);
  const fields = Object.keys(valid);
  const cases: BadCase[] = [
    { name: "no input at all", input: undefined },
    { name: "null", input: null },
    { name: "a string instead of an object", input: "hello" },
    { name: "a number instead of an object", input: 42 },
    { name: "an array instead of an object", input: [valid] },
  ];
  if (fields.some((f) => !optional.has(f))) cases.push({ name: "{}", input: {} });
  for (const field of fields) {
    if (!optional.has(field)) {
      const { [field]: _left, ...rest } = valid;
      cases.push({ name: `without ${field}`, input: rest });
    }
    for (const wrong of wrongTypesFor(valid[field], kind === "query" ? 200 : 10_000, sample.freeArrays?.includes(field))) {
      const shown = JSON.stringify(wrong);
      cases.push({ name: `${field} = ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`, input: { ...valid, [field]: wrong } });
    }
    if (typeof valid[field] === "string") {
      const declared = sample.maxLength?.[field] ?? 0;
      const length = kind === "query" ? OVERSIZED_IN_URL : Math.max(OVERSIZED, declared + 1);
      cases.push({ name: `${field} of ${length} characters`, input: { ...valid, [field]: "x".repeat(length) } });
      // Broken Unicode: a high surrogate without its low half, and a low one alone.
      cases.push({ name: `${field} with a lone surrogate`, input: { ...valid, [field]: `${valid[field]}\ud800` } });
      cases.push({ name: `${field} with a lone low surrogate`, input: { ...valid, [field]: `\udc00${valid[field]}` } });
    }
  }
  return cases;
}

function expectBadRequest(response: TrpcResponse, what: string) {
  const shown = `${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`;
  expect(response.status, shown).toBe(400);
  expect(isReadableMessage(response.error?.message), shown).toBe(true);
  expect(response.error?.data.httpStatus, shown).toBe(400);
}

describe.each(dialects())("bad input over HTTP (%s)", (dialect) => {
  let server: TestServer;
  let callers: Record<CallerName, HttpClient>;
  let context: SampleContext;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    callers = await signInCallers(server.url);
    const throwaway = await server.server.deps.db.selectFrom("users").select("id").where("email", "=", "citizen12@demo.agora").executeTakeFirstOrThrow();
    context = { throwawayUserId: throwaway.id, unique: 0 };
  });
  afterAll(async () => {
    await server?.close();
  });

  it("has procedures with input to test, and counts rows in every table", async () => {
    expect(WITH_INPUT.length).toBeGreaterThan(5);
    expect(await tableNames(server.server)).toEqual(expect.arrayContaining([...CORE_TABLES]));
    for (const { path } of allProcedures()) expect(PROCEDURE_SAMPLES[path], `${path} has no sample in tests/support/samples.ts`).toBeDefined();
  });

  it.each(WITH_INPUT.map((p) => [p.path, p] as const))("%s answers broken input with 400 and writes nothing", async (path, procedure) => {
    const sample = PROCEDURE_SAMPLES[path]!;
    const kind = procedure.type as "query" | "mutation";
    const client = callers[callerFor(procedure.access!)];
    const valid = sample.input!(context);
    const before = await rowCounts(server.server);

    for (const { name, input } of badCases(kind, sample, valid)) {
      expectBadRequest(await client.call(kind, path, input), `${path} with ${name}`);
    }

    // Not JSON at all, and JSON cut short.
    for (const garbage of ["{not json", '{"a":', "\u0000\u0001\u0002", "<html>"]) {
      const response =
        kind === "query"
          ? await client.raw(`/trpc/${path}?input=${encodeURIComponent(garbage)}`)
          : await client.raw(`/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: garbage });
      expectBadRequest(response, `${path} with garbage ${JSON.stringify(garbage)}`);
    }

    if (kind === "mutation") {
      // A form-style body is not JSON either; the transport's own answer for that is 415.
      const form = await client.raw(`/trpc/${path}`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(valid) });
      expect(form.status, `${path} with text/plain`).toBe(415);
      expect(isReadableMessage(form.error?.message)).toBe(true);
    }

    expect(await rowCounts(server.server), `${path} wrote something while refusing input`).toEqual(before);
  });

  it("refuses a query whose URL is too long for HTTP with a 4xx, and the server stays up", async () => {
    const response = await callers.anonymous.raw(`/trpc/ledger.read?input=${encodeURIComponent(JSON.stringify({ stream: "x".repeat(OVERSIZED) }))}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await callers.anonymous.query("ledger.verify", { stream: "polity" })).status).toBe(200);
  });

  it("refuses a body above the size limit with 413 and a readable message, writing nothing", async () => {
    const before = await rowCounts(server.server);
    const body = JSON.stringify({ fileName: "huge.csv", csv: "x".repeat(REGISTRY_MAX_BYTES + 100 * 1024) });
    const response = await callers.admin.raw("/trpc/admin.importRegistry", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(413);
    expect(isReadableMessage(response.error?.message)).toBe(true);
    expect(await rowCounts(server.server)).toEqual(before);
  });

  it("still accepts the valid samples afterwards (the batteries broke input, not the server)", async () => {
    const person = demoCitizen(30);
    const signUp = await callers.anonymous.mutate("auth.signUp", {
      email: person.email,
      password: "a password of length",
      displayName: "<b>Thirty</b> <script>alert(1)</script>",
      personalCode: person.personalCode,
    });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    // Markup is kept as text: escaping is the renderer's job, not a reason to refuse a name.
    expect(signUp.data.user.displayName).toBe("<b>Thirty</b> <script>alert(1)</script>");
    expect((await callers.admin.query("admin.users", PROCEDURE_SAMPLES["admin.users"]!.input!(context))).status).toBe(200);
  });
});
