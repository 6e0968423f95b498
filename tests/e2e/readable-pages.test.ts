import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { unreadable } from "./readable.js";
import { DESKTOP, PHONE, e2eContext, freshPage, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();

/**
 * Every page, as each of its readers meets it on the demo polity `npm start` makes: no raw JSON, no
 * uuid, no internal key (ledger keys, candidate and representative ids, event types) anywhere a person
 * reads, hears from a screen reader, or finds by opening a disclosure.
 */
describe.skipIf(skip)("every page reads as text for a person", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The pages of the seeded matters a reader reaches by following links, not by knowing ids. */
  async function matterPages(page: Page): Promise<string[]> {
    await page.goto("/matters");
    const links = await page.locator("main a[href^='/matters/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    const matters = [...new Set(links.filter((href) => /^\/matters\/[\w-]+$/.test(href) && href !== "/matters/new"))];
    expect(matters.length).toBeGreaterThanOrEqual(3);
    return matters.flatMap((m) => [m, m.replace("/matters/", "/rooms/"), m.replace("/matters/", "/ledger/")]);
  }

  async function tour(who: string | null, paths: (page: Page) => Promise<string[]>, viewport: { width: number; height: number } = DESKTOP) {
    const { context, page } = await freshPage(browser, baseUrl, viewport);
    const problems: string[] = [];
    try {
      if (who) await signIn(page, `${who}@demo.agora`);
      for (const path of await paths(page)) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBeLessThan(400);
        for (const problem of await unreadable(page)) problems.push(`${who ?? "anyone"} at ${path}: ${problem}`);
      }
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }

  it("for anyone: the front page, matters, rooms, ledgers, rulings and the moral graph", async () => {
    await tour(null, async (page) => ["/", "/rulings", "/graph", "/ledger/polity", ...(await matterPages(page))]);
  });

  it("for a citizen on her phone: her account, her values and the matters she took part in", async () => {
    await tour("citizen1", async (page) => ["/account", "/values", "/values/endorse", "/values/judge", ...(await matterPages(page))], PHONE);
  });

  it("for a delegate and the clerk: the rooms and the desk", async () => {
    await tour("delegate1", async (page) => ["/rooms", ...(await matterPages(page)).filter((p) => p.startsWith("/rooms/"))]);
    await tour("admin", async () => ["/admin", "/admin/registry"]);
    await tour("clerk", async (page) => ["/desk", "/merges", ...(await matterPages(page)).filter((p) => p.startsWith("/matters/"))]);
  });
});
