import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, httpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { aknProblems, atomProblems } from "../support/record-standards.js";
import { waitFor } from "../support/wait.js";
import { childrenNamed, only, parseXml, type XmlTree } from "../support/xml.js";

/**
 * Issue 17, points 3 and 4, through the app: text is made XML-safe where it comes in and where it goes
 * out, the Atom feed, the Akoma Ntoso document and the ELI metadata follow their standards with every
 * absolute URI under AGORA_PUBLIC_URL, the JSON list pages honestly, and the verifier the registry
 * serves works alone in an empty folder and states the ruling's status from the log.
 */

const PUBLIC_URL = "https://agora.example.ee";
const CONTEXT = "records-ai-decisions";
/**
 * Every control character, U+FFFE and U+FFFF: what XML 1.0 cannot carry, and what it can. (A lone
 * surrogate cannot be stored as UTF-8 at all; the unit tests give the serializers one.)
 */
const HOSTILE = `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("")}\u007f\u0085\uFFFE\uFFFF`;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const matter = (title: string, clause: string) => ({
  title,
  clauses: [clause, "The person may ask for a human reviewer, who can change the outcome."],
  language: "en",
  contextId: CONTEXT,
  rationale: "The benefits agency plans to automate first decisions.",
  emergency: true,
  intakeHours: 48,
  rounds: 1,
  candidates: 2,
  approvalThreshold: 0.6,
});

