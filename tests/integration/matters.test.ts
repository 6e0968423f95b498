import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, httpClient, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";

const CONTEXT = "biometric-identification-public-spaces";
const MATTER = {
  title: "Real-time biometric identification in public spaces",
  clauses: [
    "Real-time remote biometric identification of people in publicly accessible spaces is prohibited, except to find a named missing child with a court's approval.",
  ],
  language: "en",
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
      .values({
        id: CONTEXT,
        title: "Real-time biometric identification in public spaces",
        titleEt: null,
        description: "Cameras.",
        createdAt: new Date().toISOString(),
      })
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
    for (const bad of [
      { rounds: 0 },
      { candidates: 9 },
      { approvalThreshold: 0.2 },
      { intakeHours: -1 },
      { title: "<" },
      { clauses: ["x".repeat(4_001)] },
      { clauses: [] },
    ]) {
      const res = await clerk.mutate("matters.open", { ...MATTER, ...bad, startIntake: true });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await rowCounts(t.server)).toEqual(before);
  });
});

describe.each(dialects())("convening on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  beforeAll(async () => {
    t = await startTestServer(dialect);
    const { seedDemoValues } = await import("../../server/seed-demo.server.js");
    await seedDemoValues(t.server.deps);
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(() => t?.close());

  async function openMatter() {
    return (await clerk.mutate("matters.open", { ...MATTER, startIntake: true })).data.id as string;
  }

  it("freezes district constituencies weighted by size, with hashed mandates, and tells a citizen where her values went", async () => {
    const id = await openMatter();
    const res = await clerk.mutate("matters.convene", { id, scheme: "districts", confirmEarly: true });
    expect(res.status).toBe(200);
    const constituencies = (await httpClient(t.url).query("matters.convening", { id })).data;
    expect(constituencies.map((c: { label: string }) => c.label).sort()).toEqual(["Ida-Viru", "Tallinn", "Tartu"]);
    expect(constituencies.map((c: { size: number }) => c.size)).toEqual([24, 24, 24]);
    expect(constituencies.reduce((s: number, c: { weight: number }) => s + c.weight, 0)).toBeCloseTo(1, 10);
    for (const c of constituencies) {
      expect(c.mandate.values.length).toBeGreaterThan(0);
      expect(c.mandate.values.reduce((s: number, v: { weight: number }) => s + v.weight, 0)).toBeCloseTo(1, 10);
      expect(c.mandate.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const tartu = constituencies.find((c: { label: string }) => c.label === "Tartu");
    expect(tartu.mandate.values.map((v: { title: string }) => v.title)).toContain("Being unobserved in ordinary life");

    const events = (await httpClient(t.url).query("ledger.read", { stream: id })).data;
    const convened = events.at(-1);
    expect(convened).toMatchObject({ type: "matter.convened", payload: { scheme: "districts", early: true } });
    expect(convened.payload.constituencies.map((c: { mandateHash: string }) => c.mandateHash).sort()).toEqual(
      constituencies.map((c: { mandate: { hash: string } }) => c.mandate.hash).sort(),
    );
    expect((await httpClient(t.url).query("matters.get", { id })).data.status).toBe("convened");

    // A Tartu citizen who holds that value sees where it went (JOURNEYS.md, Mari's step 5).
    const mari = await signInAs(t.url, "citizen1@demo.agora");
    const card = await mari.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Being unobserved in ordinary life",
      description: "I want to move through the city without feeling catalogued.",
      policies: [
        "MOMENTS when I change how I act because I might be watched",
        "SPACES where people gather without needing a reason",
        "WAYS a person can know who is recording and why",
      ],
    });
    expect(card.data.canonical.joined).toBe(true);
    // Mandates are frozen: her new card does not change them; a new matter convened now would include it.
    const later = await openMatter();
    await clerk.mutate("matters.convene", { id: later, scheme: "districts", confirmEarly: true });
    const mine = (await mari.query("values.mine")).data.mandates;
    const there = mine.find((m: { matterId: string }) => m.matterId === later);
    expect(there).toMatchObject({ constituency: "Tartu", size: 24 });
    const value = there.values.find((v: { valueId: string }) => v.valueId === card.data.canonical.id);
    expect(value.weight).toBeGreaterThan(0);
    const before = (await httpClient(t.url).query("matters.convening", { id })).data;
    expect(before).toEqual(constituencies);
  });

  it("forms value communities, and refuses a second convening, a citizen, and a draft", async () => {
    const id = await openMatter();
    expect((await clerk.mutate("matters.convene", { id, scheme: "value-communities", confirmEarly: true })).status).toBe(200);
    const communities = (await httpClient(t.url).query("matters.convening", { id })).data;
    expect(communities.length).toBeGreaterThanOrEqual(2);
    expect(communities.every((c: { scheme: string; label: string }) => c.scheme === "value-communities" && c.label.length > 0)).toBe(true);
    const again = await clerk.mutate("matters.convene", { id, scheme: "districts", confirmEarly: true });
    expect(again.status).toBe(409);

    const citizen = await signInAs(t.url, "citizen2@demo.agora");
    expect((await citizen.mutate("matters.convene", { id: await openMatter(), scheme: "districts" })).status).toBe(403);
    const draft = (await clerk.mutate("matters.open", { ...MATTER, startIntake: false })).data.id;
    expect((await clerk.mutate("matters.convene", { id: draft, scheme: "districts" })).status).toBe(409);
    expect((await clerk.mutate("matters.convene", { id, scheme: "by-lottery" })).status).toBe(400);
  });
});
