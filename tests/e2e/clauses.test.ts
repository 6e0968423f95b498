import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen } from "../../db/factories.js";
import { launchBrowser } from "../support/browser.js";
import { httpClient } from "../support/database.js";
import { unreadable } from "./readable.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, fillClauses, freshPage, pathOf, screenshot, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();

/**
 * The rule as clauses (DESIGN.md, JOURNEYS.md: Liis opens the matter clause by clause with an
 * alternative wording, Mari proposes an amendment tied to her value). A citizen of the registry no
 * other browser test uses signs up for it, so her amendments are hers alone.
 */
const CITIZEN = demoCitizen(22);
const PASSWORD = "clauses and amendments 22";

describe.skipIf(skip)("the rule as clauses in a real browser", () => {
  let browser: Browser;
  const title = `Automated decisions about housing support ${Date.now().toString(36)}`;
  const rule = [
    "1. A public authority that decides about housing support with an automated system tells the person so in the decision.",
    "2. The decision gives its main reasons in plain words.",
    "3. The person may ask for a human reviewer, who can change the outcome.",
  ].join("\n");
  const alternative = "The decision gives every reason in plain words, with the data the system used.";
  const amendment = "The reviewer shall answer the person within five working days, in writing.";
  let matterPath = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = await httpClient(baseUrl).mutate("auth.signUp", {
      email: CITIZEN.email,
      password: PASSWORD,
      displayName: CITIZEN.fullName,
      personalCode: CITIZEN.personalCode,
    });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const main = (page: Page) => page.locator("main");

  it("the clerk writes the rule clause by clause, adding fields without JavaScript too", async () => {
    // Without JavaScript, "Add a clause" sends the form and it comes back with one more field and what was typed.
    const bare = await browser.newContext({ baseURL: baseUrl, viewport: DESKTOP, locale: "en-GB", javaScriptEnabled: false });
    try {
      const page = await bare.newPage();
      await signIn(page, "clerk@demo.agora");
      await page.goto("/matters/new");
      await page.getByLabel("Title").fill(title);
      await page.getByLabel("Clause 1", { exact: true }).fill("A public authority tells the person.");
      await page.getByRole("button", { name: "Add a clause" }).click();
      await page.getByLabel("Clause 2", { exact: true }).waitFor();
      expect(await page.getByLabel("Title").inputValue()).toBe(title);
      expect(await page.getByLabel("Clause 1", { exact: true }).inputValue()).toBe("A public authority tells the person.");
      await page.getByRole("button", { name: "Remove clause 1" }).click();
      await page.getByRole("button", { name: "Add a clause" }).waitFor();
      expect(await page.locator("main textarea[name=clauses]").count()).toBe(1);
      expect(await page.getByLabel("Clause 1", { exact: true }).inputValue()).toBe("");
    } finally {
      await bare.close();
    }

    const { context, page } = await freshPage(browser, baseUrl, DESKTOP);
    try {
      await signIn(page, "clerk@demo.agora");
      await page.goto("/matters/new");
      await page.getByLabel("Title").fill(title);
      await fillClauses(page, rule);
      // With JavaScript the new field takes the focus.
      await page.getByRole("button", { name: "Add a clause" }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("field-clauses-3");
      await page.getByRole("button", { name: "Remove clause 4" }).click();
      expect(await page.locator("main textarea[name=clauses]").count()).toBe(3);
      await page.getByLabel("English").check();
      await page.getByLabel("Choice context").selectOption("ai-decisions-about-people");
      await page.getByLabel("Rationale").fill("The benefits agency plans to automate first decisions on housing support.");
      await checkA11y(page, "matter-new-clauses");
      await screenshot(page, "matter-new-clauses");
      await page.getByRole("button", { name: "Open intake now" }).click();
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      matterPath = pathOf(page);

      const clauses = main(page).locator("ol.clauses > li");
      expect(await clauses.count()).toBe(3);
      expect(await clauses.nth(1).locator("> .clause-words").innerText()).toBe("The decision gives its main reasons in plain words.");

      const second = clauses.nth(1);
      await second.getByText("Add an alternative wording of clause 2").click();
      await second.getByLabel("Alternative wording of clause 2").fill(alternative);
      await second.getByRole("button", { name: "Add an alternative wording" }).click();
      await second.getByRole("status").getByText("The alternative wording was added under the clause.").waitFor();
      await second.locator(".clause-option").getByText(alternative).waitFor();
      expect(await second.locator(".clause-option .card-meta").first().innerText()).toBe("Alternative wording");
      await checkA11y(page, "matter-clauses-clerk");
      await screenshot(page, "matter-clauses-clerk");
    } finally {
      await context.close();
    }
  });

  it("a citizen proposes an amendment tied to her value: refused when it is not a provision, then taken, and listed without her name", async () => {
    const { context, page } = await freshPage(browser, baseUrl, PHONE);
    try {
      await signIn(page, CITIZEN.email, PASSWORD);
      await page.goto(matterPath);
      const third = main(page).locator("ol.clauses > li").nth(2);
      await third.getByText("Propose an amendment to clause 3").click();
      await third.getByLabel("Add a clause after clause 3").check();
      await third.getByLabel("The provision's words").fill("I want my data deleted");
      const card = third.getByLabel("Which of your values it serves");
      const cardTitle = (await card.locator("option").first().innerText()).trim();
      expect(cardTitle.length).toBeGreaterThan(3);
      await third.getByRole("button", { name: "Propose the amendment" }).click();

      const refusal = third.getByRole("alert");
      await refusal.waitFor();
      const firstPerson = "A provision speaks of people in the third person (“a person”, “the police”), not of “I”, “my” or “we”.";
      expect(await refusal.innerText()).toBe(firstPerson);
      expect(await third.locator(".field-error").first().innerText()).toBe(firstPerson);
      expect(await third.getByLabel("The provision's words").getAttribute("aria-invalid")).toBe("true");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
      await screenshot(page, "amendment-refused-phone");

      await third.getByLabel("The provision's words").fill(amendment);
      await third.getByRole("button", { name: "Propose the amendment" }).click();
      await third.getByRole("status").getByText("Your amendment was proposed. It is listed under the clause, without your name.").waitFor();
      const addition = third.locator(".clause-addition");
      await addition.getByText(amendment).waitFor();

      // Her own amendments, with Withdraw.
      const mine = main(page).locator("section", { has: page.getByRole("heading", { name: "Your amendments" }) });
      await mine.getByText(amendment).waitFor();
      expect(await mine.getByRole("button", { name: "Withdraw" }).count()).toBe(1);
      await checkA11y(page, "amendment-proposed-phone");
      await expectNoHorizontalOverflow(page, PHONE.width);
      await screenshot(page, "amendment-proposed-phone");
    } finally {
      await context.close();
    }

    // Anyone reads it under the clause it follows, with the value it serves and without who proposed it.
    for (const viewport of [PHONE, DESKTOP]) {
      const visitor = await freshPage(browser, baseUrl, viewport);
      try {
        await visitor.page.goto(matterPath);
        const addition = main(visitor.page).locator("ol.clauses > li").nth(2).locator(".clause-addition");
        await addition.getByText(amendment).waitFor();
        expect(await addition.locator(".card-meta").innerText()).toMatch(/^A citizen proposes to add a clause · For the value “.+”$/);
        const text = await main(visitor.page).innerText();
        expect(text).not.toContain(CITIZEN.fullName);
        expect(text).not.toContain(CITIZEN.email);
        expect(text).toContain(alternative);
        expect(await main(visitor.page).getByText("Propose an amendment to clause 1").count()).toBe(0);
        expect(await unreadable(visitor.page)).toEqual([]);
        await checkA11y(visitor.page, `matter-clauses-public-${viewport.width}`);
        await expectNoHorizontalOverflow(visitor.page, viewport.width);
        await screenshot(visitor.page, `matter-clauses-public-${viewport.width}`);
      } finally {
        await visitor.context.close();
      }
    }
  });
});
