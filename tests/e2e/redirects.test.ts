import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { e2eContext, freshPage, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();

/** Destinations that a browser would take off the site if the server answered them as written (issue 17). */
const HOSTILE = [
  "/..//evil.example/x",
  "//evil.example/x",
  "/\\evil.example/x",
  "/%2e%2e//evil.example/x",
  "/.%2e//evil.example/x",
  "https://evil.example/x",
  "https:evil.example/x",
  "/\t/evil.example/x",
  "javascript:alert(document.domain)",
];

describe.skipIf(skip)("sign-in sends a person only to this site's own pages", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every request the browser tried to make off the site (none may happen). */
  const offSite: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, page } = await freshPage(browser, baseUrl));
    const site = new URL(baseUrl).origin;
    await context.route(
      (url) => url.origin !== site,
      (route) => {
        offSite.push(route.request().url());
        return route.abort();
      },
    );
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("signs in through the form with a next that leads off the site, and lands on the site's front page", async () => {
    await page.goto(`/signin?next=${encodeURIComponent("/..//evil.example/x")}`);
    await signIn(page, "citizen8@demo.agora");
    expect(new URL(page.url()).origin).toBe(new URL(baseUrl).origin);
    expect(new URL(page.url()).pathname).toBe("/");
    await page.locator("header .who").waitFor();
    expect(offSite).toEqual([]);
  });

  it("keeps a signed-in person on the site whatever next the sign-in page is given", async () => {
    for (const next of HOSTILE) {
      await page.goto(`/signin?next=${encodeURIComponent(next)}`);
      const url = new URL(page.url());
      expect(url.origin, next).toBe(new URL(baseUrl).origin);
      expect(url.pathname, next).toBe("/");
    }
    // A next on the site is still honoured.
    await page.goto(`/signin?next=${encodeURIComponent("/rulings?q=tutor")}`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/rulings?q=tutor");
    expect(offSite).toEqual([]);
  });
});
