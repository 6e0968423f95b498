import { z } from "zod";
import type { TokenBudget } from "./limiter.js";

/**
 * The one port through which the domain reaches a language model.
 *
 * Work is expressed as tasks, not free prompts: a task names its purpose, its instructions (ours,
 * never a citizen's), the schema of its input and of its output, and how the offline engine does
 * the same work deterministically. Either engine answers any task through `run`, so the domain never
 * knows which one it is talking to, and the UI can still say which one it was.
 */
export interface Task<Input, Output> {
  /** Stable name, recorded with every call, e.g. "values.classify". */
  name: string;
  /** What the model is asked to do. Written by us; never contains citizen text. */
  instructions: string;
  input: z.ZodType<Input>;
  output: z.ZodType<Output>;
  /** The deterministic, explainable way to do the same work without a model. */
  offline(input: Input): Output;
  /** Optional check beyond the schema (e.g. citations inside the mandate). Returns problems found. */
  validate?(output: Output, input: Input): string[];
}

export type EngineName = "offline" | "openai";

export interface RunOptions {
  /** The deliberation this call belongs to, for recording and the token budget. */
  matterId?: string | null;
  /** Called with each streamed fragment of the answer as it arrives. */
  onToken?: (fragment: string) => void;
  /** Called when a streamed answer is thrown away and asked for again: the fragments so far are void. */
  onRestart?: (reason: string) => void;
  signal?: AbortSignal;
  /** Feedback from a failed validation, sent with one retry. */
  feedback?: string[];
  /**
   * Where this call's attempts are recorded, instead of the engine's recorder: the deliberation runner
   * collects them and writes them in the same transaction as the event that carries the result.
   */
  recorder?: CallRecorder;
  /** A token budget for this call alone, checked before each attempt (the engine's own, if any, is not used then). */
  budget?: TokenBudget;
  /** A cap on each answer's length in tokens (sent as max_tokens), so a budget can hold. */
  maxOutputTokens?: number;
}

export interface TaskResult<Output> {
  output: Output;
  /** Id of the recorded call, so events can link to the exact input behind them. */
  callId: string;
  engine: EngineName;
  model: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** Problems the task's `validate` still found after the retry; the output is returned anyway. */
  problems?: string[];
}

export interface Embeddings {
  /** One unit-length vector per text, in order. */
  vectors: number[][];
  callId: string;
  model: string;
}

export interface LlmPort {
  readonly engine: EngineName;
  readonly model: string;
  run<Input, Output>(task: Task<Input, Output>, input: Input, options?: RunOptions): Promise<TaskResult<Output>>;
  /** Vectors for texts, where the engine has an embedding model (the offline engine has none). */
  embed?(purpose: string, texts: string[], options?: Pick<RunOptions, "matterId" | "signal">): Promise<Embeddings>;
}

/** One recorded call: what was sent, what came back, and what it cost. */
export interface LlmCallRecord {
  id: string;
  matterId: string | null;
  purpose: string;
  engine: EngineName;
  model: string;
  /** The exact messages sent (for the offline engine: the task input). */
  prompt: unknown;
  response: string | null;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  status: "ok" | "error";
  error: string | null;
  createdAt: string;
}

/** Where calls are recorded. The server passes one that writes to the llm_calls table. */
export interface CallRecorder {
  record(call: LlmCallRecord): Promise<void>;
}

/** Injected so tests are reproducible: no ambient time or randomness in the domain. */
export interface Clock {
  now(): Date;
}
export type IdGenerator = () => string;

export type LlmFailure = "timeout" | "rate_limited" | "server_error" | "transport" | "invalid_output" | "refused" | "rejected" | "budget_exhausted" | "aborted";

/**
 * Failures that may go away if the same call is made again later: the endpoint was slow, busy, down
 * or unreachable. Every other failure is deterministic for the same input (an answer that fails its
 * schema or its check after the retry with feedback, a refusal, a request the endpoint rejects as
 * malformed or unauthorised, an empty budget): asking again, with or without waiting, gives the same.
 */
export const TRANSIENT_FAILURES: ReadonlySet<LlmFailure> = new Set(["timeout", "rate_limited", "server_error", "transport"]);

export class LlmError extends Error {
  constructor(
    message: string,
    readonly reason: LlmFailure,
  ) {
    super(message);
    this.name = "LlmError";
  }

  /** Whether asking again later could give another result (see TRANSIENT_FAILURES). */
  get transient(): boolean {
    return TRANSIENT_FAILURES.has(this.reason);
  }
}

/** How a failed call is recorded: a reason (a word the room translates), whether to ask again, and what went wrong in our own words. */
export interface CallFailure {
  reason: LlmFailure | "invalid_input" | "internal";
  transient: boolean;
  /** For a deterministic failure: what our own checks found (never the provider's words, which stay in llm_calls). */
  detail: string | null;
}

const DETAIL_CHARS = 1_000;
const clipDetail = (text: string) => (text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text);

const DETAILS: Partial<Record<CallFailure["reason"], string>> = {
  refused: "The model refused to answer; the same request would be refused again.",
  rejected: "The endpoint rejected the request as it stands (a 4xx answer other than 408 and 429); the same request would be rejected again.",
  budget_exhausted: "The token budget has no room for this call.",
};

/**
 * Sorts a failed call: transient failures (timeouts, 429, 5xx, a dropped connection) may be asked
 * again after a wait; everything else is deterministic for the same input (an answer that fails its
 * schema or check after the retry with feedback, an input our own task schema refuses, a refusal, a
 * rejected request, a bug) and is not asked again: it halts at once, saying why.
 */
export function callFailureOf(error: unknown): CallFailure {
  if (error instanceof LlmError) {
    const detail = error.reason === "invalid_output" ? clipDetail(error.message) : (DETAILS[error.reason] ?? null);
    return { reason: error.reason, transient: error.transient, detail };
  }
  if (error instanceof z.ZodError)
    return { reason: "invalid_input", transient: false, detail: clipDetail(`the call's input does not fit its task: ${z.prettifyError(error)}`) };
  return { reason: "internal", transient: false, detail: clipDetail(error instanceof Error ? error.message : String(error)) };
}
