import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, screenshot, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();

describe.skipIf(skip)("matters in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("Liis opens an emergency matter with a 48-hour intake; Mari sees it on the front page on her phone", async () => {
    const title = "Emotion recognition in job interviews";
    const clerk = await freshPage(browser, baseUrl, DESKTOP);
    try {
      const page = clerk.page;
      await signIn(page, "clerk@demo.agora");
      await page.goto("/desk");
      await page.getByRole("link", { name: "Open a matter" }).first().click();
      await page.getByRole("heading", { level: 1, name: "Open a matter" }).waitFor();
      await checkA11y(page, "matter-new");
      await page.getByLabel("Title").fill(title);
      await page.getByLabel("The proposed rule").fill("Employers may not use systems that infer a candidate's emotions from face, voice or text during hiring.");
      await page.getByLabel("Choice context").selectOption("ai-decisions-about-people");
      await page.getByLabel("Rationale").fill("Two recruitment platforms have started offering emotion scores to employers.");
      await page.getByLabel("Intake window (hours)").fill("48");
      await page.getByRole("button", { name: "Open intake now" }).click();
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      const main = await page.locator("main").innerText();
      expect(main).toContain("intake open");
      expect(main).toContain("Emergency");
      expect(main).toContain("Deliberation: 3 rounds, 4 candidates, 60 % approval.");
      expect(main).toContain("Sunset after 90 days.");
      await checkA11y(page, "matter-page");
      await screenshot(page, "matter-page");
      await page.getByRole("link", { name: "This matter's ledger" }).click();
      await page.getByText(/The chain verifies: 2 events/).waitFor();
    } finally {
      await clerk.context.close();
    }

    const citizen = await freshPage(browser, baseUrl, PHONE);
    try {
      const page = citizen.page;
      await signIn(page, "citizen1@demo.agora");
      await page.goto("/");
      const notice = page.getByRole("listitem").filter({ hasText: title });
      await notice.waitFor();
      expect(await notice.innerText()).toMatch(/Intake is open until/);
      await expectNoHorizontalOverflow(page, PHONE.width);
      await checkA11y(page, "home-notice");
      await screenshot(page, "home-notice-phone");
      await notice.getByRole("link", { name: title }).click();
      await page.getByRole("link", { name: "Write a value for this matter" }).click();
      await page.getByRole("heading", { level: 1, name: "Write a value" }).waitFor();
      expect(await page.getByLabel("Context").inputValue()).toBe("ai-decisions-about-people");
    } finally {
      await citizen.context.close();
    }
  });
});
