import { randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { seedDemoMatters, seedDemoValues } from "../../server/seed-demo.server.js";
import { dialects, httpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";

/**
 * Safety by construction over HTTP (issue 17): sign-in sends a person only to this site's own paths, nothing
 * shown to a signed-in person is left in a cache, a form action answers a body that is not a form with a 400
 * that says so, and the open data's CSV cannot run as a spreadsheet formula.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const en = translator("en");

/** A browser without JavaScript: its cookies (a session, the CSRF token's), its own address, redirects not followed. */
class PageClient {
  private readonly cookies = new Map<string, string>();
  private readonly address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  constructor(private readonly baseUrl: string) {}

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    headers.set("x-forwarded-for", this.address);
    if (init.method === "POST") headers.set("origin", this.baseUrl);
    const response = await fetch(this.baseUrl + path, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  /** The CSRF token a page's forms carry. */
  async csrf(path = "/signin"): Promise<string> {
    const page = await this.request(path);
    return /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  }

  async post(path: string, fields: Record<string, string>) {
    return this.request(path, { method: "POST", body: new URLSearchParams(fields) });
  }

  async signIn(email: string) {
    const answer = await this.post("/signin", { csrf: await this.csrf(), email, password: "agora-demo", next: "/" });
    expect(answer.status, `sign-in as ${email}`).toBe(302);
    return this;
  }
}

/** Where a browser goes when told `Location: <location>` on the sign-in page. */
const landsOn = (baseUrl: string, location: string | null) => new URL(location ?? "", `${baseUrl}/signin`);

const HOSTILE_NEXT = [
  "/..//evil.example/x",
  "//evil.example/x",
  "/\\evil.example/x",
  "/%2e%2e//evil.example/x",
  "/.%2E//evil.example/x",
  "https://evil.example/x",
  "https:evil.example/x",
  "javascript:alert(1)",
  "/\t/evil.example/x",
  "/\r\n/evil.example/x",
];

/** Every route file with a form action, as Remix's flat routes name it (app/routes/*.tsx). */
function actionRoutes(): string[] {
  const dir = join(ROOT, "app/routes");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".tsx") && /export (async function|const) action\b/.test(readFileSync(join(dir, name), "utf8")))
    .map((name) => name.replace(/\.tsx$/, ""));
}

/** The URL of a route file, its parameters filled from what the demo polity holds. */
function urlOf(route: string, params: Record<string, string>): string {
  const segments = route
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/_$/, ""))
    .map((s) => {
      if (!s.startsWith("$")) return s;
      const value = params[s.slice(1)];
      if (value === undefined) throw new Error(`The test does not know a value for ${s} in ${route}: add one.`);
      return value;
    });
  return `/${segments.join("/")}`;
}

