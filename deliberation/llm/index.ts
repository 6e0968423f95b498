import { createOfflineEngine, type OfflineOffload } from "./offline.js";
import { createOpenAiEngine, type OpenAiEngineOptions } from "./openai.js";
import type { CallRecorder, Clock, IdGenerator, LlmPort } from "./port.js";

export * from "./port.js";
export { createLimiter, createTokenBudget, type Limiter, type TokenBudget, type TokenBudgetOptions } from "./limiter.js";
export { createOfflineEngine, fragmentsOf, OFFLINE_MODEL, type OfflineEngineOptions, type OfflineOffload } from "./offline.js";
export { createOpenAiEngine, estimateTokens, type OpenAiEngineOptions } from "./openai.js";
export {
  buildTaskMessages,
  DATA_CLOSE,
  DATA_OPEN,
  encodeData,
  readTaskMessages,
  type ChatMessage,
  type TaskMessagesContent,
} from "./prompt.js";

/** What the server knows at start-up; the endpoint fields come from OPENAI_BASE_URL, OPENAI_API_KEY, AGORA_MODEL. */
export type EngineConfig = {
  baseUrl?: string | null;
  apiKey?: string | null;
  model?: string | null;
  recorder: CallRecorder;
  clock: Clock;
  ids: IdGenerator;
  /** The offline engine's offloaded tasks (the OpenAI adapter asks the model instead). */
  offload?: OfflineOffload;
} & Partial<Omit<OpenAiEngineOptions, "baseUrl" | "apiKey" | "model" | "recorder" | "clock" | "ids">>;

/** The OpenAI adapter when an endpoint is configured, the offline engine otherwise. */
export function createEngine(config: EngineConfig): LlmPort {
  const { baseUrl, apiKey, model, recorder, clock, ids, offload, ...tuning } = config;
  if (!baseUrl || !apiKey) return createOfflineEngine({ recorder, clock, ids, ...(offload ? { offload } : {}) });
  // A guessed default would silently call a model the endpoint may not have.
  if (!model) throw new Error("a model name (AGORA_MODEL) is required when an OpenAI-compatible endpoint is configured");
  return createOpenAiEngine({ ...tuning, baseUrl, apiKey, model, recorder, clock, ids });
}
