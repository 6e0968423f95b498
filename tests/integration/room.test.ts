import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLedger } from "../../db/repos/ledger.js";
import { fromHex } from "../../deliberation/bytes.js";
import { hashEvent, type LedgerEvent, verifyChain } from "../../deliberation/ledger.js";
import { createOfflineEngine } from "../../deliberation/llm/offline.js";
import { readTaskMessages } from "../../deliberation/llm/prompt.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { bundleLeaf, type BundleEnvelope } from "../../deliberation/provenance.js";
import { verifyInclusion } from "../../deliberation/transparency/merkle.js";
import type { ClientToServerEvents, ServerToClientEvents, TranscriptFragment } from "../../server/realtime/contract.js";
import { DEMO_MATTER, seedDemoValues } from "../../server/seed-demo.server.js";
import { userForSessionToken } from "../../server/services/accounts.server.js";
import type { AppDeps } from "../../server/services/deps.server.js";
import { innerContext } from "../../server/trpc/context.server.js";
import { createCaller } from "../../server/trpc/router.server.js";
import { loader as receiptRoute } from "../../app/routes/rooms.$id_.receipt[.]json";
import { waitFor } from "../support/wait.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";

/** The receipt's resource route, as Remix calls it for the client's session (the test server serves no Remix pages). */
async function receiptLoader(deps: AppDeps, client: HttpClient, matterId: string): Promise<Response> {
  const token = client.cookie!.replace(/^agora_session=/, "");
  const user = await userForSessionToken(deps, token);
  const trpc = createCaller(innerContext(deps, { user, sessionToken: token }));
  const args = { request: new Request(`${client.baseUrl}/rooms/${matterId}/receipt.json`), params: { id: matterId }, context: { trpc } };
  // api() answers a refusal by throwing the Response, as Remix expects of a loader.
  return receiptRoute(args as unknown as Parameters<typeof receiptRoute>[0]).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });
}

const DELEGATES = ["delegate1", "delegate2", "delegate3", "delegate4", "delegate5"] as const;
const SCHEMES = [
  ["districts", /^district:/],
  ["value-communities", /^community:/],
] as const;

/**
 * The room as delegates meet it: every deliberation here is made the way the app makes one (a clerk
 * opens a matter and convenes it through the API), so its representatives have the ids convening gives
 * them ("district:tartu", "community:2"), colons and all.
 */
