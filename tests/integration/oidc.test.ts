import { randomInt } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { demoCitizen, registryCsv } from "../../db/factories.js";
import { buildIfNeeded } from "../../server/build-if-needed.server.js";
import { LIMITS } from "../../server/services/limits.server.js";
import { dialects, httpClient, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { startTestProvider, type TestProvider } from "../support/oidc-provider.js";

/**
 * OpenID Connect sign-in over HTTP, end to end through a real provider (oidc-provider on loopback):
 * the app's pages send the browser to the provider, the person logs in and consents on the provider's
 * own pages, and the app's callback checks the answer and finds her in the registry its own import made.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const en = translator("en");
const et = translator("et");
const ru = translator("ru");
const PROVIDER_NAME = "Test ID";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity]!);

interface Answer {
  url: string;
  status: number;
  html: string;
  location: string | null;
}

/** A browser without JavaScript: cookies per host, redirects followed by hand, one network address of its own. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();
  readonly address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  /** Every address it was sent through, in order. */
  readonly visited: string[] = [];

  constructor(lang: "en" | "et" | "ru" = "en") {
    this.jarOf("127.0.0.1").set("agora_lang", lang);
  }

  private jarOf(host: string): Map<string, string> {
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    return jar;
  }

  /** Both servers are on 127.0.0.1 (ports do not separate cookies), as in a browser. */
  cookie(name: string): string | undefined {
    return this.jarOf("127.0.0.1").get(name);
  }

  setCookie(name: string, value: string): void {
    this.jarOf("127.0.0.1").set(name, value);
  }

  private take(url: URL, line: string): void {
    const [pair, ...attributes] = line.split(";");
    const at = pair!.indexOf("=");
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()));
    if (!value || expired) this.jarOf(url.hostname).delete(name);
    else this.jarOf(url.hostname).set(name, value);
  }

  async request(address: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Answer> {
    const url = new URL(address);
    this.visited.push(url.href);
    const jar = this.jarOf(url.hostname);
    const response = await fetch(url, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        "x-forwarded-for": this.address,
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded", origin: url.origin } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) this.take(url, line);
    const location = response.headers.get("location");
    return { url: url.href, status: response.status, html: await response.text(), location: location ? new URL(location, url).href : null };
  }

  /** Requests, then follows redirects until a page answers; stops (without following) at `stopAt` if given. */
  async follow(address: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt?: (url: URL) => boolean): Promise<Answer> {
    let answer = await this.request(address, init);
    for (let hops = 0; answer.location && [301, 302, 303, 307].includes(answer.status); hops++) {
      if (hops > 20) throw new Error(`too many redirects from ${address}`);
      if (stopAt?.(new URL(answer.location))) return answer;
      answer = await this.request(answer.location);
    }
    return answer;
  }

  /** Submits the page's (only) form as a person would, with these fields filled in. */
  async submit(page: Answer, fields: Record<string, string> = {}, stopAt?: (url: URL) => boolean): Promise<Answer> {
    const form = /<form([^>]*method="post"[^>]*)>([\s\S]*?)<\/form>/i.exec(page.html);
    const action = form ? /action="([^"]+)"/.exec(form[1]!)?.[1] : undefined;
    expect(action, `a form on ${page.url}: ${page.html.slice(0, 400)}`).toBeTruthy();
    const hidden = Object.fromEntries(
      [...form![2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]),
    );
    return this.follow(new URL(decode(action!), page.url).href, { method: "POST", form: { ...hidden, ...fields } }, stopAt);
  }
}

