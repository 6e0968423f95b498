import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCitizen, registryCsv } from "../../db/factories.js";
import { readLedger } from "../../db/repos/ledger.js";
import { DEMO_CITIZENS } from "../../db/seed.js";
import { type LedgerEvent, POLITY_STREAM, verifyChain } from "../../deliberation/ledger.js";
import { withLedger } from "../../server/services/ledger.server.js";
import { dialects, type HttpClient, rowCounts, signInAs, startTestServer, type TestServer } from "../support/database.js";

describe.each(dialects())("the ledger and the citizen registry (%s)", (dialect) => {
  let server: TestServer;
  let admin: HttpClient;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await signInAs(server.url, "admin@demo.agora");
  });
  afterAll(async () => {
    await server?.close();
  });

  const db = () => server.server.deps.db;
  const polity = () => readLedger(db(), POLITY_STREAM);
  const citizensCount = async () => (await rowCounts(server.server)).citizens;

  describe("the ledger", () => {
    it("is append-only in the database itself: UPDATE and DELETE on ledger_events fail", async () => {
      const before = await polity();
      expect(before.length).toBeGreaterThan(0);

      await expect(db().updateTable("ledgerEvents").set({ payload: '{"forged":true}' }).where("matterId", "=", POLITY_STREAM).execute()).rejects.toThrow(
        /append-only/,
      );
      await expect(db().deleteFrom("ledgerEvents").where("seq", "=", 1).execute()).rejects.toThrow(/append-only/);
      await expect(sql`UPDATE ledger_events SET actor = 'mallory'`.execute(db())).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM ledger_events`.execute(db())).rejects.toThrow(/append-only/);

      expect(await polity()).toEqual(before);
    });

    it("the seeded polity stream verifies, over HTTP and in code", async () => {
      const events = await polity();
      const verdict = verifyChain(events);
      expect(verdict).toEqual({ ok: true, length: events.length, head: events.at(-1)!.hash });

      const response = await admin.query("ledger.verify", { stream: POLITY_STREAM });
      expect(response.status).toBe(200);
      expect(response.data).toEqual(verdict);
      // The seed recorded the registry import and the grants of every non-citizen account.
      expect(events[0]).toMatchObject({ seq: 1, type: "registry.imported", actor: "system:seed" });
      expect(events.filter((e) => e.type === "roles.granted")).toHaveLength(7);
    });

    it("a tampered copy fails verification, at the event that was changed", async () => {
      const events = await polity();
      const copy: LedgerEvent[] = structuredClone(events);
      copy[1] = { ...copy[1]!, payload: { userId: "mallory", roles: ["admin"] } };
      expect(verifyChain(copy)).toEqual({ ok: false, seq: 2, reason: "hash_mismatch" });

      // Dropping an event, or re-hashing a changed one, is caught too.
      expect(verifyChain([events[0]!, ...events.slice(2)])).toMatchObject({ ok: false, reason: "sequence_gap" });
      const forged = structuredClone(events);
      forged[0] = { ...forged[0]!, actor: "mallory" };
      expect(verifyChain(forged)).toMatchObject({ ok: false, seq: 1, reason: "hash_mismatch" });
      // The database copy is untouched.
      expect(verifyChain(await polity()).ok).toBe(true);
    });

    it("20 concurrent appends to one stream end with seqs 1..20, no gaps, and a verifying chain", async () => {
      const stream = `concurrency-${dialect}`;
      const deps = server.server.deps;
      const appended = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          withLedger(deps, (_trx, append) => append({ matterId: stream, type: "test.appended", actor: "test", payload: { i } })),
        ),
      );
      const events = await readLedger(deps.db, stream);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(events.map((e) => (e.payload as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(events.map((e) => e.seq));
      expect(verifyChain(events)).toMatchObject({ ok: true, length: 20 });
    });

    it("a failed piece of work appends nothing", async () => {
      const stream = `rollback-${dialect}`;
      await expect(
        withLedger(server.server.deps, async (_trx, append) => {
          await append({ matterId: stream, type: "test.appended", actor: "test", payload: {} });
          throw new Error("the change itself failed");
        }),
      ).rejects.toThrow(/failed/);
      expect(await readLedger(db(), stream)).toEqual([]);
    });
  });

  describe("registry import through admin.importRegistry", () => {
    it("applies a good CSV and records it on the ledger", async () => {
      const people = Array.from({ length: 31 }, (_, i) => demoCitizen(100 + i));
      const citizens = await citizensCount();
      const head = (await polity()).at(-1)!;

      const response = await admin.mutate("admin.importRegistry", { fileName: "census-100.csv", csv: registryCsv(people) });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.data).toMatchObject({ status: "applied", totalRows: 31, inserted: 31, updated: 0, problems: [] });
      expect(await citizensCount()).toBe(citizens + 31);

      const stored = await db().selectFrom("citizens").selectAll().where("personalCode", "=", people[5]!.personalCode).executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ fullName: people[5]!.fullName, district: people[5]!.district, email: people[5]!.email, importId: response.data.importId });

      const events = await polity();
      const event = events.at(-1)!;
      const adminUser = await db().selectFrom("users").select("id").where("email", "=", "admin@demo.agora").executeTakeFirstOrThrow();
      expect(event).toMatchObject({
        seq: head.seq + 1,
        prevHash: head.hash,
        type: "registry.imported",
        actor: adminUser.id,
        payload: { importId: response.data.importId, fileName: "census-100.csv", rows: 31, inserted: 31, updated: 0 },
      });
      expect(verifyChain(events).ok).toBe(true);

      const summary = await admin.query("admin.registry");
      expect(summary.data.total).toBe(DEMO_CITIZENS + 31 + 0);
      expect(summary.data.imports[0]).toMatchObject({ id: response.data.importId, status: "applied", totalRows: 31, importedRows: 31 });
    });

    it("rejects a CSV with bad rows among good ones, naming line and column, and adds no citizen", async () => {
      const good = demoCitizen(140);
      const badCheck = demoCitizen(141);
      const wrongDigit = String((Number(badCheck.personalCode.at(-1)) + 1) % 10);
      const lines = registryCsv([
        good, // line 2
        { ...badCheck, personalCode: badCheck.personalCode.slice(0, 10) + wrongDigit }, // line 3
        { ...demoCitizen(142), district: "" }, // line 4
        { ...demoCitizen(143), email: "not-an-email" }, // line 5
        { ...demoCitizen(144), fullName: "Someone Else" }, // line 6 (good)
        { ...good, fullName: "Duplicate Of Line Two" }, // line 7
      ]);
      const citizens = await citizensCount();
      const ledgerLength = (await polity()).length;

      const response = await admin.mutate("admin.importRegistry", { fileName: "census-bad.csv", csv: lines });
      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({ status: "rejected", totalRows: 6, inserted: 0, updated: 0 });
      const problems = response.data.problems as { line: number; column: string; message: string }[];
      expect(problems.map(({ line, column }) => ({ line, column }))).toEqual([
        { line: 3, column: "personal_code" },
        { line: 4, column: "district" },
        { line: 5, column: "email" },
        { line: 7, column: "personal_code" },
      ]);
      expect(problems[0]!.message).toMatch(/not a valid personal code/);
      expect(problems[3]!.message).toMatch(/repeats line 2/);
      for (const problem of problems) expect(problem.message.length).toBeGreaterThan(10);

      expect(await citizensCount()).toBe(citizens);
      expect(await db().selectFrom("citizens").select("id").where("personalCode", "=", good.personalCode).executeTakeFirst()).toBeUndefined();
      expect((await polity()).length).toBe(ledgerLength);
      // The attempt itself is kept, with its report, for the administrator.
      const attempt = await db().selectFrom("registryImports").selectAll().where("id", "=", response.data.importId).executeTakeFirstOrThrow();
      expect(attempt).toMatchObject({ status: "rejected", importedRows: 0, fileName: "census-bad.csv" });
      expect(JSON.parse(attempt.report)).toEqual(problems);
    });

    it("rejects a file without the required columns, or without rows", async () => {
      const citizens = await citizensCount();
      const noDistrict = await admin.mutate("admin.importRegistry", { fileName: "x.csv", csv: "personal_code,full_name\n37605030299,Mari Tamm\n" });
      expect(noDistrict.data).toMatchObject({ status: "rejected", problems: [{ line: 1, column: "district" }] });
      const empty = await admin.mutate("admin.importRegistry", { fileName: "x.csv", csv: "personal_code,full_name,district,email\n" });
      expect(empty.data).toMatchObject({ status: "rejected" });
      const broken = await admin.mutate("admin.importRegistry", { fileName: "x.csv", csv: 'personal_code,full_name,district\n"37605030299,Mari\n' });
      expect(broken.status).toBe(200);
      expect(broken.data.status).toBe("rejected");
      expect(await citizensCount()).toBe(citizens);
    });

    it("re-importing a known personal code updates the name", async () => {
      const known = demoCitizen(100);
      const citizens = await citizensCount();
      const response = await admin.mutate("admin.importRegistry", {
        fileName: "rename.csv",
        csv: registryCsv([{ ...known, fullName: "Mari Uusnimi" }, demoCitizen(131)]),
      });
      expect(response.data).toMatchObject({ status: "applied", inserted: 1, updated: 1 });
      expect(await citizensCount()).toBe(citizens + 1);
      const row = await db().selectFrom("citizens").select(["fullName", "district"]).where("personalCode", "=", known.personalCode).executeTakeFirstOrThrow();
      expect(row).toEqual({ fullName: "Mari Uusnimi", district: known.district });
      expect((await polity()).at(-1)).toMatchObject({ type: "registry.imported", payload: { fileName: "rename.csv", inserted: 1, updated: 1 } });
      expect((await admin.query("ledger.verify", { stream: POLITY_STREAM })).data.ok).toBe(true);
    });
  });
});