describe.each(dialects())("public records and the verifier on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let delegates: HttpClient[];
  const anyone = () => httpClient(t.url);
  const dir = mkdtempSync(join(tmpdir(), "agora-records-"));

  beforeAll(async () => {
    t = await startTestServer(dialect, {
      overrides: { publicUrl: PUBLIC_URL, records: { polityName: "Republic of Estonia", country: "ee", languages: { en: "eng", et: "est" } } },
    });
    await t.server.deps.db
      .insertInto("contexts")
      .values({
        id: CONTEXT,
        title: "AI systems that make decisions about people",
        titleEt: null,
        description: "Automated decisions.",
        createdAt: new Date().toISOString(),
      })
      .execute();
    [clerk, ...delegates] = await Promise.all([signInAs(t.url, "clerk@demo.agora"), ...[1, 2, 3].map((i) => signInAs(t.url, `delegate${i}@demo.agora`))]);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A matter deliberated, ratified and published through the app, as the room and the clerk do it. */
  async function published(): Promise<{ id: string; eli: string; rulingId: string }> {
    const { matterId: id } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    await clerk.mutate("matters.start", { id });
    await waitFor(async () => (await clerk.query("matters.deliberation", { id })).data?.stage === "drafted", "a draft");
    expect((await clerk.mutate("room.openBallot", { id })).status).toBe(200);
    for (const d of delegates) expect((await d.mutate("room.vote", { id, choice: "ratify" })).status).toBe(200);
    expect((await clerk.mutate("room.closeBallot", { id })).data).toMatchObject({ outcome: "ratified" });
    const { textHash } = (await clerk.query("room.ballot", { id })).data;
    const done = await clerk.mutate("rulings.publish", { id, textHash });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return { id, eli: done.data.eli, rulingId: done.data.id };
  }

  const feed = async () => parseXml((await anyone().query("rulings.atom")).data as string);
  const entryOf = (root: XmlTree, eli: string) => childrenNamed(root, "entry").find((e) => only(e, "id").text === `${PUBLIC_URL}${eli}`)!;

  it("refuses a control character in a ruling's title, clauses, amendments or repeal reason, saying which, and makes a pasted manual line break a newline", async () => {
    const refused = await clerk.mutate("matters.open", { ...matter("Labels\u0001 for political ads", "A clause long enough to read."), startIntake: false });
    expect(refused.status).toBe(400);
    expect(refused.error?.data.issues).toEqual([expect.objectContaining({ path: ["title"], message: expect.stringContaining("(U+0001)") })]);
    const clause = await clerk.mutate("matters.open", { ...matter("Labels for political ads", "A clause \uFFFE long enough to read."), startIntake: false });
    expect(clause.status).toBe(400);
    expect(clause.error?.data.issues).toEqual([expect.objectContaining({ path: ["clauses", "0"], message: expect.stringContaining("(U+FFFE)") })]);
    const repeal = await clerk.mutate("rulings.repeal", { eli: "/eli/demo/ruling/2026/999", reason: "It failed\u0007 the children it was for." });
    expect(repeal.status).toBe(400);
    expect(repeal.error?.data.issues).toEqual([expect.objectContaining({ path: ["reason"], message: expect.stringContaining("(U+0007)") })]);

    const pasted = await clerk.mutate("matters.open", { ...matter("Labels for\u000Bpolitical ads", "A clause long enough\u000Bto read."), startIntake: false });
    expect(pasted.status, JSON.stringify(pasted.body)).toBe(200);
    const stored = (await clerk.query("matters.get", { id: pasted.data.id })).data;
    expect(stored.title).toBe("Labels for\npolitical ads");
  });

  it("keeps every XML record well-formed and to its standard when the database holds every control character, and moves a feed entry with each act", async () => {
    const { eli, rulingId } = await published();
    const atPublication = entryOf(await feed(), eli);
    expect(only(atPublication, "category").attributes.term).toBe("in-force");

    expect((await clerk.mutate("rulings.renew", { eli, days: 30 })).status).toBe(200);
    const afterRenewal = entryOf(await feed(), eli);
    expect(only(afterRenewal, "updated").text > only(atPublication, "updated").text).toBe(true);
    expect(only(afterRenewal, "category").attributes.term).toBe("renewed");

    const repealed = await clerk.mutate("rulings.repeal", { eli, reason: "Harm reports showed\u000Bit failed children." });
    expect(repealed.status, JSON.stringify(repealed.body)).toBe(200);
    const root = await feed();
    expect(atomProblems(root)).toEqual([]);
    const entry = entryOf(root, eli);
    const leaves = await t.server.deps.db.selectFrom("logLeaves").select(["idx", "createdAt"]).where("rulingId", "=", rulingId).orderBy("idx").execute();
    expect(leaves).toHaveLength(3); // publication, renewal, repeal
    expect(only(entry, "updated").text).toBe(leaves[2]!.createdAt);
    expect(only(entry, "category").attributes.term).toBe("repealed");
    expect(only(entry, "summary").text).toBe(`Repealed on ${leaves[2]!.createdAt.slice(0, 10)}. The clerk's reason: Harm reports showed\nit failed children.`);
    expect(only(only(root, "author"), "name").text).toBe("Republic of Estonia");

    const akn = parseXml((await anyone().query("rulings.akn", { eli })).data as string);
    expect(aknProblems(akn)).toEqual([]);
    const meta = only(only(akn, "act"), "meta");
    const identification = only(meta, "identification");
    expect(only(only(identification, "FRBRWork"), "FRBRcountry").attributes.value).toBe("ee");
    expect(only(only(identification, "FRBRExpression"), "FRBRlanguage").attributes.language).toBe("eng");
    for (const level of ["FRBRWork", "FRBRExpression", "FRBRManifestation"])
      for (const name of ["FRBRthis", "FRBRuri"]) expect(only(only(identification, level), name).attributes.value).toMatch(/^\/akn\/ee\/act\//);
    expect(childrenNamed(only(meta, "lifecycle"), "eventRef").map((e) => [e.attributes.date, e.attributes.type])).toEqual(
      leaves.map((l, i) => [l.createdAt.slice(0, 10), ["generation", "amendment", "repeal"][i]]),
    );

    // The output side: what no input can put there now, written straight into the database.
    // PostgreSQL's text cannot hold U+0000 at all; SQLite's can.
    const hostile = dialect === "postgres" ? HOSTILE.replace("\u0000", "") : HOSTILE;
    await t.server.deps.db
      .updateTable("rulings")
      .set({ title: `Title ${hostile} end`, text: `1. Clause ${hostile} end\n2. ${hostile}`, repealReason: `Reason ${hostile}` })
      .where("id", "=", rulingId)
      .execute();
    const documents = [(await anyone().query("rulings.atom")).data as string, (await anyone().query("rulings.akn", { eli })).data as string];
    for (const document of documents) {
      expect(document).not.toMatch(FORBIDDEN);
      const parsed = parseXml(document);
      expect(parsed.name === "feed" ? atomProblems(parsed) : aknProblems(parsed)).toEqual([]);
    }
    expect(only(entryOf(parseXml(documents[0]!), eli), "title").text).toBe("Title \t\n\r\u007f\u0085 end");
    const metadata = (await anyone().query("rulings.eliMetadata", { eli })).data;
    expect(JSON.stringify(metadata)).not.toMatch(/\\u000[0-8bcBC]|\\u001[0-9a-fA-F]|\\ufff[eE]|\\ufff[fF]/);
    expect(metadata).toMatchObject({
      "@id": `${PUBLIC_URL}${eli}`,
      "@type": "eli:LegalResource",
      "eli:in_force": { "@id": "http://data.europa.eu/eli/ontology#InForce-notInForce" },
      "eli:date_no_longer_in_force": { "@value": leaves[2]!.createdAt.slice(0, 10) },
    });

    // Every absolute URI of the records starts with AGORA_PUBLIC_URL, never the address the request came to.
    const uris = documents.join("\n").match(/https?:\/\/[^"<\s]+/g) ?? [];
    const own = uris.filter((u) => !/^http:\/\/(www\.w3\.org|docs\.oasis-open\.org)\//.test(u));
    expect(own.length).toBeGreaterThan(5);
    expect(own.filter((u) => !u.startsWith(`${PUBLIC_URL}/`))).toEqual([]);
    expect(documents.join("\n")).not.toContain(t.url);
  });

  it("lists every published ruling a page at a time, with the total and the next page's cursor", async () => {
    await published();
    const seen: string[] = [];
    let cursor: string | undefined;
    let total = 0;
    for (let pages = 0; pages < 50; pages++) {
      const page = (await anyone().query("rulings.page", { limit: 1, ...(cursor ? { cursor } : {}) })).data;
      total = page.total;
      seen.push(...page.rulings.map((r: { eli: string; uri: string }) => (expect(r.uri).toBe(`${PUBLIC_URL}${r.eli}`), r.eli)));
      if (!page.next) break;
      cursor = page.next;
    }
    const { n } = await t.server.deps.db
      .selectFrom("rulings")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(total).toBe(Number(n));
    expect(total).toBeGreaterThanOrEqual(2);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect((await anyone().query("rulings.page", { limit: 1, cursor: "not-a-cursor" })).status).toBe(400);
  });

  it("serves a verifier that, copied alone into an empty folder, verifies a bundle made through the app, fails a tampered one and says when it was repealed", async () => {
    const response = await fetch(`${t.url}/agora-verify.mjs`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    expect(await (await fetch(`${t.url}/agora-verify.mjs.sha256`)).text()).toBe(`${sha256}  agora-verify.mjs\n`);
    // Its SHA-256 is in the log, once, however often it is fetched.
    await fetch(`${t.url}/agora-verify.mjs`);
    const recorded = await t.server.deps.db
      .selectFrom("ledgerEvents")
      .select("payload")
      .where("matterId", "=", POLITY_STREAM)
      .where("type", "=", "registry.verifierPublished")
      .execute();
    expect(recorded.map((r) => JSON.parse(r.payload).sha256)).toEqual([sha256]);
    expect(JSON.parse(recorded[0]!.payload).leafIndex).toEqual(expect.any(Number));
    // Nothing but Node's own modules.
    const imports = bytes.toString("utf8").match(/^import .* from "([^"]+)";$/gm) ?? [];
    expect(imports.every((line) => /from "node:/.test(line))).toBe(true);

    const folder = mkdtempSync(join(dir, "empty-"));
    writeFileSync(join(folder, "agora-verify.mjs"), bytes);
    expect(readdirSync(folder)).toEqual(["agora-verify.mjs"]);
    // Asynchronously: the server under test shares this process, and a blocked loop lets its keep-alive sockets time out under the client.
    const run = (file: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["agora-verify.mjs", file],
          { cwd: folder, encoding: "utf8", env: { ...process.env, LANG: "C", LC_ALL: "C" } },
          (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
        );
      });

    const { eli } = await published();
    const fresh = (await anyone().query("rulings.bundle", { id: eli })).data;
    writeFileSync(join(folder, "bundle.json"), JSON.stringify(fresh));
    const ok = await run("bundle.json");
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain("VERIFIED: every check passed.");
    expect(ok.stdout).toMatch(new RegExp(`^ok +status +In force until its sunset on ${fresh.bundle.ruling.sunsetAt.slice(0, 10)}`, "m"));

    const text = JSON.stringify(fresh);
    const at = text.indexOf(fresh.bundle.ruling.text.slice(0, 12));
    writeFileSync(join(folder, "tampered.json"), `${text.slice(0, at)}${text[at] === "A" ? "B" : "A"}${text.slice(at + 1)}`);
    const tampered = await run("tampered.json");
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain("NOT VERIFIED");

    expect((await clerk.mutate("rulings.repeal", { eli, reason: "Harm reports showed it failed children." })).status).toBe(200);
    const after = (await anyone().query("rulings.bundle", { id: eli })).data;
    const repealedOn = (await anyone().query("rulings.get", { eli })).data.repealedAt.slice(0, 10);
    writeFileSync(join(folder, "repealed.json"), JSON.stringify(after));
    const repealed = await run("repealed.json");
    expect(repealed.status, repealed.stdout).toBe(0);
    expect(repealed.stdout).toMatch(new RegExp(`^ok +status +Repealed on ${repealedOn}: no longer in force`, "m"));

    // A record of an act the log does not hold (its reason changed) fails the status check.
    after.acts[0].record.reason = "Another reason.";
    writeFileSync(join(folder, "forged.json"), JSON.stringify(after));
    const forged = await run("forged.json");
    expect(forged.status).toBe(1);
    expect(forged.stdout).toMatch(/^FAIL status/m);
  });
});
