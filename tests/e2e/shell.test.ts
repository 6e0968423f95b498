import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen, personalCode, registryCsv } from "../../db/factories.js";
import { launchBrowser } from "../support/browser.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, navItems, pathOf, screenshot, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();

/** Every item of the main navigation, by who sees it (app/nav.ts, labels from app/i18n/en.ts). */
const EVERYONE = ["Home", "Matters", "Rulings", "Moral graph", "Public ledger"];
const ROLE_ITEMS = ["My values", "Rooms", "Clerk's desk", "Value merges", "Users and roles", "Citizen registry", "My account"];

interface RoleJourney {
  who: string;
  email: string;
  name: string;
  nav: string[];
  /** Opens the role's own pages, checks their content and runs axe on each. */
  visit(page: Page): Promise<void>;
}

const MARI = demoCitizen(1);

const JOURNEYS: RoleJourney[] = [
  {
    who: "admin",
    email: "admin@demo.agora",
    name: "Kristjan Kask",
    nav: [...EVERYONE, "Users and roles", "Citizen registry", "My account"],
    async visit(page) {
      await page.getByRole("link", { name: "Users and roles" }).click();
      await page.waitForURL("**/admin");
      await page.getByRole("heading", { level: 1, name: "Users and roles" }).waitFor();
      await expect.poll(() => page.locator("main").innerText()).toContain("clerk@demo.agora");
      expect(await page.locator("main").innerText()).toContain("citizen1@demo.agora");
      await checkA11y(page, "admin-users");
      await screenshot(page, "admin-users");

      await page.getByRole("link", { name: "Citizen registry" }).click();
      await page.waitForURL("**/admin/registry");
      await page.getByRole("heading", { level: 1, name: "Citizen registry" }).waitFor();
      await page.getByText("72 citizens in the registry.").waitFor();
      await page.getByLabel("CSV file").waitFor();
      await checkA11y(page, "admin-registry");
      await screenshot(page, "admin-registry");
    },
  },
  {
    who: "clerk",
    email: "clerk@demo.agora",
    name: "Liis Lepp",
    nav: [...EVERYONE, "Clerk's desk", "Value merges", "My account"],
    async visit(page) {
      await page.getByRole("link", { name: "Clerk's desk" }).click();
      await page.waitForURL("**/desk");
      await page.getByRole("heading", { level: 1, name: "Clerk's desk" }).waitFor();
      const table = page.getByRole("table").first();
      const districts = await table.locator("tbody th[scope=row]").allInnerTexts();
      expect(districts.map((d) => d.trim()).sort()).toEqual(["Ida-Viru", "Tallinn", "Tartu"]);
      // Every district holds a third of the 72 citizens; the total row adds them up.
      for (const district of ["Tartu", "Tallinn", "Ida-Viru"]) {
        expect(
          await table
            .getByRole("row", { name: new RegExp(`^${district}\\b`) })
            .getByRole("cell")
            .first()
            .innerText(),
        ).toBe("24");
      }
      expect(await table.locator("tfoot td").first().innerText()).toBe("72");
      await checkA11y(page, "desk");
      await screenshot(page, "desk");
    },
  },
  {
    who: "delegate",
    email: "delegate1@demo.agora",
    name: "Jaan Sepp",
    nav: [...EVERYONE, "Rooms", "My account"],
    async visit(page) {
      await page.getByRole("link", { name: "Rooms" }).click();
      await page.waitForURL("**/rooms");
      await page.getByRole("heading", { level: 1, name: "Deliberation rooms" }).waitFor();
      await page.getByText("Every deliberation is a public ledger stream.").waitFor();
      // Either the list of rooms or the empty note: the page has real content either way.
      const rooms = page.locator("main table, main .empty");
      await rooms.first().waitFor();
      await checkA11y(page, "rooms");
      await screenshot(page, "rooms");
    },
  },
  {
    who: "citizen1",
    email: MARI.email,
    name: MARI.fullName,
    nav: [...EVERYONE, "My values", "My account"],
    async visit(page) {
      await page.getByRole("link", { name: "My account" }).click();
      await page.waitForURL("**/account");
      await page.getByRole("heading", { level: 1, name: "My account" }).waitFor();
      const facts = await page.locator("main dl").innerText();
      expect(MARI.fullName).toBe("Mari Tamm");
      expect(facts).toContain("Mari Tamm, District: Tartu");
      expect(facts).toContain("citizen1@demo.agora");
      expect(facts).toContain("Citizen");
      await checkA11y(page, "account");
      await screenshot(page, "account");
    },
  },
];