describe.each(dialects())("the deliberation room on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let citizen: HttpClient;
  let delegates: HttpClient[];
  let model: ScriptedServer;
  /** How the model streams its answers; a test of the live transcript slows it down. */
  const streaming = { chunkSize: 64, chunkDelayMs: 0 };

  beforeAll(async () => {
    // A model that reasons as the offline engine does but takes a moment to answer, so delegates can
    // act while the deliberation runs (the offline engine finishes within milliseconds).
    model = await startScriptedServer({ latencyMs: 120, respond: (request) => ({ json: answerOffline(request.task, request.data), ...streaming }) });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    // The citizens' values go in through the offline engine (the scripted model answers the protocol's tasks only).
    const { deps } = t.server;
    await seedDemoValues({ ...deps, llm: createOfflineEngine({ recorder: { record: async () => {} }, clock: deps.clock, ids: deps.ids }) });
    [clerk, citizen, ...delegates] = await Promise.all([
      signInAs(t.url, "clerk@demo.agora"),
      signInAs(t.url, "citizen1@demo.agora"),
      ...DELEGATES.map((d) => signInAs(t.url, `${d}@demo.agora`)),
    ]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  const view = async (id: string) => (await clerk.query("matters.deliberation", { id })).data;
  const drafted = (id: string) => waitFor(async () => ((await view(id))?.stage === "drafted" ? view(id) : null), "a draft");
  const holdsStill = (id: string) =>
    waitFor(async () => {
      const before = (await view(id)).lastSeq;
      await new Promise((r) => setTimeout(r, 300));
      const after = await view(id);
      return after.lastSeq === before ? after : null;
    }, "the deliberation to hold still");

  /** A matter opened and convened by the clerk through the API; the representatives' ids as convening made them. */
  async function convened(scheme: (typeof SCHEMES)[number][0], settings: { rounds?: number; candidates?: number } = {}) {
    const opened = await clerk.mutate("matters.open", {
      ...DEMO_MATTER,
      rounds: settings.rounds ?? 1,
      candidates: settings.candidates ?? 3,
      approvalThreshold: 0.5,
      startIntake: true,
    });
    expect(opened.status).toBe(200);
    const id = opened.data.id as string;
    // Early, during the intake, as the clerk confirms she means to.
    const res = await clerk.mutate("matters.convene", { id, scheme, confirmEarly: true });
    expect(res.status, JSON.stringify(res.error)).toBe(200);
    const constituencies = (await clerk.query("matters.convening", { id })).data as { id: string }[];
    return { id, representativeIds: constituencies.map((c) => c.id) };
  }

  describe.each(SCHEMES)("convened by %s", (scheme, idShape) => {
    it("lets delegates pause, guide, override and strike positions and critiques, amend and send back; the runner applies each between steps", async () => {
      const [ana, ben] = delegates as [HttpClient, HttpClient];
      const { id, representativeIds } = await convened(scheme);
      expect(representativeIds.length).toBeGreaterThanOrEqual(2);
      for (const rep of representativeIds) expect(rep).toMatch(idShape);
      expect((await clerk.mutate("matters.start", { id })).status).toBe(200);
      expect((await ana.mutate("room.pause", { id, reason: "Let us read the positions first." })).status).toBe(200);
      // Paused: whatever was under way is recorded, then nothing new starts.
      const still = await holdsStill(id);
      expect(still.room.paused).toBe(true);
      expect(still.stage).not.toBe("drafted");
      expect((await ana.mutate("room.pause", { id })).status).toBe(409);

      // Positions to act on exist once the first stage is in; resume until then if the pause came first.
      if (still.representatives.some((r: { position: unknown }) => !r.position)) {
        await ana.mutate("room.resume", { id });
        await waitFor(async () => (await view(id)).representatives.every((r: { position: unknown }) => r.position), "positions");
        await ana.mutate("room.pause", { id }).catch(() => undefined);
      }
      const current = await view(id);
      type Target = { kind: string; representativeId: string; round?: number; candidateId?: string };
      const [first, second] = current.representatives as { id: string; position: { target: Target } & Record<string, unknown> }[];
      // The view names each statement by its structured target, and has no ledger key to show.
      expect(first!.position.target).toEqual({ kind: "position", representativeId: first!.id });
      expect(first!.position).not.toHaveProperty("ref");
      expect(
        (
          await ben.mutate("room.override", {
            id,
            statement: first!.position.target,
            text: "Delegate's reading: make every refusal contestable within five days.",
          })
        ).status,
      ).toBe(200);
      expect((await ben.mutate("room.strike", { id, statement: second!.position.target, reason: "Argues about a different matter." })).status).toBe(200);
      expect((await ben.mutate("room.strike", { id, statement: second!.position.target, reason: "Again." })).status).toBe(409);
      for (const unknown of [
        { kind: "position", representativeId: scheme === "districts" ? "district:atlantis" : "community:99" },
        { kind: "position", representativeId: "__proto__" },
        { kind: "critique", round: 1, representativeId: first!.id, candidateId: "r1c1" }, // no critiques yet
      ]) {
        const res = await ben.mutate("room.strike", { id, statement: unknown, reason: "No such." });
        expect(res.status, JSON.stringify(unknown)).toBe(404);
        expect(res.error?.data.key).toBe("room.noStatement");
      }
      for (const malformed of [
        `position:${first!.id}`,
        { representativeId: first!.id },
        { kind: "position" },
        { kind: "position", representativeId: "" },
        { kind: "position", representativeId: "x".repeat(201) },
        { kind: "position", representativeId: first!.id, round: 1 },
        { kind: "critique", round: 0, representativeId: first!.id, candidateId: "r1c1" },
        { kind: "critique", round: 1.5, representativeId: first!.id, candidateId: "r1c1" },
        { kind: "critique", round: 1, representativeId: first!.id, candidateId: "r1c1:x" },
        { kind: "critique", round: 1, representativeId: first!.id },
        { kind: "vote", representativeId: first!.id },
      ]) {
        expect((await ben.mutate("room.strike", { id, statement: malformed, reason: "Malformed." })).status, JSON.stringify(malformed)).toBe(400);
        expect((await ben.mutate("room.override", { id, statement: malformed, text: "Malformed." })).status, JSON.stringify(malformed)).toBe(400);
      }
      expect((await ana.mutate("room.guide", { id, text: "Keep the ruling short enough to read aloud." })).status).toBe(200);
      if ((await view(id)).room.paused) expect((await ana.mutate("room.resume", { id })).status).toBe(200);

      const draft = await drafted(id);
      const byId = (v: { representatives: { id: string }[] }, rep: string) => v.representatives.find((r) => r.id === rep) as any;
      expect(byId(draft, first!.id).position.overridden.text).toMatch(/^Delegate's reading/);
      expect(byId(draft, second!.id).position.struck.reason).toBe("Argues about a different matter.");

      // The critiques of the last round count (the draft and the next revision read them): override one, strike another.
      const last = draft.rounds.at(-1);
      const winner = last.tally.winner as string;
      const assessment = (rep: string) =>
        last.critiques
          .find((k: { representativeId: string }) => k.representativeId === rep)
          .assessments.find((a: { candidateId: string }) => a.candidateId === winner);
      const overridden = assessment(first!.id).target as Target;
      const struck = assessment(second!.id).target as Target;
      expect(overridden).toEqual({ kind: "critique", round: last.round, representativeId: first!.id, candidateId: winner });
      expect(draft.draft.stances.find((s: { representativeId: string }) => s.representativeId === second!.id).target).toEqual(struck);
      expect((await ana.mutate("room.override", { id, statement: overridden, text: "Delegate's assessment: the register must name the court." })).status).toBe(
        200,
      );
      expect((await ana.mutate("room.strike", { id, statement: struck, reason: "Assesses another text." })).status).toBe(200);
      expect((await ana.mutate("room.strike", { id, statement: struck, reason: "Again." })).status).toBe(409);
      expect((await ana.mutate("room.strike", { id, statement: { ...struck, candidateId: "r9c9" }, reason: "No such candidate." })).status).toBe(404);
      const marked = await view(id);
      const stance = (rep: string) => marked.draft.stances.find((s: { representativeId: string }) => s.representativeId === rep);
      expect(stance(first!.id)).toMatchObject({ statement: "Delegate's assessment: the register must name the court.", overriddenBy: expect.any(String) });
      expect(stance(second!.id).struck).toBe("Assesses another text.");

      // Amend one clause of the draft: it is read before the ballot may open, then send the draft back for another round.
      const [clause] = draft.draft.clauses as { number: number; text: string; optionId: string }[];
      const slot = draft.rule.findIndex((s: { options: { id: string }[] }) => s.options.some((o) => o.id === clause!.optionId));
      const words = "Every use is recorded in a public register within 24 hours, naming the court that approved it.";
      expect((await ana.mutate("room.amend", { id, slot: 400, text: words })).status).toBe(404);
      expect((await ana.mutate("room.amend", { id, slot, text: "I think we should keep a register." })).status).toBe(400);
      expect((await ana.mutate("room.amend", { id, slot, text: words })).status).toBe(200);
      // The model takes a moment to read it: until then the ballot cannot open on the amended text.
      const early = await clerk.mutate("room.openBallot", { id });
      expect([early.status, early.error?.data.key]).toEqual([409, "ballot.amendmentUnread"]);
      const read = await waitFor(async () => {
        const v = await view(id);
        return v.amendedDraft && !v.amendedDraft.pending ? v : null;
      }, "the amended clause to be read");
      expect(read.room.amended.text.split("\n")[0]).toBe(`1. ${words}`);
      expect(read.amendedDraft.clauses[0]).toMatchObject({ text: words, source: "delegate" });
      expect(read.rule[slot].options.find((o: { source: string }) => o.source === "delegate").text).toBe(words);
      expect((await ana.mutate("room.returnDraft", { id, guidance: "Weigh the register." })).status).toBe(200);
      await waitFor(async () => {
        const v = await view(id);
        return v.stage === "drafted" && v.draft.round === draft.draft.round + 1 ? v : null;
      }, "the second draft");
      // The first round's critiques are history now: acting on them would change nothing.
      expect((await ana.mutate("room.override", { id, statement: overridden, text: "Too late." })).status).toBe(404);

      // The mediator's pen (the model) was given the guidance and the overriding words after the delegates
      // acted, never the struck position; the revision started from the amended draft.
      const events = await readLedger(t.server.deps.db, id);
      const guided = events.find((e) => e.type === "room.guidance")!;
      const calls = async (purpose: string) =>
        (
          await t.server.deps.db
            .selectFrom("llmCalls")
            .select("prompt")
            .where("matterId", "=", id)
            .where("purpose", "=", purpose)
            .where("createdAt", ">", guided.createdAt)
            .execute()
        ).map((m) => {
          // A model's call records the messages sent; a computed one (offline engine) its input.
          const prompt = JSON.parse(m.prompt);
          return (Array.isArray(prompt) ? readTaskMessages(prompt).data : prompt) as Record<string, any>;
        });
      const wordings = await calls("deliberation.word");
      expect(wordings.length).toBeGreaterThan(0);
      for (const input of wordings) {
        expect(input.guidance).toContain("Keep the ruling short enough to read aloud.");
        expect(input.guidance.some((g: string) => g.endsWith("Delegate's reading: make every refusal contestable within five days."))).toBe(true);
        expect(input.guidance.some((g: string) => g.includes("Argues about a different matter."))).toBe(false);
      }
      const revision = wordings.find((input) => input.round === draft.draft.round + 1)!;
      expect(revision.rule).toContain(words);
      expect(revision.guidance).toContain("Weigh the register.");
      const delegateOption = read.rule[slot].options.find((o: { source: string }) => o.source === "delegate").id as string;
      const mediations = (await calls("deliberation.mediate")).filter((input) => input.round === draft.draft.round + 1);
      expect(mediations.length).toBeGreaterThan(0);
      for (const input of mediations) expect(input.previous.winner[slot]).toBe(delegateOption);

      // Citizens and the public watch; they cannot act.
      for (const [path, input] of [
        ["room.pause", { id }],
        ["room.guide", { id, text: "Hello" }],
        ["room.strike", { id, statement: first!.position.target, reason: "Mine" }],
        ["room.amend", { id, slot: 0, text: "Mine" }],
      ] as const) {
        expect((await citizen.mutate(path, input)).status).toBe(403);
      }

      // Every action is on the ledger with its actor, keyed as before (the key built from the target), and the chain holds.
      const final = await readLedger(t.server.deps.db, id);
      expect(verifyChain(final).ok).toBe(true);
      const actions = final.filter((e) => e.type.startsWith("room."));
      expect(actions.map((e) => e.type)).toEqual(
        expect.arrayContaining(["room.paused", "room.resumed", "room.override", "room.strike", "room.guidance", "room.amended", "room.returned"]),
      );
      expect(actions.every((e) => e.actor !== "agora:runner")).toBe(true);
      expect(actions.filter((e) => e.type === "room.strike").map((e) => (e.payload as { statement: string }).statement)).toEqual([
        `position:${second!.id}`,
        `critique:${last.round}:${second!.id}:${winner}`,
      ]);
    });
  });

  it("says who speaks in each streamed fragment, and sends nothing while paused: what was held goes out on resume, and every answer is in the ledger", async () => {
    const { id, representativeIds } = await convened("districts");
    // Slow streams: the calls are still under way when the pause comes.
    Object.assign(streaming, { chunkSize: 32, chunkDelayMs: 20 });
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(t.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    const heard: { at: number; chunk: TranscriptFragment }[] = [];
    const ledger: { at: number; event: LedgerEvent }[] = [];
    socket.on("transcript", (chunk) => heard.push({ at: Date.now(), chunk }));
    socket.on("ledger:event", (event) => ledger.push({ at: Date.now(), event }));
    try {
      await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
      expect((await socket.timeout(5000).emitWithAck("room:join", { matterId: id, afterSeq: 0 })).ok).toBe(true);
      await clerk.mutate("matters.start", { id });
      await waitFor(async () => heard.filter((h) => h.chunk.speaker.task === "read").length >= 2, "the readings to start streaming");
      expect((await delegates[0]!.mutate("room.pause", { id })).status).toBe(200);
      const pausedAt = await waitFor(async () => ledger.find((l) => l.event.type === "room.paused")?.at, "the pause");
      // The readings under way finish while paused, and are recorded; nothing new starts.
      const streamingKeys = [...new Set(heard.filter((h) => h.at <= pausedAt).map((h) => h.chunk.key))];
      const recorded = await waitFor(async () => {
        const keys = new Set((await readLedger(t.server.deps.db, id)).map((e) => (e.payload as { key?: string }).key));
        return streamingKeys.every((k) => keys.has(k)) ? true : null;
      }, "the readings, recorded while paused");
      expect(recorded).toBe(true);
      expect((await view(id)).room.paused).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      const resumedFrom = Date.now();
      // The runner hears of the pause a moment after the room does; from then on, nothing went out.
      expect(heard.filter((h) => h.at > pausedAt + 150)).toEqual([]);
      const beforeResume = heard.length;
      Object.assign(streaming, { chunkSize: 64, chunkDelayMs: 0 });
      expect((await delegates[0]!.mutate("room.resume", { id })).status).toBe(200);
      await drafted(id);
      expect(heard.filter((h) => h.at >= resumedFrom).length).toBeGreaterThan(0);

      // The positions finished while paused: their answers are in the ledger, so what was held of them is
      // dropped, never sent after the resume as if still being said. Calls that ran after it arrived whole.
      expect(heard.slice(beforeResume).filter((h) => streamingKeys.includes(h.chunk.key))).toEqual([]);
      const text = new Map<string, string>();
      for (const { chunk } of heard) {
        if (chunk.restart !== undefined) text.set(chunk.key, "");
        if (chunk.fragment) text.set(chunk.key, (text.get(chunk.key) ?? "") + chunk.fragment);
      }
      const laterKeys = [...new Set(heard.slice(beforeResume).map((h) => h.chunk.key))];
      expect(laterKeys.length).toBeGreaterThan(0);
      for (const key of laterKeys) expect(() => JSON.parse(text.get(key)!)).not.toThrow();

      // Who speaks, from the call itself: the reader and the option it reads, the representative (as convening named it), the mediator.
      for (const { chunk } of heard) {
        expect(chunk.matterId).toBe(id);
        if (chunk.speaker.task === "mediate") expect(chunk.speaker).toEqual({ task: "mediate", round: 1, index: expect.any(Number) });
        else if (chunk.speaker.task === "read") expect(chunk.key.startsWith(`reading:${chunk.speaker.optionId}:`)).toBe(true);
        else if (chunk.speaker.task === "word") expect(chunk.speaker).toEqual({ task: "word", round: 1 });
        else expect(representativeIds).toContain(chunk.speaker.representativeId);
        if (chunk.speaker.task === "critique") expect(chunk.speaker.round).toBe(1);
      }
      expect(new Set(heard.map((h) => h.chunk.speaker.task))).toEqual(new Set(["read", "word", "position", "mediate", "critique"]));
      const events = await readLedger(t.server.deps.db, id);
      expect(verifyChain(events).ok).toBe(true);
      expect(events.filter((e) => e.type === "deliberation.position")).toHaveLength(representativeIds.length);
    } finally {
      Object.assign(streaming, { chunkSize: 64, chunkDelayMs: 0 });
      socket.close();
    }
  }, 90_000);

  it("opens a ballot; a storm of double votes leaves one vote per delegate, each with a receipt to download and check; the clerk closes it and publishes", async () => {
    const { id } = await convened("districts", { candidates: 2 });
    await clerk.mutate("matters.start", { id });
    await drafted(id);
    expect((await delegates[0]!.mutate("room.openBallot", { id })).status).toBe(403);
    const opened = await clerk.mutate("room.openBallot", { id });
    expect(opened.status).toBe(200);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("ratification");
    expect((await clerk.mutate("room.closeBallot", { id })).status).toBe(409); // no quorum yet
    // No vote, no receipt.
    const none = await delegates[0]!.query("room.receipt", { id });
    expect(none.status).toBe(404);
    expect(none.error?.data.key).toBe("ballot.noReceipt");

    const choices = ["ratify", "ratify", "reject", "ratify", "abstain"] as const;
    // Every delegate votes ten times at once, all fifty requests together.
    const storm = await Promise.all(
      delegates.flatMap((d, i) => Array.from({ length: 10 }, () => d.mutate("room.vote", { id, choice: choices[i], reason: `Vote ${i}` }))),
    );
    const accepted = storm.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(5);
    expect(storm.filter((r) => r.status === 409)).toHaveLength(45);
    expect(storm.filter((r) => r.status === 409).every((r) => /already voted/.test(r.error?.message ?? ""))).toBe(true);
    const rows = await t.server.deps.db.selectFrom("ballotVotes").select(["delegateId", "seq", "hash"]).where("matterId", "=", id).execute();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.delegateId)).size).toBe(5);

    // The receipt names the ledger event that records the vote.
    const events = await readLedger(t.server.deps.db, id);
    expect(verifyChain(events).ok).toBe(true);
    for (const r of accepted) expect(events.find((e) => e.seq === r.data.seq)).toMatchObject({ type: "ballot.vote", hash: r.data.hash });
    expect(events.filter((e) => e.type === "ballot.vote")).toHaveLength(5);

    const ballot = (await delegates[0]!.query("room.ballot", { id })).data;
    expect(ballot.tally).toMatchObject({ eligible: 5, voted: 5, ratify: 3, reject: 1, abstain: 1, quorumMet: true, outcome: "ratified" });
    expect(ballot.myReceipt).toMatchObject({ choice: "ratify", seq: expect.any(Number) });
    expect(ballot.canVote).toBe(false);
    expect((await citizen.mutate("room.vote", { id, choice: "reject" })).status).toBe(403);
    expect((await citizen.query("room.receipt", { id })).status).toBe(403);

    // The downloaded receipt: the event exactly as stored, whose hash anyone can recompute.
    const mine = (await delegates[2]!.query("room.receipt", { id })).data;
    expect(mine).toMatchObject({ matterId: id, title: DEMO_MATTER.title, ballot: 1, choice: "reject", reason: "Vote 2", inclusion: null });
    expect(mine.event).toEqual(events.find((e) => e.seq === mine.event.seq));
    // What was voted on, by the hash the ballot froze.
    expect(mine.textHash).toBe((await clerk.query("room.ballot", { id })).data.textHash);
    expect(mine.head.seq).toBeGreaterThanOrEqual(mine.event.seq);
    const download = await receiptLoader(t.server.deps, delegates[2]!, id);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      'attachment; filename="vote-receipt-real-time-biometric-identification-in-public-spaces-ballot-1.json"',
    );
    expect(download.headers.get("cache-control")).toBe("no-store");
    const file = JSON.parse(await download.text()) as { event: LedgerEvent; choice: string };
    expect(hashEvent(file.event, file.event.prevHash)).toBe(file.event.hash);
    expect(file.event.payload).toMatchObject({ choice: "reject", ballot: 1 });
    // A tampered receipt does not hash the same.
    expect(hashEvent({ ...file.event, payload: { ...(file.event.payload as object), choice: "ratify" } }, file.event.prevHash)).not.toBe(file.event.hash);

    const closed = await clerk.mutate("room.closeBallot", { id });
    expect(closed.data).toMatchObject({ outcome: "ratified" });
    const final = await readLedger(t.server.deps.db, id);
    const closing = final.find((e) => e.type === "ballot.closed")!;
    expect((closing.payload as { tally: { voted: number } }).tally.voted).toBe(final.filter((e) => e.type === "ballot.vote").length);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("ratified");
    expect((await delegates[1]!.mutate("room.vote", { id, choice: "ratify" })).status).toBe(409);

    // Once published, the receipt carries the ruling's inclusion proof in the registry's log, and the bundle holds the vote.
    expect((await clerk.mutate("rulings.publish", { id, textHash: ballot.textHash })).status).toBe(200);
    const proven = (await delegates[2]!.query("room.receipt", { id })).data;
    expect(proven.inclusion).not.toBeNull();
    const envelope = (await citizen.query("rulings.bundle", { id: proven.inclusion.rulingId })).data as BundleEnvelope;
    expect(proven.inclusion.bundle).toBe(`/api/rulings/${proven.inclusion.rulingId}/bundle.json`);
    expect(proven.inclusion.leafHash).toBe(Buffer.from(bundleLeaf(envelope.bundle)).toString("hex"));
    const { leafIndex, treeSize, path } = proven.inclusion.proof as { leafIndex: number; treeSize: number; path: string[] };
    expect(verifyInclusion(leafIndex, treeSize, fromHex(proven.inclusion.leafHash), path.map(fromHex), fromHex(proven.inclusion.checkpoint.root))).toBe(true);
    expect(envelope.bundle.ledger.events.find((e) => e.seq === proven.event.seq)).toEqual(proven.event);
  });

  it("sends a matter back from the ballot to deliberation with guidance, and a new ballot follows", async () => {
    const { id } = await convened("value-communities", { candidates: 2 });
    await clerk.mutate("matters.start", { id });
    const first = await drafted(id);
    await clerk.mutate("room.openBallot", { id });
    await delegates[0]!.mutate("room.vote", { id, choice: "reject", reason: "Satire is not protected." });
    // The return races three late votes: each lands before it (and stays in ballot 1) or is refused.
    const [returned, ...late] = await Promise.all([
      clerk.mutate("room.returnBallot", { id, guidance: "Protect satire explicitly." }),
      ...delegates.slice(1, 4).map((d) => d.mutate("room.vote", { id, choice: "ratify" })),
    ]);
    expect(returned!.status).toBe(200);
    for (const vote of late) expect([200, 409]).toContain(vote.status);
    const ledger = await readLedger(t.server.deps.db, id);
    const returnedAt = ledger.find((e) => e.type === "ballot.returned")!.seq;
    expect(ledger.filter((e) => e.type === "ballot.vote" && e.seq > returnedAt)).toEqual([]);
    expect(ledger.filter((e) => e.type === "ballot.vote")).toHaveLength(1 + late.filter((v) => v.status === 200).length);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("deliberating");
    const second = await waitFor(async () => {
      const v = await view(id);
      return v.stage === "drafted" && v.draft.round === first.draft.round + 1 ? v : null;
    }, "the redrafted ruling");
    expect(second.room.guidance.map((g: { text: string }) => g.text)).toContain("Protect satire explicitly.");
    const reopened = await clerk.mutate("room.openBallot", { id });
    expect(reopened.data.ballot).toBe(2);
    // The first ballot's vote does not carry over, nor does its receipt.
    expect((await clerk.query("room.ballot", { id })).data.tally.voted).toBe(0);
    expect((await delegates[0]!.query("room.receipt", { id })).status).toBe(404);
    const refused = await receiptLoader(t.server.deps, delegates[0]!, id);
    expect(refused.status).toBe(404);
    expect(await refused.text()).toBe("You have not voted on this matter's current ballot.");
    const events = await readLedger(t.server.deps.db, id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["ballot.opened", "ballot.vote", "ballot.returned", "room.returned"]));
  });
});
