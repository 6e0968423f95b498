import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, launchBrowser } from "../support/browser.js";
import { signInAs } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import {
  DESKTOP,
  PHONE,
  checkA11y,
  clausesText,
  e2eContext,
  fillClauses,
  expectNoHorizontalOverflow,
  freshPage,
  pathOf,
  screenshot,
  signIn,
} from "./support.js";

const { baseUrl, skip } = e2eContext();

/**
 * Liis, the clerk (JOURNEYS.md), sees the consequences of each act before she takes it: convening before
 * intake closes, publishing the exact text, renewing to a new sunset, repealing with a public reason, and
 * renewing with an amendment. Everything acted on is made here through the app (a matter of its own, so
 * the seeded ones stay as the registry and room tests expect them).
 */
describe.skipIf(skip)("the clerk's confirmations in a real browser", () => {
  let browser: Browser;
  let clerk: { context: import("playwright-core").BrowserContext; page: Page };
  const title = `Automated refusals of housing support ${Date.now().toString(36)}`;
  const rule =
    "1. A person refused housing support by an automated system is told so in the decision letter.\n2. The letter names an official who can review the decision.";
  const added = "The official answers within five working days.";
  let matterPath = "";
  let eli = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    clerk = await freshPage(browser, baseUrl, DESKTOP);
    await signIn(clerk.page, "clerk@demo.agora");
  });
  afterAll(async () => {
    await clerk?.context.close();
    await browser?.close();
  });

  const main = (page: Page) => page.locator("main");

  it("warns that intake is still open, with how many values came in, and convenes only once Liis confirms", async () => {
    const page = clerk.page;
    await page.goto("/matters/new");
    await page.getByLabel("Title").fill(title);
    await fillClauses(page, rule);
    await page.getByLabel("Choice context").selectOption("ai-decisions-about-people");
    await page.getByLabel("Rationale").fill("The benefits agency plans to automate first decisions on housing support.");
    await page.getByLabel("Deliberation rounds").fill("1");
    await page.getByRole("button", { name: "Open intake now" }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    matterPath = pathOf(page);

    const warning = main(page).locator(".notice.warning");
    expect(await warning.innerText()).toMatch(/Intake is still open until .+\. So far \d+ values have come in for this matter's context\./);
    const count = Number(/So far (\d+) values/.exec(await warning.innerText())![1]);
    expect(count).toBeGreaterThan(1);
    await checkA11y(page, "convene-warning");
    await screenshot(page, "convene-warning");

    // Without the confirmation the server refuses, and says so at the form, with the count.
    await page.getByRole("button", { name: "Convene" }).click();
    const refused = main(page).getByRole("alert");
    await refused.waitFor();
    expect(await refused.innerText()).toContain(`Intake is still open: ${count} values have come in so far.`);
    expect(await main(page).getByRole("heading", { name: "Constituencies and mandates" }).count()).toBe(0);

    await page.getByLabel("Convene now, before intake closes").check();
    await page.getByRole("button", { name: "Convene" }).click();
    await page.getByRole("heading", { level: 2, name: "Constituencies and mandates" }).waitFor();

    const phone = await freshPage(browser, baseUrl, PHONE);
    try {
      await signIn(phone.page, "clerk@demo.agora");
      await phone.page.goto(matterPath);
      await phone.page.getByRole("button", { name: "Start the deliberation" }).waitFor();
      await expectNoHorizontalOverflow(phone.page, PHONE.width);
      await screenshot(phone.page, "convened-phone");
    } finally {
      await phone.context.close();
    }
  });

  it("opens the ballot from the matter page and publishes the exact text, with the delegates' amendment tracked, after confirming", async () => {
    const page = clerk.page;
    const id = matterPath.split("/").at(-1)!;
    await page.getByRole("button", { name: "Start the deliberation" }).click();
    await page.getByRole("heading", { level: 2, name: "The draft is final: open the ballot" }).waitFor({ timeout: 60_000 });

    // Jaan amends the draft (tracked); the clerk's page shows the text that goes to the vote.
    const jaan = await signInAs(baseUrl, "delegate1@demo.agora");
    // He rewords the draft's last clause; it is read before the ballot can open on it.
    type View = { draft: { clauses: { optionId: string }[] }; rule: { options: { id: string }[] }[]; amendedDraft: { pending: boolean } | null };
    const before = (await jaan.query<View>("matters.deliberation", { id })).data;
    const last = before.draft.clauses.at(-1)!;
    const slot = before.rule.findIndex((s) => s.options.some((o) => o.id === last.optionId));
    expect((await jaan.mutate("room.amend", { id, slot, text: added })).status).toBe(200);
    await waitFor(async () => {
      const v = (await jaan.query<View>("matters.deliberation", { id })).data;
      return v.amendedDraft && !v.amendedDraft.pending ? v : null;
    }, "the amended clause to be read");
    await page.reload();
    const ballotSection = main(page).locator("section", { has: page.getByRole("heading", { name: "The draft is final: open the ballot" }) });
    await ballotSection.locator("ins", { hasText: "five working days" }).waitFor();
    await page.getByRole("button", { name: "Open the ballot" }).click();
    await main(page).getByText("The ballot is open: the delegates vote in the room.").waitFor();

    for (const n of [1, 2, 3]) {
      const delegate = n === 1 ? jaan : await signInAs(baseUrl, `delegate${n}@demo.agora`);
      expect((await delegate.mutate("room.vote", { id, choice: "ratify" })).status).toBe(200);
    }
    // She closes the ballot in the room: the answer is where she pressed, focused, with the way to publish.
    await page.goto(`/rooms/${id}`);
    await hydrated(page);
    await page.getByRole("button", { name: "Close the ballot" }).click();
    const closed = main(page).getByRole("status").filter({ hasText: "The ballot is closed and counted." });
    await closed.waitFor();
    await expect.poll(() => closed.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole("link", { name: "Publish the ratified ruling from the matter's page" }).click();
    await page.waitForURL((url) => url.pathname === matterPath);
    const publish = main(page).locator("section", { has: page.getByRole("heading", { name: "Publish the ruling: the exact text" }) });
    await publish.waitFor();
    // The exact text: the delegate's rewording of the last clause is in it, tracked against the proposed rule.
    expect(await publish.locator("ins").allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("five working days")]));
    // The reworded clause replaces the clerk's: what is new is marked as inserted, what went as deleted.
    expect((await publish.locator(".tracked ins").allInnerTexts()).join(" ")).toContain("answers within five working days");
    expect((await publish.locator(".tracked del").allInnerTexts()).join(" ")).toContain("review the decision");
    await checkA11y(page, "publish");
    await screenshot(page, "publish-exact-text");

    // Not without saying she read it: the complaint is at the box, and nothing is published.
    await page.getByRole("button", { name: "Publish the ruling" }).click();
    await publish.getByText("Tick this box to confirm.").waitFor();
    expect(pathOf(page)).toBe(matterPath);
    await page.getByLabel("I have read the text to be published").check();
    await page.getByRole("button", { name: "Publish the ruling" }).click();
    await page.waitForURL(/\/eli\/demo\/ruling\/\d{4}\/\d+(#published)?$/);
    eli = pathOf(page);
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    // She is told it is done, where she lands.
    await main(page).getByRole("status").filter({ hasText: "Published." }).waitFor();
    expect(await main(page).locator(".rule-text").first().innerText()).toContain(added);
  });

  it("files a harm report that the page then shows as filed, on this visit and the next", async () => {
    const { context, page } = await freshPage(browser, baseUrl, PHONE);
    try {
      await signIn(page, "citizen12@demo.agora");
      await page.goto(eli);
      const form = main(page).locator("form", { has: page.getByRole("heading", { name: "Report a harm" }) });
      await form.getByLabel(/What happened/).fill("Too short.");
      await form.getByLabel(/What happened/).evaluate((el) => el.removeAttribute("minlength"));
      await form.getByRole("checkbox").first().check();
      await form.getByRole("button", { name: "Report the harm" }).click();
      await form.getByText("Write at least 20 characters.").waitFor();
      expect(await form.getByLabel(/What happened/).getAttribute("aria-invalid")).toBe("true");

      await form.getByLabel(/What happened/).fill("My son's refusal letter named nobody who could review it, and the phone line could not say who decided.");
      await form.getByRole("button", { name: "Report the harm" }).click();
      const filed = main(page)
        .getByRole("status")
        .filter({ hasText: /You reported a harm on .+\./ });
      await filed.waitFor();
      // Where she pressed, and focused, also once the page has reloaded its data around it.
      await page.waitForLoadState("networkidle");
      await expect.poll(() => filed.evaluate((el) => el === document.activeElement)).toBe(true);
      await expectNoHorizontalOverflow(page, PHONE.width);
      await checkA11y(page, "harm-reported");
      await screenshot(page, "harm-reported-phone");
      await page.reload();
      await main(page)
        .getByText(/You reported a harm on .+\./)
        .waitFor();
      expect(await main(page).getByRole("button", { name: "Report the harm" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("renews to a sunset later than the current one, said before confirming, and the ruling leaves the desk's review list", async () => {
    // Nine more people report harms (ten is the polity's threshold): the ruling goes back on Liis's desk.
    const overview = await (await signInAs(baseUrl, "citizen1@demo.agora")).query<{ constituencies: { values: { valueId: string }[] }[] }>("rulings.harm", {
      eli,
    });
    const value = overview.data.constituencies[0]!.values[0]!.valueId;
    for (let n = 1; n <= 9; n++) {
      const citizen = await signInAs(baseUrl, `citizen${n}@demo.agora`);
      expect(
        (await citizen.mutate("rulings.reportHarm", { eli, what: `Report ${n}: the refusal letter named no one who could review it.`, valueIds: [value] }))
          .status,
      ).toBe(200);
    }
    const page = clerk.page;
    await page.goto("/desk");
    const review = main(page).locator("section", { has: page.getByRole("heading", { name: "Rulings back for review" }) });
    await review.getByRole("link", { name: title }).click();
    await page.waitForURL((url) => url.pathname === eli);
    await main(page)
      .getByText(/Harm reports put this ruling back on your desk on/)
      .waitFor();

    const current = Date.parse((await (await signInAs(baseUrl, "clerk@demo.agora")).query<{ sunsetAt: string }>("rulings.get", { eli })).data.sunsetAt);
    await page.getByLabel("Renew for (days)").fill("30");
    const preview = main(page).locator(".renew-preview");
    await waitFor(async () => (await preview.innerText()).startsWith("New sunset:"), "the preview");
    const shown = (await preview.innerText()).replace(/^New sunset: |\.$/g, "");
    const expected = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Tallinn" }).format(
      new Date(current + 30 * 86_400_000),
    );
    expect(shown).toBe(expected);
    await checkA11y(page, "renew-preview");
    await screenshot(page, "renew-preview");
    await page.getByRole("button", { name: `Renew until ${expected}` }).click();
    await main(page)
      .getByRole("status")
      .filter({ hasText: `Renewed: the ruling now lapses on ${expected}.` })
      .waitFor();
    await main(page).getByText(`Lapses on ${expected} unless renewed.`).waitFor();

    await page.goto("/desk");
    await page.getByRole("heading", { level: 1, name: "Clerk's desk" }).waitFor();
    expect(await main(page).getByRole("link", { name: title }).count()).toBeLessThanOrEqual(1); // only as a matter, not for review
    expect(
      await main(page)
        .locator("section", { has: page.getByRole("heading", { name: "Rulings back for review" }) })
        .getByRole("link", { name: title })
        .count(),
    ).toBe(0);
  });

  it("renews with an amendment: a new matter prefilled from the ruling, linked both ways", async () => {
    const page = clerk.page;
    await page.goto(eli);
    const text = await main(page).locator("blockquote.rule-text").innerText();
    await page.getByRole("link", { name: "Renew with an amendment…" }).click();
    await page.getByRole("heading", { level: 1, name: "Renew a ruling with an amendment" }).waitFor();
    expect(await page.getByLabel("Title").inputValue()).toBe(title);
    expect(await clausesText(page)).toBe(text.trim());
    expect(await page.getByLabel("Choice context").inputValue()).toBe("ai-decisions-about-people");
    await checkA11y(page, "amend-new");
    await screenshot(page, "amend-new");

    await fillClauses(page, `${text.trim()}\n4. A refusal can be appealed by telephone.`);
    await page.getByLabel("Rationale").fill("Harm reports show refused families could not reach the official in time.");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/matters/") && url.pathname !== "/matters/new");
    const amending = pathOf(page);
    await main(page).getByText("This matter amends the ruling").waitFor();
    await main(page).getByRole("link", { name: title }).click();
    await page.waitForURL((url) => url.pathname === eli);
    const amendedBy = main(page).locator("section", { has: page.getByRole("heading", { name: "Being amended" }) });
    await amendedBy.getByRole("link", { name: title }).waitFor();
    expect(await amendedBy.getByRole("link", { name: title }).getAttribute("href")).toBe(amending);
  });

  it("repeals only after confirming, with a reason that the ruling page and the feed show", async () => {
    const page = clerk.page;
    await page.goto(eli);
    const form = main(page).locator("form", { has: page.getByRole("heading", { name: "Repeal", exact: true }) });
    const reason = "Harm reports showed refused families could not reach anyone who could change the decision.";
    await form.getByLabel("Why it is repealed (public)").fill(reason);
    await form.getByRole("button", { name: "Repeal", exact: true }).click();
    await form.getByText("Tick this box to confirm.").waitFor();
    expect(await main(page).getByText("This ruling was repealed").count()).toBe(0);

    await form.getByLabel("I understand the ruling stops being in force now").check();
    await form.getByRole("button", { name: "Repeal", exact: true }).click();
    await main(page)
      .getByText(/This ruling was repealed on .+: it is no longer in force\./)
      .waitFor();
    expect(await main(page).locator(".repeal-notice").innerText()).toContain(reason);

    const visitor = await freshPage(browser, baseUrl, PHONE);
    try {
      await visitor.page.goto(eli);
      expect(await main(visitor.page).locator(".repeal-notice").innerText()).toContain(reason);
      await expectNoHorizontalOverflow(visitor.page, PHONE.width);
      await checkA11y(visitor.page, "repealed-phone");
      await screenshot(visitor.page, "repealed-phone");
      const feed = await (await visitor.page.request.get("/rulings.atom")).text();
      const entry = feed.split("<entry>").find((e) => e.includes(`${eli}</id>`))!;
      expect(entry).toContain(`Repealed on`);
      expect(entry).toContain(reason);
      const json = (await (await visitor.page.request.get("/api/rulings.json")).json()) as { rulings: { eli: string; repealReason: string | null }[] };
      expect(json.rulings.find((r) => r.eli === eli)?.repealReason).toBe(reason);
    } finally {
      await visitor.context.close();
    }
  });
});