async function expectNav(page: Page, expected: string[]): Promise<void> {
  const items = await navItems(page);
  expect(items).toEqual(expected);
  for (const other of ROLE_ITEMS.filter((item) => !expected.includes(item))) {
    expect(await page.getByRole("link", { name: other, exact: true }).count(), `"${other}" must not be offered`).toBe(0);
  }
}

async function expectSignedOut(page: Page): Promise<void> {
  await page.locator("header").getByRole("link", { name: "Sign in", exact: true }).waitFor();
  expect(await page.locator("header").getByRole("button", { name: "Sign out" }).count()).toBe(0);
  await expectNav(page, EVERYONE);
}

describe.skipIf(skip)("the shell in a real browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function withPage<T>(viewport: { width: number; height: number }, run: (page: Page) => Promise<T>): Promise<T> {
    const { context, page } = await freshPage(browser, baseUrl, viewport);
    try {
      return await run(page);
    } finally {
      await context.close();
    }
  }

  describe("each role at desktop width sees its own navigation and pages", () => {
    for (const journey of JOURNEYS) {
      it(journey.who, async () => {
        await withPage(DESKTOP, async (page) => {
          await page.goto("/");
          await expectSignedOut(page);
          await checkA11y(page, "home-anonymous");

          await page.locator("header").getByRole("link", { name: "Sign in", exact: true }).click();
          await page.waitForURL("**/signin");
          await checkA11y(page, "signin");
          await signIn(page, journey.email);

          expect(pathOf(page)).toBe("/");
          await page.getByText(`Signed in as ${journey.name}.`).waitFor();
          expect(await page.locator("header .who").innerText()).toBe(journey.name);
          await expectNav(page, journey.nav);
          await checkA11y(page, "home-signed-in");
          await screenshot(page, "home");

          await journey.visit(page);
          await expectNav(page, journey.nav);

          await page.locator("header").getByRole("button", { name: "Sign out" }).click();
          await page.waitForURL((url) => url.pathname === "/");
          await expectSignedOut(page);
          // The session really is gone: a signed-in page sends us to sign in again.
          await page.goto("/account");
          expect(pathOf(page)).toBe("/signin?next=%2Faccount");
        });
      });
    }
  });

  describe("at phone width (360 px) the navigation sits behind the Menu", () => {
    for (const journey of JOURNEYS.filter((j) => j.who === "citizen1" || j.who === "admin")) {
      it(journey.who, async () => {
        await withPage(PHONE, async (page) => {
          await page.goto("/signin");
          await expectNoHorizontalOverflow(page, PHONE.width);
          await checkA11y(page, "signin-phone");
          await signIn(page, journey.email);
          expect(pathOf(page)).toBe("/");

          // The wide navigation is hidden; the Menu disclosure holds the same items.
          expect(await page.locator("nav.nav-wide").isVisible()).toBe(false);
          const menu = page.locator("details.nav-narrow");
          const summary = menu.locator("summary");
          expect(await summary.innerText()).toBe("Menu");
          expect(await menu.getAttribute("open")).toBeNull();
          await summary.click();
          expect(await menu.getAttribute("open")).not.toBeNull();
          await expectNav(page, journey.nav);
          await expectNoHorizontalOverflow(page, PHONE.width);
          await checkA11y(page, "home-menu-open");
          await screenshot(page, "home-menu-open");

          const pages: [label: string, path: string][] =
            journey.who === "admin"
              ? [
                  ["Users and roles", "/admin"],
                  ["Citizen registry", "/admin/registry"],
                  ["My account", "/account"],
                ]
              : [["My account", "/account"]];
          for (const [label, path] of pages) {
            if ((await menu.getAttribute("open")) === null) await summary.click();
            await menu.getByRole("link", { name: label, exact: true }).click();
            await page.waitForURL((url) => url.pathname === path);
            await page.getByRole("heading", { level: 1, name: label, exact: true }).waitFor();
            await expectNoHorizontalOverflow(page, PHONE.width);
            await checkA11y(page, label);
            await screenshot(page, label);
          }
          if (journey.who === "citizen1") expect(await page.locator("main dl").innerText()).toContain("Mari Tamm, District: Tartu");
        });
      });
    }
  });

  it("refuses a citizen the admin pages with a 403, and sends an anonymous visitor to sign in first", async () => {
    await withPage(DESKTOP, async (page) => {
      await signIn(page, MARI.email);
      const response = await page.goto("/admin");
      expect(response?.status()).toBe(403);
      await page.getByRole("alert").filter({ hasText: "403" }).waitFor();
      expect(await page.getByRole("alert").innerText()).toContain("Your role does not allow this page.");
      expect(await page.getByRole("heading", { name: "Users and roles" }).count()).toBe(0);
      // The shell stays: the citizen's own navigation (still without the admin's items) and Sign out.
      await expectNav(page, [...EVERYONE, "My values", "My account"]);
      await page.locator("header").getByRole("button", { name: "Sign out" }).waitFor();
      expect(await page.locator("body").innerText()).not.toContain("admin@demo.agora");
      await checkA11y(page, "403");
      await screenshot(page, "403");
    });

    await withPage(DESKTOP, async (page) => {
      await page.goto("/desk");
      expect(pathOf(page)).toBe("/signin?next=%2Fdesk");
      await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      await signIn(page, "clerk@demo.agora");
      expect(pathOf(page)).toBe("/desk");
      await page.getByRole("heading", { level: 1, name: "Clerk's desk" }).waitFor();
    });
  });

  it("signs up only people in the citizen registry", async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto("/signup");
      await checkA11y(page, "signup");
      const stranger = { name: "Nobody Known", email: "nobody.known@example.org", code: personalCode(999) };
      await page.getByLabel("Your name").fill(stranger.name);
      await page.getByLabel("Email").fill(stranger.email);
      await page.getByLabel("Personal code").fill(stranger.code);
      await page.getByLabel("Password", { exact: true }).fill("a long enough password");
      await page.getByRole("button", { name: "Create account" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).toContain("We could not find you in the citizen registry");
      expect(pathOf(page)).toBe("/signup");
      // What they typed is kept, and they are not signed in.
      expect(await page.getByLabel("Email").inputValue()).toBe(stranger.email);
      expect(await page.getByLabel("Personal code").inputValue()).toBe(stranger.code);
      await checkA11y(page, "signup-refused");
      await screenshot(page, "signup-refused");
      await expectSignedOut(page);
      await page.goto("/account");
      expect(pathOf(page)).toBe("/signin?next=%2Faccount");
    });

    await withPage(DESKTOP, async (page) => {
      const citizen = demoCitizen(50);
      await page.goto("/signup");
      await page.getByLabel("Your name").fill(citizen.fullName);
      await page.getByLabel("Email").fill(citizen.email);
      await page.getByLabel("Personal code").fill(citizen.personalCode);
      await page.getByLabel("Password", { exact: true }).fill("my own password 50");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL("**/account");
      await page.getByRole("heading", { level: 1, name: "My account" }).waitFor();
      const facts = await page.locator("main dl").innerText();
      expect(facts).toContain(`${citizen.fullName}, District: ${citizen.district}`);
      expect(facts).toContain(citizen.email);
      expect(await page.locator("header .who").innerText()).toBe(citizen.fullName);
      await expectNav(page, [...EVERYONE, "My values", "My account"]);
      await screenshot(page, "signed-up");
    });
  });

  it("says plainly when the password is wrong, and keeps the email", async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto("/signin");
      await page.getByLabel("Email").fill("citizen2@demo.agora");
      await page.getByLabel("Password").fill("not the password");
      await page.locator("main").getByRole("button", { name: "Sign in" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect((await alert.innerText()).trim()).toBe("That email and password do not match an account.");
      expect(pathOf(page)).toBe("/signin");
      expect(await page.getByLabel("Email").inputValue()).toBe("citizen2@demo.agora");
      await checkA11y(page, "signin-wrong-password");
      await expectSignedOut(page);
    });
  });

  it("switches to Estonian and stays there, then back to English", async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto("/");
      expect(await page.locator("html").getAttribute("lang")).toBe("en");

      await page.locator("#lang-select").selectOption("et");
      await Promise.all([page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }), page.getByRole("button", { name: "Change" }).click()]);
      await page.getByRole("button", { name: "Vaheta" }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("et");
      expect(await navItems(page, "Peamenüü")).toEqual(["Avaleht", "Küsimused", "Otsused", "Moraaligraaf", "Avalik pearaamat"]);
      expect(await page.locator("header").getByRole("link", { name: "Logi sisse" }).count()).toBe(1);
      expect(await page.locator("#lang-select").inputValue()).toBe("et");
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === "agora_lang")?.value).toBe("et");
      await checkA11y(page, "home-et");
      await screenshot(page, "home-et");

      await page.reload();
      expect(await page.locator("html").getAttribute("lang")).toBe("et");
      expect(await navItems(page, "Peamenüü")).toEqual(["Avaleht", "Küsimused", "Otsused", "Moraaligraaf", "Avalik pearaamat"]);

      await page.locator("header").getByRole("link", { name: "Logi sisse" }).click();
      await page.waitForURL("**/signin");
      await page.getByRole("heading", { level: 1, name: "Sisselogimine" }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("et");
      await page.getByLabel("E-post").waitFor();

      // Signing in keeps the language chosen here, though the account was in English.
      await page.getByLabel("E-post").fill("citizen11@demo.agora");
      await page.getByLabel("Parool").fill("agora-demo");
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        page.locator("main").getByRole("button", { name: "Logi sisse" }).click(),
      ]);
      expect(await page.locator("html").getAttribute("lang")).toBe("et");
      await page.getByRole("link", { name: "Minu väärtused" }).click();
      await page.getByRole("heading", { level: 1, name: "Minu väärtused" }).waitFor();
      await page.locator("header").getByRole("button", { name: "Logi välja" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await page.locator("header").getByRole("link", { name: "Logi sisse" }).click();
      await page.waitForURL("**/signin");

      await page.locator("#lang-select").selectOption("en");
      await Promise.all([page.waitForURL((url) => url.pathname === "/signin", { waitUntil: "load" }), page.getByRole("button", { name: "Vaheta" }).click()]);
      await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      expect(await navItems(page)).toEqual(EVERYONE);
    });
  });

  it("works from the keyboard: skip link first, then the sign-in form", async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto("/");
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => ({ text: document.activeElement?.textContent, href: document.activeElement?.getAttribute("href") }));
      expect(first).toEqual({ text: "Skip to content", href: "#main" });
      expect(await page.locator(".skip-link").isVisible()).toBe(true);
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");

      await page.goto("/signin");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
      // The first stop inside the page is the email field.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
      await page.keyboard.type("delegate2@demo.agora");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
      await page.keyboard.type("agora-demo");
      await Promise.all([page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }), page.keyboard.press("Enter")]);
      await page.getByText("Signed in as Kadri Ilves.").waitFor();
      await expectNav(page, [...EVERYONE, "Rooms", "My account"]);
    });
  });

  // Last: it changes the registry's count, which the admin journey above checks.
  it("imports a registry CSV: a bad file is rejected row by row, a good one applied", async () => {
    await withPage(DESKTOP, async (page) => {
      await signIn(page, "admin@demo.agora");
      await page.goto("/admin/registry");
      await page.getByText("72 citizens in the registry.").waitFor();

      const good = [demoCitizen(201), demoCitizen(202), demoCitizen(203)];
      const bad = registryCsv(good).replace(good[1]!.personalCode, "12345678901");
      await page.getByLabel("CSV file").setInputFiles({ name: "census-bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
      await page.getByRole("button", { name: "Import" }).click();
      const report = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: /The file was rejected/ }) });
      await report.waitFor();
      expect(await report.getByRole("heading").innerText()).toBe("The file was rejected: 1 problem found. Nothing was imported.");
      const cells = await report.locator("tbody tr").first().locator("td").allInnerTexts();
      expect(cells[0]).toBe("3");
      expect(cells[1]).toBe("personal_code");
      expect(cells[2]).toContain("12345678901");
      expect(await report.locator("thead th").allInnerTexts()).toEqual(["Line", "Column", "Problem"]);
      await page.getByText("72 citizens in the registry.").waitFor();
      await checkA11y(page, "registry-rejected");
      await screenshot(page, "registry-rejected");

      await page.getByLabel("CSV file").setInputFiles({ name: "census-good.csv", mimeType: "text/csv", buffer: Buffer.from(registryCsv(good)) });
      await page.getByRole("button", { name: "Import" }).click();
      await page.getByRole("status").filter({ hasText: "Imported 3 rows: 3 new citizens, 0 updated." }).waitFor();
      await page.getByText("75 citizens in the registry.").waitFor();
      expect(await page.getByRole("alert").count()).toBe(0);
      const history = await page.locator("main table").last().locator("tbody tr").allInnerTexts();
      expect(history.some((row) => row.includes("census-good.csv") && row.includes("applied"))).toBe(true);
      expect(history.some((row) => row.includes("census-bad.csv") && row.includes("rejected"))).toBe(true);
      await checkA11y(page, "registry-applied");
      await screenshot(page, "registry-applied");
    });
  });
});
