import type { CallRecorder, Clock, IdGenerator, LlmPort, RunOptions, Task, TaskResult } from "./port.js";
import { LlmError } from "./port.js";

export const OFFLINE_MODEL = "agora-offline-1";

export interface OfflineEngineOptions {
  recorder: CallRecorder;
  clock: Clock;
  ids: IdGenerator;
  /**
   * Runs a task's offline function elsewhere (a worker thread) and answers with its output, or
   * returns undefined for a task it does not run: that one runs here. The server sends the gate
   * there, so a card's reading never holds the event loop (decision 18).
   */
  offload?: OfflineOffload;
}

/** Where offline functions run off the caller's thread: by task name, with the parsed input. */
export type OfflineOffload = (taskName: string, input: unknown) => Promise<unknown> | undefined;

/** Splits an answer into a few fragments so the live transcript streams as it does with a model. */
export function fragmentsOf(text: string, maxFragments = 8, minLength = 24): string[] {
  if (text === "") return [];
  const size = Math.max(minLength, Math.ceil(text.length / maxFragments));
  const fragments: string[] = [];
  for (let at = 0; at < text.length; at += size) fragments.push(text.slice(at, at + size));
  return fragments;
}

/** Answers every task with its own deterministic `offline` function, recorded like a model call. */
export function createOfflineEngine({ recorder, clock, ids, offload }: OfflineEngineOptions): LlmPort {
  return {
    engine: "offline",
    model: OFFLINE_MODEL,
    async run<Input, Output>(task: Task<Input, Output>, input: Input, options: RunOptions = {}): Promise<TaskResult<Output>> {
      if (options.signal?.aborted) throw new LlmError(`${task.name}: aborted before it started`, "aborted");
      const id = ids();
      const startedAt = clock.now();
      const matterId = options.matterId ?? null;
      const taskInput = task.input.parse(input);
      const record = (status: "ok" | "error", response: string | null, error: string | null) =>
        (options.recorder ?? recorder).record({
          id,
          matterId,
          purpose: task.name,
          engine: "offline",
          model: OFFLINE_MODEL,
          prompt: taskInput,
          response,
          tokensIn: 0,
          tokensOut: 0,
          latencyMs: Math.max(0, clock.now().getTime() - startedAt.getTime()),
          status,
          error,
          createdAt: startedAt.toISOString(),
        });

      let raw: Output;
      try {
        const elsewhere = offload?.(task.name, taskInput);
        raw = elsewhere ? ((await elsewhere) as Output) : task.offline(taskInput);
      } catch (error) {
        await record("error", null, `offline reasoner failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
      const response = JSON.stringify(raw) ?? "null";
      const parsed = task.output.safeParse(raw);
      if (!parsed.success) {
        const problem = `output does not match the schema: ${parsed.error.message}`;
        await record("error", response, problem);
        throw new LlmError(`${task.name}: ${problem}`, "invalid_output");
      }
      const problems = task.validate?.(parsed.data, taskInput) ?? [];
      // The answer stands even with problems (nothing to retry deterministically); they travel with it.
      await record("ok", response, problems.length > 0 ? `validation: ${problems.join("; ")}` : null);
      if (options.onToken) for (const fragment of fragmentsOf(response)) options.onToken(fragment);

      return {
        output: parsed.data,
        callId: id,
        engine: "offline",
        model: OFFLINE_MODEL,
        tokensIn: 0,
        tokensOut: 0,
        latencyMs: Math.max(0, clock.now().getTime() - startedAt.getTime()),
        ...(problems.length > 0 ? { problems } : {}),
      };
    },
  };
}
