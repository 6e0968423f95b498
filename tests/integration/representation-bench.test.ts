import { spawn } from "node:child_process";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figures, measureScenario } from "../../bench/lib/representation.js";
import { createEngine } from "../../deliberation/llm/index.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import { DEV } from "../fixtures/representation/index.js";

/**
 * The representation benchmark against an OpenAI-compatible endpoint (issue 13): the same measurement a
 * polity runs to choose its model. Here the endpoint is the scripted server playing a model that reads
 * as the offline reader does, so the figures must come out as the offline engine's; one that misquotes
 * every clause is read as silent throughout, and the figures say so.
 */
describe("npm run bench -- representation --engine openai", () => {
  let faithful: ScriptedServer;
  let misquoting: ScriptedServer;

  beforeAll(async () => {
    faithful = await startScriptedServer({ respond: (request) => ({ json: answerOffline(request.task, request.data) }) });
    misquoting = await startScriptedServer({
      respond: (request) => {
        const answer = answerOffline(request.task, request.data) as { readings?: { verdict: string; quote: string }[] } | null;
        for (const r of answer?.readings ?? []) if (r.verdict !== "silent") r.quote = "words the clause does not have";
        return { json: answer };
      },
    });
  });
  afterAll(async () => {
    await faithful?.close();
    await misquoting?.close();
  });

  const engineAt = (url: string) =>
    createEngine({
      baseUrl: url,
      apiKey: "test-key",
      model: "scripted",
      recorder: { record: async () => {} },
      clock: { now: () => new Date() },
      ids: randomUUID,
      timeoutMs: 5_000,
    });

  it("measures through the model's answers, checked by code like the server's", async () => {
    const scenarios = DEV.slice(0, 3);
    const offline = figures(await Promise.all(scenarios.map((s) => measureScenario(s, null))));
    const viaModel = figures(await Promise.all(scenarios.map((s) => measureScenario(s, engineAt(faithful.url)))));
    expect(viaModel).toEqual(offline);
    // Quotes that are not in the clause do not count: every reading is silent, and honours/erodes score nothing.
    const misread = await Promise.all(scenarios.map((s) => measureScenario(s, engineAt(misquoting.url))));
    expect(misread.flatMap((r) => r.pairs).every((p) => p.predicted === "silent")).toBe(true);
    expect(figures(misread).reading_macro_f1).toBeLessThan(offline.reading_macro_f1);
  });

  it("runs as the README says, printing a table and the figures as its last line", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../bench/run.ts"), "representation", "--engine", "openai"], {
      env: { ...process.env, OPENAI_BASE_URL: faithful.url, OPENAI_API_KEY: "test-key", AGORA_MODEL: "scripted" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const last = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(last).toMatchObject({ bench: "representation", engine: "openai", scenarios: expect.any(Number) });
    for (const name of ["reading_macro_f1", "stance_accuracy", "worst_off_mean", "worst_off_min", "false_approvals", "hygiene_violations"])
      expect(typeof last[name]).toBe("number");
    expect(out).toContain("holdout");
  }, 120_000);
});
