import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/connection.js";
import { DEMO_PASSWORD } from "../../db/seed.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { dialects, httpClient } from "../support/database.js";
import { freshDatabase, type ServerProcess, seededDatabase, startServerProcess } from "./cluster-support.js";

/**
 * Issue 16, point 4 (decision 17): with two server processes on one PostgreSQL database the limits are
 * one set of counters (rate_limits), not one per process. Measured before: 10 wrong sign-ins across two
 * processes instead of 5.
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
const wanted = dialects().includes("postgres");
const CONTEXT = "ai-decisions-about-people";

describe.runIf(wanted && BASE_URL)("limits across two server processes on one PostgreSQL database", () => {
  let database: { url: string; drop(): Promise<void> };
  let handle: DbHandle;
  let model: ScriptedServer;
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await freshDatabase(BASE_URL!);
    handle = await seededDatabase(database.url);
    await handle.db
      .insertInto("contexts")
      .values({
        id: CONTEXT,
        title: "AI systems that make decisions about people",
        titleEt: null,
        description: "Automated decisions.",
        createdAt: new Date().toISOString(),
      })
      .execute();
    model = await startScriptedServer({
      respond: (request) =>
        request.task === "values.draft"
          ? {
              delayMs: 800,
              json: {
                title: "Being heard by someone who can change it",
                description: "When a system decides about my family, I want a person who listens and can act.",
                policies: ["MOMENTS when nobody can explain a decision", "WAYS to reach a person with the power to change it"],
              },
            }
          : { status: 400, message: `unexpected task ${request.task}` },
    });
    const env = {
      DATABASE_URL: database.url,
      AGORA_PROCESSES: "2",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test-key",
      AGORA_MODEL: "scripted-model",
      AGORA_LLM_TIMEOUT_MS: "5000",
      AGORA_DB_POOL: "4",
      SESSION_SECRET: "a-session-secret-shared-by-every-process-of-the-test",
    };
    processes.push(...(await Promise.all(["l0", "l1"].map((name) => startServerProcess(name, env)))));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await model?.close();
    await handle?.close();
    await database?.drop();
  }, 20_000);

  it("counts wrong sign-ins for one account and address once, whichever process answers: the sixth is refused", async () => {
    const address = "203.0.113.50";
    const on = (i: number) => httpClient(processes[i % 2]!.url, { address });
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await on(attempt).mutate("auth.signIn", { email: "delegate3@demo.agora", password: `wrong ${attempt}` });
      expect(response.status, `attempt ${attempt} on ${processes[attempt % 2]!.name}`).toBe(400);
    }
    for (const i of [0, 1]) {
      const refused = await on(i).mutate("auth.signIn", { email: "delegate3@demo.agora", password: DEMO_PASSWORD });
      expect(refused.status, `on ${processes[i]!.name}`).toBe(429);
      expect(refused.error?.data.key).toBe("auth.tooManyAttempts");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
    }
    // Her own address was never part of it.
    const elsewhere = await httpClient(processes[1]!.url, { address: "198.51.100.3" }).mutate("auth.signIn", {
      email: "delegate3@demo.agora",
      password: DEMO_PASSWORD,
    });
    expect(elsewhere.status).toBe(200);
  });

  it("holds a citizen to two model-backed calls at once across both processes; the rest are 429 and never reach the model", async () => {
    const citizen = httpClient(processes[0]!.url);
    await citizen.signIn("citizen1@demo.agora");
    const before = model.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        httpClient(processes[i % 2]!.url, { address: citizen.address, cookie: citizen.cookie }).mutate("values.draft", {
          contextId: CONTEXT,
          choice: "Whether to appeal a benefits decision a computer made about my mother",
          noticed: "Whether anyone could tell us why",
          mattered: "Being heard by someone who can change it",
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) expect(refused.error?.data.key).toBe("limits.busy");
    expect(model.requests.length - before).toBe(2);
  });
});
