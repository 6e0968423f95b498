import { timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { callFailureOf, type LlmPort } from "../deliberation/llm/port.js";

/**
 * The process's metrics, in Prometheus's text format at `GET /metrics` (prom-client). One registry per
 * process: several servers in one process (the tests) add to the same series.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: "http_request_duration_seconds",
  help: "HTTP requests by method, route pattern (never the raw URL) and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const socketClients = new Gauge({ name: "socket_clients", help: "socket.io clients connected to this process", registers: [registry] });

export const roomFanout = new Histogram({
  name: "room_fanout_seconds",
  help: "From a ledger event's append to its write to a room's watchers on this process",
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const roomPush = new Histogram({
  name: "room_push_seconds",
  help: "Writing a tick's pushes to a room's watchers on this process (one write per watcher): the time spent writing, 20 ms a round of the loop",
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});

export const deliberationStages = new Counter({
  name: "deliberation_stage_total",
  help: "Deliberation stages reached, as the runner of this process folded them",
  labelNames: ["stage"] as const,
  registers: [registry],
});

export const modelCalls = new Counter({
  name: "model_calls_total",
  help: "Model calls (a task run, with its own retries) by engine, task and outcome (ok or the failure's reason)",
  labelNames: ["engine", "task", "outcome"] as const,
  registers: [registry],
});

export const modelCallSeconds = new Histogram({
  name: "model_call_seconds",
  help: "Model call latency by engine, task and outcome",
  labelNames: ["engine", "task", "outcome"] as const,
  buckets: [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
  registers: [registry],
});

export const modelTokens = new Counter({
  name: "model_tokens_total",
  help: "Model tokens by engine, task, outcome and direction (in: prompt, out: answer)",
  labelNames: ["engine", "task", "outcome", "direction"] as const,
  registers: [registry],
});

export const ledgerAppends = new Counter({
  name: "ledger_appends_total",
  help: "Ledger events appended by this process, by the type's prefix (deliberation, room, matter, …)",
  labelNames: ["type"] as const,
  registers: [registry],
});

export const leaseTakeovers = new Counter({
  name: "lease_takeovers_total",
  help: "Deliberations this process took over from another whose lease had lapsed",
  registers: [registry],
});

/** The label of an event type: its first part (`deliberation.positionTaken` → `deliberation`). */
export function typePrefix(type: string): string {
  const prefix = type.split(".")[0] ?? "";
  return /^[a-z][a-zA-Z]{0,31}$/.test(prefix) ? prefix : "other";
}

/** Counts and times every run (and embedding) of an engine. Its `engine` and `model` stay the engine's. */
export function meteredLlm(llm: LlmPort): LlmPort {
  const observe = (engine: string, task: string, started: number, outcome: string, tokens?: { in: number; out: number }) => {
    const labels = { engine, task, outcome };
    modelCalls.inc(labels);
    modelCallSeconds.observe(labels, (performance.now() - started) / 1000);
    if (tokens) {
      modelTokens.inc({ ...labels, direction: "in" }, tokens.in);
      modelTokens.inc({ ...labels, direction: "out" }, tokens.out);
    }
  };
  const metered: LlmPort = {
    get engine() {
      return llm.engine;
    },
    get model() {
      return llm.model;
    },
    async run(task, input, options) {
      const started = performance.now();
      try {
        const result = await llm.run(task, input, options);
        observe(result.engine, task.name, started, "ok", { in: result.tokensIn, out: result.tokensOut });
        return result;
      } catch (error) {
        observe(llm.engine, task.name, started, callFailureOf(error).reason);
        throw error;
      }
    },
  };
  if (llm.embed) {
    const embed = llm.embed.bind(llm);
    metered.embed = async (purpose, texts, options) => {
      const started = performance.now();
      try {
        const result = await embed(purpose, texts, options);
        observe(llm.engine, "embed", started, "ok");
        return result;
      } catch (error) {
        observe(llm.engine, "embed", started, callFailureOf(error).reason);
        throw error;
      }
    };
  }
  return metered;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path as a metric label: ids (uuids, numbers, long or digit-bearing tokens) become `:id`, so a label
 * never names one matter, person or ruling, and the series stay few. Unknown tRPC procedures and
 * unmatched pages (404) are one label each.
 */
export function routeLabel(path: string, status: number, procedures: ReadonlySet<string>): string {
  if (path.startsWith("/trpc/")) {
    const names = path.slice("/trpc/".length).split(",");
    if (names.length > 1) return names.every((n) => procedures.has(n)) ? "/trpc/(batch)" : "/trpc/(unknown)";
    return procedures.has(names[0]!) ? `/trpc/${names[0]}` : "/trpc/(unknown)";
  }
  if (path.startsWith("/assets/")) return "/assets/*";
  if (status === 404) return "(unmatched)";
  const segments = path
    .split("/")
    .filter(Boolean)
    .slice(0, 6)
    .map((s) => (UUID.test(s) || /^\d+$/.test(s) || s.length > 32 || (/\d/.test(s) && s.length >= 8) || !/^[a-z][a-z0-9._-]*$/i.test(s) ? ":id" : s));
  return `/${segments.join("/")}`;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Who may read /metrics. With METRICS_TOKEN set: whoever sends `Authorization: Bearer <token>`. Without
 * it: only a caller on this host that did not come through a proxy (loopback, no X-Forwarded-For), so a
 * balancer on the same host cannot hand it to the world.
 */
export function mayReadMetrics(
  token: string | undefined,
  request: { address: string | undefined; forwarded: boolean; authorization: string | undefined },
): boolean {
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(request.authorization ?? "")?.[1] ?? "");
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  return !request.forwarded && LOOPBACK.has(request.address ?? "");
}
