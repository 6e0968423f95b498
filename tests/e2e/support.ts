import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AxeResults } from "axe-core";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect, inject } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed.js";

export { DEMO_PASSWORD };

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "screenshots");

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 360, height: 740 } as const;

/** What the global setup provided: the server's address, or that there is no browser to test with. */
export function e2eContext(): { baseUrl: string; skip: boolean } {
  const skip = inject("e2eSkipped") ?? true;
  return { baseUrl: inject("baseUrl") ?? "", skip };
}

/** A fresh browser context (own cookies, own storage) with a page in it. */
export async function freshPage(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: "en-GB", reducedMotion: "reduce" });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** The path (and query) the page is on now. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Signs in through the real form, as a person would, and waits for the redirect away from it. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  if (!new URL(page.url(), "http://x").pathname.startsWith("/signin")) await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== "/signin", { waitUntil: "load" }),
    page.locator("main").getByRole("button", { name: "Sign in" }).click(),
  ]);
}

/**
 * Signs a person in without showing the page: the sign-in form's own POST, with the CSRF token the
 * sign-in page gives, sent from the page's browser context (whose cookies are cleared first), so the
 * session lands there. For a test's search among the demo citizens for the one the seed gave
 * something: one page visits each in turn with the app's scripts cached, instead of a fresh context
 * loading them and the form for every citizen. What a person does to sign in is signIn's, above.
 */
export async function signInByPost(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.context().clearCookies();
  const form = await (await page.request.get("/signin")).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!csrf) throw new Error("the sign-in page has no CSRF field");
  const answer = await page.request.post("/signin", { form: { csrf, next: "/", email, password }, maxRedirects: 0 });
  if (answer.status() !== 302) throw new Error(`signing ${email} in by POST was answered ${answer.status()}, not a redirect`);
}

/** The names of the links in the visible main navigation, in order. */
export async function navItems(page: Page, label = "Main"): Promise<string[]> {
  const nav = page.getByRole("navigation", { name: label, exact: true });
  await nav.waitFor({ state: "visible" });
  const names = await nav.getByRole("link").allInnerTexts();
  return names.map((n) => n.trim());
}

function safeName(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120)
    .toLowerCase();
}

