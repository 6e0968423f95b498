import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { readTaskMessages } from "../../deliberation/llm/prompt.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { waitFor } from "../support/wait.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";


const DELEGATES = ["delegate1", "delegate2", "delegate3", "delegate4", "delegate5"] as const;

describe.each(dialects())("the deliberation room on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let citizen: HttpClient;
  let delegates: HttpClient[];

  let model: ScriptedServer;

  beforeAll(async () => {
    // A model that reasons as the offline engine does but takes a moment to answer, so delegates can
    // act while the deliberation runs (the offline engine finishes within milliseconds).
    model = await startScriptedServer({ latencyMs: 120, respond: (request) => ({ json: answerOffline(request.task, request.data) }) });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    [clerk, citizen, ...delegates] = await Promise.all([
      signInAs(t.url, "clerk@demo.agora"),
      signInAs(t.url, "citizen1@demo.agora"),
      ...DELEGATES.map((d) => signInAs(t.url, `${d}@demo.agora`)),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  const view = async (id: string) => (await clerk.query("matters.deliberation", { id })).data;
  const drafted = (id: string) => waitFor(async () => ((await view(id))?.stage === "drafted" ? view(id) : null), "a draft");

  it("lets delegates pause, guide, override, strike, amend and send back; the runner applies each between steps", async () => {
    const [ana, ben] = delegates as [HttpClient, HttpClient];
    const { matterId: id } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id });
    expect((await ana.mutate("room.pause", { id, reason: "Let us read the positions first." })).status).toBe(200);
    // Paused: whatever was under way is recorded, then nothing new starts.
    const still = await waitFor(async () => {
      const before = (await view(id)).lastSeq;
      await new Promise((r) => setTimeout(r, 300));
      const after = await view(id);
      return after.lastSeq === before ? after : null;
    }, "the deliberation to hold still");
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
    const [first, second] = current.representatives as { id: string; position: { ref: string } }[];
    expect((await ben.mutate("room.override", { id, statement: first!.position.ref, text: "Delegate's reading: make every refusal contestable within five days." })).status).toBe(200);
    expect((await ben.mutate("room.strike", { id, statement: second!.position.ref, reason: "Argues about a different matter." })).status).toBe(200);
    expect((await ben.mutate("room.strike", { id, statement: second!.position.ref, reason: "Again." })).status).toBe(409);
    expect((await ben.mutate("room.strike", { id, statement: "position:nobody", reason: "No such." })).status).toBe(404);
    expect((await ana.mutate("room.guide", { id, text: "Keep the ruling short enough to read aloud." })).status).toBe(200);
    if ((await view(id)).room.paused) expect((await ana.mutate("room.resume", { id })).status).toBe(200);

    const draft = await drafted(id);
    expect(draft.representatives[0].position.overridden.text).toMatch(/^Delegate's reading/);
    expect(draft.representatives[1].position.struck.reason).toBe("Argues about a different matter.");

    // Amend the draft (tracked: the original stays), then send it back for another round.
    const amended = `${draft.draft.text}\nX. The authority publishes a yearly report on refusals.`;
    expect((await ana.mutate("room.amend", { id, text: amended })).status).toBe(200);
    expect((await view(id)).room.amended.text).toBe(amended);
    expect((await ana.mutate("room.returnDraft", { id, guidance: "Weigh the yearly report." })).status).toBe(200);
    const again = await waitFor(async () => {
      const v = await view(id);
      return v.stage === "drafted" && v.draft.round === draft.draft.round + 1 ? v : null;
    }, "the second draft");
    expect(again.draft.text).toContain("X. The authority publishes a yearly report on refusals.");
    // Every mediation asked after the delegates acted was given the guidance and the override, and
    // not the struck position. (Calls already under way when they acted ran as they were.)
    const guided = (await readLedger(t.server.deps.db, id)).find((e) => e.type === "room.guidance")!;
    const mediations = await t.server.deps.db
      .selectFrom("llmCalls")
      .select("prompt")
      .where("matterId", "=", id)
      .where("purpose", "=", "deliberation.mediate")
      .where("createdAt", ">", guided.createdAt)
      .execute();
    for (const m of mediations) {
      // The exact messages sent; the task input is their data block.
      const input = readTaskMessages(JSON.parse(m.prompt)).data as { guidance: string[]; constituencies: { id: string; position: { amendments: { text: string }[] } }[] };
      expect(input.guidance).toContain("Keep the ruling short enough to read aloud.");
      expect(input.constituencies.find((c) => c.id === first!.id)!.position.amendments).toEqual([{ text: "Delegate's reading: make every refusal contestable within five days.", valueIds: [] }]);
      expect(input.constituencies.find((c) => c.id === second!.id)!.position.amendments).toEqual([]);
    }
    expect(mediations.length).toBeGreaterThan(0);

    // Citizens and the public watch; they cannot act.
    for (const [path, input] of [
      ["room.pause", { id }],
      ["room.guide", { id, text: "Hello" }],
      ["room.amend", { id, text: "Mine" }],
    ] as const) {
      expect((await citizen.mutate(path, input)).status).toBe(403);
    }

    // Every action is on the ledger with its actor, and the chain holds.
    const events = await readLedger(t.server.deps.db, id);
    expect(verifyChain(events).ok).toBe(true);
    const actions = events.filter((e) => e.type.startsWith("room."));
    expect(actions.map((e) => e.type)).toEqual(expect.arrayContaining(["room.paused", "room.override", "room.strike", "room.guidance", "room.amended", "room.returned"]));
    expect(actions.every((e) => e.actor !== "agora:runner")).toBe(true);
  });

  it("opens a ballot; a storm of double votes leaves one vote per delegate, each with a receipt; the clerk closes it", async () => {
    const { matterId: id } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id });
    await drafted(id);
    expect((await delegates[0]!.mutate("room.openBallot", { id })).status).toBe(403);
    const opened = await clerk.mutate("room.openBallot", { id });
    expect(opened.status).toBe(200);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("ratification");
    expect((await clerk.mutate("room.closeBallot", { id })).status).toBe(409); // no quorum yet

    const choices = ["ratify", "ratify", "reject", "ratify", "abstain"] as const;
    // Every delegate votes ten times at once, all fifty requests together.
    const storm = await Promise.all(delegates.flatMap((d, i) => Array.from({ length: 10 }, () => d.mutate("room.vote", { id, choice: choices[i], reason: `Vote ${i}` }))));
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

    const closed = await clerk.mutate("room.closeBallot", { id });
    expect(closed.data).toMatchObject({ outcome: "ratified" });
    const final = await readLedger(t.server.deps.db, id);
    const closing = final.find((e) => e.type === "ballot.closed")!;
    expect((closing.payload as { tally: { voted: number } }).tally.voted).toBe(final.filter((e) => e.type === "ballot.vote").length);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("ratified");
    expect((await delegates[1]!.mutate("room.vote", { id, choice: "ratify" })).status).toBe(409);
  });

  it("sends a matter back from the ballot to deliberation with guidance, and a new ballot follows", async () => {
    const { matterId: id } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
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
    // The first ballot's vote does not carry over.
    expect((await clerk.query("room.ballot", { id })).data.tally.voted).toBe(0);
    const events = await readLedger(t.server.deps.db, id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["ballot.opened", "ballot.vote", "ballot.returned", "room.returned"]));
  });
});