describe.each(dialects())("OpenID Connect sign-in through a real provider on loopback (%s)", (dialect) => {
  let provider: TestProvider;
  let server: TestServer;
  /** Imported through the app's own registry import, with no account yet. */
  const newcomer = demoCitizen(161);
  const noEmail = { ...demoCitizen(162), email: "" };

  beforeAll(async () => {
    buildIfNeeded(ROOT);
    provider = await startTestProvider();
    server = await startTestServer(dialect, {
      remix: "build",
      overrides: {
        oidc: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          providerName: PROVIDER_NAME,
          scope: "openid",
          claim: "sub",
          claimPattern: "^[A-Z]{2}(.+)$",
        },
      },
    });
    provider.registerClient(server.url);
    const admin = await signInAs(server.url, "admin@demo.agora");
    const imported = await admin.mutate("admin.importRegistry", { fileName: "oidc.csv", csv: registryCsv([newcomer, noEmail]) });
    expect(imported.data).toMatchObject({ status: "applied", inserted: 2 });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  const isCallback = (url: URL) => url.origin === server.url && url.pathname === "/signin/oidc/callback";

  /** From the app's sign-in link to the provider's answer on its way back (not yet delivered). */
  async function throughProvider(browser: Browser, login: string, next = "/values"): Promise<string> {
    const loginPage = await browser.follow(`${server.url}/signin/oidc?next=${encodeURIComponent(next)}`);
    expect(loginPage.url.startsWith(provider.issuer), loginPage.url).toBe(true);
    expect(loginPage.html).toMatch(/name="login"/);
    const consent = await browser.submit(loginPage, { login, password: "whatever the provider asks" }, isCallback);
    const back = consent.location && isCallback(new URL(consent.location)) ? consent : await browser.submit(consent, {}, isCallback);
    expect(back.location, back.html.slice(0, 300)).toBeTruthy();
    return back.location!;
  }

  async function me(browser: Browser) {
    const session = browser.cookie("agora_session");
    return (await httpClient(server.url, { cookie: session ? `agora_session=${session}` : null }).query("auth.me")).data.user;
  }

  it("offers the provider on the sign-in page, beside the password form", async () => {
    const page = await new Browser().request(`${server.url}/signin?next=%2Fvalues`);
    expect(page.status).toBe(200);
    expect(decode(page.html)).toContain(en("signIn.withProvider", { provider: PROVIDER_NAME }));
    expect(page.html).toContain('href="/signin/oidc?next=%2Fvalues"');
    expect(page.html).toMatch(/name="password"/);
  });

  it("sends the browser with state, nonce and an S256 PKCE challenge, and keeps them in a sealed httpOnly cookie", async () => {
    const browser = new Browser();
    const leave = await browser.request(`${server.url}/signin/oidc?next=%2Fvalues`);
    expect(leave.status).toBe(302);
    const to = new URL(leave.location!);
    expect(to.origin).toBe(provider.issuer);
    expect(to.searchParams.get("client_id")).toBe(provider.clientId);
    expect(to.searchParams.get("redirect_uri")).toBe(`${server.url}/signin/oidc/callback`);
    expect(to.searchParams.get("code_challenge_method")).toBe("S256");
    for (const name of ["state", "nonce", "code_challenge"]) expect(to.searchParams.get(name)?.length, name).toBeGreaterThanOrEqual(32);
    const flow = browser.cookie("agora_oidc")!;
    expect(flow).toBeTruthy();
    // Neither the state nor the verifier can be read from the cookie.
    expect(flow).not.toContain(to.searchParams.get("state")!);
    expect(Buffer.from(flow.replace(/\./g, ""), "base64url").toString("latin1")).not.toMatch(/state|verifier|values/);
  });

  it("signs in a citizen of the imported registry as herself (EE + personal code), making her account once", async () => {
    const before = await rowCounts(server.server);
    const browser = new Browser();
    const callback = await throughProvider(browser, `EE${newcomer.personalCode}`);
    const landed = await browser.request(callback);
    expect(landed.status, landed.html.slice(0, 400)).toBe(302);
    expect(landed.location).toBe(`${server.url}/values`);
    expect(browser.cookie("agora_oidc")).toBeUndefined();
    const user = await me(browser);
    expect(user).toMatchObject({ displayName: newcomer.fullName, email: newcomer.email, roles: ["citizen"] });
    const citizen = await server.server.deps.db.selectFrom("citizens").select("id").where("personalCode", "=", newcomer.personalCode).executeTakeFirstOrThrow();
    expect(user.citizenId).toBe(citizen.id);
    expect((await rowCounts(server.server)).users).toBe(before.users + 1);

    // Her values page is hers now.
    const values = await browser.request(`${server.url}/values`);
    expect(values.status).toBe(200);

    // Next time, the same account.
    const again = new Browser();
    await again.request(await throughProvider(again, `EE${newcomer.personalCode}`));
    expect((await me(again)).id).toBe(user.id);
    expect((await rowCounts(server.server)).users).toBe(before.users + 1);
    // Its account has no password: nobody signs in to it with one.
    const tried = await httpClient(server.url).mutate("auth.signIn", { email: newcomer.email, password: "oidc" });
    expect(tried.status).toBe(400);
  });

  it("lands a citizen who already has a password account in that account", async () => {
    const password = await signInAs(server.url, "citizen1@demo.agora");
    const mari = (await password.query("auth.me")).data.user;
    const browser = new Browser();
    await browser.request(await throughProvider(browser, `EE${demoCitizen(1).personalCode}`, "/account"));
    expect(await me(browser)).toMatchObject({ id: mari.id, displayName: "Mari Tamm", email: "citizen1@demo.agora" });
  });

  it("makes an account for a registry entry without an email, at an address that receives no mail", async () => {
    const browser = new Browser();
    await browser.request(await throughProvider(browser, `EE${noEmail.personalCode}`));
    const user = await me(browser);
    expect(user).toMatchObject({ displayName: noEmail.fullName, roles: ["citizen"] });
    expect(user.email).toMatch(/@registry\.invalid$/);
  });

  it.each([
    ["en", en],
    ["et", et],
    ["ru", ru],
  ] as const)("refuses a person the registry does not know with a clear page (%s), and makes no account", async (lang, t) => {
    const before = await rowCounts(server.server);
    const browser = new Browser(lang);
    const refused = await browser.request(await throughProvider(browser, "EE39912319999"));
    expect(refused.status).toBe(403);
    const html = decode(refused.html);
    expect(html).toContain(t("oidc.unknownTitle"));
    expect(html).toContain(t("oidc.unknownLead", { provider: PROVIDER_NAME }));
    expect(html).toContain('href="/signin"');
    expect(browser.cookie("agora_session")).toBeUndefined();
    expect(await me(browser)).toBeNull();
    const after = await rowCounts(server.server);
    expect([after.users, after.sessions, after.citizens]).toEqual([before.users, before.sessions, before.citizens]);
  });

  it("refuses a claim without the configured form (no country prefix) the same way", async () => {
    const browser = new Browser();
    const refused = await browser.request(await throughProvider(browser, newcomer.personalCode));
    expect(refused.status).toBe(403);
    expect(await me(browser)).toBeNull();
  });

  it("refuses a tampered state, an answer without this browser's flow cookie, a replayed answer and a refusal at the provider", async () => {
    const failed = (answer: Answer) => {
      expect(answer.status, answer.html.slice(0, 300)).toBe(400);
      expect(decode(answer.html)).toContain(en("oidc.failedTitle"));
      expect(decode(answer.html)).toContain(en("auth.oidcFailed"));
    };

    const tampered = new Browser();
    const callback = new URL(await throughProvider(tampered, `EE${newcomer.personalCode}`));
    callback.searchParams.set("state", `${callback.searchParams.get("state")}x`);
    failed(await tampered.request(callback.href));
    expect(await me(tampered)).toBeNull();
    // The flow was used up by the failed try: the right state afterwards does not sign in either.
    callback.searchParams.set("state", callback.searchParams.get("state")!.slice(0, -1));
    failed(await tampered.request(callback.href));
    expect(await me(tampered)).toBeNull();

    // Another browser (an attacker handing over her own answer) has no flow cookie for it.
    const victim = new Browser();
    const stolen = await throughProvider(new Browser(), `EE${newcomer.personalCode}`);
    failed(await victim.request(stolen));
    expect(await me(victim)).toBeNull();

    // A flow cookie someone edited.
    const forger = new Browser();
    const answer = await throughProvider(forger, `EE${newcomer.personalCode}`);
    const flow = forger.cookie("agora_oidc")!;
    forger.setCookie("agora_oidc", `${flow.slice(0, -2)}${flow.endsWith("A") ? "B" : "A"}A`);
    failed(await forger.request(answer));

    // The provider said no (the person cancelled): state matches, but there is no code.
    const cancelled = new Browser();
    const leave = await cancelled.request(`${server.url}/signin/oidc`);
    const state = new URL(leave.location!).searchParams.get("state")!;
    failed(await cancelled.request(`${server.url}/signin/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`));
  });

  it("signs out of an OIDC session here and at the provider, and a password session only here", async () => {
    const browser = new Browser();
    await browser.request(await throughProvider(browser, `EE${newcomer.personalCode}`));
    const session = browser.cookie("agora_session")!;
    const signinPage = await browser.request(`${server.url}/signin`);
    expect(signinPage.status).toBe(302); // signed in: sent on
    const home = await browser.request(`${server.url}/`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(home.html)![1]!;
    const out = await browser.request(`${server.url}/signout`, { method: "POST", form: { csrf } });
    expect(out.status).toBe(302);
    const endSession = new URL(out.location!);
    expect(endSession.origin).toBe(provider.issuer);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${server.url}/`);
    expect(endSession.searchParams.get("id_token_hint")).toBeTruthy();
    // The local session is over at once, whatever happens at the provider.
    expect((await httpClient(server.url, { cookie: `agora_session=${session}` }).query("auth.me")).data.user).toBeNull();
    // The provider asks to confirm, then sends the person back to our front page.
    const confirm = await browser.follow(endSession.href);
    expect(confirm.html).toContain("Yes, sign me out");
    const back = await browser.submit(confirm, { logout: "yes" }, (url) => url.origin === server.url);
    expect(back.location).toBe(`${server.url}/`);

    const password = new Browser();
    const client = await signInAs(server.url, "citizen2@demo.agora");
    password.setCookie("agora_session", client.cookie!.split("=")[1]!);
    const page = await password.request(`${server.url}/`);
    const token = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const plain = await password.request(`${server.url}/signout`, { method: "POST", form: { csrf: token } });
    expect(plain.location).toBe(`${server.url}/`);
  });

  it("answers failed returns from one address with 429 after the sign-in limit, and others still sign in", async () => {
    const browser = new Browser();
    for (let i = 0; i < LIMITS.oidcSignInAddress.points; i++) {
      const answer = await browser.request(`${server.url}/signin/oidc/callback?code=x&state=y`);
      expect(answer.status, `failure ${i + 1}`).toBe(400);
    }
    const limited = await browser.request(`${server.url}/signin/oidc/callback?code=x&state=y`);
    expect(limited.status).toBe(429);
    expect(decode(limited.html)).toMatch(/Too many sign-in attempts/);

    const other = new Browser();
    await other.request(await throughProvider(other, `EE${newcomer.personalCode}`));
    expect(await me(other)).toMatchObject({ displayName: newcomer.fullName });
  });
});
