import type { LlmPort, Task } from "../llm/port.js";
import {
  apply,
  type CallEffect,
  type CallMeta,
  type DeliberationState,
  grounded,
  initialState,
  plan,
  type ProtocolEvent,
  resultEvent,
  type StartedPayload,
} from "./machine.js";
import { isLocal, PROTOCOL_TASKS } from "./tasks.js";

/**
 * Runs a deliberation to its draft in memory, without a ledger: the pure core's plan, each wave of
 * calls answered together, results folded in order. The benchmark uses it to measure representation
 * with the offline engine or a model; tests use it to check the protocol's properties. The server's
 * runner does the same work durably (server/services/deliberation.server.ts).
 */
export interface DriveOptions {
  /** The engine for the tasks that need judgement (reading, wording); computed tasks always run here. */
  engine?: LlmPort | null;
  /** Calls at once when an engine is given. */
  concurrency?: number;
  /** Events a test or the benchmark injects once the state reaches a point (e.g. a delegate's amendment). */
  onEvent?: (event: ProtocolEvent, state: DeliberationState) => void;
}

const meta = (key: string, engine: string, model: string, tokens: number): CallMeta => ({
  callId: `local:${key}`,
  callIds: [`local:${key}`],
  engine,
  model,
  tokens,
  latencyMs: 0,
  flags: [],
});

export async function answer(effect: CallEffect, state: DeliberationState, engine: LlmPort | null | undefined): Promise<ProtocolEvent> {
  const task = PROTOCOL_TASKS[effect.task] as Task<unknown, unknown>;
  if (!engine || engine.engine === "offline" || isLocal(task)) {
    const output = task.output.parse(task.offline(task.input.parse(effect.input)));
    return resultEvent(effect, grounded(effect, output, "offline"), meta(effect.key, "offline", "agora-offline-1", 0), state);
  }
  const result = await engine.run(task, effect.input);
  const call = {
    ...meta(effect.key, result.engine, result.model, result.tokensIn + result.tokensOut),
    callId: result.callId,
    callIds: [result.callId],
    flags: result.problems ?? [],
  };
  return resultEvent(effect, grounded(effect, result.output, result.model), call, state);
}

export async function drive(
  matterId: string,
  started: StartedPayload,
  options: DriveOptions = {},
): Promise<{ state: DeliberationState; events: ProtocolEvent[] }> {
  let state = apply(initialState(matterId, started), { type: "deliberation.started", payload: started });
  const events: ProtocolEvent[] = [{ type: "deliberation.started", payload: started }];
  const fold = (event: ProtocolEvent) => {
    state = apply(state, event);
    events.push(event);
    options.onEvent?.(event, state);
  };
  for (let guard = 0; guard < 10_000; guard++) {
    const effects = plan(state);
    if (effects.length === 0) break;
    const append = effects.find((e) => e.kind === "append");
    if (append) {
      fold(append.event);
      continue;
    }
    const calls = effects.filter((e): e is CallEffect => e.kind === "call");
    const limit = Math.max(1, options.concurrency ?? 4);
    const results: ProtocolEvent[] = new Array(calls.length);
    let next = 0;
    const snapshot = state;
    await Promise.all(
      Array.from({ length: Math.min(limit, calls.length) }, async () => {
        while (next < calls.length) {
          const i = next++;
          results[i] = await answer(calls[i]!, snapshot, options.engine);
        }
      }),
    );
    for (const event of results) fold(event);
  }
  return { state, events };
}
