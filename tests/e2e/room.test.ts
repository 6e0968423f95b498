import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineEngine } from "../../deliberation/llm/offline.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { seedDemoValues } from "../../server/seed-demo.server.js";
import { launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/database.js";
import { unreadable } from "./readable.js";
import {
  DESKTOP,
  PHONE,
  agoraVerify,
  checkA11y,
  e2eContext,
  fillClauses,
  expectNoHorizontalOverflow,
  freshPage,
  pathOf,
  screenshot,
  signIn,
  verifyInPanel,
} from "./support.js";

const { skip } = e2eContext();

/**
 * The room with four people in separate browsers: Liis the clerk, two delegates (one on a phone) and
 * a citizen watching. The server is one of this file's own, with a model that takes its time (the
 * scripted server answering as the offline engine reasons, a chunk at a time), so there is a live
 * deliberation to watch and pause. The matter is opened and convened by value communities in the app.
 */
describe.skipIf(skip)("the deliberation room in a real browser", () => {
  let browser: Browser;
  let model: ScriptedServer;
  let t: TestServer;
  let matterId: string;
  const downloads = mkdtempSync(join(tmpdir(), "agora-e2e-bundles-"));
  /** A model answer the test holds back until it has looked at the room: the mediator's first wording, and the reading of Ana's amendment. */
  const held = () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    return { gate, release, asked: 0 };
  };
  const firstWording = held();
  const amendmentReading = held();
  /** Words only Ana's amended clause has: its reading is the one held. */
  const AMENDED = "and the person may ask for that review within 30 days";

  beforeAll(async () => {
    browser = await launchBrowser();
    model = await startScriptedServer({
      latencyMs: 300,
      respond: async (request) => {
        // The server gives a call 5 s: the first wording and its first retry are held, the later ones answered.
        if (request.task === "deliberation.word" && firstWording.asked < 2) {
          firstWording.asked += 1;
          await firstWording.gate;
        }
        const option = (request.data as { option?: { text?: string } } | null)?.option;
        if (option?.text?.includes(AMENDED)) {
          amendmentReading.asked += 1;
          await amendmentReading.gate;
        }
        return { json: answerOffline(request.task, request.data), chunkSize: 24, chunkDelayMs: 50 };
      },
    });
    // Two of five delegates make a quorum here, so two browsers can carry the vote.
    t = await startTestServer("sqlite", {
      remix: "build",
      llm: { baseUrl: model.url, apiKey: "test-key" },
      overrides: { ballot: { quorum: 0.4, majority: 0.5 } },
    });
    // The citizens' values go in through the offline engine (the scripted model answers the protocol's tasks only).
    const { deps } = t.server;
    await seedDemoValues({ ...deps, llm: createOfflineEngine({ recorder: { record: async () => {} }, clock: deps.clock, ids: deps.ids }) });
  }, 120_000);
  afterAll(async () => {
    firstWording.release();
    amendmentReading.release();
    await browser?.close();
    await t?.close();
    await model?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  async function open(email: string | null, viewport: { width: number; height: number }) {
    const { context, page } = await freshPage(browser, t.url, viewport);
    if (email) await signIn(page, email);
    if (matterId) await page.goto(`/rooms/${matterId}`);
    return { context, page };
  }

  const main = (page: Page) => page.locator("main");
  /** Nothing a person reads on the page is raw JSON, a uuid or an internal key. */
  const expectReadable = async (page: Page, when: string) => expect(await unreadable(page), when).toEqual([]);

  it("delegates strike and override statements from the page, a phone reads the record as statements while it streams, and the ballot ratifies it", async () => {
    const clerk = await open("clerk@demo.agora", DESKTOP);
    // Liis opens the matter with intake and convenes it by value communities, on its page.
    const title = "Automated refusals of housing benefits";
    await clerk.page.goto("/matters/new");
    await clerk.page.getByLabel("Title").fill(title);
    await fillClauses(
      clerk.page,
      "1. A person refused a benefit by an automated system is told so in the decision letter.\n2. The letter names an official who can review the decision.",
    );
    await clerk.page.getByLabel("Choice context").selectOption("ai-decisions-about-people");
    await clerk.page.getByLabel("Rationale").fill("The benefits agency plans to automate first decisions on housing support.");
    await clerk.page.getByLabel("Deliberation rounds").fill("2");
    await clerk.page.getByLabel("Candidate rulings per round").fill("2");
    await clerk.page.getByLabel(/Approval threshold/).fill("100");
    await clerk.page.getByRole("button", { name: "Open intake now" }).click();
    await clerk.page.getByRole("heading", { level: 1, name: title }).waitFor();
    matterId = pathOf(clerk.page).split("/").pop()!;
    await clerk.page.getByLabel(/value communities/).check();
    // Intake has just opened: convening now is a choice the clerk confirms.
    const early = clerk.page.getByLabel("Convene now, before intake closes");
    if (await early.count()) await early.check();
    await clerk.page.getByRole("button", { name: "Convene" }).click();
    await clerk.page.getByRole("heading", { level: 2, name: "Constituencies and mandates" }).waitFor();

    const ana = await open("delegate1@demo.agora", DESKTOP);
    const ben = await open("delegate2@demo.agora", PHONE);
    const citizen = await open("citizen1@demo.agora", DESKTOP);
    try {
      await main(ben.page).getByText("The deliberation has not started yet.").waitFor();
      // Liis starts it from the matter's page. Every option is read against every mandate value first:
      // Ana at her desk and Ben on his phone read the readings as statements while they stream.
      await clerk.page.getByRole("button", { name: "Start the deliberation" }).click();
      await clerk.page.getByRole("heading", { level: 2, name: "Deliberation" }).waitFor();
      await Promise.all([ana.page.reload(), ben.page.reload()]);
      const reading = (page: Page) =>
        page
          .locator(".statement-live")
          .filter({ hasText: /reads clause \d/i })
          .first();
      await Promise.all([reading(ana.page).waitFor({ timeout: 20_000 }), reading(ben.page).waitFor({ timeout: 20_000 })]);
      expect(await reading(ben.page).innerText()).not.toContain('{"');
      await expectReadable(ana.page, "while the readings stream");
      await expectReadable(ben.page, "while the readings stream, on a phone");
      await expectNoHorizontalOverflow(ben.page, PHONE.width);
      await screenshot(ben.page, "room-phone-streaming");

      // The positions follow from the readings; the mediator's first wording is held back (by the model) while Ana pauses.
      await ana.page.waitForFunction(() => document.querySelectorAll(".rep-panel .statement-actions").length >= 2, undefined, { timeout: 60_000 });
      expect(firstWording.asked, "the mediator is wording round 1").toBeGreaterThan(0);
      await ana.page.getByLabel("Reason (optional)").fill("Reading the positions first.");
      await ana.page.getByRole("button", { name: "Pause" }).click();
      await main(ana.page).getByRole("status").filter({ hasText: "Paused. No new step starts until someone resumes." }).waitFor();
      await main(ana.page).getByText("Paused by a delegate").waitFor();
      await main(ana.page).getByText("Paused: nothing new appears here until a delegate resumes.").waitFor();
      // The wording under way finishes and is recorded; nothing after it starts while paused.
      firstWording.release();
      await expectReadable(ana.page, "paused");
      await screenshot(ana.page, "room-paused");

      // The citizen sees the same room, and the pause, live; she has no controls.
      await main(citizen.page).getByText("Paused by a delegate").waitFor({ timeout: 15_000 });
      for (const name of ["Pause", "Resume", "Send guidance to the mediator", "Cast my vote", "Open the ballot"]) {
        expect(await citizen.page.getByRole("button", { name }).count(), name).toBe(0);
      }
      expect(await citizen.page.getByText(/Act on this statement/).count()).toBe(0);

      // Ana guides, then strikes one position and overrides another.
      await ana.page.reload();
      await ana.page.getByLabel(/Guidance to the mediator/).fill("Keep the ruling short enough to read aloud.");
      await ana.page.getByRole("button", { name: "Send guidance to the mediator" }).click();
      await main(ana.page).getByRole("status").filter({ hasText: "Your guidance was sent to the mediator." }).waitFor();
      await main(ana.page).getByRole("listitem").filter({ hasText: "Keep the ruling short enough to read aloud." }).waitFor();

      const panels = ana.page.locator(".rep-panel");
      const struckPanel = panels.nth(0);
      const strike = struckPanel.locator(".statement-actions").first();
      await strike.locator("summary").click();
      // A blank reason, past the browser's own check: the server's message appears at the field, nothing is written.
      const reason = strike.getByLabel(/Why it is struck/);
      await reason.evaluate((el) => el.removeAttribute("required"));
      await strike.getByRole("button", { name: "Strike" }).click();
      await strike.getByText("Please fill this in.").waitFor();
      expect(await reason.getAttribute("aria-invalid")).toBe("true");
      expect(
        await main(ana.page)
          .getByText(/Struck by a delegate:/)
          .count(),
      ).toBe(0);
      await reason.fill("Speaks to a different matter.");
      await strike.getByRole("button", { name: "Strike" }).click();
      const struckNote = strike.getByRole("status");
      await struckNote.filter({ hasText: "The statement is struck and left out of later prompts." }).waitFor();
      expect(await struckNote.evaluate((el) => el === document.activeElement), "the confirmation takes the focus").toBe(true);
      await struckPanel.getByText("Struck by a delegate: Speaks to a different matter.").waitFor();

      const overrideText = "A delegate's reading: every refusal letter names a person who can change it.";
      const override = panels.nth(1).locator(".statement-actions").first();
      await override.locator("summary").click();
      await override.getByLabel(/Your text/).fill(overrideText);
      await override.getByRole("button", { name: "Replace with my words" }).click();
      await override.getByRole("status").filter({ hasText: "The statement now shows your words" }).waitFor();
      await panels.nth(1).getByText(overrideText).waitFor();

      // Ben's phone shows both, as statements.
      await ben.page.reload();
      await main(ben.page).getByText("Struck by a delegate: Speaks to a different matter.").waitFor();
      await main(ben.page).getByText(overrideText).waitFor();
      await expectReadable(ben.page, "after the delegates acted");
      await expectNoHorizontalOverflow(ben.page, PHONE.width);
      await screenshot(ben.page, "room-phone-override");

      // Resume: the mediation carries on from the wording it paused after.
      await ana.page.getByRole("button", { name: "Resume" }).click();
      await main(ana.page).getByRole("status").filter({ hasText: "Resumed." }).waitFor();
      await ana.page.getByRole("heading", { name: "Draft ruling" }).waitFor({ timeout: 90_000 });
      await ana.page.reload();

      // The mediator's wording is audited like a statement: the exact call behind it, readably.
      const events = await t.server.deps.db.selectFrom("ledgerEvents").select(["seq", "type"]).where("matterId", "=", matterId).orderBy("seq").execute();
      const seqOf = (type: string) => events.find((e) => e.type === type)?.seq ?? Number.POSITIVE_INFINITY;
      const lastCandidate = events.filter((e) => e.type === "deliberation.candidate").at(-1)!.seq;
      expect(seqOf("room.strike")).toBeLessThan(lastCandidate);
      expect(seqOf("room.override")).toBeLessThan(lastCandidate);
      const audit = await open("delegate1@demo.agora", DESKTOP);
      try {
        await audit.page.goto(`/rooms/${matterId}/audit/${seqOf("deliberation.wording")}`);
        await audit.page.getByRole("heading", { name: "The mediator's new wording for round 1" }).waitFor();
        await audit.page.getByRole("heading", { name: "Model calls" }).waitFor();
        await expectReadable(audit.page, "the audit of the mediator's wording");

        // A reading opens in the room to its quoted words, its reason and who read it, and its audit shows the reading readably.
        const rule = main(ana.page).locator("#rule-options").locator("xpath=..");
        const chip = rule.locator("details.reading").first();
        await chip.locator("summary").click();
        await chip.locator(".reading-body mark").first().waitFor();
        expect(await chip.locator(".reading-body").innerText()).toMatch(/Read by the model \S+\./);
        const readingAudit = await chip.getByRole("link", { name: /Audit this reading/ }).getAttribute("href");
        await audit.page.goto(readingAudit!);
        await audit.page.getByRole("heading", { name: "What was read" }).waitFor();
        const table = await audit.page.locator(".reading-table").innerText();
        expect(table).toMatch(/honours|erodes/);
        await expectReadable(audit.page, "the audit of a reading");
        await screenshot(audit.page, "audit-reading");
      } finally {
        await audit.context.close();
      }

      // Candidates carry short names; the Schulze chart says what its bars are, with a table.
      const names = await ana.page.locator(".candidates .statement-head strong").allInnerTexts();
      // A rule with few options may offer a single package a round: the leximin search offers distinct ones only.
      expect(names.length).toBeGreaterThanOrEqual(1);
      for (const name of names) expect(name.length).toBeLessThan(80);
      await main(ana.page)
        .getByText(/Each bar shows the citizens whose representatives ranked that candidate first/)
        .first()
        .waitFor();
      await expectReadable(ana.page, "drafted, at a desk");

      // The draft shows whose wording each clause is, what it does to every constituency, and its fairness.
      await main(ana.page)
        .getByText(/In the proportional veto core: (yes|no)\./)
        .waitFor();
      const draftChip = main(ana.page).locator(".coverage-read details.reading").first();
      if (await draftChip.count()) {
        await draftChip.locator("summary").click();
        await draftChip
          .getByText(/Read by the model/)
          .first()
          .waitFor();
      }

      // Ana amends one clause: she picks clause 2, which the field then holds, and rewrites it.
      const clause = ana.page.getByLabel("The clause");
      const choices = await clause.locator("option").allInnerTexts();
      const second = choices.find((c) => c.startsWith("Clause 2:"));
      expect(second, choices.join(" | ")).toBeTruthy();
      await clause.selectOption({ label: second! });
      const wording = ana.page.getByLabel("Its new wording");
      expect((await wording.inputValue()).slice(0, 20)).toBe(second!.replace(/^Clause 2: /, "").slice(0, 20));
      await wording.fill(`The letter names an official who can change the decision, ${AMENDED}.`);
      await ana.page.getByRole("button", { name: "Save the new wording" }).click();
      await main(ana.page).getByRole("status").filter({ hasText: "Your amendment is saved; it is read before the ballot." }).waitFor();
      // Its reading is held back by the model: the amended draft says so, and the clerk's ballot waits for it.
      await main(ana.page)
        .locator(".amended-draft")
        .getByText(/Being read…/)
        .waitFor({ timeout: 15_000 });
      await main(ana.page).locator(".amended-draft .draft-clauses").getByText(AMENDED).waitFor();
      await expectReadable(ana.page, "amended, being read");
      await clerk.page.goto(`/rooms/${matterId}`);
      await main(clerk.page)
        .getByText(/The ballot waits: an amended clause is being read/)
        .waitFor();
      expect(await clerk.page.getByRole("button", { name: "Open the ballot" }).isDisabled()).toBe(true);
      await screenshot(clerk.page, "room-ballot-waits");
      expect(amendmentReading.asked, "the amended clause is being read").toBeGreaterThan(0);
      amendmentReading.release();
      await main(ana.page).getByText("The amended clause has been read: the figures below are the amended text's.").waitFor({ timeout: 30_000 });
      await main(ana.page)
        .getByText(/What the amended draft does to each constituency's top values/)
        .waitFor();
      await checkA11y(ana.page, "room-drafted");
      await expectReadable(ana.page, "amended and read");
      await screenshot(ana.page, "room-drafted");
      // At a desk the stage and controls stay in view while the record scrolls.
      await ana.page.mouse.wheel(0, 4000);
      expect(await ana.page.locator(".room-side").evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().top < 40)).toBe(true);

      // Liis opens the ballot; both delegates vote; the tally is live; each gets a receipt.
      await clerk.page.getByRole("button", { name: "Open the ballot", disabled: false }).waitFor({ timeout: 15_000 });
      await clerk.page.getByRole("button", { name: "Open the ballot" }).click();
      await main(clerk.page).getByRole("status").filter({ hasText: "The ballot is open." }).waitFor();
      await main(clerk.page)
        .getByText(/Quorum 40 % of 5 delegates/)
        .waitFor();
      for (const { page } of [ana, ben]) {
        await page.reload();
        await page.getByRole("radio", { name: "Ratify" }).check();
        await page.getByLabel("Your reason (optional, public)").fill("It honours the mandates.");
        await page.getByRole("button", { name: "Cast my vote" }).click();
        await page.locator("#ballot").locator("xpath=..").getByRole("status").filter({ hasText: "Your vote was recorded." }).waitFor();
        await main(page)
          .getByText(/Your vote \(Ratify\) is recorded as ledger event \d+/)
          .waitFor();
        expect(await page.getByRole("button", { name: "Cast my vote" }).count()).toBe(0);
        expect(await page.getByRole("link", { name: "Download your receipt (JSON)" }).getAttribute("href")).toBe(`/rooms/${matterId}/receipt.json`);
      }
      await main(clerk.page).getByText("2 of 5. Quorum reached.").waitFor({ timeout: 15_000 });
      await expectReadable(ben.page, "voted, on a phone");
      await screenshot(ben.page, "room-phone-voted");
      await clerk.page.getByRole("button", { name: "Close the ballot" }).click();
      await main(clerk.page).getByText("The ballot is closed.").first().waitFor();
      expect(await main(clerk.page).innerText()).toContain("ratified");

      // The citizen could watch all of it and act on none of it; her view is accessible too.
      await citizen.page.reload();
      await main(citizen.page).getByText("The ballot is closed.").waitFor();
      expect(await citizen.page.getByRole("button", { name: "Cast my vote" }).count()).toBe(0);
      await checkA11y(citizen.page, "room-citizen");
      await expectReadable(citizen.page, "closed, as a citizen");
      await screenshot(citizen.page, "room-citizen");
    } finally {
      for (const c of [clerk, ana, ben, citizen]) await c.context.close();
    }
  }, 240_000);

  it("the clerk publishes the ruling ratified in the room; a visitor finds it, downloads its bundle, and the panel and agora verify pass, then fail on a one-byte change", async () => {
    const matter = await t.server.deps.db.selectFrom("matters").select(["status", "title"]).where("id", "=", matterId).executeTakeFirstOrThrow();
    expect(matter.status, "the room test before this one ratifies the ruling").toBe("ratified");

    // Liis publishes it from the matter's page and lands on the ruling's page, under its ELI.
    const clerk = await open("clerk@demo.agora", DESKTOP);
    const visitor = await freshPage(browser, t.url, PHONE);
    const wide = await freshPage(browser, t.url, DESKTOP);
    try {
      await clerk.page.goto(`/matters/${matterId}`);
      await clerk.page.getByLabel("I have read the text to be published").check();
      await clerk.page.getByRole("button", { name: "Publish the ruling" }).click();
      await clerk.page.waitForURL(/\/eli\/demo\/ruling\/\d{4}\/\d+(#published)?$/);
      const eli = pathOf(clerk.page);
      await main(clerk.page).getByRole("heading", { level: 1, name: matter.title }).waitFor();

      // An anonymous visitor, on a phone, finds it in the registry by a word of its title.
      const { page } = visitor;
      await page.goto("/rulings");
      await page.getByLabel("Words in the title or text").fill("benefits");
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("link", { name: matter.title }).click();
      await page.waitForURL((url) => url.pathname === eli);
      await expectNoHorizontalOverflow(page, PHONE.width);

      // She downloads the bundle, and checks that very file in the page's verify panel.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Provenance bundle (JSON)" }).click()]);
      const bundle = join(downloads, "bundle.json");
      await download.saveAs(bundle);
      const good = await verifyInPanel(page, bundle);
      expect(good.failures).toEqual([]);
      expect(good.passes.map((p: string) => p.split(":")[0])).toEqual(["Ledger", "Ruling", "Mandates", "Tally", "Log", "Status"]);
      expect(good.verified).toBe(true);
      await checkA11y(page, "ruling-verified");
      await page.locator("#verify").scrollIntoViewIfNeeded();
      await screenshot(page, "registry-phone-verified");

      // `agora verify` agrees, with the registry's key pinned as the registry publishes it.
      const published = (await (await page.request.get("/api/log/checkpoint")).json()) as { publicKey: string };
      const key = join(downloads, "registry.pem");
      writeFileSync(key, published.publicKey);
      const cli = agoraVerify(bundle, "--key", key);
      expect(cli.out).toMatch(/VERIFIED: every check passed/);
      expect(cli.status, cli.out).toBe(0);

      // One byte of the ruling's text changed: both refuse it, and say why.
      const bytes = readFileSync(bundle);
      const text = JSON.parse(bytes.toString("utf8")).bundle.ruling.text as string;
      // The ruling comes after the ledger (whose events quote the rule) in the file's canonical key order.
      const at = bytes.lastIndexOf(Buffer.from(text.slice(0, 40)));
      expect(at, "the ruling's text is in the file as written").toBeGreaterThan(0);
      bytes[at + 3] = bytes[at + 3] === 0x61 ? 0x62 : 0x61;
      const tampered = join(downloads, "tampered.json");
      writeFileSync(tampered, bytes);
      const bad = await verifyInPanel(page, tampered);
      expect(bad.verified).toBe(false);
      expect(bad.failures.join("\n")).toMatch(/Ruling: The ruling's text is not the text frozen in the ballot/);
      expect(bad.failures.join("\n")).toMatch(/Log: This bundle, byte for byte, is not the one the log holds/);
      const refused = agoraVerify(tampered, "--key", key);
      expect(refused.status).toBe(1);
      expect(refused.out).toMatch(/FAIL ruling +The ruling's text is not the text frozen in the ballot/);
      expect(refused.out).toMatch(/FAIL log +This bundle, byte for byte, is not the one the log holds/);
      expect(refused.out).toMatch(/NOT VERIFIED/);
      await page.locator(".verify-result").scrollIntoViewIfNeeded();
      await screenshot(page, "registry-phone-tampered");

      // At desktop width, the panel checks what the registry serves right now.
      await wide.page.goto(eli);
      expect((await verifyInPanel(wide.page, null)).verified).toBe(true);
      await screenshot(wide.page, "registry-desktop-verified");
    } finally {
      for (const c of [clerk, visitor, wide]) await c.context.close();
    }
  });
});
