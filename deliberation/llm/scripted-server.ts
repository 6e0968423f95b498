import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readTaskMessages } from "./prompt.js";

/**
 * A small OpenAI-compatible HTTP server for tests and benchmarks: the real `openai` SDK talks to it
 * through `baseURL`, and each request is answered as the script says.
 */

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

interface ReplyTiming {
  /** Wait this long before answering. */
  delayMs?: number;
}

export type ScriptedReply = ReplyTiming &
  (
    | { json: unknown; usage?: ScriptedUsage | false; chunkSize?: number; chunkDelayMs?: number }
    | { content: string; usage?: ScriptedUsage | false; chunkSize?: number; chunkDelayMs?: number }
    | { refusal: string }
    | { status: 429; retryAfterMs?: number; message?: string }
    | { status: number; message?: string }
    | { hang: true }
  );

/** A request as the server saw it, with what the task's messages carry already read back. */
export interface ScriptedRequest {
  index: number;
  body: ChatCompletionRequestBody;
  messages: Array<{ role: string; content: string }>;
  stream: boolean;
  /** The task name from the user message, when the request came from our adapter. */
  task: string | null;
  /** The task input from the data block, when present. */
  data: unknown;
  /** Retry feedback, when present. */
  feedback: string[] | null;
}

export interface ChatCompletionRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: unknown;
  [key: string]: unknown;
}