/** Saves a full-page screenshot as tests/e2e/screenshots/<test name>--<label>.png. */
export async function screenshot(page: Page, label: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The test's name without the file's outermost describe, which every test shares.
  const test = (expect.getState().currentTestName ?? "outside-a-test").split(" > ");
  const name = test.length > 1 ? test.slice(1) : test;
  const file = join(SCREENSHOTS, `${safeName(name.join(" "))}--${safeName(label)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The WCAG levels every page is checked against: 2.0, 2.1 and 2.2, A and AA. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** axe-core's source: the very copy @axe-core/playwright injects (its own dependency, resolved from it). */
const AXE_SOURCE: string = createRequire(createRequire(import.meta.url).resolve("@axe-core/playwright"))("axe-core").source;

/**
 * Runs axe-core on the page's document, injected once per document: axe.run with the same tags, as
 * `new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode().analyze()` runs it, without the builder's
 * costs on every call. Its default mode injects axe into the page twice, then opens a blank page, injects
 * axe there too and merges the frames' results in it (the app's pages have no iframes); its legacy mode
 * still injects twice. On a busy 2-core machine a check took about 1.2 s with the builder, 0.6 s in its
 * legacy mode and 0.25 s here, with the same violations (compared page by page, and on a page broken on
 * purpose in six ways). Every rule still runs on every element; only the violations are reported in
 * full (resultTypes), which is all checkA11y reads.
 */
async function runAxe(page: Page): Promise<AxeResults> {
  const injected = await page.evaluate(() => typeof (window as unknown as { axe?: { run?: unknown } }).axe?.run === "function");
  if (!injected) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    (tags) =>
      (window as unknown as { axe: typeof import("axe-core") }).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    WCAG_TAGS,
  );
}

/**
 * Runs axe (WCAG 2.0/2.1/2.2 A and AA) on the page as it is, and fails with a readable list of
 * violations: rule, impact, what it asks for, and the elements that break it.
 */
export async function checkA11y(page: Page, label = "page"): Promise<void> {
  const results = await runAxe(page);
  if (results.violations.length === 0) return;
  const shot = await screenshot(page, `${label}-a11y-failure`).catch(() => "(no screenshot)");
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `      - ${n.target.join(" ")}\n        ${(n.failureSummary ?? "").replace(/\n\s*/g, "\n        ")}`)
        .join("\n");
      const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : "";
      return `  [${v.impact ?? "?"}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join("\n");
  throw new Error(`Accessibility violations on ${pathOf(page)} (${label}), screenshot ${shot}:\n${report}`);
}

/** Checks that nothing is wider than the viewport (no sideways scrolling on a phone). */
export async function expectNoHorizontalOverflow(page: Page, width: number): Promise<void> {
  const { scrollWidth, culprits } = await page.evaluate((max) => {
    const culprits = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > max + 0.5 && !el.closest(".table-wrap");
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""}`);
    return { scrollWidth: document.documentElement.scrollWidth, culprits };
  }, width);
  expect(scrollWidth, `page ${pathOf(page)} is ${scrollWidth}px wide (viewport ${width}); too wide: ${culprits.join(", ")}`).toBeLessThanOrEqual(width);
}

/** The package's own `agora` command, as `npx agora` runs it. */
const AGORA = join(dirname(fileURLToPath(import.meta.url)), "../../bin/agora.mjs");

/** `agora verify`, run as a visitor would run it on her own machine: exit code and what it printed. */
export function agoraVerify(...args: string[]) {
  const run = spawnSync(process.execPath, [AGORA, "verify", ...args], { encoding: "utf8", env: { ...process.env, LANG: "en_GB.UTF-8" } });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/** Runs the ruling page's verify panel on a file (or, with none, on the bundle the registry serves). */
export async function verifyInPanel(page: Page, file: string | null, cardId = "") {
  if (file) await page.getByLabel(/A bundle file you downloaded/).setInputFiles(file);
  await page.getByLabel(/Your card's id/).fill(cardId);
  const result = page.locator(".verify-result");
  const runs = Number((await result.getAttribute("data-runs")) ?? 0);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await page.locator(`.verify-result[data-runs="${runs + 1}"]`).waitFor();
  return {
    verified: (await result.locator(".alert-ok").count()) === 1,
    failures: await checkLines(result.locator(".check-fail")),
    passes: await checkLines(result.locator(".check-pass")),
    problem: await result.locator(".verify-problem").allInnerTexts(),
  };
}

/** Each check of the panel as "Name: what it found" (without the glyph and the screen reader's word). */
function checkLines(items: Locator): Promise<string[]> {
  return items.evaluateAll((lis) => lis.map((li) => `${li.querySelector(".check-name")?.textContent}: ${li.querySelector(".check-detail")?.textContent}`));
}

/**
 * Writes a rule into the new-matter form clause by clause, as a clerk does: "1. …\n2. …" becomes one
 * field per clause ("Clause 1", "Clause 2" …), adding fields with "Add a clause" as needed.
 */
export async function fillClauses(page: Page, rule: string): Promise<void> {
  const clauses = rule
    .split("\n")
    .map((line) => line.replace(/^\s*\d+[.)]\s+/, "").trim())
    .filter(Boolean);
  const main = page.locator("main");
  for (const [i, clause] of clauses.entries()) {
    const field = main.getByLabel(`Clause ${i + 1}`, { exact: true });
    if ((await field.count()) === 0) {
      await main.getByRole("button", { name: "Add a clause" }).click();
      await field.waitFor();
    }
    await field.fill(clause);
  }
  // Fields the form had beyond the rule (a renewal's, say): the last first, so the numbers hold.
  for (let n = await main.locator("textarea[name=clauses]").count(); n > clauses.length; n--) {
    await main.getByRole("button", { name: `Remove clause ${n}` }).click();
    await main.getByLabel(`Clause ${n}`, { exact: true }).waitFor({ state: "detached" });
  }
}

/** The clauses the new-matter form holds, as the numbered text "1. …\n2. …". */
export async function clausesText(page: Page): Promise<string> {
  const values = await page.locator("main textarea[name=clauses]").evaluateAll((fields) => fields.map((f) => (f as HTMLTextAreaElement).value.trim()));
  return values.map((text, i) => `${i + 1}. ${text}`).join("\n");
}
