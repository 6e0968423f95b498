import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";

const CONTEXT = "ai-decisions-about-people";

/** The same citizen paths as values.test.ts, answered by a model (the scripted OpenAI-compatible server). */
describe.each(dialects())("values with a language model on %s", (dialect) => {
  let model: ScriptedServer;
  let t: TestServer;
  let mari: HttpClient;
  let jaan: HttpClient;

  beforeAll(async () => {
    model = await startScriptedServer({
      // Meaning, as far as this test needs it: does the text speak of pushing back?
      embed: (texts) => texts.map((text) => (/push(ing)? back/i.test(text) ? [1, 0, 0] : [0, 1, 0])),
      respond: (request) => {
        const data = request.data as Record<string, any>;
        switch (request.task) {
          case "values.classify":
            return /ban/i.test(String(data.title))
              ? { json: { verdict: "rule", reason: "The model reads this as a rule about what must be done.", signals: ["model.rule"] } }
              : { json: { verdict: "value", reason: "The model reads this as a value.", signals: ["model.value"] } };
          case "values.same":
            return { json: { same: true, reason: "Both attend to reaching a person who can change the outcome." } };
          case "values.upgradeStory":
            return { json: { story: `I used to think only of ${data.from.title}; now I also see ${data.to.title}.` } };
          case "values.draft":
            return {
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
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key", embeddingModel: "scripted-embeddings" } });
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
    [mari, jaan] = await Promise.all([signInAs(t.url, "citizen1@demo.agora"), signInAs(t.url, "citizen2@demo.agora")]);
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it("classifies with the model, merges through the model's judge, and records every call", async () => {
    expect(t.server.deps.llm.engine).toBe("openai");
    const rule = await mari.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Ban automated decisions",
      description: "Automated decisions about people should be banned outright.",
      policies: ["NO automated decisions", "HUMANS decide everything"],
    });
    expect(rule.data).toMatchObject({ verdict: "rule", reason: "The model reads this as a rule about what must be done.", engine: "openai" });

    const value = await mari.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Contestable automated decisions",
      description: "When a system decides about me, I want to be able to see why and push back.",
      policies: ["MOMENTS when a person realizes a machine decided about them", "WAYS to reach a human who can change the outcome"],
      revisionOf: rule.data.cardId,
    });
    expect(value.data.canonical).toMatchObject({ joined: false });

    // Few shared words, but above the candidate bar; the model's judge decides they are the same value.
    const paraphrase = await jaan.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Contesting machine decisions",
      description: "I want a way to push back when software decides about my benefits.",
      policies: ["MOMENTS when a machine decided about someone", "WAYS to reach a human who listens"],
    });
    expect(paraphrase.data.canonical).toMatchObject({ id: value.data.canonical.id, joined: true });
    const judge = model.received.find((r) => r.task === "values.same");
    expect(judge?.data).toMatchObject({ a: { title: "Contesting machine decisions" }, b: { title: "Contestable automated decisions" } });

    const calls = await t.server.deps.db.selectFrom("llmCalls").select(["purpose", "engine", "model", "status", "prompt", "response"]).execute();
    const chat = calls.filter((c) => c.purpose !== "values.embed");
    expect(chat.every((c) => c.engine === "openai" && c.model === "scripted-model" && c.status === "ok")).toBe(true);
    expect(calls.map((c) => c.purpose)).toEqual(expect.arrayContaining(["values.classify", "values.same"]));
    // Citizen text travels as data inside the delimited block, never as the system's instructions.
    const classify = calls.find((c) => c.purpose === "values.classify")!;
    const [system, user] = JSON.parse(classify.prompt) as { role: string; content: string }[];
    expect(system!.role).toBe("system");
    expect(system!.content).not.toContain("Ban automated decisions");
    expect(user!.content).toMatch(/<<<AGORA_DATA[\s\S]*Ban automated decisions[\s\S]*AGORA_DATA>>>/);
  });

  it("finds a near-duplicate by meaning when it shares almost no words", async () => {
    const [founder] = await t.server.deps.db
      .selectFrom("canonicalValues")
      .select(["id", "embedding"])
      .where("title", "=", "Contestable automated decisions")
      .execute();
    expect(JSON.parse(founder!.embedding!)).toEqual([1, 0, 0]);
    const judged = model.received.filter((r) => r.task === "values.same").length;
    // Another citizen's words (Jaan's card already joined this value: his would be refused as his value again).
    const kadri = await signInAs(t.url, "citizen3@demo.agora");
    const res = await kadri.mutate("values.submit", {
      contextId: CONTEXT,
      title: "Pushing back on software verdicts",
      description: "Software rules on my family's benefits; we need to be able to push back.",
      policies: ["OCCASIONS when software ruled on someone", "ROUTES to a person able to reverse it"],
    });
    expect(res.data.canonical).toMatchObject({ id: founder!.id, joined: true });
    expect(model.embedded.at(-1)?.[0]).toContain("Pushing back on software verdicts");
    expect(model.received.filter((r) => r.task === "values.same")).toHaveLength(judged + 1);
    const embedCalls = await t.server.deps.db.selectFrom("llmCalls").select(["model", "status"]).where("purpose", "=", "values.embed").execute();
    expect(embedCalls.length).toBeGreaterThanOrEqual(3);
    expect(embedCalls.every((c) => c.model === "scripted-embeddings" && c.status === "ok")).toBe(true);
  });

  it("drafts a card from the guided conversation with the model", async () => {
    const res = await mari.mutate("values.draft", {
      contextId: CONTEXT,
      choice: "Whether to appeal a benefits decision a computer made about my mother",
      noticed: "Whether anyone could tell us why\nWhether a person would listen",
      mattered: "Being heard by someone who can change it",
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ engine: "openai", draft: { title: "Being heard by someone who can change it" } });
    expect(res.data.draft.policies).toHaveLength(2);
  });
});
