import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeLabel } from "../../server/metrics.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { waitFor } from "../support/wait.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text format, samples only (comments skipped): `name{a="b",…} value`. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe("logs and metrics (SQLite)", () => {
  let t: TestServer;
  let clerk: HttpClient;

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(async () => t?.close());

  it("echoes a safe X-Request-Id, and makes one up for anything else", async () => {
    const given = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "trace-42.abc" } });
    expect(given.headers.get("x-request-id")).toBe("trace-42.abc");
    const unsafe = await fetch(`${t.url}/trpc/matters.list`, { headers: { "x-request-id": "no spaces <or> markup" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(UUID);
    const none = await fetch(`${t.url}/healthz`);
    expect(none.headers.get("x-request-id")).toMatch(UUID);
  });

  it("answers /metrics in Prometheus format, counting requests by route pattern, the ledger, stages and model calls", async () => {
    // The counters live in the process (one registry per worker, shared by the test files it runs one after
    // another: vitest's isolate is off): what this test's deliberation counted is what they gained during it.
    const before = parse(await (await fetch(`${t.url}/metrics`)).text());
    const grew = (samples: Sample[], name: string, where?: (labels: Record<string, string>) => boolean) => sum(samples, name, where) - sum(before, name, where);
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 3, candidates: 2, rounds: 1, approvalThreshold: 0.5 });
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    await waitFor(async () => {
      const view = (await clerk.query("matters.deliberation", { id: matterId })).data;
      return view && ["drafted", "halted"].includes(view.stage) ? view : null;
    }, "the deliberation to finish");
    // A tRPC call that names an id, and a page path that does.
    await clerk.query("matters.deliberation", { id: matterId });
    await fetch(`${t.url}/matters/${matterId}`);

    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    const samples = parse(text);

    // Process metrics come with it.
    expect(samples.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);

    // HTTP latency by route pattern: the tRPC procedure, never the raw URL; no id in any label.
    const http = "http_request_duration_seconds_count";
    expect(grew(samples, http, (l) => l.route === "/trpc/matters.deliberation" && l.method === "GET" && l.status === "200")).toBeGreaterThan(0);
    expect(grew(samples, http, (l) => l.route === "/trpc/matters.start" && l.method === "POST")).toBeGreaterThan(0);
    for (const sample of samples) for (const value of Object.values(sample.labels)) expect(value).not.toMatch(UUID);
    expect(text).not.toContain(matterId);

    // Ledger appends by type prefix, stages the runner reached, model calls with their tokens and latency.
    expect(grew(samples, "ledger_appends_total", (l) => l.type === "deliberation")).toBeGreaterThan(3);
    expect(grew(samples, "deliberation_stage_total", (l) => l.stage === "drafted")).toBeGreaterThanOrEqual(1);
    expect(grew(samples, "model_calls_total", (l) => l.engine === "offline" && l.outcome === "ok")).toBeGreaterThan(0);
    expect(sum(samples, "model_call_seconds_count")).toBe(sum(samples, "model_calls_total"));
    expect(samples.some((s) => s.name === "model_tokens_total")).toBe(true);
    expect(samples.some((s) => s.name === "lease_takeovers_total")).toBe(true);
    expect(samples.some((s) => s.name === "socket_clients")).toBe(true);
    expect(samples.some((s) => s.name === "room_fanout_seconds_count")).toBe(true);
  });

  it("keeps /metrics from callers that came through a proxy, and takes a bearer token when METRICS_TOKEN is set", async () => {
    // The test client says it came through the local balancer (X-Forwarded-For): refused.
    expect((await clerk.raw("/metrics", { method: "GET" })).status).toBe(403);
    process.env.METRICS_TOKEN = "s3cret-token";
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer wrong-token!" } })).status).toBe(403);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
    } finally {
      delete process.env.METRICS_TOKEN;
    }
  });

  it("labels paths without their ids", () => {
    const procedures = new Set(["matters.list", "matters.start"]);
    expect(routeLabel("/trpc/matters.list", 200, procedures)).toBe("/trpc/matters.list");
    expect(routeLabel("/trpc/matters.list,matters.start", 200, procedures)).toBe("/trpc/(batch)");
    expect(routeLabel("/trpc/whatever.you.like", 404, procedures)).toBe("/trpc/(unknown)");
    expect(routeLabel("/matters/0b9c6f3e-2a4d-4a57-9d41-1f0e7a1c2b3d/room", 200, procedures)).toBe("/matters/:id/room");
    expect(routeLabel("/eli/demo/ruling/2026/7", 200, procedures)).toBe("/eli/demo/ruling/:id/:id");
    expect(routeLabel("/no/such/page", 404, procedures)).toBe("(unmatched)");
  });
});
