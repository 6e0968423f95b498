import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { personalCode } from "../../db/factories.js";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { type ScriptedRequest, type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { conveneFixture, FIXTURE_CLAUSES, FIXTURE_CONTEXT } from "../fixtures/deliberation.js";
import { districtValues, PARLIAMENT_SEATS, parliamentDistricts } from "../fixtures/parliament.js";
import { waitFor } from "../support/wait.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { resultKeys } from "../support/ledger.js";

/**
 * A deliberation of a parliament: 101 representatives, one per district, each with a mandate of 8
 * values (several hundred distinct values in all), run to a draft with the offline engine and through
 * the scripted OpenAI-compatible server. The registry is imported and the matter opened, convened and
 * started through the application; the citizens' cards are written as intake leaves them (intake has
 * its own tests), so that 101 districts do not need 202 sign-ups. And: a failure that would repeat
 * for the same input is not asked again; one that may pass is.
 */

const CITIZENS_PER_DISTRICT = 2;

async function finished(clerk: HttpClient, matterId: string) {
  return waitFor(
    async () => {
      const view = (await clerk.query("matters.deliberation", { id: matterId })).data;
      return view && ["drafted", "halted"].includes(view.stage) ? view : null;
    },
    `deliberation ${matterId} to finish`,
    60_000,
  );
}

/** Imports a registry of 101 districts through the admin's import, gives each citizen cards of her district's values, opens and convenes a matter. */
async function conveneParliament(t: TestServer, admin: HttpClient, clerk: HttpClient): Promise<string> {
  const districts = parliamentDistricts();
  const rows = districts.flatMap((district, d) =>
    Array.from({ length: CITIZENS_PER_DISTRICT }, (_, j) => `${personalCode(70_000 + d * CITIZENS_PER_DISTRICT + j)},Citizen ${d}-${j},${district},`),
  );
  const imported = await admin.mutate("admin.importRegistry", {
    fileName: "parliament.csv",
    csv: ["personal_code,full_name,district,email", ...rows].join("\n"),
  });
  expect(imported.status).toBe(200);

  const db = t.server.deps.db;
  const now = new Date().toISOString();
  await db
    .insertInto("contexts")
    .values({ id: FIXTURE_CONTEXT, title: "AI systems that make decisions about people", titleEt: null, description: "Fixture context.", createdAt: now })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  const codes = districts.flatMap((_, d) => Array.from({ length: CITIZENS_PER_DISTRICT }, (_, j) => personalCode(70_000 + d * CITIZENS_PER_DISTRICT + j)));
  // The import may finish after it answers (a large census is written in batches): its citizens are awaited, all of them new.
  const citizens = await waitFor(async () => {
    const found = await db.selectFrom("citizens").select(["id", "personalCode"]).where("personalCode", "in", codes).execute();
    return found.length === codes.length ? found : null;
  }, "the imported registry");
  const citizenOf = new Map(citizens.map((c) => [c.personalCode, c.id]));
  const canonical = new Map<
    string,
    { id: string; contextId: string; title: string; description: string; policies: string; sourceCardId: string; embedding: null; createdAt: string }
  >();
  const cards: Record<string, unknown>[] = [];
  districts.forEach((_, d) => {
    const values = districtValues(d);
    for (const v of values) {
      if (!canonical.has(v.key))
        canonical.set(v.key, {
          id: `parl-${v.key}`,
          contextId: FIXTURE_CONTEXT,
          title: v.title,
          description: v.description,
          policies: JSON.stringify(v.policies),
          sourceCardId: `parl-card-${d}-${v.key}`,
          embedding: null,
          createdAt: now,
        });
    }
    // The first citizen holds values 0-5, the second 3-7: every value of the district is held, some by both.
    for (let j = 0; j < CITIZENS_PER_DISTRICT; j++) {
      const citizenId = citizenOf.get(personalCode(70_000 + d * CITIZENS_PER_DISTRICT + j))!;
      for (const v of j === 0 ? values.slice(0, 6) : values.slice(3)) {
        cards.push({
          id: `parl-card-${d}-${j}-${v.key}`,
          citizenId,
          contextId: FIXTURE_CONTEXT,
          title: v.title,
          description: v.description,
          policies: JSON.stringify(v.policies),
          verdict: "value",
          verdictReason: "",
          verdictSignals: "[]",
          llmCallId: null,
          canonicalId: `parl-${v.key}`,
          similarity: null,
          revisionOf: null,
          status: "active",
          createdAt: now,
        });
      }
    }
  });
  const values = [...canonical.values()];
  for (let i = 0; i < values.length; i += 200)
    await db
      .insertInto("canonicalValues")
      .values(values.slice(i, i + 200))
      .execute();
  for (let i = 0; i < cards.length; i += 200)
    await db
      .insertInto("valueCards")
      .values(cards.slice(i, i + 200) as never)
      .execute();

  const opened = await clerk.mutate("matters.open", {
    title: "Automated decisions about benefits, for the whole country",
    clauses: FIXTURE_CLAUSES,
    language: "en",
    contextId: FIXTURE_CONTEXT,
    rationale: "A rule a parliament's worth of constituencies deliberates.",
    emergency: true,
    intakeHours: 24,
    rounds: 2,
    candidates: 3,
    approvalThreshold: 0.6,
    startIntake: true,
  });
  const matterId = opened.data.id as string;
  const alternative = await clerk.mutate("matters.addAlternative", {
    matterId,
    clause: 3,
    text: "The person may ask for a review by a human reviewer, who can change the outcome.",
  });
  expect(alternative.status).toBe(200);
  const convened = await clerk.mutate("matters.convene", { id: matterId, scheme: "districts", confirmEarly: true });
  expect(convened.data).toMatchObject({ status: "convened", constituencies: PARLIAMENT_SEATS });
  return matterId;
}

/** The ledger of a 101-representative draft: chain verifies, each step once, 101 stances, candidates addressing more values than a fixed cap of 128 allowed. */
async function checkParliamentDraft(t: TestServer, matterId: string, view: any) {
  expect(view).toMatchObject({ stage: "drafted", haltedBecause: null });
  expect(view.representatives).toHaveLength(PARLIAMENT_SEATS);
  expect(view.draft.stances).toHaveLength(PARLIAMENT_SEATS);
  expect(view.draft.coverage).toHaveLength(PARLIAMENT_SEATS);
  const mandateValues = new Set(view.representatives.flatMap((r: { mandate: { valueId: string }[] }) => r.mandate.map((v) => v.valueId)));
  expect(mandateValues.size).toBeGreaterThan(500);
  const events = await readLedger(t.server.deps.db, matterId);
  expect(verifyChain(events)).toMatchObject({ ok: true, length: events.length });
  const keys = resultKeys(events);
  expect(new Set(keys).size).toBe(keys.length);
  expect(events.filter((e) => e.type === "deliberation.position")).toHaveLength(PARLIAMENT_SEATS);
  expect(events.some((e) => e.type === "deliberation.callFailed" || e.type === "deliberation.attemptFailed")).toBe(false);
  const addresses = events.filter((e) => e.type === "deliberation.candidate").map((e) => (e.payload as any).candidate.addresses.length as number);
  expect(Math.max(...addresses)).toBeGreaterThan(128);
}

describe.each(dialects())("a deliberation of 101 representatives on %s", (dialect) => {
  describe("with the offline engine", () => {
    let t: TestServer;
    let admin: HttpClient;
    let clerk: HttpClient;
    beforeAll(async () => {
      t = await startTestServer(dialect);
      admin = await signInAs(t.url, "admin@demo.agora");
      clerk = await signInAs(t.url, "clerk@demo.agora");
    });
    afterAll(async () => t?.close());

    it("runs from a registry of 101 districts to a draft with 101 stances", async () => {
      const matterId = await conveneParliament(t, admin, clerk);
      expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
      const view = await finished(clerk, matterId);
      await checkParliamentDraft(t, matterId, view);
      expect(view.engine).toBe("offline");
    }, 90_000);
  });

  describe("through the scripted OpenAI-compatible server", () => {
    let model: ScriptedServer;
    let t: TestServer;
    let admin: HttpClient;
    let clerk: HttpClient;
    beforeAll(async () => {
      model = await startScriptedServer({
        respond: (request: ScriptedRequest) => {
          // The mediator's pen has nothing to add here; every other task is answered as the offline engine reasons.
          if (request.task === "deliberation.word") return { json: { clauses: [] } };
          const answer = answerOffline(request.task, request.data);
          return answer ? { json: answer, chunkSize: 256 } : { status: 400, message: `unexpected task ${request.task}` };
        },
      });
      t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
      admin = await signInAs(t.url, "admin@demo.agora");
      clerk = await signInAs(t.url, "clerk@demo.agora");
    });
    afterAll(async () => {
      await t?.close();
      await model?.close();
    });

    it("runs to a draft with 101 stances, every option read against several hundred values in batches", async () => {
      const matterId = await conveneParliament(t, admin, clerk);
      expect((await clerk.mutate("matters.start", { id: matterId, tokenBudget: 50_000_000 })).status).toBe(200);
      const view = await finished(clerk, matterId);
      await checkParliamentDraft(t, matterId, view);
      expect(view.engine).toBe("openai");
      const reads = model.received.filter((r) => r.task === "deliberation.read");
      expect(reads.length).toBeGreaterThan(5 * 10);
      expect(reads.every((r) => (r.data as { values: unknown[] }).values.length <= 48)).toBe(true);
    }, 90_000);
  });
});

describe.each(dialects())("a model call that fails, on %s", (dialect) => {
  let model: ScriptedServer;
  let t: TestServer;
  let clerk: HttpClient;
  /** What the scripted model does wrong in the test under way (they run one after another). */
  let mode: "schema" | "rejected" | "busy" = "schema";
  let busy = 0;

  beforeAll(async () => {
    model = await startScriptedServer({
      respond: (request: ScriptedRequest) => {
        const data = request.data as any;
        if (request.task === "deliberation.word") {
          // A request the endpoint rejects as it stands (400): the same request would be rejected again.
          if (mode === "rejected") return { status: 400, message: "the request is malformed" };
          return { json: { clauses: [] } };
        }
        if (request.task === "deliberation.read" && data.option.id === "c2") {
          // An answer that never fits the schema, however often it is asked for (feedback included).
          if (mode === "schema") return { json: { readings: [{ valueId: 7, verdict: "perhaps" }] } };
          // Busy four times running: more than the adapter's own retries, so the runner waits and asks again.
          if (mode === "busy" && busy < 4) {
            busy++;
            return { status: 429, retryAfterMs: 1 };
          }
        }
        const answer = answerOffline(request.task, request.data);
        return answer ? { json: answer } : { status: 400, message: `unexpected task ${request.task}` };
      },
    });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  const requestsFor = (matterOptionIds: Set<string>, task: string, optionId?: string) =>
    model.received.filter((r) => {
      const data = r.data as any;
      if (r.task !== task) return false;
      if (task === "deliberation.read") return data.option.id === optionId && matterOptionIds.has(data.values[0]?.valueId);
      return true;
    });

  it("halts at once on an answer that fails its schema after the retry with feedback, saying why: no backoff, no third request", async () => {
    mode = "schema";
    const { matterId, valueIds } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id: matterId });
    const view = await finished(clerk, matterId);
    expect(view).toMatchObject({ stage: "halted", haltedBecause: "invalid_output" });
    expect(view.haltedDetail).toMatch(/does not match the schema/);
    const events = await readLedger(t.server.deps.db, matterId);
    const failed = events.filter((e) => e.type === "deliberation.callFailed");
    expect(failed.map((e) => e.payload)).toEqual([expect.objectContaining({ key: "reading:c2:0", reason: "invalid_output", transient: false, attempts: 1 })]);
    // One attempt: the answer, and the one retry with feedback the adapter always makes; then nothing more.
    expect(events.filter((e) => e.type === "deliberation.attemptFailed").map((e) => (e.payload as any).call.callIds.length)).toEqual([2]);
    const asked = requestsFor(new Set(valueIds), "deliberation.read", "c2");
    expect(asked).toHaveLength(2);
    expect(asked[1]!.feedback?.join(" ")).toMatch(/schema/);
  });

  it("halts at once on a request the endpoint rejects (400): one request, no retry", async () => {
    mode = "rejected";
    const before = model.received.filter((r) => r.task === "deliberation.word").length;
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id: matterId });
    const view = await finished(clerk, matterId);
    expect(view).toMatchObject({ stage: "halted", haltedBecause: "rejected" });
    expect(model.received.filter((r) => r.task === "deliberation.word").length - before).toBe(1);
    const failed = (await readLedger(t.server.deps.db, matterId)).filter((e) => e.type === "deliberation.callFailed");
    expect(failed.map((e) => e.payload)).toEqual([expect.objectContaining({ key: "wording:1", reason: "rejected", transient: false, attempts: 1 })]);
  });

  it("asks again after a transient failure (429s beyond the adapter's retries) and runs to a draft", async () => {
    mode = "busy";
    busy = 0;
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id: matterId });
    const view = await finished(clerk, matterId);
    expect(view.stage).toBe("drafted");
    expect(busy).toBe(4);
    const events = await readLedger(t.server.deps.db, matterId);
    expect(events.filter((e) => e.type === "deliberation.callFailed")).toEqual([]);
    const retried = events.filter((e) => e.type === "deliberation.attemptFailed").map((e) => e.payload as any);
    expect(retried).toEqual([expect.objectContaining({ key: "reading:c2:0", reason: "rate_limited" })]);
    expect(retried[0].call.callIds).toHaveLength(4);
    expect(events.filter((e) => e.type === "deliberation.reading" && (e.payload as any).key === "reading:c2:0")).toHaveLength(1);
  });
});
