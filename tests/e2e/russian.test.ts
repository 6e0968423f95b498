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

  async function signInRussian(page: Page, email: string) {
    await switchToRussian(page);
    await page.goto("/signin");
    await page.getByLabel("Электронная почта").fill(email);
    await page.getByLabel("Пароль").fill(DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
      page.locator("main").getByRole("button", { name: "Войти" }).click(),
    ]);
  }

  async function fillCard(page: Page, card: { title: string; description: string; policies: string[] }) {
    await page.getByLabel("Название").fill(card.title);
    await page.getByLabel("Описание").fill(card.description);
    for (const [i, policy] of card.policies.entries()) await page.getByLabel(`На что я обращаю внимание (${i + 1})`).fill(policy);
  }

  it("reads a value card she writes in Russian: the gate's verdict, the guided path, the graph and the judge page", async () => {
    await withPage(DESKTOP, async (page) => {
      await signInRussian(page, "citizen9@demo.agora");
      await page.goto("/values/new?context=ai-decisions-about-people");
      await page.getByRole("heading", { level: 1, name: "Написать ценность" }).waitFor();
      // A Russian slogan first: told so in Russian, with what to do instead.
      await fillCard(page, {
        title: "Люди важнее алгоритмов!",
        description: "Люди важнее алгоритмов! Человек — не цифра!",
        policies: ["ЛЮДИ важнее всего", "ЧЕЛОВЕК, а не цифра"],
      });
      await page.getByRole("button", { name: "Отправить" }).click();
      const verdict = page.getByRole("alert").filter({ hasText: "лозунг" });
      await verdict.waitFor();
      expect(await verdict.innerText()).toMatch(/Это скорее лозунг/);
      await checkA11y(page, "gate-ru");
      await screenshot(page, "gate-ru");
      // Then her value, in Russian: read, let in, and joined to the shared value it is (an English one).
      await fillCard(page, {
        title: "Право оспорить решение машины",
        description: "Когда система решает что-то обо мне, я хочу понимать почему и иметь возможность возразить.",
        policies: ["МОМЕНТЫ, когда человек понимает, что о нём решила машина", "СПОСОБЫ связаться с человеком, который может изменить решение"],
      });
      await page.getByRole("button", { name: "Отправить исправленную карточку" }).click();
      const accepted = page.getByRole("status").filter({ has: page.getByRole("heading", { level: 2, name: "Это ценность. Спасибо." }) });
      await accepted.waitFor();
      expect(await accepted.innerText()).toMatch(/Присоединена к общей ценности «[^»]+»/);
      await checkA11y(page, "accepted-ru");
      await screenshot(page, "accepted-ru");

      // The guided path drafts her card in Russian from Russian answers.
      await page.goto("/values/guided?context=ai-decisions-about-people");
      await page.getByLabel("Расскажите о случае").fill("Мне отказали в пособии, и никто не мог объяснить почему.");
      await page.getByLabel("На что вы обращали внимание").fill("Кто принял решение\nМожно ли поговорить с человеком");
      await page.getByLabel("Что в этом было для вас важнее всего").fill("Чтобы меня выслушали");
      await page.getByRole("button", { name: "Составить черновик карточки" }).click();
      await page.getByText("Вот ваш черновик").waitFor();
      expect(await page.getByLabel("На что я обращаю внимание (1)").inputValue()).toBe("ПРИЗНАКИ того, кто принял решение");
      expect(await page.getByLabel("На что я обращаю внимание (2)").inputValue()).toBe("ПРИЗНАКИ того, можно ли поговорить с человеком");
      expect(await page.getByLabel("Описание").inputValue()).toMatch(/^Мне важно, чтобы меня выслушали\./);
      await checkA11y(page, "guided-ru");
      await screenshot(page, "guided-ru");

      // The moral graph: the context described in Russian, English and Estonian values marked as such.
      await page.goto("/graph/ai-decisions-about-people");
      expect(await page.locator("main").innerText()).toContain("Автоматизированные системы, которые решают");
      const langs = await page.locator("main .graph-table [lang]").evaluateAll((els) => els.map((e) => e.getAttribute("lang")));
      expect(langs).toContain("en");
      expect(langs.every((l) => l === "en" || l === "et")).toBe(true);
      // Scores written the Russian way ("36,9"), never "36.9".
      expect(await page.locator("main .graph-table td.num").allInnerTexts()).not.toContainEqual(expect.stringMatching(/^\d+\.\d$/));
      for (const width of [1100, 1180, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        const table = await page.locator(".graph-table").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(table.scroll, `the ranking table scrolls sideways at ${width} px`).toBeLessThanOrEqual(table.client);
        await expectNoHorizontalOverflow(page, width);
      }
      await page.setViewportSize(DESKTOP);
      await checkA11y(page, "graph-ru");
      await screenshot(page, "graph-ru");

      // The judge page: the two cards keep their own language, marked for a screen reader.
      await page.goto("/values/judge?context=ai-decisions-about-people");
      await page.getByRole("heading", { level: 1, name: "Мудрее ли?" }).waitFor();
      const cards = await page
        .locator("main .value-card .value-title")
        .evaluateAll((els) => els.map((e) => ({ lang: e.getAttribute("lang"), text: e.textContent })));
      for (const card of cards) if (!/\p{Script=Cyrillic}/u.test(card.text ?? "")) expect(card.lang, card.text ?? "").toMatch(/^(?:en|et)$/);
      await expectRussianMain(page);
      await checkA11y(page, "judge-ru");
      await screenshot(page, "judge-ru");
    });
  });

  it("fits a phone in Russian, where words run longer", async () => {
    await withPage(PHONE, async (page) => {
      await switchToRussian(page);
      for (const path of ["/", "/rulings", "/matters", "/graph", "/graph/ai-decisions-about-people"]) {
        await page.goto(path);
        expect(await page.locator("html").getAttribute("lang")).toBe("ru");
        await expectNoHorizontalOverflow(page, PHONE.width);
        await screenshot(page, `phone-${path.slice(1) || "home"}-ru`);
      }
    });
  });
});
