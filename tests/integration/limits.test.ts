import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { demoCitizen } from "../../db/factories.js";
import { DEMO_PASSWORD } from "../../db/seed.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { dialects, type HttpClient, httpClient, isReadableMessage, signInAs, startTestServer, type TestServer } from "../support/database.js";

const CONTEXT = "ai-decisions-about-people";
const ANSWERS = {
  contextId: CONTEXT,
  choice: "Whether to appeal a benefits decision a computer made about my mother",
  noticed: "Whether anyone could tell us why",
  mattered: "Being heard by someone who can change it",
};
const CARD = {
  contextId: CONTEXT,
  title: "Contestable automated decisions",
  description: "When a system decides about me, I want to be able to see why and push back.",
  policies: ["MOMENTS when a person realizes a machine decided about them", "WAYS to reach a human who can change the outcome"],
};

/** Retry-After in seconds, as the response says it. */
function retryAfter(headers: Headers): number {
  return Number(headers.get("retry-after"));
}

/**
 * Issue 16, point 4 (decision 17): limits nobody can turn against a person, and model-backed calls
 * that a limit or a cheap check refuses never reach the model.
 */
describe.each(dialects())("limits (%s)", (dialect) => {
  let model: ScriptedServer;
  let t: TestServer;
  /** How long the scripted model takes to answer a draft. */
  let draftDelayMs = 0;

  beforeAll(async () => {
    model = await startScriptedServer({
      respond: (request) => {
        switch (request.task) {
          case "values.classify":
            return { json: { verdict: "value", reason: "The model reads this as a value.", signals: ["model.value"] } };
          case "values.same":
            return { json: { same: false, reason: "Different concerns." } };
          case "values.upgradeStory":
            return { json: { story: "I used to think of one; now I see the other." } };
          case "values.draft":
            return {
              delayMs: draftDelayMs,
              json: {
                title: "Being heard by someone who can change it",
                description: "When a system decides about my family, I want a person who listens and can act.",
                policies: ["MOMENTS when nobody can explain a decision", "WAYS to reach a person with the power to change it"],
              },
            };
          default:
            return { status: 400, message: `unexpected task ${request.task}` };
        }
      },
    });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    await t.server.deps.db
      .insertInto("contexts")
      .values({
        id: CONTEXT,
        title: "AI systems that make decisions about people",
        titleEt: null,
        description: "Automated decisions.",
        createdAt: new Date().toISOString(),
      })
      .execute();
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  async function llmCalls(): Promise<number> {
    const row = await t.server.deps.db
      .selectFrom("llmCalls")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it("cannot be used to lock a delegate out: 20 wrong tries from 20 addresses, and she signs in from her own at once", async () => {
    const attackers = Array.from({ length: 20 }, (_, i) => httpClient(t.url, { address: `203.0.113.${i + 1}` }));
    for (const [i, attacker] of attackers.entries()) {
      const response = await attacker.mutate("auth.signIn", { email: "delegate5@demo.agora", password: `guess ${i}` });
      expect(response.status, `try ${i + 1}`).toBe(400);
    }
    const started = Date.now();
    const delegate = httpClient(t.url, { address: "198.51.100.5" });
    const signedIn = await delegate.mutate("auth.signIn", { email: "delegate5@demo.agora", password: DEMO_PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);

    // An address that has guessed already is held back now: one try per wait, the wait answered 429 with Retry-After.
    const again = attackers[0]!;
    const first = await again.mutate("auth.signIn", { email: "delegate5@demo.agora", password: "guess again" });
    expect([400, 429]).toContain(first.status);
    const held = await again.mutate("auth.signIn", { email: "delegate5@demo.agora", password: "and again" });
    expect(held.status).toBe(429);
    expect(held.error?.data.key).toBe("auth.signInWait");
    expect(isReadableMessage(held.error?.message)).toBe(true);
    const wait = retryAfter(held.headers);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(30);
    expect(translator("et")("auth.signInWait", held.error?.data.params as Record<string, number>)).toMatch(/sekundi pärast/);
    // Even the right password waits from there (no lock: a short bounded wait, then it is checked).
    const right = await again.mutate("auth.signIn", { email: "delegate5@demo.agora", password: DEMO_PASSWORD });
    expect(right.status).toBe(429);
    // The delegate, who has no wrong passwords of her own, is never held back.
    expect((await delegate.mutate("auth.signIn", { email: "delegate5@demo.agora", password: DEMO_PASSWORD })).status).toBe(200);
  });

  it("refuses a citizen's model-backed calls beyond two at once with 429, and those never reach the model", async () => {
    const citizen = await signInAs(t.url, "citizen1@demo.agora");
    const requestsBefore = model.requests.length;
    const callsBefore = await llmCalls();
    draftDelayMs = 700;
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => citizen.mutate("values.draft", ANSWERS)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
      for (const refused of answers.filter((a) => a.status === 429)) {
        expect(refused.error?.data.key).toBe("limits.busy");
        expect(retryAfter(refused.headers)).toBeGreaterThanOrEqual(1);
        expect(isReadableMessage(refused.error?.message)).toBe(true);
      }
      expect(model.requests.length - requestsBefore).toBe(2);
      expect((await llmCalls()) - callsBefore).toBe(2);
    } finally {
      draftDelayMs = 0;
    }
    // Their places are given back when they end.
    expect((await citizen.mutate("values.draft", ANSWERS)).status).toBe(200);
    // Another citizen was never held back by her.
    expect((await (await signInAs(t.url, "citizen2@demo.agora")).mutate("values.draft", ANSWERS)).status).toBe(200);
  });

  it("checks everything cheap before the gate: a refused submit records no model call", async () => {
    const mari = await signInAs(t.url, "citizen3@demo.agora");
    const jaan = await signInAs(t.url, "citizen4@demo.agora");
    const saved = await mari.mutate("values.submit", CARD);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const revised = await mari.mutate("values.submit", { ...CARD, title: "Contestable decisions by machines", revisionOf: saved.data.cardId });
    expect(revised.status).toBe(200);

    const requestsBefore = model.requests.length;
    const callsBefore = await llmCalls();
    const refusals: [HttpClient, unknown, number][] = [
      [mari, { ...CARD, contextId: "no-such-context" }, 400],
      [mari, { ...CARD, policies: ["too short"] }, 400],
      [jaan, { ...CARD, revisionOf: revised.data.cardId }, 404], // not hers
      [mari, { ...CARD, revisionOf: saved.data.cardId }, 409], // revised already
      [mari, { ...CARD, revisionOf: "00000000-0000-4000-8000-000000000000" }, 404],
    ];
    // Each refusal counts against her hourly number (a limit on calls, refused or not), so a few rounds.
    for (let round = 0; round < 5; round++) {
      for (const [client, input, status] of refusals) expect((await client.mutate("values.submit", input)).status).toBe(status);
    }
    expect(model.requests.length).toBe(requestsBefore);
    expect(await llmCalls()).toBe(callsBefore);
  });

  it("with a model, holds each citizen to an hourly number of drafts: then 429 with Retry-After, before the model", async () => {
    const citizen = await signInAs(t.url, "citizen5@demo.agora");
    for (let i = 1; i <= 30; i++) expect((await citizen.mutate("values.draft", ANSWERS)).status, `draft ${i}`).toBe(200);
    const requestsBefore = model.requests.length;
    const refused = await citizen.mutate("values.draft", ANSWERS);
    expect(refused.status).toBe(429);
    expect(refused.error?.data.key).toBe("limits.modelCalls");
    expect(retryAfter(refused.headers)).toBeGreaterThan(60);
    expect(translator("et")("limits.modelCalls", refused.error?.data.params as Record<string, number>)).toMatch(/minuti pärast/);
    expect(model.requests.length).toBe(requestsBefore);
  });

  it("lets a library sign up its readers from one address, and holds one personal code to ten tries an hour", async () => {
    const library = "192.0.2.77";
    for (let n = 13; n <= 52; n++) {
      const person = demoCitizen(n);
      const response = await httpClient(t.url, { address: library }).mutate("auth.signUp", {
        email: person.email,
        password: "a password of length",
        displayName: person.fullName,
        personalCode: person.personalCode,
      });
      expect(response.status, `reader ${n}: ${JSON.stringify(response.body)}`).toBe(200);
    }
    const target = demoCitizen(60);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await httpClient(t.url).mutate("auth.signUp", {
        email: `someone${i}@example.org`,
        password: "a password of length",
        displayName: "Someone",
        personalCode: target.personalCode,
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.error?.data.key).toBe("auth.tooManySignUps");
        expect(retryAfter(response.headers)).toBeGreaterThan(60);
      }
    }
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
  });
});
