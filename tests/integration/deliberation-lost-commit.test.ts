import type { Kysely, Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { verifyChain } from "../../deliberation/ledger.js";
import { log } from "../../server/log.server.js";
import { conveneFixture } from "../fixtures/deliberation.js";
import { dialects, type HttpClient, signInAs, startTestServer, type TestServer } from "../support/database.js";
import { resultKeys } from "../support/ledger.js";
import { waitFor } from "../support/wait.js";

/**
 * A write whose COMMIT lands but whose answer never reaches the runner (the connection broke on the way
 * back, and the error is one nobody recognises as such). The runner asks again; the ledger must hold the
 * result once, the run must carry on without stopping (a retried call record would collide with the one that
 * landed), the deliberation must reach its draft, and the chain must verify.
 */
describe.each(dialects())("a runner's write that committed but answered with an error, on %s", (dialect) => {
  let t: TestServer;
  let clerk: HttpClient;
  let restore: () => void;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    clerk = await signInAs(t.url, "clerk@demo.agora");
  });
  afterAll(async () => {
    restore?.();
    await t?.close();
  });

  /**
   * The first `count` transactions that append a protocol call's result commit, and answer with an error all
   * the same. Which events a transaction appended is read inside it, before it commits: the runner writes
   * one transaction at a time, and nobody else writes this matter's ledger here.
   */
  function loseAnswers(db: Kysely<Database>, matterId: string, count: number) {
    const real = db.transaction.bind(db);
    const lost: number[] = [];
    let head = 0;
    db.transaction = (() => {
      const builder = real();
      return new Proxy(builder, {
        get(target, property, receiver) {
          if (property !== "execute") return Reflect.get(target, property, receiver);
          return async <T>(work: (trx: Transaction<Database>) => Promise<T>) => {
            let lose = false;
            const result = await target.execute(async (trx) => {
              const value = await work(trx);
              const appended = await readLedger(trx, matterId, { afterSeq: head });
              if (appended.length > 0) head = appended.at(-1)!.seq;
              if (lost.length < count && appended.some((e) => typeof (e.payload as { key?: unknown }).key === "string")) {
                lost.push(head);
                lose = true;
              }
              return value;
            });
            if (lose) throw new Error("the answer to COMMIT did not arrive");
            return result;
          };
        },
      });
    }) as typeof db.transaction;
    restore = () => {
      db.transaction = real as typeof db.transaction;
    };
    return lost;
  }

  it("holds each result once and drafts", async () => {
    const { matterId } = await conveneFixture(t.server.deps.db, { representatives: 4, candidates: 3, rounds: 2, approvalThreshold: 0.9 });
    const lost = loseAnswers(t.server.deps.db, matterId, 2);
    const errors = vi.spyOn(log, "error");
    expect((await clerk.mutate("matters.start", { id: matterId })).status).toBe(200);
    const view = await waitFor(async () => {
      const v = (await clerk.query("matters.deliberation", { id: matterId })).data;
      return v && ["drafted", "halted"].includes(v.stage) ? v : null;
    }, "the deliberation to finish");
    restore();
    expect(lost).toHaveLength(2);
    expect(errors.mock.calls.filter(([, message]) => message === "[deliberation] stopped")).toEqual([]);
    errors.mockRestore();
    expect(view.stage).toBe("drafted");

    const events = await readLedger(t.server.deps.db, matterId);
    expect(verifyChain(events)).toMatchObject({ ok: true, length: events.length });
    const keys = resultKeys(events);
    expect(keys.length).toBeGreaterThan(10);
    expect(new Set(keys).size, "a protocol call's result is in the ledger twice").toBe(keys.length);
    const calls = await t.server.deps.db.selectFrom("llmCalls").select("id").where("matterId", "=", matterId).execute();
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
  });
});
