import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { z } from "zod";
import { createLimiter, type Limiter, type TokenBudget } from "./limiter.js";
import type { CallRecorder, Clock, Embeddings, IdGenerator, LlmPort, RunOptions, Task, TaskResult } from "./port.js";
import { LlmError } from "./port.js";
import { buildTaskMessages, type ChatMessage } from "./prompt.js";

export interface OpenAiEngineOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  recorder: CallRecorder;
  clock: Clock;
  ids: IdGenerator;
  /** Longest one attempt may take, answer streamed to the end included. */
  timeoutMs?: number;
  /** Retries of one attempt after a 429, a 5xx, a timeout or a dropped connection. */
  maxRetries?: number;
  /** First backoff delay; it doubles with each retry, with jitter. */
  baseDelayMs?: number;
  /** Longest wait between retries, a server's retry-after included. */
  maxDelayMs?: number;
  /** Calls in flight at once; ignored when a limiter is passed (to share one across engines). */
  concurrency?: number;
  limiter?: Limiter;
  /** Per-matter token budget; calls without a matter are not counted against any budget. */
  budget?: TokenBudget;
  /** Tokens held for the answer until its real size is known. */
  reserveOutputTokens?: number;
  temperature?: number;
  /** Repeat the output schema in the system message, for endpoints that ignore response_format. */
  schemaInPrompt?: boolean;
  /** Stream even when nobody listens (otherwise only when `onToken` is given). */
  alwaysStream?: boolean;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); used for backoff jitter. */
  random?: () => number;
  /** The endpoint's embedding model; without it the engine offers no `embed`. */
  embeddingModel?: string;
}

const DEFAULTS = {
  timeoutMs: 60_000,
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  concurrency: 4,
  reserveOutputTokens: 1_024,
};