export type Responder = (request: ScriptedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedServerOptions {
  port?: number;
  /** Every answer comes this long after its request arrived (or later, if scripting it takes longer). */
  latencyMs?: number;
  /** Replies in order, or a function of each request. */
  script?: ScriptedReply[] | Responder;
  /** Answers whatever the script does not (when the queue is empty). */
  respond?: Responder;
  /** Vectors for POST /v1/embeddings; by default a bag of word prefixes hashed into 64 dimensions. */
  embed?: (texts: string[]) => number[][];
  model?: string;
}

export interface ScriptedServer {
  /** Base URL ending in /v1, for the SDK's `baseURL`. */
  url: string;
  /** Parsed bodies of the chat completion requests, in arrival order. */
  requests: ChatCompletionRequestBody[];
  /** The same requests with their task, data and feedback read back. */
  received: ScriptedRequest[];
  /** The texts of each embeddings request, in arrival order. */
  embedded: string[][];
  readonly inFlight: number;
  /** Most chat completion requests ever open at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

const DEFAULT_MODEL = "agora-scripted-1";

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
  }
  return "";
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function chunksOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}

/** Texts sharing words get close vectors: enough for tests of an embedding path, nothing more. */
export function hashedEmbedding(texts: string[]): number[][] {
  return texts.map((text) => {
    const vector = new Array<number>(64).fill(0);
    for (const word of text.toLowerCase().match(/\p{L}{4,}/gu) ?? []) {
      let h = 2166136261;
      for (const ch of word.slice(0, 5)) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
      vector[(h >>> 0) % 64]! += 1;
    }
    return vector;
  });
}

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const model = options.model ?? DEFAULT_MODEL;
  const queue = Array.isArray(options.script) ? [...options.script] : null;
  const scriptFn = typeof options.script === "function" ? options.script : null;
  const requests: ChatCompletionRequestBody[] = [];
  const received: ScriptedRequest[] = [];
  const embedded: string[][] = [];
  const sockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  const nextReply = async (request: ScriptedRequest): Promise<ScriptedReply> => {
    if (queue && queue.length > 0) return queue.shift() as ScriptedReply;
    if (scriptFn) return scriptFn(request, request.index);
    if (options.respond) return options.respond(request, request.index);
    return { status: 500, message: `scripted server: no reply left for request ${request.index}` };
  };

  const answerCompletion = async (request: ScriptedRequest, reply: ScriptedReply, response: ServerResponse) => {
    // Never answers; the request ends when the client gives up or close() destroys the socket.
    if ("hang" in reply) return new Promise<void>((resolve) => response.on("close", () => resolve()));
    if ("status" in reply) {
      const headers: Record<string, string> = {};
      if ("retryAfterMs" in reply && reply.retryAfterMs !== undefined) {
        headers["retry-after-ms"] = String(reply.retryAfterMs);
        headers["retry-after"] = String(Math.ceil(reply.retryAfterMs / 1000));
      }
      const type = reply.status === 429 ? "rate_limit_exceeded" : reply.status >= 500 ? "server_error" : "invalid_request_error";
      return sendJson(response, reply.status, { error: { message: reply.message ?? `scripted ${reply.status}`, type, code: type } }, headers);
    }

    const id = `chatcmpl-scripted-${request.index}`;
    const created = Math.floor(Date.now() / 1000);
    const refusal = "refusal" in reply ? reply.refusal : null;
    const content = "json" in reply ? JSON.stringify(reply.json) : "content" in reply ? reply.content : "";
    const promptText = request.messages.map((message) => message.content).join("\n");
    const explicitUsage = "usage" in reply ? reply.usage : undefined;
    const usage =
      explicitUsage === false
        ? null
        : {
            prompt_tokens: explicitUsage?.prompt_tokens ?? estimateTokens(promptText),
            completion_tokens: explicitUsage?.completion_tokens ?? estimateTokens(content || refusal || ""),
          };
    const usageBody = usage && { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };

    if (!request.stream) {
      return sendJson(response, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: refusal === null ? content : null, refusal },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        ...(usageBody ? { usage: usageBody } : {}),
      });
    }

    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunk = (delta: object, finishReason: string | null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    const send = (body: unknown) => response.write(`data: ${JSON.stringify(body)}\n\n`);
    send(chunk({ role: "assistant", content: "" }, null));
    const size = "chunkSize" in reply && reply.chunkSize ? reply.chunkSize : 8;
    if (refusal !== null) send(chunk({ refusal }, null));
    else {
      // A pause between chunks plays a model generating over time, so the live transcript can be seen filling.
      const pause = "chunkDelayMs" in reply ? (reply.chunkDelayMs ?? 0) : 0;
      for (const piece of chunksOf(content, size)) {
        if (closed || response.destroyed) return;
        send(chunk({ content: piece }, null));
        if (pause > 0) await wait(pause);
      }
    }
    send(chunk({}, "stop"));
    if (usageBody && request.body.stream_options?.include_usage) {
      send({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageBody });
    }
    response.write("data: [DONE]\n\n");
    response.end();
  };

  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (req.method === "GET" && path === "/v1/models") {
        return sendJson(res, 200, { object: "list", data: [{ id: model, object: "model", created: 0, owned_by: "agora" }] });
      }
      if (req.method === "POST" && path === "/v1/embeddings") {
        const body = JSON.parse(await readBody(req)) as { input: string | string[]; model?: string };
        const texts = Array.isArray(body.input) ? body.input : [body.input];
        embedded.push(texts);
        const vectors = (options.embed ?? hashedEmbedding)(texts);
        return sendJson(res, 200, {
          object: "list",
          model: body.model ?? model,
          data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
          usage: { prompt_tokens: texts.join(" ").split(/\s+/).length, total_tokens: texts.join(" ").split(/\s+/).length },
        });
      }
      if (req.method !== "POST" || path !== "/v1/chat/completions") {
        return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "not_found" } });
      }
      const body = JSON.parse(await readBody(req)) as ChatCompletionRequestBody;
      const messages = (body.messages ?? []).map((message) => ({ role: String(message.role), content: contentText(message.content) }));
      let readBack: ReturnType<typeof readTaskMessages> = { task: null, data: undefined, feedback: null };
      try {
        readBack = readTaskMessages(messages);
      } catch {
        // A request not built by our adapter: answer it without the read-back.
      }
      const request: ScriptedRequest = { index: requests.length, body, messages, stream: body.stream === true, ...readBack };
      requests.push(body);
      received.push(request);

      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        // The latency runs from the request's arrival, while the reply is being worked out, as a
        // model's does: a benchmark measures the caller, not the time this server spends scripting.
        const latency = wait(options.latencyMs ?? 0);
        const reply = await nextReply(request);
        await latency;
        await wait(reply.delayMs ?? 0);
        if (closed) return;
        await answerCompletion(request, reply, res);
      } finally {
        inFlight -= 1;
      }
    } catch (error) {
      if (!res.headersSent && !closed) sendJson(res, 500, { error: { message: `scripted server: ${String(error)}`, type: "server_error" } });
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    received,
    embedded,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    async close() {
      closed = true;
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests keep their sockets open; destroy them so close() returns.
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}
