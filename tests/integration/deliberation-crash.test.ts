import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection.js";
import { migrateToLatest } from "../../db/migrate.js";
import { readLedger } from "../../db/repos/ledger.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { answerOffline, type DraftRuling } from "../../deliberation/protocol/index.js";
import { prng } from "../../deliberation/random.js";
import { createAgoraServer } from "../../server/app.server.js";
import { loadConfig } from "../../server/env.server.js";
import { startDeliberation } from "../../server/services/deliberation.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";

/**
 * The runner is killed (SIGKILL, no chance to clean up) at 20 random points of one deliberation and
 * started again each time. Every run must end with the draft an uninterrupted run produces, each
 * protocol step in the ledger exactly once, and a chain that verifies.
 */

const KILLS = 20;
const LEASE_MS = 300;
const CHILD = join(import.meta.dirname, "../support/runner-child.ts");
/**
 * The runner child is started 22 times. Through tsx each start spent about 2 s of CPU compiling and
 * resolving some hundreds of modules; so it is bundled once (the same sources, compiled by esbuild as
 * tsx compiles them) into one file inside the repository, where its packages resolve from node_modules.
 */
const BUNDLES = join(import.meta.dirname, "../../node_modules/.cache/agora-tests");

describe("a deliberation runner killed at random points", () => {
  let model: ScriptedServer;
  let dir: string;
  let matterId: string;
  let runnerBundle: string;

  beforeAll(async () => {
    mkdirSync(BUNDLES, { recursive: true });
    runnerBundle = join(BUNDLES, `runner-child-${process.pid}-${Date.now()}.mjs`);
    await build({
      entryPoints: [CHILD],
      outfile: runnerBundle,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "error",
    });
    // A deterministic model with some latency, so kills land while calls are in flight too. Clause 1
    // erodes every value it is read against, and so does every new wording of it the mediator writes:
    // the protocol keeps searching, and runs all its rounds.
    model = await startScriptedServer({
      latencyMs: 15,
      respond: (request) => {
        const data = request.data as any;
        if (request.task === "deliberation.word") {
          return {
            json: {
              clauses: [{ slot: 0, text: `The authority may decide about a benefit by an automated system alone (wording ${data.round}).`, rationale: "r" }],
            },
          };
        }
        const answer = answerOffline(request.task, request.data) as Record<string, any> | null;
        if (!answer) return { status: 400, message: "unexpected task" };
        if (request.task === "deliberation.read" && (data.option.id === "c1" || data.option.id.startsWith("w"))) {
          for (const r of answer.readings) Object.assign(r, { verdict: "erodes", quote: data.option.text, reason: "r" });
        }
        return { json: answer };
      },
    });
    dir = mkdtempSync(join(tmpdir(), "agora-crash-"));
    // Started with the model the runners will use: the deliberation asks it for new wording too.
    const config = loadConfig({
      DATA_DIR: dir,
      NODE_ENV: "test",
      AGORA_SCRYPT_LOG_N: "10",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test-key",
      AGORA_MODEL: "scripted",
    });
    const server = await createAgoraServer(
      { ...config, database: { kind: "sqlite", file: join(dir, "start.sqlite") } },
      { remix: "none", runDeliberations: false },
    );
    ({ matterId } = await conveneFixture(server.deps.db, { representatives: 6, candidates: 3, rounds: 6, approvalThreshold: 1 }));
    await startDeliberation(server.deps, { id: "clerk", email: "", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk"] }, matterId);
    await server.close();
  });
  afterAll(async () => {
    await model?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (runnerBundle) rmSync(runnerBundle, { force: true });
  });

  /** A copy of the database as it was when the clerk pressed start. */
  function freshCopy(name: string): string {
    const file = join(dir, `${name}.sqlite`);
    copyFileSync(join(dir, "start.sqlite"), file);
    return file;
  }

  function spawnRunner(file: string): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [runnerBundle], {
      env: {
        ...process.env,
        AGORA_DB_FILE: file,
        DATA_DIR: dir,
        OPENAI_BASE_URL: model.url,
        OPENAI_API_KEY: "test-key",
        AGORA_MODEL: "scripted",
        AGORA_LEASE_MS: String(LEASE_MS),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exited };
  }

  async function runToEnd(file: string) {
    const { lines, exited } = spawnRunner(file);
    for await (const line of { [Symbol.asyncIterator]: () => lines }) if (line === "done") break;
    expect(await exited).toBe(0);
  }

  async function outcome(file: string) {
    const database = openDatabase({ kind: "sqlite", file });
    try {
      await migrateToLatest(database.db);
      const events = await readLedger(database.db, matterId);
      const draft = events.find((e) => e.type === "deliberation.drafted")?.payload as unknown as DraftRuling | undefined;
      const steps = events.filter((e) => e.type.startsWith("deliberation.")).map((e) => (e.payload as { key?: string }).key ?? e.type);
      const calls = await database.db.selectFrom("llmCalls").select("id").where("matterId", "=", matterId).execute();
      return {
        verdict: verifyChain(events),
        draft,
        steps,
        callIds: events.flatMap((e) => (e.payload as { call?: { callIds: string[] } }).call?.callIds ?? []),
        calls: calls.map((c) => c.id),
      };
    } finally {
      await database.close();
    }
  }

  it("ends every time with the uninterrupted draft, no step lost or repeated, and a chain that verifies", async () => {
    const referenceFile = freshCopy("reference");
    await runToEnd(referenceFile);
    const reference = await outcome(referenceFile);
    expect(reference.draft).toBeDefined();
    expect(reference.verdict.ok).toBe(true);
    const expectedSteps = [...reference.steps].sort();
    expect(reference.steps.length).toBeGreaterThan(KILLS); // enough steps for 20 kills in between

    const file = freshCopy("crashed");
    const random = prng(20261125);
    let kills = 0;
    while (kills < KILLS) {
      const { child, lines, exited } = spawnRunner(file);
      // Kill after the next appended event, plus up to 20 ms: between events, in the middle of
      // calls, and in the middle of appending.
      const after = 1;
      const jitter = Math.floor(random() * 20);
      let seen = 0;
      let finished = false;
      for await (const line of { [Symbol.asyncIterator]: () => lines }) {
        if (line === "done") {
          finished = true;
          break;
        }
        if (line.startsWith("event ") && ++seen >= after) break;
      }
      if (finished) break; // the deliberation ended before this kill; the check below tells if that was early
      await new Promise((resolve) => setTimeout(resolve, jitter));
      child.kill("SIGKILL");
      await exited;
      kills++;
    }
    expect(kills).toBe(KILLS);
    await runToEnd(file);

    const crashed = await outcome(file);
    expect(crashed.verdict.ok).toBe(true);
    expect(crashed.draft).toEqual(reference.draft);
    expect([...crashed.steps].sort()).toEqual(expectedSteps);
    // Each result's recorded calls are there, written with it; calls cut short by a kill left no result.
    expect(new Set(crashed.callIds).size).toBe(crashed.callIds.length);
    for (const id of crashed.callIds) expect(crashed.calls).toContain(id);
  }, 180_000);
});
