import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import { describeEvents } from "../../server/services/ledger-view.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { actorLabels } from "../../server/services/ledger.server.js";
import { dialects, httpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";

describe.each(dialects())("the public ledger as a person reads it (%s)", (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  const db = () => server.server.deps.db;
  const userId = async (email: string) => (await db().selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

  it("says each polity event in words and names officials, never a user id", async () => {
    const anyone = httpClient(server.url);
    const page = (await anyone.query("ledger.page", { stream: POLITY_STREAM })).data as {
      polity: boolean;
      lines: { actor: { kind: string; name?: string }; what: { key: string; params: Record<string, unknown> } }[];
      verdict: { ok: boolean };
    };
    expect(page.polity).toBe(true);
    expect(page.verdict.ok).toBe(true);
    const imported = page.lines.find((l) => l.what.key === "event.registry.imported");
    expect(imported?.what.params.count).toBeGreaterThan(0);
    const granted = page.lines.filter((l) => l.what.key === "event.roles.granted");
    expect(granted.length).toBeGreaterThan(0);
    // The person given a role is named (officials act in public), and no line carries anyone's id.
    expect(granted.map((l) => l.what.params.person)).toContain("Liis Lepp");
    const ids = (await db().selectFrom("users").select("id").execute()).map((u) => u.id);
    const text = JSON.stringify(page.lines);
    for (const id of ids) expect(text).not.toContain(id);
  });

  it("says what each reading found, naming the option by what it is (a strike has no words to read)", async () => {
    const { matterId } = await conveneFixture(db(), { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.6 });
    const clerk = await signInAs(server.url, "clerk@demo.agora");
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    await server.server.deps.deliberations.settled(matterId);
    const page = (await httpClient(server.url).query("ledger.page", { stream: matterId })).data as {
      lines: { what: { key: string; params: Record<string, unknown> } }[];
    };
    const readings = page.lines.filter((l) => l.what.key === "event.deliberation.reading").map((l) => l.what.params);
    expect(readings.map((r) => `${r.source} ${r.number}`).sort()).toEqual(
      ["addition 2", "alternative 3", "citizen 4", "clerk 1", "clerk 2", "clerk 3", "clerk 4"].sort(),
    );
    const c3 = readings.find((r) => r.source === "clerk" && r.number === 3)!;
    expect(c3.erodes).toBeGreaterThan(0);
    expect(JSON.stringify(page.lines)).not.toMatch(/fixture-option|"m:/);
  });

  it("names a citizen only as a citizen, and Agora's own jobs by what they are", async () => {
    const [citizen, clerk] = await Promise.all([userId("citizen1@demo.agora"), userId("clerk@demo.agora")]);
    const labels = await actorLabels(db(), [citizen, clerk, "agora:runner"]);
    expect(labels.get(citizen)).toEqual({ kind: "citizen" });
    expect(labels.get(clerk)).toMatchObject({ kind: "official", roles: ["clerk"] });
    expect(labels.get("agora:runner")).toEqual({ kind: "system", job: "runner" });
  });

  it("never names who filed a harm report, even an official: harm reports are public, who filed them is not", async () => {
    const [delegate, clerk] = await Promise.all([userId("delegate1@demo.agora"), userId("clerk@demo.agora")]);
    const event = (type: string, actor: string) => ({
      matterId: "m",
      seq: 1,
      type,
      actor,
      payload: {},
      prevHash: "",
      hash: "h",
      createdAt: "2026-12-06T10:00:00.000Z",
    });
    const [report, publication] = await describeEvents(db(), [event("ruling.harmReported", delegate), event("ruling.published", clerk)]);
    expect(report!.actor).toEqual({ kind: "citizen" });
    expect(publication!.actor).toMatchObject({ kind: "official", roles: ["clerk"] });
  });

  it("answers a malformed stream id with 400 and an unknown one with an empty page", async () => {
    const anyone = await signInAs(server.url, "citizen1@demo.agora");
    expect((await anyone.query("ledger.page", { stream: "../etc" })).status).toBe(400);
    const empty = (await anyone.query("ledger.page", { stream: "no-such-matter" })).data as { lines: unknown[]; matter: unknown };
    expect(empty.lines).toEqual([]);
    expect(empty.matter).toBeNull();
  });
});
