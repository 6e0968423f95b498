import { afterAll, describe, expect, it } from "vitest";
import { createOfflineEngine } from "../../deliberation/llm/offline.js";
import type { LlmCallRecord } from "../../deliberation/llm/port.js";
import { classifyOffline, valueClassifyTask } from "../../deliberation/values/gate.js";
import { storyLanguage, upgradeStoryTask } from "../../deliberation/values/stories.js";
import { readTask } from "../../deliberation/protocol/tasks.js";
import { createOfflineWorker } from "../../server/services/offline-worker.server.js";
import { FIXTURE_CLAUSES, FIXTURE_VALUES } from "../fixtures/deliberation.js";
import { CONTEXT_TITLES, GATE_CORPUS } from "../fixtures/value-corpus.js";

/**
 * The server's offline engine reads value cards, and a deliberation's clauses against values, in a
 * worker thread (decision 18): the same verdicts as read in place, recorded the same way; the tasks
 * the worker does not run still run in place.
 */
describe("the offline worker", () => {
  const worker = createOfflineWorker();
  afterAll(() => worker.terminate());

  function engine(offload = worker.offload) {
    const records: LlmCallRecord[] = [];
    let next = 0;
    const llm = createOfflineEngine({
      recorder: { record: async (call) => void records.push(call) },
      clock: { now: () => new Date(Date.UTC(2026, 0, 1)) },
      ids: () => `call-${++next}`,
      offload,
    });
    return { llm, records };
  }

  it("reads every card of the gate corpus as the gate does in place", async () => {
    const { llm, records } = engine();
    const entries = GATE_CORPUS.slice(0, 40);
    // Asked all at once, as a busy intake does: every answer comes back to its own call.
    const verdicts = await Promise.all(entries.map((entry) => llm.run(valueClassifyTask, { ...entry.card, contextTitle: CONTEXT_TITLES[entry.context] })));
    for (const [k, entry] of entries.entries()) {
      expect(verdicts[k]!.output).toEqual(classifyOffline({ ...entry.card, contextTitle: CONTEXT_TITLES[entry.context] }));
    }
    expect(records).toHaveLength(entries.length);
    expect(records.every((r) => r.status === "ok" && r.purpose === "values.classify" && r.engine === "offline")).toBe(true);
  });

  it("reads every clause of the fixture rule against its values as the reader does in place", async () => {
    const sentAway: string[] = [];
    const { llm, records } = engine((name, input) => {
      const answer = worker.offload(name, input);
      if (answer) sentAway.push(name);
      return answer;
    });
    const values = FIXTURE_VALUES.map((v, i) => ({ valueId: `value-${i}`, ...v }));
    const inputs = FIXTURE_CLAUSES.map((text, i) => ({ language: "en" as const, option: { id: `option-${i}`, text }, values }));
    const readings = await Promise.all(inputs.map((input) => llm.run(readTask, input)));
    for (const [k, input] of inputs.entries()) expect(readings[k]!.output).toEqual(readTask.offline(input));
    // Not a trivial agreement: the fixture's rule erodes some of its values and honours others.
    const verdicts = new Set(readings.flatMap((r) => r.output.readings.map((reading) => reading.verdict)));
    expect(verdicts).toEqual(new Set(["honours", "erodes", "silent"]));
    expect(sentAway).toEqual(inputs.map(() => "deliberation.read"));
    expect(records.every((r) => r.status === "ok" && r.purpose === "deliberation.read")).toBe(true);
  });

  it("leaves the tasks it does not run to the engine", async () => {
    const asked: string[] = [];
    const { llm } = engine((name, input) => {
      asked.push(name);
      return worker.offload(name, input);
    });
    const from = { title: "Plain explanations", description: "I want reasons I can understand.", policies: ["WORDS a pensioner understands"] };
    const to = { title: "Contestable decisions", description: "I want a way to push back.", policies: ["WAYS to reach a human"] };
    const language = storyLanguage(from, to);
    const story = await llm.run(upgradeStoryTask, { contextTitle: "AI decisions", language, from, to });
    expect(story.output).toEqual(upgradeStoryTask.offline({ contextTitle: "AI decisions", language, from, to }));
    expect(asked).toEqual(["values.upgradeStory"]);
  });

  it("records a reading that fails in the worker as a failed call, with its message", async () => {
    const { llm, records } = engine(() => Promise.reject(new Error("the worker could not read it")));
    await expect(llm.run(valueClassifyTask, { title: "t", description: "d", policies: [] })).rejects.toThrow("the worker could not read it");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "error", error: "offline reasoner failed: the worker could not read it" });
  });
});
