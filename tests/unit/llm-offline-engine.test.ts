import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEngine } from "../../deliberation/llm/index.js";
import { createOfflineEngine, OFFLINE_MODEL } from "../../deliberation/llm/offline.js";
import { LlmError, type CallRecorder, type LlmCallRecord, type Task } from "../../deliberation/llm/port.js";

const RelevanceInput = z.object({
  text: z.string().max(10_000),
  values: z.array(z.object({ id: z.string(), policies: z.array(z.string()) })),
});
const Relevance = z.object({
  relevant: z.array(z.object({ valueId: z.string(), matches: z.array(z.string()) })),
  explanation: z.string(),
});
type RelevanceInput = z.infer<typeof RelevanceInput>;
type Relevance = z.infer<typeof Relevance>;

/** A small real reasoner: a value is relevant when the text mentions words of its attentional policies. */
function relevanceOffline(input: RelevanceInput): Relevance {
  const words = new Set(input.text.toLowerCase().match(/[a-z]+/g) ?? []);
  const relevant = input.values
    .map((value) => ({
      valueId: value.id,
      matches: value.policies.filter((policy) =>
        policy
          .toLowerCase()
          .split(/\s+/)
          .some((word) => words.has(word)),
      ),
    }))
    .filter((entry) => entry.matches.length > 0);
  return { relevant, explanation: `${relevant.length} of ${input.values.length} values have policies the text touches` };
}

const relevanceTask: Task<RelevanceInput, Relevance> = {
  name: "test.relevance",
  instructions: "Say which mandate values are relevant to the text.",
  input: RelevanceInput,
  output: Relevance,
  offline: relevanceOffline,
};

const input: RelevanceInput = {
  text: "Facial recognition in public squares erodes privacy and chills assembly.",
  values: [
    { id: "v-privacy", policies: ["moments where privacy is at stake", "who holds the data"] },
    { id: "v-safety", policies: ["harm to children"] },
    { id: "v-assembly", policies: ["freedom of assembly in public space"] },
  ],
};

function harness() {
  const records: LlmCallRecord[] = [];
  const recorder: CallRecorder = { record: async (call) => void records.push(call) };
  let tick = 0;
  const clock = { now: () => new Date(Date.UTC(2026, 0, 1, 12, 0, 0, (tick += 5))) };
  let next = 0;
  const ids = () => `call-${++next}`;
  return { records, recorder, clock, ids, engine: createOfflineEngine({ recorder, clock, ids }) };
}

describe("offline engine", () => {
  it("answers a task through the port and records the call", async () => {
    const { engine, records } = harness();
    expect(engine.engine).toBe("offline");
    expect(engine.model).toBe(OFFLINE_MODEL);

    const result = await engine.run(relevanceTask, input, { matterId: "matter-1" });
    expect(result.output.relevant.map((entry) => entry.valueId)).toEqual(["v-privacy", "v-assembly"]);
    expect(result).toMatchObject({ callId: "call-1", engine: "offline", model: "agora-offline-1", tokensIn: 0, tokensOut: 0 });
    expect(result.problems).toBeUndefined();

    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({
      id: "call-1",
      matterId: "matter-1",
      purpose: "test.relevance",
      engine: "offline",
      model: "agora-offline-1",
      tokensIn: 0,
      tokensOut: 0,
      status: "ok",
      error: null,
    });
    expect(record.prompt).toEqual(input);
    expect(JSON.parse(record.response!)).toEqual(result.output);
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(record.createdAt).toMatch(/^2026-01-01T12:00:00\.\d{3}Z$/);
  });

  it("is deterministic", async () => {
    const first = harness();
    const second = harness();
    const a = await first.engine.run(relevanceTask, input);
    const b = await second.engine.run(relevanceTask, input);
    expect(b.output).toEqual(a.output);
    expect(second.records[0]!.response).toBe(first.records[0]!.response);
    expect(second.records[0]!.matterId).toBeNull();
  });

  it("streams the answer in fragments that add up to the recorded response", async () => {
    const { engine, records } = harness();
    const fragments: string[] = [];
    await engine.run(relevanceTask, input, { onToken: (fragment) => fragments.push(fragment) });
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments.join("")).toBe(records[0]!.response);
  });

  it("rejects an offline answer that fails the output schema, and records it as an error", async () => {
    const { engine, records } = harness();
    const broken: Task<RelevanceInput, Relevance> = {
      ...relevanceTask,
      name: "test.broken",
      offline: () => ({ relevant: [{ valueId: 42 }], explanation: "" }) as unknown as Relevance,
    };
    const run = engine.run(broken, input);
    await expect(run).rejects.toBeInstanceOf(LlmError);
    await expect(run).rejects.toMatchObject({ reason: "invalid_output" });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "error", purpose: "test.broken" });
    expect(records[0]!.error).toMatch(/schema/);
  });

  it("returns the answer with the problems its validate hook finds", async () => {
    const { engine, records } = harness();
    const strict: Task<RelevanceInput, Relevance> = {
      ...relevanceTask,
      validate: (output) => (output.relevant.length > 1 ? [`${output.relevant.length} values found, at most 1 allowed`] : []),
    };
    const result = await engine.run(strict, input);
    expect(result.problems).toEqual(["2 values found, at most 1 allowed"]);
    expect(records[0]).toMatchObject({ status: "ok", error: "validation: 2 values found, at most 1 allowed" });
  });

  it("refuses to start when the caller already aborted", async () => {
    const { engine, records } = harness();
    const controller = new AbortController();
    controller.abort();
    await expect(engine.run(relevanceTask, input, { signal: controller.signal })).rejects.toMatchObject({ reason: "aborted" });
    expect(records).toHaveLength(0);
  });
});

describe("createEngine", () => {
  const deps = () => {
    const { recorder, clock, ids } = harness();
    return { recorder, clock, ids };
  };

  it("runs offline when no endpoint is configured", () => {
    expect(createEngine({ ...deps() }).engine).toBe("offline");
    expect(createEngine({ ...deps(), baseUrl: "http://127.0.0.1:9/v1", apiKey: "" }).engine).toBe("offline");
  });

  it("talks to the endpoint when both its URL and key are given", () => {
    const engine = createEngine({ ...deps(), baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", model: "some-model" });
    expect(engine.engine).toBe("openai");
    expect(engine.model).toBe("some-model");
  });

  it("insists on a model name for an endpoint", () => {
    expect(() => createEngine({ ...deps(), baseUrl: "http://127.0.0.1:9/v1", apiKey: "k" })).toThrow(/model/);
  });
});
