import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CONTEXTS } from "../../db/demo-values.js";
import { observeServing } from "../../db/sqlite-worker.js";
import type { SessionUser } from "../../server/services/accounts.server.js";
import { convene } from "../../server/services/convening.server.js";
import { seedDemoValues } from "../../server/seed-demo.server.js";
import { openMatter } from "../../server/services/matters.server.js";
import { endorse, pairsToJudge, submitCard, valuesToEndorse } from "../../server/services/values.server.js";
import { startTestServer, type TestServer } from "../support/database.js";
import { FIXTURE_CLAUSES } from "../fixtures/deliberation.js";

/**
 * Issue 15: what convening and the moral graph's reads of support read does not grow with the polity. On
 * SQLite every read holds the event loop, and SQLite picks an index by the shape of the query, not by
 * the data: given a context and a status besides a citizen's id range or a value, it walked the
 * (context, status) index, every card of the context, for each page of the census and at each
 * recompute. This records the reads the server makes while it convenes a matter and recomputes the
 * graph (the demo polity, through the services) and asks SQLite how it would run each one: none may
 * walk a context's cards or a whole table of the polity. SQLite only: PostgreSQL plans by its
 * statistics, and the suites that convene and publish run the same queries on both.
 */

const POLITY_TABLES = ["value_cards", "endorsements", "citizens", "constituency_members", "ruling_cards"];

/**
 * Every statement the server runs while `work` runs (the server is in-process): those its SQLite worker
 * serves (a file, decision 31), and those better-sqlite3 runs on this thread (`:memory:`).
 */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const probe = new SQLite(":memory:");
  const statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<"all" | "get" | "run", (...args: unknown[]) => unknown>;
  probe.close();
  const seen = new Set<string>();
  const stopObserving = observeServing((event) => {
    if (event.kind === "statement") seen.add(event.sql);
  });
  const originals = { all: statement.all, get: statement.get, run: statement.run };
  for (const name of ["all", "get", "run"] as const) {
    const original = originals[name];
    statement[name] = function (this: { source: string }, ...args: unknown[]) {
      seen.add(this.source);
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(statement, originals);
    stopObserving();
  }
  return [...seen];
}

/** SQLite's plan for a statement, its parameters all null (a plan depends on the query's shape only). */
function planOf(db: SQLite.Database, source: string): string[] {
  const parameters = (source.match(/\?/g) ?? []).length;
  return (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...new Array(parameters).fill(null)) as { detail: string }[]).map((r) => r.detail);
}

describe("reads that stay small at a nation's size (SQLite plans)", () => {
  let t: TestServer;
  let db: SQLite.Database;
  const clerk: SessionUser = { id: "test-clerk", email: "clerk@test", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk"] };

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    await seedDemoValues(t.server.deps);
    const config = t.config.database;
    if (config.kind !== "sqlite") throw new Error("an SQLite test server");
    db = new SQLite(config.file, { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await t?.close();
  });

  it("walks no context's cards and scans no table of the polity while convening and reading support again", async () => {
    const deps = t.server.deps;
    const contextId = DEMO_CONTEXTS[0].id;
    const draft = {
      title: "Plans of the polity's reads",
      clauses: FIXTURE_CLAUSES,
      language: "en" as const,
      contextId,
      rationale: "Reads that stay small.",
      emergency: true,
      intakeHours: 48,
      rounds: 2,
      candidates: 3,
      approvalThreshold: 0.6,
      startIntake: true,
    };
    const statements = await statementsDuring(async () => {
      for (const scheme of ["districts", "value-communities"] as const) {
        const matter = await openMatter(deps, clerk, draft);
        expect((await convene(deps, clerk, matter.id, scheme, { confirmEarly: true })).constituencies).toBeGreaterThan(0);
      }
      // The first recompute loads the context; a second, after a change, reads the changed values' support.
      deps.graphs.changed(contextId);
      await deps.graphs.settled();
      const value = await deps.db.selectFrom("canonicalValues").select("id").where("contextId", "=", contextId).executeTakeFirstOrThrow();
      await deps.db
        .insertInto("valueEvents")
        .values({
          id: deps.ids(),
          type: "value.endorsed",
          actor: "test",
          canonicalId: value.id,
          cardId: null,
          payload: "{}",
          createdAt: new Date().toISOString(),
        })
        .execute();
      deps.graphs.changed(contextId);
      await deps.graphs.settled();
    });
    const reads = statements.filter((s) => /^select|^with/i.test(s) && POLITY_TABLES.some((table) => s.includes(`"${table}"`)));
    expect(reads.some((s) => s.includes('from "citizens"'))).toBe(true);
    // Support is kept on the value (decision 29): read by the values' keys, no holder or endorser counted.
    expect(statements.some((s) => /^select "id", "support_count" from "canonical_values" where "id" in/.test(s))).toBe(true);
    expect(reads.some((s) => s.includes("union"))).toBe(false);
    const walks = reads
      .map((source) => ({ source, plan: planOf(db, source) }))
      .filter(({ plan }) =>
        plan.some((step) => /value_cards_context_status|^SCAN (value_cards|endorsements|citizens|constituency_members|ruling_cards)\b/.test(step)),
      );
    expect(walks).toEqual([]);
  });

  // Her cards are read by her id alone (values.server.ts, activeCardsOf): PostgreSQL without statistics
  // walked the (context, status) index for the same read named with her context and status (checked with
  // EXPLAIN on the 1.3 M bench's database); SQLite's plans are checked here, as for the reads above.
  it("reads a citizen's own cards and endorsements from her when she submits a card, is offered pairs and endorses", async () => {
    const deps = t.server.deps;
    const contextId = DEMO_CONTEXTS[0].id;
    const row = await deps.db.selectFrom("citizens").select(["id", "email"]).where("email", "like", "citizen%").executeTakeFirstOrThrow();
    const user: SessionUser = { id: "test:plans", email: row.email!, displayName: "", locale: "en", citizenId: row.id, roles: ["citizen"] };
    const statements = await statementsDuring(async () => {
      await submitCard(deps, user, {
        contextId,
        title: "Reads that stay small",
        description: "A citizen's own cards are found from her, not from her context's thousands.",
        policies: ["MOMENTS when a page answers at once", "WAYS the work stays bounded"],
      }).catch(() => undefined);
      await pairsToJudge(deps, user, contextId, 2);
      // An endorsement changes a value's support: what she supports is read from her (decision 29).
      const [offered] = await valuesToEndorse(deps, user, contextId, 1);
      await endorse(deps, user, offered!.id);
    });
    const cardReads = statements.filter((s) => /^select|^with/i.test(s) && (s.includes('"value_cards"') || s.includes('"endorsements"')));
    expect(cardReads.some((s) => /from "endorsements" where "citizen_id" = \? and "canonical_id" in/.test(s))).toBe(true);
    const walks = cardReads
      .map((source) => ({ source, plan: planOf(db, source) }))
      .filter(({ plan }) => plan.some((step) => /value_cards_context_status|^SCAN (value_cards|endorsements)\b/.test(step)));
    expect(walks).toEqual([]);
  });
});
