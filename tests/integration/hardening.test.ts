import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeNext } from "../../app/utils/api.server.js";
import { dialects, httpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";

/** What a review of the first version found open: each case here was once answered wrongly. */
describe.each(dialects())("hardening on %s", (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(() => t?.close());

  it("counts sign-in guesses sent all at once before checking any of them", async () => {
    // The limits live in the process, which both dialects' suites share: each gets its own account and addresses.
    const [victim, owner, net] = dialect === "sqlite" ? ["citizen9", "citizen10", 9] : ["citizen11", "citizen12", 19];
    const attacker = httpClient(t.url, { address: `10.9.${net}.9` });
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attacker.mutate("auth.signIn", { email: `${victim}@demo.agora`, password: `guess number ${i}` })),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    // Even the right password is refused from there now.
    expect((await attacker.mutate("auth.signIn", { email: `${victim}@demo.agora`, password: "agora-demo" })).status).toBe(429);
    // A success gives its point back: the owner signing in repeatedly from her address is never locked out.
    const home = httpClient(t.url, { address: `10.9.${net}.10` });
    for (let i = 0; i < 8; i++) expect((await home.mutate("auth.signIn", { email: `${owner}@demo.agora`, password: "agora-demo" })).status).toBe(200);
  });

  it("ends the browser's previous session when someone signs in on it", async () => {
    const browser = await signInAs(t.url, "citizen4@demo.agora");
    const before = browser.cookie;
    await browser.signIn("citizen5@demo.agora");
    const stale = httpClient(t.url, { cookie: before });
    expect((await stale.query("auth.me")).data.user).toBeNull();
  });

  it("refuses NUL characters in any text, on both databases, with a 400", async () => {
    const mari = await signInAs(t.url, "citizen1@demo.agora");
    const res = await mari.mutate("values.judge", { pairId: "no-such-pair", answer: "wiser", why: "a\u0000b" });
    expect(res.status).toBe(400);
    expect(res.error?.message).toMatch(/NUL/);
    const admin = await signInAs(t.url, "admin@demo.agora");
    expect((await admin.query("admin.users", { query: "x\u0000" })).status).toBe(400);
  });

  it("refuses a form post of unstated length instead of reading it whole", async () => {
    const url = new URL(`${t.url}/signin`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write("email=x&");
      req.end();
    });
    expect(status).toBe(411);
  });
});

describe("safeNext", () => {
  it("keeps paths on this site and sends everything else home", () => {
    expect(safeNext("/desk")).toBe("/desk");
    expect(safeNext("/values?context=a#x")).toBe("/values?context=a#x");
    for (const hostile of ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", "evil", "", null]) {
      expect(safeNext(hostile)).toBe("/");
    }
  });
});
