import { randomInt } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { dialects, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { CONTESTABLE, CONTESTABLE_PARAPHRASE } from "../fixtures/cards.js";

/**
 * The forms outside the main journeys, posted as a browser without JavaScript posts them: bad input is
 * answered on the page, in the person's language, at the field it concerns; nothing is written; never a 500.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const en = translator("en");
const et = translator("et");

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity]!);

/** A browser: its cookies, its language, its own network address (so sign-in rate limits stay its own). */
class Browser {
  private cookies = new Map<string, string>();
  private readonly address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  constructor(
    private readonly baseUrl: string,
    lang: "en" | "et",
    session: string | null = null,
  ) {
    this.cookies.set("agora_lang", lang);
    if (session) this.take(session);
  }
  private take(cookie: string) {
    const [pair] = cookie.split(";");
    const at = pair!.indexOf("=");
    this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
  private headers(): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "x-forwarded-for": this.address };
  }
  private async request(path: string, init: RequestInit = {}): Promise<{ status: number; html: string; location: string | null }> {
    const response = await fetch(this.baseUrl + path, {
      ...init,
      redirect: "manual",
      headers: { ...this.headers(), ...(init.headers as Record<string, string>) },
    });
    for (const cookie of response.headers.getSetCookie()) this.take(cookie);
    return { status: response.status, html: await response.text(), location: response.headers.get("location") };
  }
  /** Opens a page and answers its CSRF token, as the page's forms carry it. */
  async open(path: string): Promise<string> {
    const page = await this.request(path);
    expect(page.status, `GET ${path}`).toBe(200);
    this.html = page.html;
    const token = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
    expect(token, `${path} has a CSRF token in its forms`).toBeTruthy();
    return token!;
  }
  html = "";
  /** A page as it reads now, without a form to take a token from (a progress page). */
  async read(path: string): Promise<string> {
    const page = await this.request(path);
    expect(page.status, `GET ${path}`).toBe(200);
    return page.html;
  }
  /** A post the server answers by sending the browser on (a redirect), and where to. */
  async postAndFollow(path: string, fields: Record<string, string | string[] | File>): Promise<string> {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    const answer = await this.request(path, { method: "POST", body });
    expect([302, 303], `POST ${path}: ${answer.html.slice(0, 300)}`).toContain(answer.status);
    return answer.location!;
  }
  async post(path: string, fields: Record<string, string | string[] | File>) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    const answer = await this.request(path, { method: "POST", body });
    expect(answer.status, `POST ${path}: ${answer.html.slice(0, 300)}`).toBe(200);
    return answer.html;
  }
}

