import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitRule } from "../../deliberation/matters.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, httpClient, rowCounts, signInAs, startTestServer, type TestServer, type TrpcResponse } from "../support/database.js";
import { waitFor } from "../support/wait.js";

const DAY = 86_400_000;
const CONTEXT = "ai-decisions-about-people";
const MATTER = {
  title: "Automated refusals of housing support",
  clauses: [
    "A person refused housing support by an automated system is told so in the decision letter.",
    "The letter names an official who can review the decision.",
  ],
  language: "en",
  contextId: CONTEXT,
  rationale: "The benefits agency plans to automate first decisions on housing support.",
  emergency: true,
  intakeHours: 48,
  rounds: 1,
  candidates: 2,
  approvalThreshold: 0.5,
};

/** The fields a 400 names, from the issues the API gives with it. */
const badFields = (res: TrpcResponse) => {
  expect(res.status).toBe(400);
  return ((res.error?.data.issues ?? []) as { path: string }[]).map((i) => String(i.path));
};

describe.each(dialects())("the clerk's acts on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let delegates: HttpClient[];
  let citizens: HttpClient[];

  beforeAll(async () => {
    t = await startTestServer(dialect, { overrides: { harmThreshold: 1 } });
    const { seedDemoValues } = await import("../../server/seed-demo.server.js");
    await seedDemoValues(t.server.deps);
    [clerk, ...delegates] = await Promise.all([signInAs(t.url, "clerk@demo.agora"), ...[1, 2, 3].map((i) => signInAs(t.url, `delegate${i}@demo.agora`))]);
    citizens = await Promise.all([1, 2, 3].map((i) => signInAs(t.url, `citizen${i}@demo.agora`)));
  });
  afterAll(() => t?.close());

  /** A ratified matter, as the room makes one: deliberated, balloted, ratified. */
  async function ratified() {
    const { matterId: id } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id });
    await waitFor(async () => (await clerk.query("matters.deliberation", { id })).data?.stage === "drafted", "a draft");
    expect((await clerk.mutate("room.openBallot", { id })).status).toBe(200);
    for (const d of delegates) expect((await d.mutate("room.vote", { id, choice: "ratify" })).status).toBe(200);
    expect((await clerk.mutate("room.closeBallot", { id })).data).toMatchObject({ outcome: "ratified" });
    return id;
  }

  async function published() {
    const id = await ratified();
    const { textHash } = (await clerk.query("room.ballot", { id })).data;
    const res = await clerk.mutate("rulings.publish", { id, textHash });
    expect(res.status).toBe(200);
    return { id, eli: res.data.eli as string };
  }

  it("convenes during intake only when the clerk confirms it, and says how many values came in so far", async () => {
    const id = (await clerk.mutate("matters.open", { ...MATTER, startIntake: true })).data.id as string;
    const { n } = await t.server.deps.db
      .selectFrom("valueCards")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("contextId", "=", CONTEXT)
      .where("status", "=", "active")
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(0);
    expect((await clerk.query("matters.get", { id })).data).toMatchObject({ status: "intake", intakeValues: Number(n) });

    const before = await rowCounts(t.server);
    const refused = await clerk.mutate("matters.convene", { id, scheme: "districts" });
    expect(refused.status).toBe(409);
    expect(refused.error?.data).toMatchObject({ key: "convening.intakeOpen", params: { count: Number(n) } });
    expect((await clerk.mutate("matters.convene", { id, scheme: "districts", confirmEarly: false })).status).toBe(409);
    expect(badFields(await clerk.mutate("matters.convene", { id, scheme: "by-lottery", confirmEarly: true }))).toContain("scheme");
    expect(badFields(await clerk.mutate("matters.convene", { id, scheme: "districts", confirmEarly: "yes" }))).toContain("confirmEarly");
    expect(await rowCounts(t.server)).toEqual(before);
    expect((await clerk.query("matters.get", { id })).data.status).toBe("intake");

    expect((await clerk.mutate("matters.convene", { id, scheme: "districts", confirmEarly: true })).status).toBe(200);
    const events = (await clerk.query("ledger.read", { stream: id })).data;
    expect(events.at(-1)).toMatchObject({ type: "matter.convened", payload: { early: true } });
  });

  it("publishes only the text the clerk read: a stale or malformed hash writes nothing", async () => {
    const id = await ratified();
    const ballot = (await clerk.query("room.ballot", { id })).data;
    const before = await rowCounts(t.server);
    const stale = await clerk.mutate("rulings.publish", { id, textHash: "0".repeat(64) });
    expect(stale.status).toBe(409);
    expect(stale.error?.data.key).toBe("rulings.textChanged");
    expect(badFields(await clerk.mutate("rulings.publish", { id, textHash: "not a hash" }))).toContain("textHash");
    expect(badFields(await clerk.mutate("rulings.publish", { id }))).toContain("textHash");
    expect(await rowCounts(t.server)).toEqual(before);

    const res = await clerk.mutate("rulings.publish", { id, textHash: ballot.textHash });
    expect(res.status).toBe(200);
    const ruling = (await httpClient(t.url).query("rulings.get", { eli: res.data.eli })).data;
    // What is published is the ballot's text (the draft as the delegates amended it), not the proposed rule.
    expect(ruling.text).toBe(ballot.text);
  });

  it("renews from the current sunset, never earlier, and from now once it has passed", async () => {
    const { eli } = await published();
    const first = (await clerk.query("rulings.get", { eli })).data.sunsetAt as string;
    expect(Date.parse(first)).toBeGreaterThan(Date.now() + 89 * DAY);

    const renewed = await clerk.mutate("rulings.renew", { eli, days: 30 });
    expect(renewed.status).toBe(200);
    expect(renewed.data.sunsetAt).toBe(new Date(Date.parse(first) + 30 * DAY).toISOString());
    const again = await clerk.mutate("rulings.renew", { eli, days: 1 });
    expect(Date.parse(again.data.sunsetAt)).toBe(Date.parse(first) + 31 * DAY);
    expect((await clerk.query("rulings.get", { eli })).data).toMatchObject({ status: "renewed", sunsetAt: again.data.sunsetAt });

    // The sunset passed a moment ago and the job has not run yet: the renewal counts from now.
    await t.server.deps.db
      .updateTable("rulings")
      .set({ sunsetAt: new Date(Date.now() - 60_000).toISOString() })
      .where("eli", "=", eli)
      .execute();
    const late = await clerk.mutate("rulings.renew", { eli, days: 30 });
    expect(Date.parse(late.data.sunsetAt)).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(Date.parse(late.data.sunsetAt)).toBeLessThan(Date.now() + 31 * DAY);

    const before = await rowCounts(t.server);
    for (const days of [0, -5, 1.5, 365 * 5 + 1, "30"]) expect(badFields(await clerk.mutate("rulings.renew", { eli, days }))).toContain("days");
    expect(await rowCounts(t.server)).toEqual(before);
  });

  it("takes a renewed ruling off the desk's review list; new reports can put it back", async () => {
    const { eli } = await published();
    const value = (await httpClient(t.url).query("rulings.harm", { eli })).data.constituencies[0].values[0].valueId as string;
    const what = "The tutor kept recording after the lesson ended and nobody told the parents.";
    const onDesk = async () => (await clerk.query("rulings.forReview")).data.map((r: { eli: string }) => r.eli);

    expect((await citizens[0]!.query("rulings.harm", { eli })).data.myReport).toBeNull();
    const filed = await citizens[0]!.mutate("rulings.reportHarm", { eli, what, valueIds: [value] });
    expect(filed.data).toMatchObject({ reports: 1, reviewRequested: true });
    expect((await citizens[0]!.query("rulings.harm", { eli })).data.myReport).toEqual({ createdAt: filed.data.createdAt });
    expect((await citizens[1]!.query("rulings.harm", { eli })).data.myReport).toBeNull();
    expect(await onDesk()).toContain(eli);

    expect((await clerk.mutate("rulings.renew", { eli, days: 30 })).status).toBe(200);
    expect(await onDesk()).not.toContain(eli);
    expect((await httpClient(t.url).query("rulings.harm", { eli })).data.reviewRequestedAt).toBeNull();

    // Reports count afresh from the renewal: the threshold (1 here) is reached again by a new one.
    expect((await citizens[1]!.mutate("rulings.reportHarm", { eli, what: `${what} Again.`, valueIds: [value] })).data).toMatchObject({ reviewRequested: true });
    expect(await onDesk()).toContain(eli);
  });

  it("refuses a bad harm report at its fields, writing nothing", async () => {
    const { eli } = await published();
    const before = await rowCounts(t.server);
    expect(badFields(await citizens[2]!.mutate("rulings.reportHarm", { eli, what: "Too short.", valueIds: ["x"] }))).toContain("what");
    expect(
      badFields(await citizens[2]!.mutate("rulings.reportHarm", { eli, what: "The tutor kept recording after the lesson ended.", valueIds: [] })),
    ).toContain("valueIds");
    expect(await rowCounts(t.server)).toEqual(before);
  });

  it("repeals only with a reason, which the ruling and the registry's list then carry", async () => {
    const { eli } = await published();
    const before = await rowCounts(t.server);
    expect(badFields(await clerk.mutate("rulings.repeal", { eli }))).toContain("reason");
    expect(badFields(await clerk.mutate("rulings.repeal", { eli, reason: "   " }))).toContain("reason");
    expect(badFields(await clerk.mutate("rulings.repeal", { eli, reason: "Failed." }))).toContain("reason");
    expect(await rowCounts(t.server)).toEqual(before);

    const reason = "Harm reports showed the tutors recorded children without their parents' consent.";
    expect((await clerk.mutate("rulings.repeal", { eli, reason })).data).toMatchObject({ status: "repealed" });
    const ruling = (await httpClient(t.url).query("rulings.get", { eli })).data;
    expect(ruling).toMatchObject({ status: "repealed", repealReason: reason, sunsetAt: null });
    expect(Date.parse(ruling.repealedAt)).toBeGreaterThan(Date.now() - 60_000);
    const listed = (await httpClient(t.url).query("rulings.list", { status: "repealed" })).data.find((r: { eli: string }) => r.eli === eli);
    expect(listed).toMatchObject({ repealReason: reason });
  });

  it("opens a matter that amends a ruling, linked both ways; an unknown, malformed or repealed ruling is refused", async () => {
    const { eli } = await published();
    const ruling = (await httpClient(t.url).query("rulings.get", { eli })).data;
    const opened = await clerk.mutate("matters.open", {
      ...MATTER,
      title: ruling.title,
      clauses: [...splitRule(ruling.text), "Recordings are deleted after the lesson."],
      amendsEli: eli,
      startIntake: false,
    });
    expect(opened.status).toBe(200);
    const matter = (await httpClient(t.url).query("matters.get", { id: opened.data.id })).data;
    expect(matter.amends).toEqual({ eli, title: ruling.title, status: "in-force" });
    expect((await httpClient(t.url).query("rulings.get", { eli })).data.amendedBy).toEqual([
      expect.objectContaining({ id: opened.data.id, title: ruling.title, status: "draft" }),
    ]);
    const events = (await clerk.query("ledger.read", { stream: opened.data.id })).data;
    expect(events[0]).toMatchObject({ type: "matter.drafted", payload: { amends: eli } });

    const before = await rowCounts(t.server);
    expect((await clerk.mutate("matters.open", { ...MATTER, amendsEli: "/eli/demo/ruling/2026/999", startIntake: false })).status).toBe(404);
    expect(badFields(await clerk.mutate("matters.open", { ...MATTER, amendsEli: "ruling 1", startIntake: false }))).toContain("amendsEli");
    expect(await rowCounts(t.server)).toEqual(before);

    const repealed = (await published()).eli;
    expect((await clerk.mutate("rulings.repeal", { eli: repealed, reason: "Repealed to show that it cannot be amended." })).status).toBe(200);
    const after = await rowCounts(t.server);
    const refused = await clerk.mutate("matters.open", { ...MATTER, amendsEli: repealed, startIntake: false });
    expect(refused.status).toBe(409);
    expect(refused.error?.data.key).toBe("rulings.amendRepealed");
    expect(await rowCounts(t.server)).toEqual(after);
  });
});
