import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { type ScriptedReply, type ScriptedRequest, type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import type { ClientToServerEvents, ServerToClientEvents, TranscriptFragment } from "../../server/realtime/contract.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { waitFor } from "../support/wait.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { resultKeys } from "../support/ledger.js";

/** A model that reasons as the offline engine does: the scripted server answers each task from its data block. */
function offlineAnswer(request: ScriptedRequest): unknown {
  const answer = answerOffline(request.task, request.data);
  if (!answer) throw new Error(`unexpected task ${request.task}`);
  return answer;
}

async function finished(clerk: HttpClient, matterId: string) {
  return waitFor(async () => {
    const view = (await clerk.query("matters.deliberation", { id: matterId })).data;
    return view && ["drafted", "halted"].includes(view.stage) ? view : null;
  }, `deliberation ${matterId} to finish`);
}

/** The ledger of a finished deliberation: the chain verifies, no protocol call's result appears twice. */
async function checkLedger(t: TestServer, matterId: string) {
  const events = await readLedger(t.server.deps.db, matterId);
  expect(verifyChain(events)).toMatchObject({ ok: true, length: events.length });
  const keys = resultKeys(events);
  expect(new Set(keys).size).toBe(keys.length);
  return events;
}

describe.each(dialects())("deliberation with the offline engine on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(async () => t?.close());

  it("runs a whole deliberation from the clerk's start to a draft ruling, every step in the ledger", async () => {
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 5, candidates: 3, rounds: 2, approvalThreshold: 0.9 });
    expect((await clerk.query("matters.deliberation", { id: matterId })).data).toBeNull();
    const started = await clerk.mutate("matters.start", { id: matterId });
    expect(started.data).toEqual({ matterId, status: "deliberating" });

    const view = await finished(clerk, matterId);
    expect(view).toMatchObject({ stage: "drafted", engine: "offline", tokensSpent: 0 });
    expect(view.draft.text).toContain("A public authority that uses an automated system");
    expect(view.draft.stances).toHaveLength(5);
    expect(view.representatives.every((r: { position: unknown }) => r.position !== null)).toBe(true);

    const events = await checkLedger(t, matterId);
    const types = events.map((e) => e.type);
    expect(types.filter((x) => x === "deliberation.position")).toHaveLength(5);
    expect(types.at(-1)).toBe("deliberation.drafted");
    // Every result links to the recorded calls behind it, written in the same transaction.
    const callIds = events.flatMap((e) => (e.payload as { call?: { callIds: string[] } }).call?.callIds ?? []);
    const calls = await t.server.deps.db.selectFrom("llmCalls").select(["id", "matterId", "engine"]).where("matterId", "=", matterId).execute();
    expect(new Set(calls.map((c) => c.id))).toEqual(new Set(callIds));
    expect(calls.every((c) => c.engine === "offline")).toBe(true);
    // The lease is given back once the draft is in.
    expect(await t.server.deps.db.selectFrom("deliberationLeases").selectAll().where("matterId", "=", matterId).execute()).toEqual([]);

    // A deliberation starts once.
    const again = await clerk.mutate("matters.start", { id: matterId });
    expect(again.status).toBe(409);
  });

  it("starts once, however many times Start is pressed at once", async () => {
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    const results = await Promise.all(Array.from({ length: 6 }, () => clerk.mutate("matters.start", { id: matterId })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    await finished(clerk, matterId);
    const events = await checkLedger(t, matterId);
    expect(events.filter((e) => e.type === "deliberation.started")).toHaveLength(1);
  });

  it("refuses to start a matter that is not convened, with a readable reason", async () => {
    const draft = await clerk.mutate("matters.open", {
      title: "A matter still in intake",
      clauses: ["Providers of AI systems shall do the right thing at all times."],
      language: "en",
      contextId: "fixture-ai-decisions",
      rationale: "For the test of starting too early.",
      emergency: false,
      intakeHours: 24,
      rounds: 2,
      candidates: 3,
      approvalThreshold: 0.6,
      startIntake: true,
    });
    const refused = await clerk.mutate("matters.start", { id: draft.data.id });
    expect(refused.status).toBe(409);
    expect(refused.error?.message).toMatch(/cannot move to deliberating/);
  });
});