const MAX_FEEDBACK_CHARS = 2_000;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + 4 + estimateTokens(message.content), 0);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError("aborted while waiting to retry", "aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError("aborted while waiting to retry", "aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** JSON-schema response format for a task: strict when the schema allows it, plain otherwise. */
function responseFormatOf(task: Task<unknown, unknown>): ResponseFormatJSONSchema {
  const name = task.name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "answer";
  try {
    return { type: "json_schema", json_schema: zodResponseFormat(task.output, name).json_schema };
  } catch {
    // Strict mode rejects e.g. optional fields and non-object roots; the schema still guides the model.
    const schema = z.toJSONSchema(task.output, { target: "draft-7", unrepresentable: "any" }) as Record<string, unknown>;
    return { type: "json_schema", json_schema: { name, strict: false, schema } };
  }
}

type ParsedAnswer<Output> = { ok: true; value: Output } | { ok: false; problem: string };

function parseAnswer<Output>(schema: z.ZodType<Output>, raw: string): ParsedAnswer<Output> {
  // Some endpoints wrap JSON in a code fence even when asked not to.
  const text = raw.trim().replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/, "$1");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `the answer is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `the answer does not match the schema: ${z.prettifyError(parsed.error)}` };
  return { ok: true, value: parsed.data };
}

const clip = (text: string) => (text.length > MAX_FEEDBACK_CHARS ? `${text.slice(0, MAX_FEEDBACK_CHARS)}…` : text);

/** One answered request, not yet recorded: recording waits until the answer has been checked. */
interface Completion {
  id: string;
  createdAt: Date;
  messages: ChatMessage[];
  raw: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
}

/** Why one attempt failed, and whether asking again could help. */
class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly reason: LlmError["reason"],
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

class ListenerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super("onToken listener failed");
  }
}

function retryAfterOf(error: APIError, now: Date): number | null {
  const ms = Number(error.headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const header = error.headers?.get("retry-after");
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}

function classify(error: unknown, timedOut: boolean, callerAborted: boolean, now: Date): AttemptFailure {
  if (callerAborted) return new AttemptFailure("aborted by the caller", "aborted", false);
  if (timedOut || error instanceof APIConnectionTimeoutError) return new AttemptFailure("the model did not answer in time", "timeout", true);
  if (error instanceof APIUserAbortError) return new AttemptFailure("request aborted", "aborted", false);
  if (error instanceof APIConnectionError) return new AttemptFailure(`connection failed: ${error.message}`, "transport", true);
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    if (status === 429) return new AttemptFailure(`rate limited: ${error.message}`, "rate_limited", true, retryAfterOf(error, now));
    if (status === 408) return new AttemptFailure(`request timeout: ${error.message}`, "timeout", true);
    if (status >= 500) return new AttemptFailure(`server error: ${error.message}`, "server_error", true, retryAfterOf(error, now));
    // 400, 401, 403, 404, 422…: the same request is rejected again; no retry, and no transient reason.
    return new AttemptFailure(`request rejected: ${error.message}`, "rejected", false);
  }
  // A connection dropped mid-stream surfaces as a plain error from fetch.
  return new AttemptFailure(`transport failed: ${error instanceof Error ? error.message : String(error)}`, "transport", true);
}

/** The LLM port over any OpenAI-compatible chat completions endpoint. */
export function createOpenAiEngine(options: OpenAiEngineOptions): LlmPort {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const { recorder, clock, ids, model } = options;
  const limiter = options.limiter ?? createLimiter(settings.concurrency);
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    maxRetries: 0, // ours are the only retries, so every attempt is recorded
    timeout: settings.timeoutMs + 5_000,
  });
  const formats = new WeakMap<object, ResponseFormatJSONSchema>();
  const formatOf = (task: Task<unknown, unknown>) => {
    let format = formats.get(task);
    if (!format) formats.set(task, (format = responseFormatOf(task)));
    return format;
  };

  const elapsedSince = (start: Date) => Math.max(0, clock.now().getTime() - start.getTime());

  const backoff = (retry: number, failure: AttemptFailure) => {
    if (failure.retryAfterMs !== null) return Math.min(failure.retryAfterMs, settings.maxDelayMs);
    const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  /** One request to the endpoint; failures are recorded here, answers by the caller once checked. */
  async function attempt(
    task: Task<unknown, unknown>,
    messages: ChatMessage[],
    run: RunOptions,
    stream: boolean,
    markStreamed: () => void,
  ): Promise<Completion> {
    const matterId = run.matterId ?? null;
    const budget = run.budget ?? options.budget;
    const estimateIn = estimateMessageTokens(messages);
    const reserved = estimateIn + settings.reserveOutputTokens;
    if (budget && matterId !== null) budget.reserve(matterId, reserved);
    let charged = false;
    const charge = (tokens: number) => {
      if (budget && matterId !== null && !charged) budget.charge(matterId, tokens, reserved);
      charged = true;
    };

    try {
      return await limiter.run(async () => {
        // Aborted while waiting for a slot: nothing was sent, so nothing is recorded.
        if (run.signal?.aborted) throw new AttemptFailure("aborted by the caller", "aborted", false);
        const id = ids();
        const createdAt = clock.now();
        const { controller, timedOut, clear } = deadline(settings.timeoutMs);
        const onCallerAbort = () => controller.abort();
        run.signal?.addEventListener("abort", onCallerAbort, { once: true });
        let raw = "";
        let refusal = "";
        let finishReason: string | null = null;
        let usage: { prompt_tokens: number; completion_tokens: number } | null = null;

        try {
          const body = {
            model,
            messages,
            response_format: formatOf(task),
            ...(run.maxOutputTokens ? { max_tokens: run.maxOutputTokens } : {}),
            ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
          };
          if (stream) {
            const chunks = await client.chat.completions.create(
              { ...body, stream: true, stream_options: { include_usage: true } },
              { signal: controller.signal },
            );
            for await (const chunk of chunks) {
              if (chunk.usage) usage = chunk.usage;
              const choice = chunk.choices[0];
              if (!choice) continue;
              finishReason = choice.finish_reason ?? finishReason;
              if (choice.delta?.refusal) refusal += choice.delta.refusal;
              const fragment = choice.delta?.content;
              if (fragment) {
                raw += fragment;
                markStreamed();
                try {
                  run.onToken?.(fragment);
                } catch (error) {
                  throw new ListenerFailure(error);
                }
              }
            }
          } else {
            const completion = await client.chat.completions.create({ ...body, stream: false }, { signal: controller.signal });
            const choice = completion.choices[0];
            raw = choice?.message.content ?? "";
            refusal = choice?.message.refusal ?? "";
            finishReason = choice?.finish_reason ?? null;
            usage = completion.usage ?? null;
          }
        } catch (error) {
          const failure =
            error instanceof ListenerFailure
              ? new AttemptFailure(`the onToken listener failed: ${String(error.cause)}`, "aborted", false)
              : classify(error, timedOut(), run.signal?.aborted ?? false, clock.now());
          const tokensIn = raw ? estimateIn : 0;
          const tokensOut = raw ? estimateTokens(raw) : 0;
          charge(tokensIn + tokensOut);
          await (run.recorder ?? recorder).record({
            id,
            matterId,
            purpose: task.name,
            engine: "openai",
            model,
            prompt: messages,
            response: raw || null,
            tokensIn,
            tokensOut,
            latencyMs: elapsedSince(createdAt),
            status: "error",
            error: `${failure.reason}: ${failure.message}`,
            createdAt: createdAt.toISOString(),
          });
          // A failing listener is the caller's bug: surface it as it is, not as a model failure.
          throw error instanceof ListenerFailure ? error.cause : failure;
        } finally {
          clear();
          run.signal?.removeEventListener("abort", onCallerAbort);
          controller.abort(); // frees the connection of a stream left half-read
        }

        const tokensIn = usage?.prompt_tokens ?? estimateIn;
        const tokensOut = usage?.completion_tokens ?? estimateTokens(raw || refusal);
        charge(tokensIn + tokensOut);
        const latencyMs = elapsedSince(createdAt);
        if (refusal || finishReason === "content_filter") {
          const reason = refusal || "the endpoint filtered the answer";
          await (run.recorder ?? recorder).record({
            id,
            matterId,
            purpose: task.name,
            engine: "openai",
            model,
            prompt: messages,
            response: raw || refusal || null,
            tokensIn,
            tokensOut,
            latencyMs,
            status: "error",
            error: `refused: ${reason}`,
            createdAt: createdAt.toISOString(),
          });
          throw new AttemptFailure(`the model refused: ${reason}`, "refused", false);
        }
        return { id, createdAt, messages, raw, tokensIn, tokensOut, latencyMs };
      });
    } finally {
      // A call that never reached the endpoint (aborted in the queue) gives its reservation back.
      if (!charged && budget && matterId !== null) budget.release(matterId, reserved);
    }
  }

  /** Asks until an answer arrives, retrying what a retry can fix; every attempt is recorded. */
  async function complete(
    task: Task<unknown, unknown>,
    messages: ChatMessage[],
    run: RunOptions,
    stream: boolean,
    totals: { tokensIn: number; tokensOut: number },
    restart: (reason: string) => void,
  ): Promise<Completion> {
    for (let retry = 0; ; retry += 1) {
      let streamed = false;
      try {
        const completion = await attempt(task, messages, run, stream, () => (streamed = true));
        totals.tokensIn += completion.tokensIn;
        totals.tokensOut += completion.tokensOut;
        return completion;
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        if (!error.retryable || retry >= settings.maxRetries) {
          throw new LlmError(`${task.name}: ${error.message}${retry > 0 ? ` (after ${retry + 1} attempts)` : ""}`, error.reason);
        }
        if (streamed) restart(error.message);
        await sleep(backoff(retry, error), run.signal);
        if (run.signal?.aborted) throw new LlmError(`${task.name}: aborted by the caller`, "aborted");
      }
    }
  }

  /** Embeddings, with the same limiter, timeout, retries and recording as completions. */
  async function embed(purpose: string, texts: string[], run: Pick<RunOptions, "matterId" | "signal"> = {}): Promise<Embeddings> {
    const embeddingModel = options.embeddingModel!;
    for (let retry = 0; ; retry += 1) {
      try {
        return await limiter.run(async () => {
          const id = ids();
          const createdAt = clock.now();
          const { controller, timedOut, clear } = deadline(settings.timeoutMs);
          const record = (status: "ok" | "error", response: string | null, error: string | null, tokensIn: number) =>
            recorder.record({
              id,
              matterId: run.matterId ?? null,
              purpose,
              engine: "openai",
              model: embeddingModel,
              prompt: texts,
              response,
              tokensIn,
              tokensOut: 0,
              latencyMs: elapsedSince(createdAt),
              status,
              error,
              createdAt: createdAt.toISOString(),
            });
          try {
            const answer = await client.embeddings.create({ model: embeddingModel, input: texts, encoding_format: "float" }, { signal: controller.signal });
            const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((d) => unit(d.embedding));
            if (vectors.length !== texts.length) throw new AttemptFailure(`expected ${texts.length} vectors, got ${vectors.length}`, "invalid_output", false);
            await record(
              "ok",
              `${vectors.length} vectors of ${vectors[0]?.length ?? 0} dimensions`,
              null,
              answer.usage?.prompt_tokens ?? estimateTokens(texts.join(" ")),
            );
            return { vectors, callId: id, model: embeddingModel };
          } catch (error) {
            const failure = error instanceof AttemptFailure ? error : classify(error, timedOut(), run.signal?.aborted ?? false, clock.now());
            await record("error", null, `${failure.reason}: ${failure.message}`, 0);
            throw failure;
          } finally {
            clear();
          }
        });
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        if (!error.retryable || retry >= settings.maxRetries) throw new LlmError(`${purpose}: ${error.message}`, error.reason);
        await sleep(backoff(retry, error), run.signal);
      }
    }
  }

  return {
    engine: "openai",
    model,
    ...(options.embeddingModel ? { embed } : {}),
    async run<Input, Output>(task: Task<Input, Output>, input: Input, runOptions: RunOptions = {}): Promise<TaskResult<Output>> {
      const taskInput = task.input.parse(input);
      const anyTask = task as unknown as Task<unknown, unknown>;
      const matterId = runOptions.matterId ?? null;
      const startedAt = clock.now();
      const stream = settings.alwaysStream === true || runOptions.onToken !== undefined;
      const outputSchema = settings.schemaInPrompt === false ? undefined : formatOf(anyTask).json_schema.schema;
      const callerFeedback = runOptions.feedback ?? [];
      const totals = { tokensIn: 0, tokensOut: 0 };
      let feedback: string[] = [...callerFeedback];
      let formatRetried = false;
      let validateRetried = false;
      // Fragments already shown in the live transcript are void once the call is asked again.
      const restart = (reason: string) => runOptions.onRestart?.(reason);

      for (;;) {
        const messages = buildTaskMessages(task, taskInput, { outputSchema, feedback });
        const completion = await complete(anyTask, messages, runOptions, stream, totals, restart);
        const record = (status: "ok" | "error", error: string | null) =>
          (runOptions.recorder ?? recorder).record({
            id: completion.id,
            matterId,
            purpose: task.name,
            engine: "openai",
            model,
            prompt: completion.messages,
            response: completion.raw,
            tokensIn: completion.tokensIn,
            tokensOut: completion.tokensOut,
            latencyMs: completion.latencyMs,
            status,
            error,
            createdAt: completion.createdAt.toISOString(),
          });

        const answer = parseAnswer(task.output, completion.raw);
        if (!answer.ok) {
          await record("error", `invalid_output: ${answer.problem}`);
          if (formatRetried) throw new LlmError(`${task.name}: ${answer.problem} (after a retry with feedback)`, "invalid_output");
          formatRetried = true;
          feedback = [...callerFeedback, clip(answer.problem)];
          if (stream && completion.raw) restart(answer.problem);
          continue;
        }

        const problems = task.validate?.(answer.value, taskInput) ?? [];
        await record("ok", problems.length > 0 ? `validation: ${problems.join("; ")}` : null);
        if (problems.length > 0 && !validateRetried) {
          validateRetried = true;
          feedback = [...callerFeedback, ...problems.map(clip)];
          if (stream) restart(`validation: ${problems.join("; ")}`);
          continue;
        }
        return {
          output: answer.value,
          callId: completion.id,
          engine: "openai",
          model,
          // Totals over every attempt: what this answer really cost.
          tokensIn: totals.tokensIn,
          tokensOut: totals.tokensOut,
          latencyMs: elapsedSince(startedAt),
          ...(problems.length > 0 ? { problems } : {}),
        };
      }
    },
  };
}

/** An AbortController that fires after `ms`; `timedOut` tells a timeout from a caller's abort. */
function deadline(ms: number) {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort();
  }, ms);
  return { controller, timedOut: () => fired, clear: () => clearTimeout(timer) };
}

function unit(vector: number[]): number[] {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
