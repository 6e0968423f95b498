import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen } from "../../db/factories.js";
import type { Presence } from "../../server/realtime/contract.js";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { seedDemoValues } from "../../server/seed-demo.server.js";
import { withLedger } from "../../server/services/ledger.server.js";
import { CONTESTABLE_PARAPHRASE } from "../fixtures/cards.js";
import { dialects, type HttpClient, httpClient, sessionCookie, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { type Watcher, watch } from "./cluster-support.js";

/**
 * Privacy by construction (issue 17, point 2): after a whole cycle made through the app (a sign-up, values,
 * an endorsement, a judgment, an amendment, convening, a deliberation, a ballot, a ruling, harm reports,
 * people watching the room), the ledger and every public output are searched for any citizen's user id,
 * citizen record id, name, email and personal code. Officials (delegates, clerks, administrators) act in
 * public and are named; citizens never are. docs/privacy.md says what is public and why.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CONTEXT = "ai-decisions-about-people";

const MATTER = {
  title: "Automated decisions about housing benefits",
  clauses: [
    "A public authority that decides about a person with an automated system tells the person so in the decision.",
    "The decision gives its main reasons in plain words.",
    "The person may ask for a human reviewer, who can change the outcome.",
  ],
  language: "en",
  contextId: CONTEXT,
  rationale: "The housing agency plans to automate first decisions on benefits.",
  emergency: true,
  intakeHours: 48,
  rounds: 1,
  candidates: 2,
  approvalThreshold: 0.5,
  startIntake: true,
};
const AMENDMENT = "A public authority shall tell a person in the decision that an automated system decided, and name the system.";

/** One public output, as anyone (or its owner, for her own file) receives it. */
interface Output {
  what: string;
  text: string;
}

/** Something that identifies one citizen, and what it is. */
interface Needle {
  kind: "user id" | "citizen id" | "name" | "email" | "personal code";
  value: string;
}

describe.each(dialects())("privacy: nothing public names a citizen (%s)", (dialect) => {
  let t: TestServer;
  const outputs: Output[] = [];
  const presences: { who: string; presence: Presence }[] = [];
  const watchers: Watcher[] = [];
  let matterId = "";
  let eli = "";
  let newcomer: HttpClient;
  const person = demoCitizen(13);

  /** A public page or document, as anyone gets it. */
  async function fetchOutput(path: string, cookie?: string): Promise<string> {
    const response = await fetch(t.url + path, { headers: cookie ? { cookie } : {} });
    const text = await response.text();
    expect(response.status, `GET ${path}: ${text.slice(0, 200)}`).toBe(200);
    outputs.push({ what: `GET ${path}`, text });
    return text;
  }

  /** A public tRPC query, as anyone calls it. */
  async function queryOutput(path: string, input?: unknown) {
    const answer = await httpClient(t.url).query(path, input);
    expect(answer.status, `${path} ${JSON.stringify(input)}: ${JSON.stringify(answer.body).slice(0, 200)}`).toBe(200);
    outputs.push({ what: `trpc ${path} ${JSON.stringify(input ?? null)}`, text: JSON.stringify(answer.body) });
    return answer.data;
  }

  beforeAll(async () => {
    buildIfNeeded(ROOT);
    t = await startTestServer(dialect, { remix: "build", overrides: { harmThreshold: 2 } });
    // The demo's value cards, endorsements and judgments (through the services citizens use): a moral graph to take part in.
    await seedDemoValues(t.server.deps);
    await t.server.deps.graphs.settled();
  }, 300_000);
  afterAll(async () => {
    for (const w of watchers) w.socket.disconnect();
    await t?.close();
  });

  it("takes a whole cycle through the app: a sign-up, values, an endorsement, a judgment, an amendment, a deliberation, a ballot, a ruling, harm reports", async () => {
    // A person of the registry signs up.
    newcomer = httpClient(t.url);
    const signedUp = await newcomer.mutate("auth.signUp", {
      email: person.email,
      password: "a password of length",
      displayName: person.fullName,
      personalCode: person.personalCode,
    });
    expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(200);
    newcomer.cookie = sessionCookie(signedUp.headers);
    const [mari, clerk, ...delegates] = await Promise.all([
      signInAs(t.url, "citizen1@demo.agora"),
      signInAs(t.url, "clerk@demo.agora"),
      ...[1, 2, 3].map((i) => signInAs(t.url, `delegate${i}@demo.agora`)),
    ]);

    // Her value, an endorsement of another's and a wiser-than judgment with its story.
    const card = await newcomer.mutate("values.submit", { contextId: CONTEXT, ...CONTESTABLE_PARAPHRASE });
    expect(card.data?.verdict, JSON.stringify(card.body)).toBe("value");
    const toEndorse = (await newcomer.query("values.toEndorse", { contextId: CONTEXT })).data as { id: string }[];
    expect(toEndorse.length).toBeGreaterThan(0);
    expect((await newcomer.mutate("values.endorse", { canonicalId: toEndorse[0]!.id })).status).toBe(200);
    const pairs = (await newcomer.query("values.pairs", { contextId: CONTEXT })).data as { id: string }[];
    expect(pairs.length).toBeGreaterThan(0);
    const judged = await newcomer.mutate("values.judge", { pairId: pairs[0]!.id, answer: "wiser", why: "My neighbour lost her benefit to a machine." });
    expect(judged.status, JSON.stringify(judged.body)).toBe(200);
    await t.server.deps.graphs.settled();

    // The clerk opens a matter; people watch its room; she proposes an amendment tied to her value.
    const opened = await clerk.mutate("matters.open", MATTER);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    matterId = opened.data.id;
    for (const [who, client] of [
      ["anyone", null],
      ["citizen3", await signInAs(t.url, "citizen3@demo.agora")],
      ["newcomer", newcomer],
      ["mari", mari],
      ["delegate1", delegates[0]!],
    ] as const) {
      const watcher = await watch(who, t.url, client?.cookie ?? null);
      watcher.socket.on("presence", (presence) => presences.push({ who, presence }));
      await watcher.join(matterId);
      watchers.push(watcher);
    }
    const proposed = await newcomer.mutate("matters.proposeAmendment", { matterId, action: "replace", clause: 1, text: AMENDMENT, cardId: card.data.cardId });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);

    // Convened by districts, deliberated, ratified by the delegates, published.
    expect((await clerk.mutate("matters.convene", { id: matterId, scheme: "districts", confirmEarly: true })).status).toBe(200);
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    await waitFor(async () => (await clerk.query("matters.deliberation", { id: matterId })).data?.stage === "drafted", "a draft", 120_000);
    expect((await clerk.mutate("room.openBallot", { id: matterId })).status).toBe(200);
    for (const d of delegates) expect((await d.mutate("room.vote", { id: matterId, choice: "ratify" })).status).toBe(200);
    expect((await clerk.mutate("room.closeBallot", { id: matterId })).data).toMatchObject({ outcome: "ratified" });
    const { textHash } = (await clerk.query("room.ballot", { id: matterId })).data;
    const published = await clerk.mutate("rulings.publish", { id: matterId, textHash });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    eli = published.data.eli;

    // Two citizens report a harm against it, which puts it back on the clerk's desk.
    const harm = (await newcomer.query("rulings.harm", { eli })).data as { constituencies: { values: { valueId: string }[] }[] };
    const valueId = harm.constituencies.flatMap((c) => c.values)[0]!.valueId;
    for (const reporter of [newcomer, mari]) {
      const filed = await reporter.mutate("rulings.reportHarm", {
        eli,
        what: "The decision gave no reason and no one answered the phone.",
        valueIds: [valueId],
      });
      expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    }
    expect(((await clerk.query("rulings.forReview")).data as { eli: string }[]).map((r) => r.eli)).toContain(eli);
    // Every watcher has the ledger's head.
    const head = Number(
      (
        await t.server.deps.db
          .selectFrom("ledgerEvents")
          .select((eb) => eb.fn.max("seq").as("seq"))
          .where("matterId", "=", matterId)
          .executeTakeFirstOrThrow()
      ).seq,
    );
    await waitFor(async () => watchers.every((w) => w.events.has(head)), "every watcher at the ledger's head", 10_000);
  });

  it("gathers the ledger and every public output: pages, feeds, documents, exports, proofs, the room as watchers get it", async () => {
    const db = t.server.deps.db;
    const matters = (await db.selectFrom("matters").select("id").execute()).map((m) => m.id);
    const rulings = await db.selectFrom("rulings").select(["eli"]).execute();
    const contexts = (await db.selectFrom("contexts").select("id").execute()).map((c) => c.id);

    // The ledger itself, every stream, as stored and as the API reads it.
    const events = await db.selectFrom("ledgerEvents").selectAll().execute();
    expect(events.some((e) => e.type === "ruling.harmReported")).toBe(true);
    expect(events.some((e) => e.type === "matter.amendmentProposed")).toBe(true);
    outputs.push({ what: "the ledger (every stream, as stored)", text: JSON.stringify(events) });
    for (const stream of ["polity", ...matters]) {
      await queryOutput("ledger.read", { stream, limit: 1000 });
      await queryOutput("ledger.page", { stream });
      await fetchOutput(`/ledger/${stream}`);
    }
    // Pages and documents anyone may open.
    for (const path of ["/", "/rulings", "/matters", "/graph", "/rulings.atom", "/api/rulings.json", "/api/log/checkpoint"]) await fetchOutput(path);
    for (const id of matters) {
      await fetchOutput(`/matters/${id}`);
      await fetchOutput(`/rooms/${id}`);
      await queryOutput("matters.get", { id });
      await queryOutput("matters.convening", { id });
      await queryOutput("matters.deliberation", { id });
    }
    for (const id of contexts) {
      await fetchOutput(`/graph/${id}`);
      await queryOutput("graph.view", { contextId: id });
    }
    for (const { eli: ruling } of rulings) {
      await fetchOutput(ruling);
      await fetchOutput(`${ruling}/akn.xml`);
      await fetchOutput(`/api/rulings/${encodeURIComponent(ruling)}/bundle.json`);
      await queryOutput("rulings.get", { eli: ruling });
      await queryOutput("rulings.harm", { eli: ruling });
    }
    await queryOutput("room.ballot", { id: matterId });
    for (const file of ["values", "endorsements", "judgments"]) for (const format of ["csv", "json"]) await fetchOutput(`/api/exports/${file}.${format}`);

    // Files their owners download and may hand to anyone: her card's proof, a delegate's vote receipt.
    const progress = (await newcomer.query("values.progress")).data as { ruling: { eli: string; verifyCardId: string | null } | null }[];
    const cardId = progress.find((p) => p.ruling?.eli === eli)?.ruling?.verifyCardId;
    expect(cardId, "her value was in her representative's mandate").toBeTruthy();
    const proof = await fetchOutput(`/api/rulings/${encodeURIComponent(eli)}/card-proof.json?card=${encodeURIComponent(cardId!)}`, newcomer.cookie!);
    expect(JSON.parse(proof).card).toBe(cardId);
    const delegate = await signInAs(t.url, "delegate1@demo.agora");
    await fetchOutput(`/rooms/${matterId}/receipt.json`, delegate.cookie!);

    // The room as its watchers received it: the replay, every live event, every presence.
    for (const w of watchers) outputs.push({ what: `the room's ledger events as ${w.name} received them`, text: JSON.stringify([...w.events.values()]) });
    outputs.push({ what: "room presence", text: JSON.stringify(presences) });
    expect(outputs.length).toBeGreaterThan(40);
  });

  it("tells every watcher of the room who the officials are by name and how many citizens are there, and no one any id", async () => {
    const delegate = await t.server.deps.db.selectFrom("users").select("displayName").where("email", "=", "delegate1@demo.agora").executeTakeFirstOrThrow();
    const last = (who: string) => presences.filter((p) => p.who === who).at(-1)?.presence;
    for (const who of ["anyone", "citizen3", "newcomer", "delegate1"]) {
      // Three citizens signed in (citizen 3, the newcomer, Mari), one watcher who is not, and the delegate by name.
      expect(last(who), who).toEqual({ matterId, people: [{ name: delegate.displayName, roles: ["delegate"] }], citizens: 3, anonymous: 1 });
    }
    for (const { presence } of presences) {
      expect(Object.keys(presence).sort()).toEqual(["anonymous", "citizens", "matterId", "people"]);
      for (const p of presence.people) expect(Object.keys(p).sort()).toEqual(["name", "roles"]);
    }
  });

  it("refuses to write a citizen's act that names her: the ledger is hashed for good", async () => {
    const db = t.server.deps.db;
    const her = await db.selectFrom("users").select("id").where("email", "=", person.email).executeTakeFirstOrThrow();
    const before = await db
      .selectFrom("ledgerEvents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    for (const type of ["ruling.harmReported", "matter.amendmentProposed", "matter.amendmentWithdrawn"]) {
      await expect(withLedger(t.server.deps, (_trx, append) => append({ matterId, type, actor: her.id, payload: {} }))).rejects.toThrow(/never who did it/);
    }
    const after = await db
      .selectFrom("ledgerEvents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("finds no citizen's user id, record id, name, email or personal code in any of them", async () => {
    const db = t.server.deps.db;
    const officialRows = await db
      .selectFrom("users as u")
      .innerJoin("userRoles as r", "r.userId", "u.id")
      .select(["u.id", "u.citizenId", "u.displayName"])
      .where("r.role", "in", ["clerk", "delegate", "admin"])
      .execute();
    const officials = new Set(officialRows.map((o) => o.id));
    const officialCitizens = new Set(officialRows.map((o) => o.citizenId).filter((id): id is string => id !== null));
    const officialNames = officialRows.map((o) => o.displayName.toLowerCase());
    const users = (await db.selectFrom("users").select(["id", "email", "displayName", "citizenId"]).execute()).filter((u) => !officials.has(u.id));
    const citizens = (await db.selectFrom("citizens").select(["id", "personalCode", "fullName", "email"]).execute()).filter((c) => !officialCitizens.has(c.id));
    expect(users.map((u) => u.email)).toContain(person.email);
    expect(citizens.length).toBeGreaterThan(60);

    const needles = new Map<string, Needle[]>();
    const add = (owner: string, kind: Needle["kind"], value: string | null) => {
      // A name that is part of an official's name would be found where she is rightly named.
      if (!value || (kind === "name" && officialNames.some((n) => n.includes(value.toLowerCase())))) return;
      needles.set(owner, [...(needles.get(owner) ?? []), { kind, value }]);
    };
    for (const u of users) {
      add(u.citizenId ?? u.id, "user id", u.id);
      add(u.citizenId ?? u.id, "email", u.email);
      add(u.citizenId ?? u.id, "name", u.displayName);
    }
    for (const c of citizens) {
      add(c.id, "citizen id", c.id);
      add(c.id, "personal code", c.personalCode);
      add(c.id, "name", c.fullName);
      add(c.id, "email", c.email);
    }

    const search = (among: readonly Output[]) => {
      const found: string[] = [];
      for (const output of among) {
        const text = output.text.toLowerCase();
        for (const [owner, list] of needles) {
          for (const needle of list)
            if (text.includes(needle.value.toLowerCase())) found.push(`${output.what}: a citizen's ${needle.kind} (${owner.slice(0, 8)})`);
        }
      }
      return found;
    };
    expect(search(outputs)).toEqual([]);
    // Nor which cards are whose: a card's id is in her own card proof only, the file she may choose to show.
    const cards = (await db.selectFrom("valueCards").select(["id"]).execute()).map((c) => c.id);
    const withCards = outputs.filter((o) => cards.some((id) => o.text.includes(id))).map((o) => o.what);
    expect(withCards).toEqual([expect.stringMatching(/card-proof\.json\?card=/)]);
    // The search finds what it looks for where it is rightly shown: to the administrator who manages accounts, to the citizen herself.
    const admin = await signInAs(t.url, "admin@demo.agora");
    const managed = JSON.stringify((await admin.query("admin.users", { query: person.email })).body);
    expect(search([{ what: "the admin's users", text: managed }]).join("\n")).toMatch(/user id[\s\S]*email[\s\S]*name/);
    const own = JSON.stringify((await newcomer.query("auth.profile")).body);
    expect(search([{ what: "her profile", text: own }]).join("\n")).toMatch(/email[\s\S]*name/);
  });
});
