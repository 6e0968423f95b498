import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, launchBrowser } from "../support/browser.js";
import { DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, screenshot, signIn } from "./support.js";

const { baseUrl, skip } = e2eContext();
const CONTEXT = "biometric-identification-public-spaces";
const VALUE = {
  title: "Being unobserved in ordinary life",
  description: "I want to move through the city without feeling catalogued.",
  policies: [
    "MOMENTS when I change how I act because I might be watched",
    "SPACES where people gather without needing a reason",
    "WAYS a person can know who is recording and why",
  ],
};

/**
 * Mari's day (JOURNEYS.md, steps 2–4): a slogan refused with a reason, revised into a value that joins
 * its canonical value, two endorsements, three wiser-than judgments, and her value on the public graph.
 */
async function mariJourney(page: Page, email: string, label: string, width: number) {
  await signIn(page, email);
  await page.goto(`/values/new?context=${CONTEXT}`);
  await page.getByRole("heading", { level: 1, name: "Write a value" }).waitFor();
  await page.getByLabel("Title").fill("Ban facial recognition now!");
  await page.getByLabel("Description").fill("Ban it now! Facial recognition must be banned everywhere!");
  await page.getByLabel("Attentional policy 1").fill("BAN IT");
  await page.getByLabel("Attentional policy 2").fill("NOW!!!");
  await page.getByRole("button", { name: "Submit" }).click();

  const verdict = page.getByRole("alert").filter({ hasText: "not a value" });
  await verdict.waitFor();
  expect(await verdict.innerText()).toMatch(/rule/);
  expect(await verdict.innerText()).toMatch(/A value says what you pay attention to/);
  await checkA11y(page, `${label}-gate`);
  await screenshot(page, `${label}-gate`);

  // The form keeps what she wrote; she rewrites it as a value and submits the revision.
  await page.getByLabel("Title").fill(VALUE.title);
  await page.getByLabel("Description").fill(VALUE.description);
  for (const [i, policy] of VALUE.policies.entries()) await page.getByLabel(`Attentional policy ${i + 1}`).fill(policy);
  await page.getByRole("button", { name: "Submit the revision" }).click();
  // The answer replaces the form where she pressed the button, and takes the focus.
  const accepted = page.getByRole("status").filter({ has: page.getByRole("heading", { level: 2, name: "This is a value. Thank you." }) });
  await accepted.waitFor();
  expect(await accepted.innerText()).toContain(`Joined the shared value “${VALUE.title}”`);
  expect(await accepted.evaluate((el) => el === document.activeElement)).toBe(true);
  await screenshot(page, `${label}-accepted`);

  await page.getByRole("link", { name: "Endorse peers' values" }).click();
  await page.getByRole("heading", { level: 1, name: "Peers' values" }).waitFor();
  const endorse = page.getByRole("button", { name: /^I hold this too/ });
  expect(await endorse.count()).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < 2; i++) {
    await endorse.first().click();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: /^Endorsed: you hold/ })
          .count(),
      )
      .toBe(i + 1);
    expect(await page.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/^Endorsed: you hold/);
  }
  await checkA11y(page, `${label}-endorse`);
  await screenshot(page, `${label}-endorse`);

  await page.goto(`/values/judge?context=${CONTEXT}`);
  for (let i = 0; i < 3; i++) {
    await page.getByRole("heading", { level: 1, name: "Wiser than?" }).waitFor();
    const question = page.getByRole("group", { name: /wiser than/ });
    await question.waitFor();
    if (i === 0) await checkA11y(page, `${label}-judge`);
    await question.getByLabel(["Yes, wiser", "No, not wiser", "I am not sure"][i]!).check();
    if (i === 1) await page.getByLabel("Why? (optional)").fill("Finding one child should not mean cataloguing everyone.");
    await page.getByRole("button", { name: "Record my judgment" }).click();
    const recorded = page.getByRole("status").filter({ hasText: "Your judgment was recorded." });
    await recorded.waitFor();
    // By the button she pressed, focused, with the next pair already in place above it.
    await expect.poll(() => recorded.evaluate((el) => el === document.activeElement)).toBe(true);
  }
  await screenshot(page, `${label}-judged`);

  await page.getByRole("link", { name: "See the moral graph" }).click();
  await page.getByRole("heading", { level: 1, name: /Moral graph: Real-time biometric identification/ }).waitFor();
  if (width >= 768) {
    const row = page.getByRole("row").filter({ hasText: VALUE.title });
    await row.waitFor();
    const rank = (await row.getByRole("cell").first().innerText()).trim();
    expect(rank).toMatch(/^\d+$/);
    expect(Number((await row.getByRole("cell").nth(2).innerText()).trim())).toBeGreaterThan(0); // support
    expect(await row.innerText()).toContain("Your value");
    await page.getByRole("img", { name: /Picture of the graph/ }).waitFor();
  } else {
    // On a phone the ranked list is the page; the picture waits behind its disclosure.
    const entry = page.locator("li.graph-entry").filter({ hasText: VALUE.title });
    await entry.waitFor();
    expect(await entry.innerText()).toMatch(/^\d+\s/);
    expect(await entry.innerText()).toContain("Your value");
    expect(await entry.innerText()).toMatch(/Support\s*[1-9]/);
    const disclosure = page.locator("details.graph-disclosure");
    await expect.poll(() => disclosure.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await disclosure.locator("summary").click();
    await page.getByRole("img", { name: /Picture of the graph/ }).waitFor();
  }
  await checkA11y(page, `${label}-graph`);
  await expectNoHorizontalOverflow(page, width);
  await screenshot(page, `${label}-graph`);

  await page.goto("/values");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: VALUE.title }) });
  expect(await card.innerText()).toContain(`Joined the shared value “${VALUE.title}”`);
  expect(await page.locator("main").innerText()).toContain("You endorsed 2 values and made 3 judgments.");
  await checkA11y(page, `${label}-my-values`);
}

