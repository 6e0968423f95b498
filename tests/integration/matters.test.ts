import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, httpClient, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";

const CONTEXT = "biometric-identification-public-spaces";
const MATTER = {
  title: "Real-time biometric identification in public spaces",
  ruleText: "Real-time remote biometric identification of people in publicly accessible spaces is prohibited, except to find a named missing child with a court's approval.",
  contextId: CONTEXT,
  rationale: "Cameras with face recognition are being installed in two cities without a law that governs them.",
  emergency: true,
  intakeHours: 48,
  rounds: 3,
  candidates: 4,
  approvalThreshold: 0.6,
};

describe.each(dialects())("matters on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  beforeAll(async () => {
    t = await startTestServer(dialect);
    await t.server.deps.db
      .insertInto("contexts")
      .values({ id: CONTEXT, title: "Real-time biometric identification in public spaces", titleEt: null, description: "Cameras.", createdAt: new Date().toISOString() })
      .execute();
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(() => t?.close());

  it("lets a clerk open an emergency matter straight into a 48-hour intake, on the ledger with her as actor", async () => {
    const before = Date.now();
    const opened = await clerk.mutate("matters.open", { ...MATTER, startIntake: true });
    expect(opened.status).toBe(200);
    const matter = (await httpClient(t.url).query("matters.get", { id: opened.data.id })).data;
    expect(matter).toMatchObject({ status: "intake", emergency: true, sunsetDays: 90, rounds: 3, candidates: 4, approvalThreshold: 0.6 });
    const closes = Date.parse(matter.intakeClosesAt);
    expect(closes - before).toBeGreaterThanOrEqual(48 * 3600_000 - 1000);
    expect(closes - before).toBeLessThanOrEqual(48 * 3600_000 + 60_000);

    const events = (await httpClient(t.url).query("ledger.read", { stream: opened.data.id })).data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(["matter.drafted", "matter.intakeOpened"]);
    const clerkId = (await clerk.query("auth.me")).data.user.id;
    expect(events.every((e: { actor: string }) => e.actor === clerkId)).toBe(true);
    expect((await httpClient(t.url).query("ledger.verify", { stream: opened.data.id })).data).toMatchObject({ ok: true, length: 2 });

    const notices = (await httpClient(t.url).query("matters.openIntakes")).data;
    expect(notices.map((m: { id: string }) => m.id)).toContain(opened.data.id);
  });

  it("keeps a draft until the clerk opens its intake, and refuses moves the lifecycle does not allow", async () => {
    const opened = await clerk.mutate("matters.open", { ...MATTER, emergency: false, startIntake: false });
    const draft = (await httpClient(t.url).query("matters.get", { id: opened.data.id })).data;
    expect(draft).toMatchObject({ status: "draft", intakeClosesAt: null, sunsetDays: null });
    expect((await httpClient(t.url).query("matters.openIntakes")).data.map((m: { id: string }) => m.id)).not.toContain(opened.data.id);

    expect((await clerk.mutate("matters.openIntake", { id: opened.data.id })).status).toBe(200);
    const again = await clerk.mutate("matters.openIntake", { id: opened.data.id });
    expect(again.status).toBe(409);
    expect(again.error?.message).toBe("A matter in intake cannot move to intake.");
    expect((await clerk.mutate("matters.openIntake", { id: "no-such-matter" })).status).toBe(404);
  });

  it("refuses a citizen, an unknown context and bad settings, writing nothing", async () => {
    const citizen = await signInAs(t.url, "citizen1@demo.agora");
    const before = await rowCounts(t.server);
    expect((await citizen.mutate("matters.open", { ...MATTER, startIntake: true })).status).toBe(403);
    expect((await clerk.mutate("matters.open", { ...MATTER, contextId: "no-such-context", startIntake: true })).status).toBe(400);
    for (const bad of [{ rounds: 0 }, { candidates: 9 }, { approvalThreshold: 0.2 }, { intakeHours: -1 }, { title: "<" }, { ruleText: "x".repeat(20_001) }]) {
      const res = await clerk.mutate("matters.open", { ...MATTER, ...bad, startIntake: true });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await rowCounts(t.server)).toEqual(before);
  });
});