/** The text of the error shown at a field (`<p id="<field id>-error">`), and whether its input says it is invalid. */
function fieldError(html: string, id: string): { text: string | undefined; invalid: boolean } {
  const text = new RegExp(`<p id="${id}-error" class="field-error">([^<]*)</p>`).exec(html)?.[1];
  const input = new RegExp(`<(?:input|textarea)[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? "";
  return { text: text === undefined ? undefined : decode(text), invalid: /aria-invalid="true"/.test(input) && input.includes(`aria-describedby="`) };
}

/** The form's own answer, under its button (role alert). */
function formAlert(html: string): string | undefined {
  const text = /<div tabindex="-1" class="alert alert-error feedback" role="alert">([^<]*)<\/div>/.exec(html)?.[1];
  return text === undefined ? undefined : decode(text);
}

describe.each(dialects())("forms outside the main journeys answer bad input at the field (%s)", (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    buildIfNeeded(ROOT);
    server = await startTestServer(dialect, { remix: "build" });
  });
  afterAll(async () => {
    await server?.close();
  });

  const counts = () => rowCounts(server.server);

  it.each([
    ["en", en],
    ["et", et],
  ] as const)("sign-in (%s): empty and oversized fields, then a wrong password", async (lang, t) => {
    const browser = new Browser(server.url, lang);
    const before = await counts();
    let csrf = await browser.open("/signin");
    let html = await browser.post("/signin", { csrf, email: "", password: "", next: "/" });
    expect(fieldError(html, "field-email")).toEqual({ text: t("errors.field.required"), invalid: true });
    expect(fieldError(html, "field-password")).toEqual({ text: t("errors.field.required"), invalid: true });
    expect(formAlert(html)).toBe(t("errors.invalidInput"));

    csrf = await browser.open("/signin");
    html = await browser.post("/signin", { csrf, email: `${"m".repeat(300)}@example.ee`, password: "agora-demo", next: "/" });
    expect(fieldError(html, "field-email").text).toBe(t("errors.field.tooLong", { maximum: 254 }));
    expect(html).not.toMatch(/Too big|expected string/);

    csrf = await browser.open("/signin");
    html = await browser.post("/signin", { csrf, email: "citizen1@demo.agora", password: "not the password", next: "/" });
    expect(formAlert(html)).toBe(t("auth.invalidCredentials"));
    // The email stays in its field for a second try.
    expect(html).toMatch(/<input[^>]*id="field-email"[^>]*value="citizen1@demo.agora"/);
    expect((await counts()).sessions).toBe(before.sessions);
  });

  it.each([
    ["en", en],
    ["et", et],
  ] as const)("sign-up (%s): a short password, a bad email and no name create no account", async (lang, t) => {
    const browser = new Browser(server.url, lang);
    const before = await counts();
    const csrf = await browser.open("/signup");
    // The page's own constraints come from the schema the router validates with.
    expect(browser.html).toMatch(/<input[^>]*id="field-password"[^>]*minLength="10"[^>]*maxLength="200"|<input[^>]*id="field-password"[^>]*minlength="10"/i);
    const html = await browser.post("/signup", { csrf, displayName: "  ", email: "not-an-email", personalCode: "", password: "short" });
    expect(fieldError(html, "field-password")).toEqual({ text: t("errors.field.tooShort", { minimum: 10 }), invalid: true });
    expect(fieldError(html, "field-email")).toEqual({ text: t("errors.field.email"), invalid: true });
    expect(fieldError(html, "field-displayName")).toEqual({ text: t("errors.field.required"), invalid: true });
    expect(fieldError(html, "field-personalCode").text).toBeUndefined();
    expect(html).not.toMatch(/Too small|expected string|Invalid email/);
    // What was typed comes back, except the password.
    expect(html).toMatch(/<input[^>]*id="field-email"[^>]*value="not-an-email"/);
    expect(html).not.toMatch(/value="short"/);
    const after = await counts();
    expect([after.users, after.sessions]).toEqual([before.users, before.sessions]);
  });

  it.each([
    ["en", en],
    ["et", et],
  ] as const)("users and roles (%s): a role that does not exist is refused at the checkboxes, and no role changes", async (lang, t) => {
    const admin = await signInAs(server.url, "admin@demo.agora");
    const browser = new Browser(server.url, lang, admin.cookie);
    const csrf = await browser.open("/admin?q=citizen12%40demo.agora");
    // The user's form as the page made it: its intent and hidden user id.
    const intent = /name="intent" value="(roles:[^"]+)"/.exec(browser.html)?.[1];
    const userId = /name="userId" value="([^"]+)"/.exec(browser.html)?.[1];
    expect(intent && userId).toBeTruthy();
    const before = await counts();
    const html = await browser.post("/admin?index", { csrf, intent: intent!, userId: userId!, roles: ["citizen", "emperor"] });
    const error = new RegExp(`<p id="roles-error-${userId}" class="field-error">([^<]*)</p>`).exec(html)?.[1];
    expect(error && decode(error)).toBe(t("errors.field.choice"));
    expect(formAlert(html)).toBe(t("errors.invalidInput"));
    expect(await counts()).toEqual(before);

    // And a good save says so at the same form, in the same language.
    const name = decode(/<legend><strong>([^<]*)<\/strong>/.exec(browser.html)?.[1] ?? "");
    const saved = await browser.post("/admin?index", { csrf, intent: intent!, userId: userId!, roles: ["citizen"] });
    expect(decode(saved)).toContain(t("admin.users.saved", { name, roles: t("role.citizen") }));
  });

  it.each([
    ["en", en],
    ["et", et],
  ] as const)("registry import (%s): no file, an empty file, and a file of bad rows import nothing", async (lang, t) => {
    const admin = await signInAs(server.url, "admin@demo.agora");
    const browser = new Browser(server.url, lang, admin.cookie);
    const before = await counts();
    let csrf = await browser.open("/admin/registry");
    let html = await browser.post("/admin/registry", { csrf, file: new File([], "") });
    expect(fieldError(html, "registry-file")).toEqual({ text: t("admin.registry.noFile"), invalid: true });

    csrf = await browser.open("/admin/registry");
    html = await browser.post("/admin/registry", { csrf, file: new File([], "census.csv", { type: "text/csv" }) });
    expect(fieldError(html, "registry-file").text).toBe(t("admin.registry.emptyFile"));
    expect(await counts()).toEqual(before);

    csrf = await browser.open("/admin/registry");
    const csv = "personal_code,full_name,district,email\nnot-a-code,,Tartu,\n";
    // The file is taken, checked in the background, and the page follows its import until it is decided.
    const progress = await browser.postAndFollow("/admin/registry", { csrf, file: new File([csv], "census.csv", { type: "text/csv" }) });
    expect(progress).toMatch(/^\/admin\/registry\?import=/);
    let heading: string | undefined;
    for (let i = 0; i < 100 && heading === undefined; i++) {
      heading = /<h2 id="report-title">([^<]*)<\/h2>/.exec(await browser.read(progress))?.[1];
      if (heading === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(heading && decode(heading)).toMatch(/^(The file was rejected|Fail lükati tagasi)/);
    const after = await counts();
    // A refused file is on record as refused; not one citizen came in.
    expect(after.citizens).toBe(before.citizens);
    expect(after.registry_imports).toBe(before.registry_imports + 1);
  });

  it.each([
    ["en", en],
    ["et", et],
  ] as const)("value merges (%s): a split without a reason is refused at the reason field", async (lang, t) => {
    // Two citizens write the same value in their own words: the app merges the second, and the clerk reviews it.
    const contextId = `merges-${lang}`;
    await server.server.deps.db
      .insertInto("contexts")
      .values({
        id: contextId,
        title: "AI systems that make decisions about people",
        titleEt: null,
        description: "Automated decisions.",
        createdAt: new Date().toISOString(),
      })
      .execute();
    const [first, second] = await Promise.all([signInAs(server.url, "citizen1@demo.agora"), signInAs(server.url, "citizen2@demo.agora")]);
    const founded = await first.mutate("values.submit", { contextId, ...CONTESTABLE });
    const joined = await second.mutate("values.submit", { contextId, ...CONTESTABLE_PARAPHRASE });
    expect(founded.data?.canonical?.joined, JSON.stringify(founded.body)).toBe(false);
    expect(joined.data?.canonical?.joined, JSON.stringify(joined.body)).toBe(true);
    const clerk = await signInAs(server.url, "clerk@demo.agora");
    const browser = new Browser(server.url, lang, clerk.cookie);
    const csrf = await browser.open(`/merges?context=${contextId}`);
    const intent = /name="intent" value="(split:[^"]+)"/.exec(browser.html)?.[1];
    const cardId = /name="cardId" value="([^"]+)"/.exec(browser.html)?.[1];
    expect(intent && cardId, "the demo polity has a merge to review").toBeTruthy();
    expect(browser.html).toMatch(new RegExp(`id="reason-${cardId}"[^>]*minLength="3"|id="reason-${cardId}"[^>]*minlength="3"`, "i"));
    const before = await counts();
    const action = /<form method="post" action="([^"]+)" class="split-form"/.exec(browser.html)?.[1];
    expect(action && decode(action)).toBe(`/merges?context=${contextId}`);
    const html = await browser.post(decode(action!), { csrf, intent: intent!, cardId: cardId!, reason: " x " });
    expect(fieldError(html, `reason-${cardId}`)).toEqual({ text: t("errors.field.tooShort", { minimum: 3 }), invalid: true });
    // What a split writes (the graph's scores catch up with the two new cards on their own, meanwhile).
    const splitTables = ({ value_cards, canonical_values, value_events, ledger_events }: Record<string, number>) => ({
      value_cards,
      canonical_values,
      value_events,
      ledger_events,
    });
    expect(splitTables(await counts())).toEqual(splitTables(before));
  });
});
