import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as logNodesMigration from "../../db/migrations/2026-11-25T09-log-nodes.js";
import { toHex } from "../../deliberation/bytes.js";
import { weightPercent } from "../../deliberation/mandate-weight.js";
import { BUNDLE_VERSION, type BundleEnvelope, bundleLeaf, type CardProof, verifyEnvelope } from "../../deliberation/provenance.js";
import { LOG_NAME, verifyCheckpoint } from "../../deliberation/transparency/checkpoint.js";
import { verifyConsistency } from "../../deliberation/transparency/merkle.js";
import { signCheckpoint } from "../../deliberation/transparency/signing.js";
import { sweepPublications } from "../../server/services/registry-log.server.js";
import { conveneFixture, type Fixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, httpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { waitFor } from "../support/wait.js";

const BIN = join(import.meta.dirname, "../../bin/agora.mjs");

/**
 * `agora verify` in a child process, without blocking this one: the server under test shares it, and a
 * loop blocked for seconds (tsx starting on a loaded machine) let its keep-alive sockets time out under
 * the next request (ECONNRESET).
 */
function agora(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: "utf8" }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe.each(dialects())("publication and verification on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let delegates: HttpClient[];
  const dir = mkdtempSync(join(tmpdir(), "agora-bundles-"));

  beforeAll(async () => {
    t = await startTestServer(dialect, { overrides: { harmThreshold: 2 } });
    [clerk, ...delegates] = await Promise.all([signInAs(t.url, "clerk@demo.agora"), ...[1, 2, 3].map((i) => signInAs(t.url, `delegate${i}@demo.agora`))]);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A matter taken through its life to ratification, as the room does it (after `prepare`, given the convened fixture). */
  async function ratified(prepare?: (fixture: Fixture) => Promise<void>) {
    const fixture = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await prepare?.(fixture);
    const id = fixture.matterId;
    await clerk.mutate("matters.start", { id });
    await waitFor(async () => (await clerk.query("matters.deliberation", { id })).data?.stage === "drafted", "a draft");
    expect((await clerk.mutate("room.openBallot", { id })).status).toBe(200);
    for (const d of delegates) expect((await d.mutate("room.vote", { id, choice: "ratify" })).status).toBe(200);
    expect((await clerk.mutate("room.closeBallot", { id })).data).toMatchObject({ outcome: "ratified" });
    return id;
  }

  /** Publishes as the clerk does: the text she read is the ballot's. */
  async function publish(id: string) {
    const { textHash } = (await clerk.query("room.ballot", { id })).data;
    return clerk.mutate("rulings.publish", { id, textHash });
  }

  it("publishes a ratified ruling under its ELI with a bundle that verifies, and fails with a reason after a one-byte change", async () => {
    const id = await ratified();
    const { textHash } = (await clerk.query("room.ballot", { id })).data;
    expect((await delegates[0]!.mutate("rulings.publish", { id, textHash })).status).toBe(403);
    const published = await clerk.mutate("rulings.publish", { id, textHash });
    expect(published.status).toBe(200);
    expect(published.data.eli).toMatch(/^\/eli\/demo\/ruling\/\d{4}\/1$/);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("published");
    expect((await clerk.mutate("rulings.publish", { id, textHash })).status).toBe(409);

    const anyone = (await import("../support/database.js")).httpClient(t.url);
    const ruling = (await anyone.query("rulings.get", { eli: published.data.eli })).data;
    expect(ruling).toMatchObject({ eli: published.data.eli, status: "in-force", emergency: true });
    expect(ruling.sunsetAt).not.toBeNull();
    const listed = (await anyone.query("rulings.list", { q: "benefit" })).data;
    expect(listed.map((r: { eli: string }) => r.eli)).toContain(published.data.eli);

    const envelope = (await anyone.query("rulings.bundle", { id: published.data.eli })).data;
    const verdict = verifyEnvelope(envelope);
    expect(verdict.checks.map((c) => [c.name, c.ok])).toEqual([
      ["ledger", true],
      ["ruling", true],
      ["mandates", true],
      ["tally", true],
      ["log", true],
      ["status", true],
    ]);
    // Her card: the bundle lists no cards (the fixture has none, and a bundle of version 2 only counts them), so a card
    // id without its proof is not taken for checked, a name every object has neither.
    expect(envelope.bundle.version).toBe(2);
    expect(envelope.bundle.cardTrees).toEqual([]);
    expect(verifyEnvelope(envelope, { cardId: "no-such-card" }).checks.at(-1)).toMatchObject({ name: "card", ok: false, code: "verify.card.noProof" });
    expect(verifyEnvelope(envelope, { cardId: "__proto__" }).checks.at(-1)).toMatchObject({ name: "card", ok: false, code: "verify.card.noProof" });
    // Checked on behalf of a ruling's page: a sound bundle of another ruling is not that ruling's.
    expect(verifyEnvelope(envelope, { eli: published.data.eli }).ok).toBe(true);
    const elsewhere = verifyEnvelope(envelope, { eli: "/eli/demo/ruling/2026/999" });
    expect(elsewhere.ok).toBe(false);
    expect(elsewhere.checks.filter((c) => !c.ok)).toEqual([
      { name: "ruling", ok: false, code: "verify.ruling.other", params: { eli: published.data.eli, expected: "/eli/demo/ruling/2026/999" } },
    ]);

    // `agora verify` says the same, and a one-byte change anywhere makes it fail with the reason.
    const good = join(dir, "bundle.json");
    writeFileSync(good, JSON.stringify(envelope));
    const ok = await agora("verify", good);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("VERIFIED");
    const text = JSON.stringify(envelope);
    const at = text.indexOf("The authority") >= 0 ? text.indexOf("The authority") : text.indexOf(envelope.bundle.ruling.text.slice(0, 12));
    const tampered = `${text.slice(0, at)}${text[at] === "A" ? "B" : "A"}${text.slice(at + 1)}`;
    const bad = join(dir, "tampered.json");
    writeFileSync(bad, tampered);
    const failed = await agora("verify", bad);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain("NOT VERIFIED");
    expect(failed.stdout).toMatch(/FAIL/);
    expect(verifyEnvelope(JSON.parse(tampered)).ok).toBe(false);
  });

  it("grows the log: each new checkpoint is signed and consistent with the one before", async () => {
    const first = (await clerk.query("rulings.checkpoint")).data;
    const id = await ratified();
    await publish(id);
    const second = (await clerk.query("rulings.checkpoint")).data;
    expect(second.checkpoint.size).toBe(first.checkpoint.size + 1);
    expect(verifyCheckpoint(second.checkpoint, second.publicKey)).toBe(true);
    const proof = (await clerk.query("rulings.consistency", { first: first.checkpoint.size, second: second.checkpoint.size })).data;
    expect(
      verifyConsistency(
        first.checkpoint.size,
        second.checkpoint.size,
        Buffer.from(first.checkpoint.root, "hex"),
        Buffer.from(second.checkpoint.root, "hex"),
        proof.proof.map((p: string) => Buffer.from(p, "hex")),
      ),
    ).toBe(true);
    expect((await clerk.query("rulings.consistency", { first: 5, second: 99 })).status).toBe(400);
  });

  it("lapses an emergency ruling at its sunset, and lets the clerk renew or repeal one, each a ledger event and a new log entry", async () => {
    const ids = [await ratified(), await ratified(), await ratified()];
    const elis: string[] = [];
    for (const id of ids) elis.push((await publish(id)).data.eli);
    const [toLapse, toRenew, toRepeal] = elis as [string, string, string];
    const before = (await clerk.query("rulings.checkpoint")).data.checkpoint;

    // The sunset passes for the first one; the job moves it and its page says so.
    await t.server.deps.db
      .updateTable("rulings")
      .set({ sunsetAt: new Date(Date.now() - 1000).toISOString() })
      .where("eli", "=", toLapse)
      .execute();
    const { lapseDueRulings } = await import("../../server/services/registry-log.server.js");
    expect(await lapseDueRulings(t.server.deps)).toEqual([toLapse]);
    expect((await clerk.query("rulings.get", { eli: toLapse })).data.status).toBe("lapsed");
    expect((await clerk.mutate("rulings.renew", { eli: toLapse, days: 30 })).status).toBe(409); // too late

    const renewed = await clerk.mutate("rulings.renew", { eli: toRenew, days: 30 });
    expect(renewed.data).toMatchObject({ status: "renewed" });
    expect(Date.parse(renewed.data.sunsetAt)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await delegates[0]!.mutate("rulings.repeal", { eli: toRepeal, reason: "Not mine to repeal." })).status).toBe(403);
    expect((await clerk.mutate("rulings.repeal", { eli: toRepeal, reason: "Harm reports showed it failed children." })).data).toMatchObject({
      status: "repealed",
    });
    expect((await clerk.mutate("rulings.repeal", { eli: toRepeal, reason: "Twice over, by mistake." })).status).toBe(409);

    // Three acts, three new leaves under checkpoints consistent with the one before.
    const after = (await clerk.query("rulings.checkpoint")).data;
    expect(after.checkpoint.size).toBe(before.size + 3);
    const proof = (await clerk.query("rulings.consistency", { first: before.size, second: after.checkpoint.size })).data;
    expect(
      verifyConsistency(
        before.size,
        after.checkpoint.size,
        Buffer.from(before.root, "hex"),
        Buffer.from(after.checkpoint.root, "hex"),
        proof.proof.map((p: string) => Buffer.from(p, "hex")),
      ),
    ).toBe(true);
    // Each act is on its matter's ledger; the matters are sunset, renewed, repealed; the first bundle still verifies under the newest checkpoint.
    const statuses = await Promise.all(ids.map(async (id) => (await clerk.query("matters.get", { id })).data.status));
    expect(statuses).toEqual(["sunset", "renewed", "repealed"]);
    const envelope = (await clerk.query("rulings.bundle", { id: toLapse })).data;
    expect(verifyEnvelope(envelope).ok).toBe(true);
  });

  it("takes harm reports from anyone signed in, one each, shows them beside the value figures, and past the threshold puts the ruling on the clerk's desk", async () => {
    const id = await ratified();
    const { eli } = (await publish(id)).data;
    const overview = (await httpClient(t.url).query("rulings.harm", { eli })).data;
    const value = overview.constituencies[0].values[0].valueId as string;
    expect(overview).toMatchObject({ threshold: 2, reviewRequestedAt: null, reports: [] });

    const what = "The benefit office refused my mother by letter and nobody could explain the reason.";
    expect((await httpClient(t.url).mutate("rulings.reportHarm", { eli, what, valueIds: [value] })).status).toBe(401);
    const citizens = await Promise.all([1, 2].map((i) => signInAs(t.url, `citizen${i}@demo.agora`)));
    expect((await citizens[0]!.mutate("rulings.reportHarm", { eli, what, valueIds: ["not-in-any-mandate"] })).status).toBe(400);
    expect((await citizens[0]!.mutate("rulings.reportHarm", { eli, what, valueIds: [value] })).data).toMatchObject({ reports: 1, reviewRequested: false });
    expect((await citizens[0]!.mutate("rulings.reportHarm", { eli, what, valueIds: [value] })).status).toBe(409);
    expect((await clerk.query("rulings.forReview")).data.map((r: { eli: string }) => r.eli)).not.toContain(eli);
    expect((await citizens[1]!.mutate("rulings.reportHarm", { eli, what: `${what} The same happened to us.`, valueIds: [value] })).data).toMatchObject({
      reports: 2,
      reviewRequested: true,
    });
    expect((await clerk.query("rulings.forReview")).data.map((r: { eli: string }) => r.eli)).toContain(eli);

    const after = (await httpClient(t.url).query("rulings.harm", { eli })).data;
    expect(after.reports).toHaveLength(2);
    expect(JSON.stringify(after)).not.toMatch(/citizen1|reporter/); // who reported stays private
    expect(after.constituencies[0].values[0]).toMatchObject({ valueId: value, reports: 2 });
    const events = (await clerk.query("ledger.read", { stream: id, afterSeq: 0, limit: 200 })).data;
    expect(JSON.stringify(events)).toContain("ruling.reviewRequested");
  });

  it("counts the cards behind each mandate value with a root, gives a citizen her own card's proof, and still verifies a bundle that lists its cards", async () => {
    const db = t.server.deps.db;
    const her = await db.selectFrom("users").select("citizenId").where("email", "=", "citizen1@demo.agora").executeTakeFirstOrThrow();
    const others = await db.selectFrom("citizens").select("id").where("id", "!=", her.citizenId!).orderBy("id").limit(6).execute();
    let convened!: Fixture;
    let held = "";
    let notHeldBySecond = "";
    let otherValue = "";
    let heldWeight = 0;
    // Before the room takes it to ratification: her (citizen1) and five others in the first district, each with a card
    // on its mandate's first value; one more in the second district whose card's value is not in that district's mandate.
    const id = await ratified(async (fixture) => {
      convened = fixture;
      const mandates = await db.selectFrom("mandates").select("body").where("matterId", "=", fixture.matterId).orderBy("constituencyId").execute();
      const [first, second] = mandates.map((m) => JSON.parse(m.body) as { values: { valueId: string; weight: number }[] });
      held = first!.values[0]!.valueId;
      heldWeight = first!.values[0]!.weight;
      otherValue = first!.values[1]!.valueId;
      notHeldBySecond = first!.values.map((v) => v.valueId).find((v) => !second!.values.some((w) => w.valueId === v))!;
      const { contextId } = await db.selectFrom("matters").select("contextId").where("id", "=", fixture.matterId).executeTakeFirstOrThrow();
      const card = (n: number, citizenId: string, value: string) => ({
        id: `proof-card-${fixture.matterId}-${n}`,
        citizenId,
        contextId,
        title: "Decisions explained",
        description: "Every decision about a person comes with its reasons.",
        policies: "[]",
        verdict: "accept",
        verdictReason: "",
        verdictSignals: "[]",
        llmCallId: null,
        canonicalId: value,
        similarity: 1,
        revisionOf: null,
        status: "active" as const,
        createdAt: new Date().toISOString(),
      });
      const members = [her.citizenId!, ...others.slice(0, 5).map((o) => o.id)];
      await db
        .insertInto("constituencyMembers")
        .values([
          ...members.map((citizenId) => ({ matterId: fixture.matterId, constituencyId: fixture.constituencyIds[0]!, citizenId })),
          { matterId: fixture.matterId, constituencyId: fixture.constituencyIds[1]!, citizenId: others[5]!.id },
        ])
        .execute();
      await db
        .insertInto("valueCards")
        .values([...members.map((citizenId, n) => card(n, citizenId, held)), card(9, others[5]!.id, notHeldBySecond)])
        .execute();
    });
    const { constituencyIds } = convened;
    const herCard = `proof-card-${id}-0`;
    const { eli } = (await publish(id)).data;

    // The bundle counts the six cards behind that value and gives their root; it names no card.
    const envelope = (await httpClient(t.url).query("rulings.bundle", { id: eli })).data as BundleEnvelope;
    expect(envelope.bundle.cardTrees).toEqual([{ constituencyId: constituencyIds[0], valueId: held, count: 6, root: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(JSON.stringify(envelope)).not.toContain("proof-card-");
    expect(verifyEnvelope(envelope).ok).toBe(true);

    // She alone gets her card's proof: not signed out, not another citizen, not for a card behind no mandate value.
    const citizen = await signInAs(t.url, "citizen1@demo.agora");
    expect((await httpClient(t.url).query("rulings.cardProof", { id: eli, card: herCard })).status).toBe(401);
    expect((await (await signInAs(t.url, "citizen2@demo.agora")).query("rulings.cardProof", { id: eli, card: herCard })).status).toBe(404);
    expect((await citizen.query("rulings.cardProof", { id: eli, card: `proof-card-${id}-1` })).status).toBe(404);
    const answer = await citizen.query("rulings.cardProof", { id: eli, card: herCard });
    expect(answer.status).toBe(200);
    const proof = answer.data as CardProof;
    expect(proof).toMatchObject({ eli, card: herCard, constituency: constituencyIds[0], value: held, count: 6 });
    expect(proof.path).toHaveLength(3); // ⌈log2 6⌉ hashes, whatever the number of cards in the polity

    const checked = verifyEnvelope(envelope, { cardId: herCard, cardProof: proof, eli });
    expect(checked.ok).toBe(true);
    const weight = weightPercent(heldWeight);
    expect(checked.checks.at(-1)).toMatchObject({ name: "card", ok: true, code: "verify.card.ok", params: { card: herCard, weight } });
    // A proof of another card, another place, another value or another ruling does not pass.
    for (const bad of [
      { ...proof, card: `proof-card-${id}-1` },
      { ...proof, index: (proof.index + 1) % 6 },
      { ...proof, value: otherValue },
      { ...proof, eli: "/eli/demo/ruling/2026/999" },
      { ...proof, path: [...proof.path].reverse() },
      { ...proof, count: 5 },
    ]) {
      expect(verifyEnvelope(envelope, { cardId: bad.card, cardProof: bad }).checks.at(-1), JSON.stringify(bad)).toMatchObject({
        name: "card",
        ok: false,
        code: "verify.card.proof",
      });
    }
    expect(verifyEnvelope(envelope, { cardId: `proof-card-${id}-1`, cardProof: proof }).checks.at(-1)).toMatchObject({ ok: false, code: "verify.card.proof" });
    // A root that no mandate value has is refused.
    const stray = structuredClone(envelope);
    stray.bundle.cardTrees![0]!.valueId = "not-in-the-mandate";
    expect(verifyEnvelope(stray).checks.find((c) => c.name === "mandates")).toMatchObject({ ok: false, code: "verify.mandates.cards" });

    // `agora verify` with her proof file says the same; the download route gives the same proof.
    const bundleFile = join(dir, "cards-bundle.json");
    const proofFile = join(dir, "card-proof.json");
    writeFileSync(bundleFile, JSON.stringify(envelope));
    writeFileSync(proofFile, JSON.stringify(proof));
    const cli = await agora("verify", bundleFile, "--card", herCard, "--card-proof", proofFile);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Card ${herCard}'s value is in the mandate of District 1`);
    const noProof = await agora("verify", bundleFile, "--card", herCard);
    expect(noProof.status).toBe(1);

    // The previous format, which listed every card, still verifies with its card: the same bundle as version 1, logged and signed.
    const { cardTrees: _, ...rest } = envelope.bundle;
    const old = { ...rest, version: 1, cards: { [herCard]: { value: held, constituency: constituencyIds[0]! } } };
    expect(BUNDLE_VERSION).toBe(2);
    const root = toHex(bundleLeaf(old));
    const signingKey = t.server.deps.config.signingKey;
    const oldEnvelope = {
      bundle: old,
      proof: { leafIndex: 0, treeSize: 1, path: [] },
      checkpoint: signCheckpoint({ log: LOG_NAME, size: 1, root }, signingKey),
      publicKey: envelope.publicKey,
    };
    const oldVerdict = verifyEnvelope(oldEnvelope, { cardId: herCard });
    expect(oldVerdict.ok).toBe(true);
    expect(oldVerdict.checks.at(-1)).toEqual(checked.checks.at(-1));
    expect(verifyEnvelope(oldEnvelope, { cardId: "no-such-card" }).checks.at(-1)).toMatchObject({ ok: false, code: "verify.card.unknown" });
    expect(verifyEnvelope({ ...oldEnvelope, bundle: { ...old, version: 3 } }).checks).toEqual([
      { name: "ledger", ok: false, code: "verify.notBundle", params: {} },
    ]);
  });

  it("stores the log's subtrees as it grows: rebuilding them from the leaves (the migration's backfill) gives the same nodes", async () => {
    const db = t.server.deps.db;
    const nodes = () => db.selectFrom("logNodes").select(["level", "idx", "hash"]).orderBy("level").orderBy("idx").execute();
    const grown = await nodes();
    const leaves = await db.selectFrom("logLeaves").select("idx").execute();
    expect(leaves.length, "earlier tests appended several leaves").toBeGreaterThanOrEqual(5);
    // Each leaf, and one node per complete subtree: 2n − popcount(n) in all.
    expect(grown.length).toBe(2 * leaves.length - leaves.length.toString(2).replace(/0/g, "").length);
    await logNodesMigration.down(db);
    await logNodesMigration.up(db);
    expect(await nodes()).toEqual(grown);
    const envelope = (await clerk.query("rulings.bundle", { id: (await db.selectFrom("rulings").select("id").executeTakeFirstOrThrow()).id })).data;
    expect(verifyEnvelope(envelope).ok).toBe(true);
  });
  it("writes the cards before the ruling under a run: a run under way keeps a second publication out, one that died is undone by the sweep", async () => {
    const id = await ratified();
    const db = t.server.deps.db;
    const now = Date.now();
    // Another process is publishing it: the clerk is told so, and nothing is written.
    await db
      .insertInto("publishingRuns")
      .values({
        matterId: id,
        rulingId: "elsewhere-ruling",
        holder: "elsewhere",
        startedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 60_000).toISOString(),
      })
      .execute();
    await db.insertInto("rulingCards").values({ rulingId: "elsewhere-ruling", cardId: "card-a", constituencyId: "c1", valueId: "v1" }).execute();
    const refused = await publish(id);
    expect(refused.status).toBe(409);
    expect(refused.error?.data.key).toBe("rulings.publishing");
    expect((await clerk.query("matters.get", { id })).data.status).toBe("ratified");

    // That process died: the sweep deletes what it wrote under a ruling that never came, and the run.
    await db
      .updateTable("publishingRuns")
      .set({ expiresAt: new Date(now - 1).toISOString() })
      .where("matterId", "=", id)
      .execute();
    await sweepPublications(t.server.deps);
    expect(await db.selectFrom("rulingCards").selectAll().where("rulingId", "=", "elsewhere-ruling").execute()).toEqual([]);
    expect(await db.selectFrom("publishingRuns").selectAll().where("matterId", "=", id).execute()).toEqual([]);

    // Now it publishes, and no run is left behind.
    const published = await publish(id);
    expect(published.status).toBe(200);
    expect(await db.selectFrom("publishingRuns").selectAll().execute()).toEqual([]);
  });
});