describe.each(dialects())("safety over HTTP (%s)", (dialect) => {
  let t: TestServer;
  /** The demo's published ruling, and the matter it came from. */
  let eli = "";
  let publishedMatter = "";

  beforeAll(async () => {
    buildIfNeeded(ROOT);
    t = await startTestServer(dialect, { remix: "build" });
    // The demo's values and matters, as `npm start` seeds them: a published ruling with its votes among them.
    await seedDemoValues(t.server.deps);
    publishedMatter = (await seedDemoMatters(t.server.deps)).published;
    eli = ((await httpClient(t.url).query("rulings.list", {})).data as { eli: string }[])[0]!.eli;
  }, 300_000); // a first build of the web app takes minutes on a busy machine
  afterAll(() => t?.close());

  describe("redirects only to this site's own paths", () => {
    it("answers a signed-in person's GET /signin?next=… with a location on this site", async () => {
      const mari = await new PageClient(t.url).signIn("citizen1@demo.agora");
      for (const next of HOSTILE_NEXT) {
        const answer = await mari.request(`/signin?next=${encodeURIComponent(next)}`);
        expect(answer.status, next).toBe(302);
        expect(answer.headers.get("location"), next).toBe("/");
        expect(landsOn(t.url, answer.headers.get("location")).origin).toBe(new URL(t.url).origin);
      }
      const onSite = await mari.request(`/signin?next=${encodeURIComponent("/rulings?q=tutor#list")}`);
      expect(onSite.headers.get("location")).toBe("/rulings?q=tutor#list");
    });

    it("answers POST /signin and the language switch the same way", async () => {
      for (const next of HOSTILE_NEXT) {
        const browser = new PageClient(t.url);
        const signedIn = await browser.post("/signin", { csrf: await browser.csrf(), email: "citizen2@demo.agora", password: "agora-demo", next });
        expect(signedIn.status, next).toBe(302);
        expect(signedIn.headers.get("location"), next).toBe("/");
        const switched = await browser.post("/lang", { csrf: await browser.csrf("/"), locale: "en", next });
        expect(switched.headers.get("location"), next).toBe("/");
      }
    });
  });

  describe("Cache-Control", () => {
    it("is no-store on everything a signed-in person is shown, and on every API answer", async () => {
      const mari = await new PageClient(t.url).signIn("citizen1@demo.agora");
      for (const path of [
        "/",
        "/values",
        "/account",
        "/rulings",
        eli,
        `/matters/${publishedMatter}`,
        `/rooms/${publishedMatter}`,
        "/ledger/polity",
        "/graph",
      ]) {
        const answer = await mari.request(path);
        expect(answer.status, path).toBe(200);
        expect(answer.headers.get("cache-control"), path).toBe("no-store");
      }
      const page = await mari.request("/no-such-page");
      expect(page.status).toBe(404);
      expect(page.headers.get("cache-control")).toBe("no-store");
      // The API: signed in or not, a query or a mutation, an answer or a refusal.
      const citizen = await signInAs(t.url, "citizen1@demo.agora");
      const anyone = httpClient(t.url);
      for (const answer of [
        await citizen.query("auth.me"),
        await citizen.query("values.mine"),
        await anyone.query("auth.me"),
        await anyone.query("rulings.list", {}),
        await anyone.query("values.mine"),
        await citizen.mutate("values.endorse", { canonicalId: "no-such-value" }),
      ]) {
        expect(answer.headers.get("cache-control")).toBe("no-store");
      }
    });

    it("is no-store on a delegate's receipt and a citizen's card proof", async () => {
      const delegate = new PageClient(t.url);
      await delegate.signIn("delegate1@demo.agora");
      const receipt = await delegate.request(`/rooms/${publishedMatter}/receipt.json`);
      expect(receipt.status).toBe(200);
      expect(JSON.parse(receipt.body).ballot).toBeGreaterThan(0);
      expect(receipt.headers.get("cache-control")).toBe("no-store");
      const mari = await new PageClient(t.url).signIn("citizen1@demo.agora");
      const proof = await mari.request(`/api/rulings/${encodeURIComponent(eli)}/card-proof.json?card=no-such-card`);
      expect(proof.headers.get("cache-control")).toMatch(/no-store/);
    });

    it("says on every page that it varies by the reader's session and language, signed in or not", async () => {
      const mari = await new PageClient(t.url).signIn("citizen1@demo.agora");
      const anyone = new PageClient(t.url);
      for (const who of [anyone, mari]) {
        for (const path of ["/", "/rulings", eli, "/no-such-page"]) {
          const answer = await who.request(path);
          expect(answer.headers.get("content-type"), path).toMatch(/^text\/html/);
          const vary = (answer.headers.get("vary") ?? "").split(/\s*,\s*/).map((v) => v.toLowerCase());
          expect(vary, path).toEqual(expect.arrayContaining(["cookie", "accept-language"]));
        }
      }
    });

    it("keeps the public documents cacheable, for anyone and for a signed-in person alike", async () => {
      const mari = await new PageClient(t.url).signIn("citizen1@demo.agora");
      const anyone = new PageClient(t.url);
      const id = encodeURIComponent(eli);
      for (const who of [anyone, mari]) {
        for (const path of ["/api/rulings.json", `/api/rulings/${id}/bundle.json`, "/api/exports/values.csv", "/api/exports/judgments.json"]) {
          const answer = await who.request(path);
          expect(answer.status, path).toBe(200);
          expect(answer.headers.get("cache-control"), path).toMatch(/^public, max-age=\d+$/);
        }
        expect((await who.request("/api/log/checkpoint")).headers.get("cache-control")).toBe("no-cache");
      }
    });
  });

  describe("the open data's CSV", () => {
    it("neutralises a value whose words a spreadsheet would run, written through the app", async () => {
      const mari = await signInAs(t.url, "citizen5@demo.agora");
      const contextId = ((await mari.query("values.contexts")).data as { id: string }[])[0]!.id;
      const card = await mari.mutate("values.submit", {
        contextId,
        title: "+Quiet nights in my street",
        description: "=When machines patrol where I live, I want the night to stay quiet so that children and old people can sleep.",
        policies: ["MOMENTS when a machine's noise wakes a sleeping household", "WAYS for neighbours to stop a patrol that keeps them awake"],
      });
      expect(card.status, JSON.stringify(card.body)).toBe(200);
      expect(card.data.verdict, JSON.stringify(card.data)).toBe("value");
      // A value of its own, not merged into another's words.
      expect(card.data.canonical.title).toBe("+Quiet nights in my street");
      await t.server.deps.graphs.settled();
      const csv = await new PageClient(t.url).request("/api/exports/values.csv");
      const rows = parse(csv.body) as string[][];
      const body = rows.find((r) => r[7]?.includes("Quiet nights in my street"));
      expect(body?.[7]).toMatch(/^'\+Quiet nights in my street: =When machines patrol/);
      for (const cell of rows.flat()) expect(["=", "+", "-", "@", "\t", "\r"], cell).not.toContain(cell[0]);
    });
  });
  describe("form actions answer a body that is not a form with 400", () => {
    /** What the person reads: on a page's error page, or as the answer of a resource route (the language switch). */
    const BAD_FORM = en("errors.badForm");

    const MALFORMED: { name: string; init: () => RequestInit }[] = [
      { name: "JSON", init: () => ({ headers: { "content-type": "application/json" }, body: JSON.stringify({ csrf: "x", email: "a@b.c" }) }) },
      { name: "plain text", init: () => ({ headers: { "content-type": "text/plain" }, body: "email=a@b.c&password=x" }) },
      {
        name: "multipart that breaks off",
        init: () => ({
          headers: { "content-type": "multipart/form-data; boundary=XyZ" },
          body: '--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc',
        }),
      },
      { name: "multipart without a boundary", init: () => ({ headers: { "content-type": "multipart/form-data" }, body: "csrf=abc" }) },
      { name: "no content type", init: () => ({ body: new Uint8Array([1, 2, 3]) }) },
    ];

    it("finds every action route, and knows a URL for each", () => {
      const routes = actionRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(16);
      expect(routes).toContain("signin");
      expect(routes).toContain("admin.registry");
    });

    it.each(["anonymous", "citizen1@demo.agora", "admin@demo.agora"])("as %s", async (who) => {
      const browser = new PageClient(t.url);
      if (who !== "anonymous") await browser.signIn(who);
      const [, polity, year, number] = /^\/eli\/([^/]+)\/ruling\/(\d+)\/(\d+)$/.exec(eli)!;
      const params = { id: publishedMatter, polity: polity!, year: year!, number: number! };
      for (const route of actionRoutes()) {
        const url = urlOf(route, params);
        for (const body of MALFORMED) {
          const answer = await browser.request(url, { method: "POST", ...body.init() });
          expect(answer.status, `${body.name} to ${url} (${route})`).toBe(400);
          expect(answer.body, `${body.name} to ${url}`).toContain(BAD_FORM);
        }
      }
    });

    it("says so in the person's language, on the error page of a form and of a missing page", async () => {
      // The root loader does not run for an action that threw or a path no route matches: the page's
      // language comes from the request itself (decision 19: error messages follow her page).
      for (const locale of ["ru", "et"] as const) {
        const say = translator(locale);
        const headers = { cookie: `agora_lang=${locale}` };
        const form = await fetch(`${t.url}/signin`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{}" });
        expect(form.status).toBe(400);
        const formPage = await form.text();
        expect(formPage).toContain(`<html lang="${locale}"`);
        expect(formPage).toContain(say("errors.badForm"));
        const missing = await fetch(`${t.url}/no-such-page`, { headers });
        expect(missing.status).toBe(404);
        const missingPage = await missing.text();
        expect(missingPage).toContain(`<html lang="${locale}"`);
        expect(missingPage).toContain(say("errors.notFound"));
      }
    });

    it("sends no NUL inside the text of a page in a language of two-byte letters", async () => {
      // React 18's renderer left zero bytes where a two-byte letter met the edge of its 2,048-byte
      // buffer: nearly every Russian page had one inside a word (app/entry.server.tsx).
      for (const path of ["/", "/graph", "/rulings", "/matters", eli]) {
        const page = Buffer.from(await (await fetch(`${t.url}${path}`, { headers: { cookie: "agora_lang=ru" } })).arrayBuffer());
        expect(page.length, path).toBeGreaterThan(4096);
        expect(page.includes(0), path).toBe(false);
      }
    });

    it("answers a field far past any form's size with 400 too, and a file too large at its field", async () => {
      const admin = new PageClient(t.url);
      await admin.signIn("admin@demo.agora");
      const form = new FormData();
      form.append("csrf", await admin.csrf("/admin/registry"));
      form.append("note", "x".repeat(200_000));
      // The server answers before it has read the whole body and drops the rest with the connection: not one for the next request.
      const answer = await admin.request("/admin/registry", { method: "POST", body: form, headers: { connection: "close" } });
      expect(answer.status).toBe(400);
      expect(answer.body).toContain(BAD_FORM);
    });
  });

  describe("an address that does not decode", () => {
    it("is the sender's mistake: 400, never 500", async () => {
      for (const path of ["/%ZZ", "/matters/%ZZ", "/rooms/%E0%A4%A", "/api/exports/%ZZ", "/api/rulings/%ZZ/bundle.json"]) {
        const answer = await fetch(`${t.url}${path}`);
        expect(answer.status, path).toBe(400);
        expect(await answer.text(), path).not.toContain("on our side");
      }
    });
  });
});
