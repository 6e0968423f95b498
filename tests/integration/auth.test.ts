import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen, registryCsv } from "../../db/factories.js";
import { DEMO_PASSWORD } from "../../db/seed.js";
import { dialects, httpClient, isReadableMessage, rowCounts, sessionCookie, signInAs, startTestServer, type TestServer } from "../support/database.js";

describe.each(dialects())("sign-in, sign-up and sessions over HTTP (%s)", (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function usersCount() {
    return (await rowCounts(server.server)).users;
  }

  it("signs in with an httpOnly, SameSite=Lax session cookie, and auth.me then knows the user and roles", async () => {
    const client = httpClient(server.url);
    const response = await client.mutate("auth.signIn", { email: "delegate1@demo.agora", password: DEMO_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.data.user).toMatchObject({ email: "delegate1@demo.agora", roles: ["delegate"] });
    expect(response.data.user).not.toHaveProperty("passwordHash");

    const line = response.headers.getSetCookie().find((l) => l.startsWith("agora_session="));
    expect(line).toBeDefined();
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\//i);
    expect(line).toMatch(/;\s*Max-Age=\d+/i);

    client.cookie = sessionCookie(response.headers);
    const me = await client.query("auth.me");
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ user: { email: "delegate1@demo.agora", displayName: "Jaan Sepp", roles: ["delegate"] }, engine: "offline" });

    const anonymous = await httpClient(server.url).query("auth.me");
    expect(anonymous.data.user).toBeNull();
  });

  it("accepts the email in any case and with spaces around it", async () => {
    const response = await httpClient(server.url).mutate("auth.signIn", { email: "  Clerk@Demo.Agora ", password: DEMO_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.data.user.roles).toEqual(["clerk"]);
  });

  it("refuses a wrong password with 400 and a readable message, and sets no cookie", async () => {
    const response = await httpClient(server.url).mutate("auth.signIn", { email: "citizen1@demo.agora", password: "not the password" });
    expect(response.status).toBe(400);
    expect(isReadableMessage(response.error?.message)).toBe(true);
    expect(response.error?.message).toMatch(/email and password do not match/i);
    expect(response.error?.data.key).toBe("auth.invalidCredentials");
    expect(sessionCookie(response.headers)).toBeNull();

    // An unknown email gets the very same answer: the API does not tell who has an account.
    const unknown = await httpClient(server.url).mutate("auth.signIn", { email: "nobody@demo.agora", password: "whatever it is" });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toBe(response.error?.message);
  });

  it("answers 429 on the sixth wrong try for one email, even with the right password then", async () => {
    const client = httpClient(server.url);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await client.mutate("auth.signIn", { email: "delegate2@demo.agora", password: `wrong ${attempt}` });
      expect(response.status, `attempt ${attempt}`).toBe(400);
    }
    const sixth = await client.mutate("auth.signIn", { email: "delegate2@demo.agora", password: "wrong 6" });
    expect(sixth.status).toBe(429);
    expect(sixth.error?.data.key).toBe("auth.tooManyAttempts");
    expect(isReadableMessage(sixth.error?.message)).toBe(true);
    expect(sixth.error?.message).toMatch(/too many/i);

    const right = await client.mutate("auth.signIn", { email: "delegate2@demo.agora", password: DEMO_PASSWORD });
    expect(right.status).toBe(429);
    // The lock is per email and address: the person at another address is not locked out.
    const elsewhere = await httpClient(server.url).mutate("auth.signIn", { email: "delegate2@demo.agora", password: DEMO_PASSWORD });
    expect(elsewhere.status).toBe(200);
  });

  it("signs out: the session ends on the server, so the old cookie no longer works", async () => {
    const client = await signInAs(server.url, "citizen3@demo.agora");
    const cookie = client.cookie;
    expect((await client.query("auth.me")).data.user.email).toBe("citizen3@demo.agora");
    expect((await client.query("auth.profile")).status).toBe(200);

    const out = await client.mutate("auth.signOut");
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((l) => /^agora_session=;/.test(l) && /Max-Age=0/i.test(l))).toBe(true);

    // Replaying the old cookie, as a thief who copied it would.
    const replay = httpClient(server.url, { cookie });
    expect((await replay.query("auth.me")).data.user).toBeNull();
    expect((await replay.query("auth.profile")).status).toBe(401);
    expect((await replay.mutate("auth.signOut")).status).toBe(401);
  });

  it("signs up a person in the registry, links the citizen and gives the citizen role", async () => {
    const person = demoCitizen(40);
    const client = httpClient(server.url);
    const response = await client.mutate("auth.signUp", {
      email: person.email,
      password: "a password of length",
      displayName: "Citizen Forty",
      personalCode: person.personalCode,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const citizen = await server.server.deps.db.selectFrom("citizens").select(["id"]).where("personalCode", "=", person.personalCode).executeTakeFirstOrThrow();
    expect(response.data.user).toMatchObject({ email: person.email, displayName: "Citizen Forty", citizenId: citizen.id, roles: ["citizen"] });

    client.cookie = sessionCookie(response.headers);
    expect(client.cookie).not.toBeNull();
    const me = await client.query("auth.me");
    expect(me.data.user).toMatchObject({ email: person.email, citizenId: citizen.id, roles: ["citizen"] });
    const profile = await client.query("auth.profile");
    expect(profile.data.citizen).toEqual({ fullName: person.fullName, district: person.district });

    // The new password works for a fresh sign-in.
    await signInAs(server.url, person.email, "a password of length");
  });

  it("refuses a person who is not in the registry, and writes nothing", async () => {
    const before = await rowCounts(server.server);
    const stranger = demoCitizen(900); // A valid personal code the demo registry does not hold.
    const cases = [
      { email: "stranger@example.org", password: "a password of length", displayName: "Stranger", personalCode: stranger.personalCode },
      { email: "stranger@example.org", password: "a password of length", displayName: "Stranger" },
      // A real code with someone else's email: the registry's email must match.
      { email: "stranger@example.org", password: "a password of length", displayName: "Stranger", personalCode: demoCitizen(41).personalCode },
    ];
    for (const input of cases) {
      const response = await httpClient(server.url).mutate("auth.signUp", input);
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect(response.error?.data.key).toBe("auth.notInRegistry");
      expect(response.error?.message).toMatch(/could not find you in the citizen registry/i);
      expect(isReadableMessage(response.error?.message)).toBe(true);
      expect(sessionCookie(response.headers)).toBeNull();
    }
    expect(await rowCounts(server.server)).toEqual(before);
  });

  it("refuses a second account for the same citizen with 409", async () => {
    // A registry entry without an email is the case where two emails could claim one person.
    const admin = await signInAs(server.url, "admin@demo.agora");
    const noEmail = { ...demoCitizen(150), email: "" };
    const imported = await admin.mutate("admin.importRegistry", { fileName: "no-email.csv", csv: registryCsv([noEmail]) });
    expect(imported.data).toMatchObject({ status: "applied", inserted: 1 });

    const first = await httpClient(server.url).mutate("auth.signUp", {
      email: "first.claim@example.org",
      password: "a password of length",
      displayName: "First Claim",
      personalCode: noEmail.personalCode,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);

    const users = await usersCount();
    const second = await httpClient(server.url).mutate("auth.signUp", {
      email: "second.claim@example.org",
      password: "a password of length",
      displayName: "Second Claim",
      personalCode: noEmail.personalCode,
    });
    expect(second.status).toBe(409);
    expect(second.error?.data.key).toBe("auth.citizenTaken");
    expect(isReadableMessage(second.error?.message)).toBe(true);
    expect(await usersCount()).toBe(users);
  });

  it("refuses a duplicate email with 409, whatever its case", async () => {
    const users = await usersCount();
    for (const email of ["citizen1@demo.agora", "CITIZEN1@Demo.Agora"]) {
      const citizen = demoCitizen(1);
      const response = await httpClient(server.url).mutate("auth.signUp", {
        email,
        password: "a password of length",
        displayName: "Copycat",
        personalCode: citizen.personalCode,
      });
      expect(response.status, email).toBe(409);
      expect(response.error?.data.key).toBe("auth.emailTaken");
      expect(isReadableMessage(response.error?.message)).toBe(true);
    }
    expect(await usersCount()).toBe(users);
  });

  it("reports health at GET /healthz", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: dialect, engine: "offline" });
  });

  it("refuses a cross-origin POST with 403, and allows our own origin", async () => {
    const users = await usersCount();
    const person = demoCitizen(42);
    const input = { email: person.email, password: "a password of length", displayName: "X", personalCode: person.personalCode };
    const evil = await httpClient(server.url).raw("/trpc/auth.signUp", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify(input),
    });
    expect(evil.status).toBe(403);
    expect(isReadableMessage(evil.body?.error?.message)).toBe(true);
    expect(await usersCount()).toBe(users);

    // A session cookie does not help the foreign page either.
    const admin = await signInAs(server.url, "admin@demo.agora");
    const forged = await admin.raw("/trpc/admin.importRegistry", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ fileName: "x.csv", csv: registryCsv([demoCitizen(160)]) }),
    });
    expect(forged.status).toBe(403);

    const own = await httpClient(server.url).raw("/trpc/auth.signIn", {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "clerk@demo.agora", password: DEMO_PASSWORD }),
    });
    expect(own.status).toBe(200);
  });
});
