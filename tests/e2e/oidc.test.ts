import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen, registryCsv } from "../../db/factories.js";
import { launchBrowser } from "../support/browser.js";
import { signInAs, startTestServer, type TestServer } from "../support/database.js";
import { startTestProvider, type TestProvider } from "../support/oidc-provider.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, screenshot } from "./support.js";

const { skip } = e2eContext();
const PROVIDER_NAME = "Test ID";
/** Imported through the app's own registry import; she has no account before she signs in. */
const KADRI = demoCitizen(171);

/**
 * Signing in through the polity's identity provider in Chromium: a real OpenID provider on loopback
 * (oidc-provider, with its own login and consent pages), and a server of this file's own configured
 * to use it. The citizen lands as herself; a person the registry does not know is told so, clearly.
 */
describe.skipIf(skip)("signing in through an OpenID provider, in a real browser", () => {
  let browser: Browser;
  let provider: TestProvider;
  let t: TestServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    provider = await startTestProvider();
    t = await startTestServer("sqlite", {
      remix: "build",
      overrides: {
        oidc: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          providerName: PROVIDER_NAME,
          scope: "openid",
          claim: "sub",
          claimPattern: "^[A-Z]{2}(.+)$",
        },
      },
    });
    provider.registerClient(t.url);
    const admin = await signInAs(t.url, "admin@demo.agora");
    const imported = await admin.mutate("admin.importRegistry", { fileName: "tartu.csv", csv: registryCsv([KADRI]) });
    expect(imported.data).toMatchObject({ status: "applied", inserted: 1 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await provider?.close();
  });

  /** On the provider's own pages: its login form (any password), then its consent page if it asks. */
  async function atProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((url) => url.href.startsWith(provider.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("at the provider");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith("/login"));
    const consent = page.getByRole("button", { name: "Continue" });
    if (url(page).startsWith(provider.issuer) && (await consent.count()) > 0) await consent.click();
    await page.waitForURL((u) => u.href.startsWith(t.url), { waitUntil: "load" });
  }

  const url = (page: Page) => page.url();

  it("a citizen of the registry signs in with the provider and lands as herself, then signs out here and there", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const { context, page } = await freshPage(browser, t.url, viewport);
      try {
        await page.goto("/signin?next=/account");
        const button = page.getByRole("link", { name: `Sign in with ${PROVIDER_NAME}` });
        await button.waitFor();
        await expectNoHorizontalOverflow(page, viewport.width);
        await checkA11y(page, "sign-in with a provider");
        await screenshot(page, `signin-${viewport.width}`);

        await button.click();
        await atProvider(page, `EE${KADRI.personalCode}`);
        // Her account page, as herself: the registry's name and district.
        await page.waitForURL((u) => u.pathname === "/account");
        const main = page.locator("main");
        await expect.poll(() => main.innerText()).toContain(KADRI.fullName);
        expect(await main.innerText()).toContain(KADRI.district);
        expect(await page.locator(".site-header .who").innerText()).toBe(KADRI.fullName);
        await screenshot(page, `landed-${viewport.width}`);

        // Signing out ends the session here and sends her to the provider to end its own, then home.
        await page.locator(".site-header").getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL((u) => u.href.startsWith(provider.issuer));
        await page.getByRole("button", { name: "Yes, sign me out" }).click();
        await page.waitForURL((u) => u.href === `${t.url}/`, { waitUntil: "load" });
        await page.locator(".site-header").getByRole("link", { name: "Sign in" }).waitFor();
      } finally {
        await context.close();
      }
    }
  });

  it("a person the registry does not know is refused clearly, with a way back, and is not signed in", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const { context, page } = await freshPage(browser, t.url, viewport);
      try {
        await page.goto("/signin");
        await page.getByRole("link", { name: `Sign in with ${PROVIDER_NAME}` }).click();
        await atProvider(page, "EE39912319999");
        expect(new URL(page.url()).pathname).toBe("/signin/oidc/callback");
        await page.getByRole("heading", { level: 1, name: "You are not in the citizen registry" }).waitFor();
        const alert = await page.getByRole("alert").innerText();
        expect(alert).toContain(`${PROVIDER_NAME} told us who you are`);
        expect(alert).toContain("nothing was created");
        await page.getByRole("link", { name: "Back to sign-in" }).waitFor();
        await expect.poll(() => page.locator(".site-header").getByRole("link", { name: "Sign in" }).count()).toBe(1);
        await expectNoHorizontalOverflow(page, viewport.width);
        await checkA11y(page, "refused");
        await screenshot(page, `refused-${viewport.width}`);
      } finally {
        await context.close();
      }
    }
  });

  it("the refusal reads in Estonian for a person who chose it", async () => {
    const { context, page } = await freshPage(browser, t.url, PHONE);
    try {
      await context.addCookies([{ name: "agora_lang", value: "et", url: t.url }]);
      await page.goto("/signin");
      await page.getByRole("link", { name: `Logi sisse ${PROVIDER_NAME} kaudu` }).click();
      await atProvider(page, "EE39912319999");
      await page.getByRole("heading", { level: 1, name: "Sind ei ole kodanike registris" }).waitFor();
      await screenshot(page, "refused-et-360");
    } finally {
      await context.close();
    }
  });
});
