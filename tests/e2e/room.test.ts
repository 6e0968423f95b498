import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/database.js";
import { DESKTOP, PHONE, agoraVerify, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, pathOf, screenshot, signIn, verifyInPanel } from "./support.js";

const { skip } = e2eContext();

/**
 * The room with four people in separate browsers: Liis the clerk, two delegates (one on a phone) and
 * a citizen watching. The server is one of this file's own, with a model that takes its time (the
 * scripted server answering as the offline engine reasons, a chunk at a time), so there is a live
 * deliberation to watch and pause.
 */
describe.skipIf(skip)("the deliberation room in a real browser", () => {
  let browser: Browser;
  let model: ScriptedServer;
  let t: TestServer;
  let matterId: string;
  const downloads = mkdtempSync(join(tmpdir(), "agora-e2e-bundles-"));

  beforeAll(async () => {
    browser = await launchBrowser();
    model = await startScriptedServer({
      latencyMs: 250,
      respond: (request) => ({ json: answerOffline(request.task, request.data), chunkSize: 24, chunkDelayMs: 25 }),
    });
    // Two of five delegates make a quorum here, so two browsers can carry the vote.
    t = await startTestServer("sqlite", { remix: "build", llm: { baseUrl: model.url, apiKey: "test-key" }, overrides: { ballot: { quorum: 0.4, majority: 0.5 } } });
    ({ matterId } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 2, approvalThreshold: 1 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await model?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  async function open(email: string | null, viewport: { width: number; height: number }) {
    const { context, page } = await freshPage(browser, t.url, viewport);
    if (email) await signIn(page, email);
    await page.goto(`/rooms/${matterId}`);
    return { context, page };
  }

  const main = (page: Page) => page.locator("main");

  it("a clerk and two delegates go through a whole deliberation; a citizen watches and can do none of it", async () => {
    const clerk = await open("clerk@demo.agora", DESKTOP);
    const ana = await open("delegate1@demo.agora", DESKTOP);
    const ben = await open("delegate2@demo.agora", PHONE);
    const citizen = await open("citizen1@demo.agora", DESKTOP);
    try {
      // Liis starts it from the matter's page.
      await clerk.page.goto(`/matters/${matterId}`);
      await clerk.page.getByRole("button", { name: "Start the deliberation" }).click();
      await clerk.page.getByRole("heading", { level: 2, name: "Deliberation" }).waitFor();

      // Ana watches the answers stream in, then pauses.
      await ana.page.locator(".streams pre").first().waitFor({ timeout: 20_000 });
      expect((await ana.page.locator(".streams pre").first().innerText()).length).toBeGreaterThan(0);
      await screenshot(ana.page, "room-streaming");
      await ana.page.getByLabel("Reason (optional)").fill("Reading the positions first.");
      await ana.page.getByRole("button", { name: "Pause" }).click();
      await main(ana.page).getByText("Paused by a delegate").waitFor();

      // The citizen sees the same room, and the pause, live; she has no controls.
      await main(citizen.page).getByText("Paused by a delegate").waitFor({ timeout: 15_000 });
      for (const name of ["Pause", "Resume", "Send guidance to the mediator", "Cast my vote", "Open the ballot"]) {
        expect(await citizen.page.getByRole("button", { name }).count(), name).toBe(0);
      }
      expect(await citizen.page.getByText(/Act on this statement/).count()).toBe(0);

      // Wait for the positions already under way to land, then guide, override and strike.
      await ana.page.waitForFunction(() => document.querySelectorAll(".statement-actions").length >= 2, undefined, { timeout: 20_000 });
      await ana.page.getByLabel(/Guidance to the mediator/).fill("Keep the ruling short enough to read aloud.");
      await ana.page.getByRole("button", { name: "Send guidance to the mediator" }).click();
      await main(ana.page).getByText("Keep the ruling short enough to read aloud.").waitFor();

      await ben.page.reload();
      const first = ben.page.locator(".statement-actions").first();
      await first.locator("summary").click();
      await first.getByLabel(/Your text/).fill("A delegate's reading: labels must be readable by anyone.");
      await first.getByRole("button", { name: "Replace with my words" }).click();
      await main(ben.page).getByText("A delegate's reading: labels must be readable by anyone.").waitFor();
      await expectNoHorizontalOverflow(ben.page, PHONE.width);
      await screenshot(ben.page, "room-phone-override");

      await ana.page.reload();
      const second = ana.page.locator(".statement-actions").nth(1);
      await second.locator("summary").click();
      await second.getByLabel(/Why it is struck/).fill("Speaks to a different matter.");
      await second.getByRole("button", { name: "Strike" }).click();
      await main(ana.page).getByText("Struck by a delegate: Speaks to a different matter.").waitFor();

      // Resume; the deliberation runs to a draft, which Ana amends with tracked changes.
      await ana.page.getByRole("button", { name: "Resume" }).click();
      await ana.page.getByRole("heading", { name: "Draft ruling" }).waitFor({ timeout: 60_000 });
      const amend = ana.page.getByLabel("The ruling's text");
      await amend.fill(`${await amend.inputValue()}\nThe authority reports on its use of this rule every year.`);
      await ana.page.getByRole("button", { name: "Save the amendment" }).click();
      await ana.page.locator(".tracked ins").first().waitFor();
      await checkA11y(ana.page, "room-drafted");
      await screenshot(ana.page, "room-drafted");

      // Liis opens the ballot; both delegates vote; the tally is live; each gets a receipt.
      await clerk.page.goto(`/rooms/${matterId}`);
      await clerk.page.getByRole("button", { name: "Open the ballot" }).click();
      await main(clerk.page).getByText(/Quorum 40 % of 5 delegates/).waitFor();
      for (const { page } of [ana, ben]) {
        await page.reload();
        await page.getByLabel("Ratify").check();
        await page.getByLabel("Your reason (optional, public)").fill("It honours the mandates.");
        await page.getByRole("button", { name: "Cast my vote" }).click();
        await main(page).getByText(/Your vote \(Ratify\) is recorded as ledger event \d+/).waitFor();
        expect(await page.getByRole("button", { name: "Cast my vote" }).count()).toBe(0);
      }
      await main(clerk.page).getByText("2 of 5. Quorum reached.").waitFor({ timeout: 15_000 });
      await screenshot(ben.page, "room-phone-voted");
      await clerk.page.getByRole("button", { name: "Close the ballot" }).click();
      await main(clerk.page).getByText("The ballot is closed.").waitFor();
      expect(await main(clerk.page).innerText()).toContain("ratified");

      // The citizen could watch all of it and act on none of it; her view is accessible too.
      await citizen.page.reload();
      await main(citizen.page).getByText("The ballot is closed.").waitFor();
      expect(await citizen.page.getByRole("button", { name: "Cast my vote" }).count()).toBe(0);
      await checkA11y(citizen.page, "room-citizen");
      await screenshot(citizen.page, "room-citizen");
    } finally {
      for (const c of [clerk, ana, ben, citizen]) await c.context.close();
    }
  });

  it("the clerk publishes the ruling ratified in the room; a visitor finds it, downloads its bundle, and the panel and agora verify pass, then fail on a one-byte change", async () => {
    const matter = await t.server.deps.db.selectFrom("matters").select(["status", "title"]).where("id", "=", matterId).executeTakeFirstOrThrow();
    expect(matter.status, "the room test before this one ratifies the ruling").toBe("ratified");

    // Liis publishes it from the matter's page and lands on the ruling's page, under its ELI.
    const clerk = await open("clerk@demo.agora", DESKTOP);
    const visitor = await freshPage(browser, t.url, PHONE);
    const wide = await freshPage(browser, t.url, DESKTOP);
    try {
      await clerk.page.goto(`/matters/${matterId}`);
      await clerk.page.getByRole("button", { name: "Publish the ruling" }).click();
      await clerk.page.waitForURL(/\/eli\/demo\/ruling\/\d{4}\/\d+$/);
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
      expect(good.passes.map((p: string) => p.split(":")[0])).toEqual(["Ledger", "Ruling", "Mandates", "Tally", "Log"]);
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
