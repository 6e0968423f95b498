import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { DEMO_PASSWORD, DESKTOP, PHONE, checkA11y, e2eContext, expectNoHorizontalOverflow, freshPage, navItems, pathOf, screenshot } from "./support.js";

const { baseUrl, skip } = e2eContext();

/** Words of the English interface that a Russian page must not show (the cards and rules keep their own language). */
const ENGLISH_UI = /\b(?:Sign in|Sign out|My values|Published|Value preservation|Verify this ruling|Harm reports|Choice contexts|Search)\b/;

/** "ценность" in each form Intl.PluralRules("ru") picks. */
const VALUE_FORMS: Record<string, string> = { one: "ценность", few: "ценности", many: "ценностей", other: "ценности" };

/** A date as a Russian reader writes it: "7 дек. 2026 г., 02:51". */
const RUSSIAN_DATE = /\d{1,2} (?:янв|февр|мар|апр|мая|июн|июл|авг|сент|окт|нояб|дек)\.? \d{4} г\./;

describe.skipIf(skip)("Agora in Russian, as a reader in Ida-Viru sees it", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  async function withPage<T>(viewport: { width: number; height: number }, run: (page: Page) => Promise<T>): Promise<T> {
    const { context, page } = await freshPage(browser, baseUrl, viewport);
    try {
      return await run(page);
    } finally {
      await context.close();
    }
  }

  async function switchToRussian(page: Page) {
    await page.goto("/");
    await page.locator("#lang-select").selectOption("ru");
    await Promise.all([page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }), page.getByRole("button", { name: "Change" }).click()]);
    await page.getByRole("button", { name: "Сменить" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("ru");
  }

  /** The page's own words (headings, labels, buttons), not what people wrote: a clerk's English repeal reason is data. */
  async function expectRussianMain(page: Page) {
    expect(await page.locator("main").innerText()).toMatch(/\p{Script=Cyrillic}{4,}/u);
    const chrome = (await page.locator("main").locator("h1, h2:not(.value-title), h3:not(.value-title), label, button, summary, th").allInnerTexts()).join(
      "\n",
    );
    expect(chrome, `English interface words on ${pathOf(page)}`).not.toMatch(ENGLISH_UI);
  }

  it("switches to Russian, signs a citizen in and walks her values and the rulings", async () => {
    await withPage(DESKTOP, async (page) => {
      await switchToRussian(page);
      expect(await navItems(page, "Главное меню")).toEqual(["Главная", "Вопросы", "Постановления", "Моральный граф", "Открытый журнал"]);
      expect(await page.locator("#lang-select option:checked").innerText()).toBe("Русский");

      await page.locator("header").getByRole("link", { name: "Войти" }).click();
      await page.waitForURL("**/signin");
      await page.getByRole("heading", { level: 1, name: "Вход" }).waitFor();
      await page.getByLabel("Электронная почта").fill("citizen12@demo.agora");
      await page.getByLabel("Пароль").fill(DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        page.locator("main").getByRole("button", { name: "Войти" }).click(),
      ]);
      expect(await page.locator("html").getAttribute("lang")).toBe("ru");

      // Her values: the contexts named in Russian, their values counted in Russian's plural forms.
      await page.getByRole("link", { name: "Мои ценности" }).click();
      await page.getByRole("heading", { level: 1, name: "Мои ценности" }).waitFor();
      await page.getByRole("heading", { level: 3, name: "Системы ИИ, которые принимают решения о людях" }).waitFor();
      const counts = await page.locator("main .card p").allInnerTexts();
      const counted = counts.map((c) => c.trim()).filter((c) => /^\d+ \p{Script=Cyrillic}+$/u.test(c));
      expect(counted.length).toBeGreaterThan(0);
      for (const line of counted) {
        const n = Number(line.split(" ")[0]);
        const form = new Intl.PluralRules("ru").select(n);
        expect(line, `${n} is "${form}" in Russian`).toBe(`${n} ${VALUE_FORMS[form]}`);
      }
      await expectRussianMain(page);
      await checkA11y(page, "values-ru");
      await screenshot(page, "values-ru");

      // The rulings, and one ruling with its figures, dates in Russian.
      await page.getByRole("link", { name: "Постановления" }).click();
      await page.getByRole("heading", { level: 1, name: "Опубликованные постановления" }).waitFor();
      await expectRussianMain(page);
      await checkA11y(page, "rulings-ru");
      await screenshot(page, "rulings-ru");
      await page.locator("main .card h2 a").first().click();
      await page.waitForURL(/\/eli\/demo\/ruling\/\d{4}\/\d+$/);
      await page.getByRole("heading", { name: "Сохранение ценностей" }).waitFor();
      await page.getByRole("heading", { name: "Проверить это постановление" }).waitFor();
      expect(await page.locator("main").innerText()).toMatch(new RegExp(`Опубликовано ${RUSSIAN_DATE.source}`));
      await expectRussianMain(page);
      await checkA11y(page, "ruling-ru");
      await screenshot(page, "ruling-ru");
    });
  });

  it("fits a phone in Russian, where words run longer", async () => {
    await withPage(PHONE, async (page) => {
      await switchToRussian(page);
      for (const path of ["/", "/rulings", "/matters", "/graph"]) {
        await page.goto(path);
        expect(await page.locator("html").getAttribute("lang")).toBe("ru");
        await expectNoHorizontalOverflow(page, PHONE.width);
        await screenshot(page, `phone-${path.slice(1) || "home"}-ru`);
      }
    });
  });
});
