import { type KyselyPlugin, OperationNodeTransformer, type PluginTransformQueryArgs, type PluginTransformResultArgs, type ValueNode } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "../../db/connection.js";
import { migrateToLatest } from "../../db/migrate.js";
import { appendLedgerEvent, ledgerHead, readLedger } from "../../db/repos/ledger.js";
import { GENESIS_HASH, verifyChain } from "../../deliberation/ledger.js";

/** Rewrites string values (here: drops NUL characters), as a plugin that touches values might. */
class StripNul extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === "string" ? { ...node, value: node.value.replaceAll("\u0000", "") } : node;
  }
}
const stripNul: KyselyPlugin = {
  transformQuery: ({ node }: PluginTransformQueryArgs) => new StripNul().transformNode(node),
  transformResult: async ({ result }: PluginTransformResultArgs) => result,
};

// appendLedgerEvent compiles its two statements once per database and plugin set: these check that
// the compiled statements run with the right values, however the database handle is dressed (stripNul
// rewrites the head query's stand-in, so that query takes the build-every-time path).
describe("appendLedgerEvent", () => {
  let handle: DbHandle;
  beforeEach(async () => {
    handle = openDatabase({ kind: "sqlite", file: ":memory:" });
    await migrateToLatest(handle.db);
  });
  afterEach(() => handle.close());

  const input = (i: number) => ({
    matterId: "m1",
    type: "test.step",
    actor: `actor-${i}`,
    payload: { i, note: `step ${i}` },
    createdAt: `2026-11-24T10:00:0${i}.000Z`,
  });

  it("chains appends through the root database, transactions, other plugin sets and a plugin that rewrites values", async () => {
    const first = await handle.db.transaction().execute((trx) => appendLedgerEvent(trx, input(1)));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    await appendLedgerEvent(handle.db, input(2));
    await handle.db.transaction().execute((trx) => appendLedgerEvent(trx.withSchema("main"), input(3)));
    await handle.db.transaction().execute((trx) => appendLedgerEvent(trx.withPlugin(stripNul), input(4)));
    await appendLedgerEvent(handle.db, { ...input(5), matterId: "m2" });
    const last = await handle.db.transaction().execute((trx) => appendLedgerEvent(trx, input(6)));

    const events = await readLedger(handle.db, "m1");
    expect(events.map((e) => [e.seq, e.actor, e.payload])).toEqual([1, 2, 3, 4, 6].map((i, k) => [k + 1, `actor-${i}`, { i, note: `step ${i}` }]));
    expect(verifyChain(events)).toEqual({ ok: true, length: 5, head: last.hash });
    expect(await ledgerHead(handle.db, "m1")).toEqual(last);
    expect(await readLedger(handle.db, "m2")).toMatchObject([{ seq: 1, prevHash: GENESIS_HASH }]);
  });

  it("takes a known head for the next append, as withLedger passes it", async () => {
    const one = await appendLedgerEvent(handle.db, input(1));
    const two = await appendLedgerEvent(handle.db, input(2), one);
    expect(two).toMatchObject({ seq: 2, prevHash: one.hash });
    expect(verifyChain(await readLedger(handle.db, "m1"))).toMatchObject({ ok: true, length: 2 });
  });
});

describe("the connection's InlineLimits plugin", () => {
  it("writes an integer LIMIT and OFFSET as literals, and leaves every other value bound", async () => {
    for (const kind of ["sqlite", "postgres"] as const) {
      const handle = openDatabase(kind === "sqlite" ? { kind, file: ":memory:" } : { kind, url: "postgres://127.0.0.1:1/none" });
      const query = handle.db.selectFrom("ledgerEvents").select("seq").where("matterId", "=", "m").orderBy("seq").limit(5).offset(10).compile();
      expect(query.sql.toLowerCase(), kind).toMatch(/limit 5 offset 10$/);
      expect(query.parameters).toEqual(["m"]);
      await handle.close();
    }
  });
});
