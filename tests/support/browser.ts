import { existsSync } from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * Debian's Chromium, headless, with no calls home (the machine has no network). Playwright's
 * launch gives every browser a fresh, temporary user-data dir of its own.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/**
 * Waits until React has hydrated the page (the root marks <html data-hydrated>). A test that edits a
 * field by hand must wait: hydration sets a hidden field's value back to what the server rendered, and
 * a click before it posts the form as a page instead of through its fetcher.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}