describe.each(dialects())("deliberation through a language model (scripted server) on %s", (dialect) => {
  let model: ScriptedServer;
  let t: TestServer;
  let clerk: HttpClient;
  const behaviour = { malformed: 0, limited: 0, fixedOnRetry: 0, misquoted: new Set<string>(), stubborn: false };
  const WORDING = "A person may always ask for a human to review an automated decision about a benefit.";

  beforeAll(async () => {
    model = await startScriptedServer({
      respond: (request) => {
        const data = request.data as Record<string, any>;
        // The first reading ever asked for comes back as broken JSON; the adapter asks again with feedback.
        if (request.task === "deliberation.read" && behaviour.malformed === 0) {
          behaviour.malformed++;
          return { content: '{"readings": [{"valueId": ', chunkSize: 8 };
        }
        // One request is refused with a 429; the adapter waits and tries again.
        if (request.task === "deliberation.word" && behaviour.limited === 0) {
          behaviour.limited++;
          return { status: 429, retryAfterMs: 20 };
        }
        if (request.task === "deliberation.word") {
          // The mediator's pen: one new wording for the slot of the clause that excuses human review.
          const slot = (data.slots as { slot: number; text: string }[]).find((s) => /review/.test(s.text))?.slot ?? 0;
          return { json: { clauses: [{ slot, text: `${WORDING}${data.round > 1 ? ` (round ${data.round})` : ""}`, rationale: "r" }] }, chunkSize: 64 };
        }
        const answer = offlineAnswer(request) as Record<string, any>;
        if (request.task === "deliberation.read") {
          const option = data.option as { id: string; text: string };
          // Clause 2 is read with a quote that is not in it: corrected when told once; clause 1's stays wrong.
          if (option.id === "c2" && !request.feedback) answer.readings[0] = { ...answer.readings[0], verdict: "honours", quote: "words that are not there" };
          if (option.id === "c2" && request.feedback) behaviour.fixedOnRetry++;
          if (option.id === "c1") {
            answer.readings[0] = { ...answer.readings[0], verdict: "honours", quote: "a clause the model imagined" };
            behaviour.misquoted.add(answer.readings[0].valueId);
          }
          // A stubborn erosion nothing fixes: clause 1 erodes everyone's first value, and so does every new wording.
          if (behaviour.stubborn && (option.id === "c1" || option.id.startsWith("w"))) {
            for (const r of answer.readings) Object.assign(r, { verdict: "erodes", quote: option.text, reason: "r" });
          }
        }
        return { json: answer, chunkSize: 64 } satisfies ScriptedReply;
      },
    });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it("streams, survives a malformed answer and a 429, discards a reading whose quote is not in the clause, and reads new wording before it counts", async () => {
    behaviour.stubborn = false;
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 2, approvalThreshold: 0.95 });
    // Anyone may watch the room: an anonymous socket receives the streamed fragments.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(t.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    const fragments: TranscriptFragment[] = [];
    socket.on("transcript", (chunk) => fragments.push(chunk));
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
    const joined = await socket.timeout(5000).emitWithAck("room:join", { matterId, afterSeq: 0 });
    expect(joined.ok).toBe(true);

    await clerk.mutate("matters.start", { id: matterId });
    const view = await finished(clerk, matterId);
    socket.close();
    expect(view).toMatchObject({ stage: "drafted", engine: "openai" });

    // Fragments arrived for every kind of call, and the broken answer was voided; each says who speaks.
    const streamedKeys = new Set(fragments.filter((f) => f.fragment).map((f) => f.key.split(":")[0]));
    expect(streamedKeys).toEqual(new Set(["reading", "wording", "position", "candidate", "critique"]));
    expect(fragments.some((f) => f.restart)).toBe(true);
    expect(fragments.every((f) => f.matterId === matterId)).toBe(true);
    for (const f of fragments) {
      if (f.key.startsWith("position:")) expect(f.speaker).toEqual({ task: "position", representativeId: f.key.slice("position:".length) });
      if (f.key.startsWith("reading:")) expect(f.key.startsWith(`reading:${f.speaker.optionId}:`)).toBe(true);
      if (f.key.startsWith("critique:")) expect(f.key).toBe(`critique:${f.speaker.round}:${f.speaker.representativeId}`);
    }

    const events = await checkLedger(t, matterId);
    const readings = events.filter((e) => e.type === "deliberation.reading").map((e) => e.payload as Record<string, any>);
    const of = (optionId: string) => readings.find((r) => r.optionId === optionId)!;
    // Corrected on the retry with feedback: two recorded attempts, nothing flagged.
    expect(behaviour.fixedOnRetry).toBeGreaterThan(0);
    expect(of("c2").call.callIds).toHaveLength(2);
    expect(of("c2").call.flags).toEqual([]);
    // Still misquoted after the retry: flagged, and the reading counts as silent, saying why.
    const [misquoted] = [...behaviour.misquoted];
    expect(of("c1").call.flags).toEqual([expect.stringContaining("quote is not words of the option")]);
    expect(of("c1").readings.find((r: any) => r.valueId === misquoted)).toMatchObject({ verdict: "silent", quote: "" });
    expect(of("c1").readings.every((r: any) => r.engine === "scripted-model" || r.engine === t.server.deps.llm.model)).toBe(true);

    // The mediator's wording is an option, read before any candidate could hold it.
    const wording = events.find((e) => e.type === "deliberation.wording")!;
    const added = (wording.payload as any).options as { id: string; text: string }[];
    expect(added.map((o) => o.text)).toEqual([WORDING]);
    const readAt = events.find((e) => e.type === "deliberation.reading" && (e.payload as any).optionId === added[0]!.id)!.seq;
    const candidates = events.filter((e) => e.type === "deliberation.candidate");
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((e) => e.seq > readAt)).toBe(true);

    // Tokens are counted from every recorded attempt, the failed ones included, and shown.
    const calls = await t.server.deps.db.selectFrom("llmCalls").select(["tokensIn", "tokensOut", "status"]).where("matterId", "=", matterId).execute();
    expect(calls.some((c) => c.status === "error")).toBe(true); // the 429 and the malformed answer
    expect(view.tokensSpent).toBe(calls.reduce((sum, c) => sum + c.tokensIn + c.tokensOut, 0));
    expect(view.tokensSpent).toBeGreaterThan(0);
  });

  it("enforces the token budget: no call starts that would overrun it, and the stop is in the ledger", async () => {
    // A stubborn erosion keeps the mediator writing round after round. Too small a budget for the
    // readings halts the deliberation; one that runs out before the last round drafts from an earlier tally.
    behaviour.stubborn = true;
    const probe = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 3, approvalThreshold: 1 });
    await clerk.mutate("matters.start", { id: probe.matterId, tokenBudget: 5_000_000 });
    const full = await finished(clerk, probe.matterId);
    expect(full.stage).toBe("drafted");
    expect(Object.keys(full.rounds)).toHaveLength(3);
    const firstTallySpent = await spentUntil(t, probe.matterId, "deliberation.tallied");
    for (const [budget, outcome] of [
      [Math.floor(firstTallySpent / 4), "halted"],
      // Just short of what the whole run spent: the last round's wording cannot start (it holds room for a retry).
      [full.tokensSpent - 1, "drafted"],
    ] as const) {
      const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 3, approvalThreshold: 1 });
      await clerk.mutate("matters.start", { id: matterId, tokenBudget: budget });
      const view = await finished(clerk, matterId);
      const events = await checkLedger(t, matterId);
      expect(events.find((e) => e.type === "deliberation.budgetExhausted")?.payload).toMatchObject({ budget });
      expect(view.tokensSpent).toBeLessThanOrEqual(budget);
      expect(view.settings.tokenBudget).toBe(budget);
      expect(view.stage).toBe(outcome);
      if (outcome === "drafted") {
        expect(view.draft).toMatchObject({ budgetExhausted: true });
        expect(view.draft.round).toBeLessThan(3);
      } else {
        expect(view.haltedBecause).toBe("budget_exhausted");
        // The clerk resumes it with more: it carries on from where it stopped, to a draft.
        expect((await clerk.mutate("matters.resume", { id: matterId, tokenBudget: view.tokensSpent })).status).toBe(400);
        expect((await clerk.mutate("matters.resume", { id: matterId, tokenBudget: 5_000_000 })).status).toBe(200);
        const resumed = await finished(clerk, matterId);
        expect(resumed).toMatchObject({ stage: "drafted", settings: { tokenBudget: 5_000_000 } });
        const after = await checkLedger(t, matterId);
        expect(after.filter((e) => e.type === "deliberation.resumed")).toHaveLength(1);
        expect((await clerk.mutate("matters.resume", { id: matterId })).status).toBe(409);
      }
    }
  });
});

/** Tokens the ledger's calls had spent when the first event of a type was appended. */
async function spentUntil(t: TestServer, matterId: string, type: string): Promise<number> {
  const events = await readLedger(t.server.deps.db, matterId);
  let spent = 0;
  for (const e of events) {
    if (e.type === type) return spent;
    const call = (e.payload as { call?: { tokens?: number } } | null)?.call;
    spent += call?.tokens ?? 0;
  }
  return spent;
}