describe.skipIf(skip)("a citizen's values in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("takes Mari from a slogan to a ranked value at desktop width", async () => {
    const { context, page } = await freshPage(browser, baseUrl, DESKTOP);
    try {
      await mariJourney(page, "citizen1@demo.agora", "values-desktop", DESKTOP.width);
    } finally {
      await context.close();
    }
  });

  it("does the same on a 360 px phone", async () => {
    const { context, page } = await freshPage(browser, baseUrl, PHONE);
    try {
      await mariJourney(page, "citizen2@demo.agora", "values-phone", PHONE.width);
    } finally {
      await context.close();
    }
  });

  it("takes the gate's way on: the guided path drafts her card, she edits it, and the answer keeps the focus", async () => {
    const { context, page } = await freshPage(browser, baseUrl, PHONE);
    try {
      await signIn(page, "citizen6@demo.agora");
      await page.goto(`/values/new?context=${CONTEXT}`);
      await hydrated(page);
      await page.getByLabel("Title").fill("Ban facial recognition now!");
      await page.getByLabel("Description").fill("Ban it now! Facial recognition must be banned everywhere!");
      await page.getByLabel("Attentional policy 1").fill("BAN IT");
      await page.getByLabel("Attentional policy 2").fill("NOW!!!");
      await page.getByRole("button", { name: "Submit" }).click();
      await page
        .getByRole("alert")
        .getByRole("link", { name: /Would a question help\?/ })
        .click();
      await page.getByRole("heading", { level: 1, name: "Find your value" }).waitFor();
      await hydrated(page);
      await page
        .getByLabel(/Tell us about a time/)
        .fill("Last spring I had to decide whether to take the bus past the new cameras at the station or walk the long way round.");
      await page
        .getByLabel(/What did you notice/)
        .fill("moments when I change how I act because I might be watched\nspaces where people gather without needing a reason");
      await page.getByLabel(/What felt most important/).fill("being unobserved in ordinary life");
      await page.getByRole("button", { name: "Draft my value card" }).click();
      const ready = page.getByRole("status").filter({ hasText: "Here is your draft." });
      await ready.waitFor();
      expect(await ready.evaluate((el) => el === document.activeElement)).toBe(true);
      await screenshot(page, "guided-draft");

      await page.getByLabel("Title").fill(VALUE.title);
      await page.getByLabel("Description").fill(VALUE.description);
      for (const [i, policy] of VALUE.policies.entries()) await page.getByLabel(`Attentional policy ${i + 1}`).fill(policy);
      await page.getByRole("button", { name: "Submit" }).click();
      const accepted = page.getByRole("status").filter({ has: page.getByRole("heading", { level: 2, name: "This is a value. Thank you." }) });
      await accepted.waitFor();
      // The answer to her card has the focus and stays with it; "Here is your draft" is no longer said above it.
      await expect.poll(() => accepted.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.waitForLoadState("networkidle");
      expect(await accepted.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await ready.count()).toBe(0);
      expect(await accepted.innerText()).toContain(`Joined the shared value “${VALUE.title}”`);
      await expectNoHorizontalOverflow(page, PHONE.width);
      await checkA11y(page, "guided-accepted");
      await screenshot(page, "guided-accepted");
    } finally {
      await context.close();
    }
  });

  it("shows the public graph to anyone, with a table a screen reader can read", async () => {
    const { context, page } = await freshPage(browser, baseUrl, DESKTOP);
    try {
      await page.goto("/graph");
      await page.getByRole("link", { name: "AI tutors for children" }).click();
      await page.getByRole("table").waitFor();
      expect(await page.getByRole("row").count()).toBeGreaterThan(4);
      await checkA11y(page, "graph-public");
      const csv = await page.request.get("/api/exports/values.csv");
      expect(csv.status()).toBe(200);
      expect((await csv.text()).split("\n")[0]).toBe("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body,context-id,score,rank");
    } finally {
      await context.close();
    }
  });
});
