import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen } from "../../db/factories.js";
import type { Access } from "../../server/trpc/init.server.js";
import {
  CALLER_NAMES,
  CALLER_ROLES,
  CALLERS,
  type CallerName,
  dialects,
  type HttpClient,
  signInAs,
  signInCallers,
  startTestServer,
  type TestServer,
} from "../support/database.js";
import { allProcedures, PROCEDURE_SAMPLES, type SampleContext } from "../support/samples.js";

const PROCEDURES = allProcedures();

/** What a caller should get: 401, 403, or through the door (any status but those two). */
function expectedFor(access: Access, caller: CallerName): 401 | 403 | "allowed" {
  if (access === "public") return "allowed";
  if (caller === "anonymous") return 401;
  if (access === "signed-in") return "allowed";
  return CALLER_ROLES[caller].includes(access) ? "allowed" : 403;
}

it("the router has procedures, each declaring its access, and every sample names a real procedure", () => {
  expect(PROCEDURES.length).toBeGreaterThan(10);
  for (const { path, access } of PROCEDURES) expect(access, `${path} has no meta.access`).toBeDefined();
  const paths = new Set(PROCEDURES.map((p) => p.path));
  expect(
    Object.keys(PROCEDURE_SAMPLES).filter((path) => !paths.has(path)),
    "samples for procedures that no longer exist",
  ).toEqual([]);
});

describe.each(dialects())("access control over HTTP (%s)", (dialect) => {
  let server: TestServer;
  let callers: Record<CallerName, HttpClient>;
  let context: () => SampleContext;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    callers = await signInCallers(server.url);
    // A registry citizen of its own, whose roles admin.setRoles may change at will.
    const throwaway = demoCitizen(45);
    const signUp = await callers.anonymous.mutate("auth.signUp", {
      email: throwaway.email,
      password: "throwaway password",
      displayName: throwaway.fullName,
      personalCode: throwaway.personalCode,
    });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    const throwawayUserId = signUp.data.user.id as string;
    let unique = 0;
    context = () => ({ throwawayUserId, unique: unique++ });
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(PROCEDURES.map((p) => [p.path, p] as const))("%s answers each caller as its access says", async (path, procedure) => {
    const sample = PROCEDURE_SAMPLES[path];
    expect(sample, `${path} has no sample input in tests/support/samples.ts: add one`).toBeDefined();
    expect(procedure.type).not.toBe("subscription");
    const access = procedure.access!;
    const kind = procedure.type as "query" | "mutation";

    for (const caller of CALLER_NAMES) {
      // A call that ends the session gets a session of its own, so the shared callers stay signed in.
      const email = CALLERS[caller];
      const client = sample!.endsSession && email ? await signInAs(server.url, email) : callers[caller];
      const input = sample!.input?.(context());
      const response = await client.call(kind, path, input);
      const expected = expectedFor(access, caller);
      const what = `${path} (${access}) as ${caller}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      if (expected === "allowed") {
        expect([401, 403], what).not.toContain(response.status);
        expect(response.status, what).toBeLessThan(500);
        // A valid sample, passed the door, succeeds or meets a domain rule; it is never an input error.
        expect(response.error?.data.key ?? null, what).not.toBe("errors.invalidInput");
      } else {
        expect(response.status, what).toBe(expected);
        expect(response.error?.message, what).toMatch(/\w/);
      }
    }
  });

  it("the shared callers are still who they were (no sample signed anyone out or changed roles)", async () => {
    for (const caller of CALLER_NAMES) {
      const me = await callers[caller].query("auth.me");
      expect(me.status).toBe(200);
      if (caller === "anonymous") expect(me.data.user).toBeNull();
      else expect(me.data.user.roles).toEqual(CALLER_ROLES[caller]);
    }
  });
});
