import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import {
  DESKTOP,
  PHONE,
  agoraVerify,
  checkA11y,
  e2eContext,
  expectNoHorizontalOverflow,
  freshPage,
  screenshot,
  signIn,
  signInByPost,
  verifyInPanel,
} from "./support.js";

const { baseUrl, skip } = e2eContext();

/**
 * The registry as a fresh `npm start` serves it: the demo polity's ruling, published by the seed after
 * its whole life, verifies for anyone; a citizen whose value went into it can check that too. (The
 * room's own test publishes a ruling made live in the room and checks it the same way.)
 */
describe.skipIf(skip)("the public registry in a real browser", () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "agora-e2e-registry-"));
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const DEMO_RULING = "AI tutors that talk with children";

  it("on first start the registry holds the demo's ruling, and its bundle verifies for an anonymous visitor", async () => {
    const { context, page } = await freshPage(browser, baseUrl, DESKTOP);
    try {
      await page.goto("/rulings");
      await page.getByLabel("Emergency rulings only").check();
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("link", { name: DEMO_RULING }).click();
      await page.getByRole("heading", { level: 1, name: DEMO_RULING }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/eli\/demo\/ruling\/\d{4}\/1$/);

      const served = await verifyInPanel(page, null);
      expect(served.failures).toEqual([]);
      expect(served.verified).toBe(true);
      expect(served.passes.at(-1)).toMatch(/^Status: In force until its sunset on \d{4}-\d{2}-\d{2}/);
      // Its ELI metadata, for whoever reads the page as data.
      const metadata = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
      expect(metadata).toMatchObject({ "@type": "eli:LegalResource", "@id": expect.stringMatching(/\/eli\/demo\/ruling\/\d{4}\/1$/) });
      await checkA11y(page, "demo-ruling-verified");
      await screenshot(page, "demo-ruling-verified");

      // A file that is not JSON at all gets a reason, not a verdict.
      const junk = join(dir, "not-a-bundle.json");
      writeFileSync(junk, "<html>not a bundle</html>");
      const unreadable = await verifyInPanel(page, junk);
      expect(unreadable.problem.join(" ")).toMatch(/That file is not JSON/);
      // A JSON file of another shape is refused as a whole.
      writeFileSync(junk, JSON.stringify({ rulings: [] }));
      expect((await verifyInPanel(page, junk)).failures).toEqual([expect.stringMatching(/This is not an Agora provenance bundle/)]);

      // The same bundle, downloaded, passes `agora verify` too.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Provenance bundle (JSON)" }).click()]);
      const bundle = join(dir, "demo.json");
      await download.saveAs(bundle);
      const cli = agoraVerify(bundle);
      expect(cli.status, cli.out).toBe(0);
      expect(cli.out).toMatch(/ok {3}tally +Recounted from the ledger's \d+ votes/);

      // And so does the registry's own verifier, downloaded from the page into a folder of its own: one file, nothing to install.
      const alone = mkdtempSync(join(dir, "verifier-"));
      const [verifier] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /The verifier, agora-verify\.mjs/ }).click()]);
      await verifier.saveAs(join(alone, "agora-verify.mjs"));
      // She runs what the page tells her to, on the file as it downloaded: the command names that very file.
      copyFileSync(bundle, join(alone, download.suggestedFilename()));
      const command = await page.locator(".verify-how code.command").first().innerText();
      expect(command).toBe(`node agora-verify.mjs ${download.suggestedFilename()}`);
      expect(download.suggestedFilename()).toMatch(/^demo-ruling-\d{4}-\d+\.json$/);
      const [node, ...args] = command.split(" ");
      expect(node).toBe("node");
      const standalone = spawnSync(process.execPath, args, { cwd: alone, encoding: "utf8", env: { ...process.env, LANG: "C" } });
      expect(standalone.status, standalone.stdout + standalone.stderr).toBe(0);
      expect(standalone.stdout).toMatch(/^ok +status +In force until its sunset on/m);
    } finally {
      await context.close();
    }
  });

  it("a citizen checks, with her card's id, that her value was in her representative's mandate", async () => {
    // Which demo citizen with an account wrote a card that went into the ruling's mandates? She finds
    // her cards' ids on her values page; the bundle only counts the cards behind its mandates, and the
    // registry gives her, signed in, the proof of a card of hers that stands behind one.
    const probe = await freshPage(browser, baseUrl, DESKTOP);
    const listed = (await (await probe.page.request.get("/api/rulings.json")).json()) as { rulings: { title: string; eli: string; bundle: string }[] };
    const ruling = listed.rulings.find((r) => r.title === DEMO_RULING)!;
    const envelope = (await (await probe.page.request.get(ruling.bundle)).json()) as { bundle: { version: number; cards?: unknown } };
    expect(envelope.bundle.version).toBe(2);
    expect(envelope.bundle.cards).toBeUndefined();
    const proofUrl = ruling.bundle.replace(/\/bundle\.json$/, "/card-proof.json");
    // Signed out, nobody gets a card's proof.
    expect((await probe.page.request.get(`${proofUrl}?card=anything`, { maxRedirects: 0 })).status()).toBe(302);
    await probe.context.close();

    let found: { email: string; cardId: string } | null = null;
    const search = await freshPage(browser, baseUrl, PHONE);
    for (let i = 1; i <= 12 && !found; i++) {
      const email = `citizen${i}@demo.agora`;
      const { page } = search;
      await signInByPost(page, email);
      await page.goto("/values");
      const ids = await page.locator("code.card-id").allInnerTexts();
      let cardId: string | undefined;
      for (const id of ids) if (!cardId && (await page.request.get(`${proofUrl}?card=${encodeURIComponent(id)}`)).ok()) cardId = id;
      if (cardId) found = { email, cardId };
    }
    await search.context.close();
    expect(found, "a demo citizen with an account has a card in the demo ruling's mandates").not.toBeNull();

    const { context, page } = await freshPage(browser, baseUrl, PHONE);
    try {
      await signIn(page, found!.email);
      await page.goto("/values");
      const card = page.locator("li.card", { has: page.locator("code.card-id", { hasText: found!.cardId }) });
      expect(await card.innerText()).toMatch(/In the mandate of the .+ representative for “.+”/);
      // From her values page to the published ruling's verify panel.
      await page.getByRole("link", { name: "The published ruling: check it with your card's id" }).click();
      await page.waitForURL((url) => url.pathname === ruling.eli && url.hash === "#verify");
      const mine = await verifyInPanel(page, null, found!.cardId);
      expect(mine.failures).toEqual([]);
      expect(mine.passes.at(-1)).toMatch(new RegExp(`Your card: Card ${found!.cardId}'s value is in the mandate of .+, with weight \\d+\\.\\d %`));
      await expectNoHorizontalOverflow(page, PHONE.width);
      await page.locator(".verify-result").scrollIntoViewIfNeeded();
      await screenshot(page, "citizen-card-verified");
      const other = await verifyInPanel(page, null, "not-my-card");
      expect(other.failures).toEqual([expect.stringMatching(/Your card: No proof places this card in the bundle/)]);
      // Another citizen's card is not hers to check from here: the registry gives its proof to its author only.
      const { context: second, page: theirs } = await freshPage(browser, baseUrl, PHONE);
      try {
        const email = found!.email === "citizen1@demo.agora" ? "citizen2@demo.agora" : "citizen1@demo.agora";
        await signIn(theirs, email);
        expect((await theirs.request.get(`${proofUrl}?card=${encodeURIComponent(found!.cardId)}`)).status()).toBe(404);
      } finally {
        await second.close();
      }
    } finally {
      await context.close();
    }
  });
});
