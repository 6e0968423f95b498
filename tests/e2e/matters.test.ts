import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, fillClauses, expectNoHorizontalOverflow, freshPage, screenshot, signIn } from "./support.js";

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
      await fillClauses(page, "Employers may not use systems that infer a candidate's emotions from face, voice or text during hiring.");
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

  /** The clerk opens a matter in the "AI decisions" context, with intake, and convenes it by value communities. */
  async function openAndConvene(page: Page, title: string, ruleText: string) {
    await page.goto("/matters/new");
    await page.getByLabel("Title").fill(title);
    await fillClauses(page, ruleText);
    await page.getByLabel("Choice context").selectOption("ai-decisions-about-people");
    await page.getByLabel("Rationale").fill("The benefits agency plans to automate first decisions on housing support.");
    await page.getByRole("button", { name: "Open intake now" }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    await page.getByLabel(/value communities/).check();
    await page.getByLabel("Convene now, before intake closes").check();
    await page.getByRole("button", { name: "Convene" }).click();
    await page.getByRole("heading", { level: 2, name: "Constituencies and mandates" }).waitFor();
  }

  it("Liis convenes a matter by value communities and reviews the frozen mandates; a citizen sees where her value went", async () => {
    const title = "Automated eligibility decisions for social benefits";
    const clerk = await freshPage(browser, baseUrl, DESKTOP);
    try {
      const page = clerk.page;
      await signIn(page, "clerk@demo.agora");
      await openAndConvene(page, title, "Every automated decision about social benefits names a person who can review and change it within five working days.");
      expect(await page.locator("main").innerText()).toContain("convened");
      expect(await page.getByRole("heading", { level: 3, name: /citizens, [\d.]+ % of the vote/ }).count()).toBeGreaterThanOrEqual(2);
      await checkA11y(page, "convened");
      await screenshot(page, "convened");
    } finally {
      await clerk.context.close();
    }

    const citizen = await freshPage(browser, baseUrl, PHONE);
    try {
      const page = citizen.page;
      await signIn(page, "citizen5@demo.agora");
      await page.goto("/values");
      const went = page
        .getByRole("region", { name: "Where your values went" })
        .or(page.locator("section", { has: page.getByRole("heading", { name: "Where your values went" }) }));
      await went.first().waitFor();
      expect(await went.first().innerText()).toMatch(
        new RegExp(`In “${title}”, you are represented by the .+ representative \\(\\d+ citizens\\)\\.\\s+“.+”: weight [\\d.,]+ % of its mandate`),
      );
      await expectNoHorizontalOverflow(page, PHONE.width);
      await screenshot(page, "values-where-phone");
    } finally {
      await citizen.context.close();
    }
  });

  it("Liis starts the deliberation and watches it reach a draft ruling; anyone can read it on a phone", async () => {
    const title = "Explaining automated refusals of benefits";
    const clerk = await freshPage(browser, baseUrl, DESKTOP);
    let path = "";
    try {
      const page = clerk.page;
      await signIn(page, "clerk@demo.agora");
      await openAndConvene(
        page,
        title,
        "1. A person refused a benefit by an automated system is told so in the decision letter.\n2. The letter names an official who can review the decision.",
      );
      await page.getByRole("button", { name: "Start the deliberation" }).click();
      await page.getByRole("heading", { level: 2, name: "Deliberation" }).waitFor();
      expect(await page.locator("main").innerText()).toContain("Run by the offline engine");
      // The page follows the deliberation as it runs (socket events revalidate it) until the draft is in.
      // It takes seconds alone; the integration suite's heaviest files may share the two cores with it.
      await page.getByText("The draft ruling is ready").waitFor({ timeout: 50_000 });
      await page.getByRole("heading", { level: 3, name: "Draft ruling" }).waitFor();
      const main = await page.locator("main").innerText();
      expect(main).toMatch(/\d+ % of citizens represented approve \(threshold 60 %; \d+ of \d+\)/);
      expect(main).toContain("Value coverage");
      expect(main).toMatch(/Schulze ranking, weighted by citizens represented: (Adds|Rewords clause|Strikes clause|Changes:|The text unchanged|Draft)/);
      await checkA11y(page, "deliberation-drafted");
      await screenshot(page, "deliberation-drafted");
      path = new URL(page.url()).pathname;
    } finally {
      await clerk.context.close();
    }

    const visitor = await freshPage(browser, baseUrl, PHONE);
    try {
      const page = visitor.page;
      await page.goto(path);
      await page.getByRole("heading", { level: 3, name: "Draft ruling" }).waitFor();
      expect(await page.getByRole("button", { name: "Start the deliberation" }).count()).toBe(0);
      await expectNoHorizontalOverflow(page, PHONE.width);
      await checkA11y(page, "deliberation-phone");
      await screenshot(page, "deliberation-phone");
    } finally {
      await visitor.context.close();
    }
  });
});
