import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen, registryCsv } from "../../db/factories.js";
import { readLedger } from "../../db/repos/ledger.js";
import { POLITY_STREAM, verifyChain } from "../../deliberation/ledger.js";
import { translator } from "../../app/i18n/translate.js";
import { DEMO_MATTER } from "../../server/seed-demo.server.js";
import { convene, sweepConvenings } from "../../server/services/convening.server.js";
import { openMatter } from "../../server/services/matters.server.js";
import {
  importRegistry,
  REGISTRY_BATCH,
  registryImport,
  STALE_AFTER_MS,
  sweepRegistryImports,
  transactionTimes,
} from "../../server/services/registry.server.js";
import { dialects, startTestServer, type TestServer } from "../support/database.js";

/** Citizens far past the demo polity's, so the census never touches the seeded ones. */
const FIRST = 1_000_001;
const census = (rows: number) => Array.from({ length: rows }, (_, i) => demoCitizen(FIRST + i));

describe.each(dialects())("a census import at scale, in batches (%s)", (dialect) => {
  let server: TestServer;
  let adminId: string;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    adminId = (await deps().db.selectFrom("users").select("id").where("email", "=", "admin@demo.agora").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const deps = () => server.server.deps;
  const count = async (table: "citizens" | "registryStaging" | "constituencyMembers") =>
    Number(
      (
        await deps()
          .db.selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const polity = () => readLedger(deps().db, POLITY_STREAM);

  // The 200,000 rows on SQLite. The importer has no dialect-specific code (one Kysely path for
  // both), so PostgreSQL, where staging and clearing 200,000 rows took 11 s, gets a 20,000-row file:
  // twenty batches, the bad row 1,000 rows from the end as on SQLite, and the same checks that nothing is left behind.
  const badFileRows = dialect === "sqlite" ? 200_000 : 20_000;
  it(`a ${badFileRows.toLocaleString("en")}-row file with one bad row near its end changes nothing and says which row and why, in English and Estonian`, async () => {
    const people = census(badFileRows);
    const bad = badFileRows - 1_000; // e.g. the 199,000th citizen of 200,000 is on line 199,001 (the header is line 1)
    const csv = registryCsv(people).replace(`\n${people[bad - 1]!.personalCode},`, `\n${people[bad - 1]!.personalCode.slice(0, 10)}x,`);
    const [citizens, ledger] = [await count("citizens"), (await polity()).length];

    const report = await importRegistry(deps(), adminId, "census-bad.csv", csv);

    expect(report).toMatchObject({ status: "rejected", totalRows: badFileRows, rowsWritten: 0, inserted: 0, updated: 0, problemCount: 1 });
    expect(report.problems).toEqual([
      {
        line: bad + 1,
        column: "personal_code",
        key: "registry.problem.personalCode",
        params: { value: `${people[bad - 1]!.personalCode.slice(0, 10)}x` },
        message: expect.stringContaining("is not a valid personal code"),
      },
    ]);
    expect(await count("citizens")).toBe(citizens);
    expect(await count("registryStaging")).toBe(0);
    expect((await polity()).length).toBe(ledger);
    // The same report read back later, for the page, says it in the admin's language.
    const [problem] = (await registryImport(deps(), report.importId)).problems;
    expect(translator("en")(problem!.key as never, problem!.params)).toBe(
      `"${people[bad - 1]!.personalCode.slice(0, 10)}x" is not a valid personal code (11 digits with a correct check digit).`,
    );
    expect(translator("et")(problem!.key as never, problem!.params)).toBe(
      `"${people[bad - 1]!.personalCode.slice(0, 10)}x" ei ole kehtiv isikukood (11 numbrit õige kontrollnumbriga).`,
    );
  }, 60_000);

  it("a repeated personal code names the line it repeats, in Estonian too", async () => {
    const people = census(3);
    const report = await importRegistry(deps(), adminId, "repeat.csv", registryCsv([...people, { ...people[0]!, fullName: "Mari Teine" }]));
    expect(report.problems.map((p) => [p.line, p.key, p.params])).toEqual([[5, "registry.problem.repeats", { line: 2 }]]);
    expect(translator("et")("registry.problem.repeats", report.problems[0]!.params)).toBe("Isikukood kordab rida 2.");
  });

  it("a good file is written in many short transactions and applied whole, once, on the ledger", async () => {
    const rows = 30_000;
    const people = census(rows).map((_, i) => demoCitizen(FIRST + 500_000 + i));
    const [citizens, head] = [await count("citizens"), (await polity()).at(-1)!];
    const transactionsBefore = transactionTimes.count;

    const report = await importRegistry(deps(), adminId, "census.csv", registryCsv(people));

    expect(report).toMatchObject({ status: "applied", totalRows: rows, rowsWritten: rows, inserted: rows, updated: 0, problems: [] });
    expect(await count("citizens")).toBe(citizens + rows);
    expect(await count("registryStaging")).toBe(0);
    // Checked into staging, then written, a batch per transaction: never the whole file in one.
    expect(transactionTimes.count - transactionsBefore).toBeGreaterThanOrEqual((2 * rows) / REGISTRY_BATCH);
    const last = people.at(-1)!;
    expect(
      await deps().db.selectFrom("citizens").select(["fullName", "district", "email"]).where("personalCode", "=", last.personalCode).executeTakeFirst(),
    ).toEqual({
      fullName: last.fullName,
      district: last.district,
      email: last.email,
    });
    const events = await polity();
    expect(events.filter((e) => e.seq > head.seq)).toMatchObject([
      { type: "registry.imported", actor: adminId, payload: { importId: report.importId, rows, inserted: rows, updated: 0 } },
    ]);
    expect(verifyChain(events).ok).toBe(true);
  }, 90_000);

  it("an import cut short while writing is finished from its checkpoint by the sweep, and one cut short while checking is undone", async () => {
    const db = deps().db;
    const people = Array.from({ length: 2_500 }, (_, i) => demoCitizen(FIRST + 300_000 + i));
    const old = new Date(Date.now() - 2 * STALE_AFTER_MS).toISOString();
    const staged = people.map((p, i) => ({
      seq: i + 1,
      citizenId: `resumed-${dialect}-${i}`,
      personalCode: p.personalCode,
      fullName: p.fullName,
      district: p.district,
      email: p.email,
    }));
    // A writer that died after its first 1,000 rows: those are in the census and gone from staging.
    await db
      .insertInto("registryImports")
      .values({
        id: `writing-${dialect}`,
        actorId: adminId,
        fileName: "died.csv",
        totalRows: 2_500,
        importedRows: 0,
        status: "writing",
        report: "[]",
        createdAt: old,
        updatedAt: old,
        rowsRead: 2_500,
        rowsWritten: 1_000,
        inserted: 1_000,
      })
      .execute();
    await db
      .insertInto("registryImports")
      .values({
        id: `checking-${dialect}`,
        actorId: adminId,
        fileName: "cut.csv",
        totalRows: 0,
        importedRows: 0,
        status: "checking",
        report: "[]",
        createdAt: old,
        updatedAt: old,
        rowsRead: 10,
      })
      .execute();
    await db
      .insertInto("citizens")
      .values(
        staged.slice(0, 1_000).map((s) => ({
          id: s.citizenId,
          personalCode: s.personalCode,
          fullName: s.fullName,
          district: s.district,
          email: s.email,
          importId: `writing-${dialect}`,
          createdAt: old,
        })),
      )
      .execute();
    for (let at = 1_000; at < staged.length; at += 500) {
      await db
        .insertInto("registryStaging")
        .values(staged.slice(at, at + 500).map((s) => ({ importId: `writing-${dialect}`, ...s })))
        .execute();
    }
    await db
      .insertInto("registryStaging")
      .values(staged.slice(0, 10).map((s, i) => ({ importId: `checking-${dialect}`, ...s, citizenId: `cut-${i}` })))
      .execute();
    const citizens = await count("citizens");

    await sweepRegistryImports(deps());

    expect(await registryImport(deps(), `writing-${dialect}`)).toMatchObject({ status: "applied", rowsWritten: 2_500, inserted: 2_500, updated: 0 });
    expect(await registryImport(deps(), `checking-${dialect}`)).toMatchObject({ status: "failed", rowsWritten: 0 });
    expect(await count("citizens")).toBe(citizens + 1_500);
    expect(await count("registryStaging")).toBe(0);
    expect((await polity()).at(-1)).toMatchObject({ type: "registry.imported", payload: { importId: `writing-${dialect}`, rows: 2_500 } });
  });

  it("a convening that died midway is undone by the sweep, a live one keeps others out, and none starts while a census is being written", async () => {
    const db = deps().db;
    const clerk = await db
      .selectFrom("users")
      .select(["id", "email", "displayName", "locale"])
      .where("email", "=", "clerk@demo.agora")
      .executeTakeFirstOrThrow();
    const clerkUser = { ...clerk, roles: ["clerk" as const], citizenId: null };
    const contextId = `scale-${dialect}`;
    await db
      .insertInto("contexts")
      .values({ id: contextId, title: "Scale", titleEt: null, description: "A context for the scale test.", createdAt: new Date().toISOString() })
      .execute();
    const opened = await openMatter(deps(), clerkUser, { ...DEMO_MATTER, contextId, startIntake: true });
    const matter = await db.selectFrom("matters").select(["id", "status"]).where("id", "=", opened.id).executeTakeFirstOrThrow();
    const someone = await db.selectFrom("citizens").select("id").limit(3).execute();
    const now = new Date().toISOString();

    // A live run by another process: the clerk is told, nothing is written.
    await db
      .insertInto("conveningRuns")
      .values({ matterId: matter.id, holder: "elsewhere", startedAt: now, expiresAt: new Date(Date.now() + STALE_AFTER_MS).toISOString() })
      .execute();
    await expect(convene(deps(), clerkUser, matter.id, "districts", { confirmEarly: true })).rejects.toMatchObject({ key: "convening.running" });

    // The same run, dead, with some members written: the sweep deletes them and the run.
    await db
      .updateTable("conveningRuns")
      .set({ expiresAt: new Date(Date.now() - 1).toISOString() })
      .where("matterId", "=", matter.id)
      .execute();
    await db
      .insertInto("constituencyMembers")
      .values(someone.map((c) => ({ matterId: matter.id, constituencyId: "district:x", citizenId: c.id })))
      .execute();
    await sweepConvenings(deps());
    expect(await db.selectFrom("constituencyMembers").select("citizenId").where("matterId", "=", matter.id).execute()).toEqual([]);
    expect(await db.selectFrom("conveningRuns").selectAll().execute()).toEqual([]);
    expect((await db.selectFrom("matters").select("status").where("id", "=", matter.id).executeTakeFirstOrThrow()).status).toBe(matter.status);

    // While a census import is being written, convening waits for it.
    await db
      .insertInto("registryImports")
      .values({
        id: `busy-${dialect}`,
        actorId: adminId,
        fileName: "busy.csv",
        totalRows: 1,
        importedRows: 0,
        status: "writing",
        report: "[]",
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await expect(convene(deps(), clerkUser, matter.id, "districts", { confirmEarly: true })).rejects.toMatchObject({ key: "convening.registryWriting" });
    await db.updateTable("registryImports").set({ status: "applied" }).where("id", "=", `busy-${dialect}`).execute();

    // Then it convenes: every citizen of the census a member, in batches.
    const citizens = await count("citizens");
    const members = await count("constituencyMembers");
    await expect(convene(deps(), clerkUser, matter.id, "districts", { confirmEarly: true })).resolves.toMatchObject({ status: "convened" });
    expect((await count("constituencyMembers")) - members).toBe(citizens);
    expect(await db.selectFrom("conveningRuns").selectAll().execute()).toEqual([]);
  }, 90_000);
});
