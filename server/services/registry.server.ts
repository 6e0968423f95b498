import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { parse } from "csv-parse";
import { sql, type Transaction, type Updateable } from "kysely";
import { DomainError } from "../../deliberation/errors.js";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import { REGISTRY_MAX_ROWS, RegistryChecker, type RegistryRow, type RowProblem, rowProblem } from "../../deliberation/registry.js";
import type { Database, RegistryImportsTable } from "../../db/schema.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";

export type ImportStatus = RegistryImportsTable["status"];

export interface ImportReport {
  importId: string;
  status: ImportStatus;
  fileName: string;
  /** Data records read so far (all of them once checked). */
  totalRows: number;
  /** Rows written into the census so far. */
  rowsWritten: number;
  inserted: number;
  updated: number;
  /** The first problems found (at most MAX_PROBLEMS_REPORTED) and how many there were in all. */
  problems: RowProblem[];
  problemCount: number;
}

const MAX_PROBLEMS_REPORTED = 500;
/** The most rows per transaction of the census import (fewer where a batch of them takes too long: see batchSize). */
export const REGISTRY_BATCH = 1_000;
/** What one batch may hold the connection for: on SQLite it is the event loop, and requests wait. */
const BATCH_TARGET_MS = 40;
const BATCH_MIN = 50;

/**
 * Rows per transaction of a batched job, fitted to what a transaction costs here and now: a batch
 * upserts into tables of a million rows and their indexes, whose cost per row grows with the table
 * and with the machine's load (1,000 census rows took from 30 ms to over a second). Each batch's time
 * moves the size toward BATCH_TARGET_MS, at most halving or doubling it, between BATCH_MIN and `max`.
 */
export function batchSize(max: number) {
  let size = max;
  return {
    get rows() {
      return size;
    },
    took(ms: number, rows: number) {
      if (rows < size) return; // a short last batch says little
      const factor = Math.min(2, Math.max(0.5, BATCH_TARGET_MS / Math.max(ms, 1)));
      size = Math.min(max, Math.max(BATCH_MIN, Math.round(size * factor)));
    },
  };
}
/** An import or convening that has not moved for this long is taken to have died with its process. */
export const STALE_AFTER_MS = 60_000;
/** Slices of a CSV given as text: the parser gets it a piece at a time, so the event loop breathes. */
const TEXT_SLICE = 256 * 1024;

export type CsvSource = string | AsyncIterable<string | Buffer>;

async function* slices(text: string): AsyncIterable<string> {
  for (let start = 0; start < text.length; start += TEXT_SLICE) {
    yield text.slice(start, start + TEXT_SLICE);
    await yieldToEventLoop();
  }
}

/** The longest transaction of this process's imports and convenings: what the benchmarks report. */
export const transactionTimes = { longestMs: 0, count: 0 };

/** One short transaction of a batched job, timed (`timed` hears how long it held the connection). */
export async function batchTransaction<T>(deps: AppDeps, work: (trx: Transaction<Database>) => Promise<T>, timed?: (ms: number) => void): Promise<T> {
  const started = performance.now();
  try {
    return await deps.db.transaction().execute(work);
  } finally {
    const ms = performance.now() - started;
    timed?.(ms);
    transactionTimes.longestMs = Math.max(transactionTimes.longestMs, ms);
    transactionTimes.count++;
    // Between batches other requests get the connection (and, on SQLite, the event loop).
    await yieldToEventLoop();
  }
}

async function progress(deps: AppDeps, importId: string, set: Updateable<RegistryImportsTable>): Promise<void> {
  await batchTransaction(deps, (trx) =>
    trx
      .updateTable("registryImports")
      .set({ ...set, updatedAt: nowIso(deps) })
      .where("id", "=", importId)
      .execute(),
  );
}

async function clearStaging(deps: AppDeps, importId: string): Promise<void> {
  // Each batch from where the last one ended: on PostgreSQL deleted rows stay in the index until a vacuum,
  // and a range open at its start would walk over all of them every time.
  let from = 0;
  for (;;) {
    const last = await deps.db
      .selectFrom("registryStaging")
      .select("seq")
      .where("importId", "=", importId)
      .where("seq", ">", from)
      .orderBy("seq")
      .offset(REGISTRY_BATCH - 1)
      .limit(1)
      .executeTakeFirst();
    await batchTransaction(deps, (trx) => {
      let query = trx.deleteFrom("registryStaging").where("importId", "=", importId).where("seq", ">", from);
      if (last) query = query.where("seq", "<=", last.seq);
      return query.execute();
    });
    if (!last) return;
    from = last.seq;
  }
}

/**
 * Reads and checks the whole file into the staging table, batch by batch; no citizen changes. Returns
 * the problems found (none: every row is staged).
 */
async function checkIntoStaging(deps: AppDeps, importId: string, source: CsvSource): Promise<{ rows: number; problems: RowProblem[]; problemCount: number }> {
  const checker = new RegistryChecker();
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const note = (found: readonly RowProblem[]) => {
    problemCount += found.length;
    for (const p of found) if (problems.length < MAX_PROBLEMS_REPORTED) problems.push(p);
  };
  let batch: (RegistryRow & { seq: number })[] = [];
  let rows = 0;
  let staged = 0;
  const size = batchSize(REGISTRY_BATCH);
  const flush = async () => {
    const staged = batch;
    batch = [];
    await batchTransaction(
      deps,
      async (trx) => {
        if (staged.length > 0 && problemCount === 0) {
          await trx
            .insertInto("registryStaging")
            .values(staged.map((row) => ({ importId, citizenId: deps.ids(), ...row })))
            .execute();
        }
        await trx
          .updateTable("registryImports")
          .set({ rowsRead: rows, problemCount, updatedAt: nowIso(deps) })
          .where("id", "=", importId)
          .execute();
      },
      (ms) => size.took(ms, staged.length),
    );
  };

  const parser = parse({ relax_column_count: true, skip_empty_lines: true, bom: true });
  const feeding = (async () => {
    try {
      for await (const chunk of typeof source === "string" ? slices(source) : source) {
        if (!parser.write(chunk)) await new Promise((resolve) => parser.once("drain", resolve));
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let line = 0;
  let headerOk = false;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (line === 1) {
        const found = checker.header(record);
        note(found);
        headerOk = found.length === 0;
        if (!headerOk) break;
        continue;
      }
      rows++;
      const result = checker.row(record, line);
      if (result.row) batch.push({ ...result.row, seq: ++staged });
      else note(result.problems);
      if (checker.rows > REGISTRY_MAX_ROWS) break;
      if (batch.length >= size.rows || (rows % REGISTRY_BATCH === 0 && problemCount > 0)) await flush();
    }
  } catch (error) {
    const { lines } = (error ?? {}) as { lines?: number };
    const at = lines ?? line + 1;
    note([rowProblem(at, "", "registry.problem.notCsv", { line: at }, `The file is not valid CSV from line ${at} on: ${(error as Error).message}`)]);
  }
  parser.destroy();
  await feeding;
  if (line === 0) note([rowProblem(1, "", "registry.problem.noHeader", {}, "The file is empty: it has no header line.")]);
  else if (headerOk && rows === 0) note([rowProblem(1, "", "registry.problem.noRows", {}, "The file has no citizens in it.")]);
  await flush();
  return { rows, problems, problemCount };
}

/**
 * Writes the staged rows into the census from the import's checkpoint on, one batch per transaction:
 * each batch upserts its rows (a known personal code keeps its citizen and takes the new name,
 * district and email), deletes them from staging and moves the checkpoint, so a crash resumes where it
 * stopped. The last step marks the import applied and records it on the ledger.
 */
async function writeStaged(deps: AppDeps, importId: string): Promise<void> {
  const job = await deps.db.selectFrom("registryImports").selectAll().where("id", "=", importId).executeTakeFirstOrThrow();
  const createdAt = job.createdAt;
  const size = batchSize(REGISTRY_BATCH);
  for (;;) {
    const rowsNow = size.rows;
    const done = await batchTransaction(
      deps,
      async (trx) => {
        const at = await trx.selectFrom("registryImports").select(["rowsWritten", "inserted", "updated"]).where("id", "=", importId).executeTakeFirstOrThrow();
        const range = trx
          .selectFrom("registryStaging as s")
          .where("s.importId", "=", importId)
          .where("s.seq", ">", at.rowsWritten)
          .where("s.seq", "<=", at.rowsWritten + rowsNow);
        const counted = await range
          .leftJoin("citizens as c", "c.personalCode", "s.personalCode")
          .select((eb) => [eb.fn.countAll<number>().as("rows"), eb.fn.count<number>("c.id").as("known")])
          .executeTakeFirstOrThrow();
        const [rows, known] = [Number(counted.rows), Number(counted.known)];
        if (rows === 0) return true;
        await trx
          .insertInto("citizens")
          .columns(["id", "personalCode", "fullName", "district", "email", "importId", "createdAt"])
          .expression(
            range.select([
              "s.citizenId",
              "s.personalCode",
              "s.fullName",
              "s.district",
              "s.email",
              "s.importId",
              sql<string>`cast(${createdAt} as text)`.as("createdAt"),
            ]),
          )
          .onConflict((oc) =>
            oc.column("personalCode").doUpdateSet((eb) => ({
              fullName: eb.ref("excluded.fullName"),
              district: eb.ref("excluded.district"),
              email: eb.ref("excluded.email"),
              importId: eb.ref("excluded.importId"),
            })),
          )
          .execute();
        // This batch's rows only, by both ends: on PostgreSQL the rows deleted by earlier batches stay in the
        // index until a vacuum, and a range open at its start walked over all of them each time (the
        // import grew with the square of the census).
        await trx
          .deleteFrom("registryStaging")
          .where("importId", "=", importId)
          .where("seq", ">", at.rowsWritten)
          .where("seq", "<=", at.rowsWritten + rowsNow)
          .execute();
        await trx
          .updateTable("registryImports")
          .set({ rowsWritten: at.rowsWritten + rows, inserted: at.inserted + rows - known, updated: at.updated + known, updatedAt: nowIso(deps) })
          .where("id", "=", importId)
          .execute();
        return false;
      },
      (ms) => size.took(ms, rowsNow),
    );
    if (done) break;
  }
  await withLedger(deps, async (trx, append) => {
    const at = await trx
      .selectFrom("registryImports")
      .select(["status", "rowsWritten", "inserted", "updated"])
      .where("id", "=", importId)
      .executeTakeFirstOrThrow();
    if (at.status !== "writing") return;
    await trx
      .updateTable("registryImports")
      .set({ status: "applied", importedRows: at.rowsWritten, updatedAt: nowIso(deps) })
      .where("id", "=", importId)
      .execute();
    await append({
      matterId: POLITY_STREAM,
      type: "registry.imported",
      actor: job.actorId,
      payload: { importId, fileName: job.fileName, rows: at.rowsWritten, inserted: at.inserted, updated: at.updated },
    });
  });
}

/** Refuses a second import while one is being checked or written (they would race over the same rows). */
async function requireNoImportRunning(deps: AppDeps): Promise<void> {
  const running = await deps.db.selectFrom("registryImports").select("id").where("status", "in", ["checking", "writing"]).executeTakeFirst();
  if (running) throw new DomainError("conflict", "registry.importRunning", "Another registry import is still running. Wait until it is done.");
}

async function beginImport(deps: AppDeps, actorId: string, fileName: string): Promise<string> {
  await requireNoImportRunning(deps);
  const importId = deps.ids();
  const now = nowIso(deps);
  await batchTransaction(deps, (trx) =>
    trx
      .insertInto("registryImports")
      .values({ id: importId, actorId, fileName, totalRows: 0, importedRows: 0, status: "checking", report: "[]", createdAt: now, updatedAt: now })
      .execute(),
  );
  return importId;
}

/** The whole import after its row exists: check into staging, then reject (clearing staging) or write. */
async function runImport(deps: AppDeps, importId: string, source: CsvSource): Promise<void> {
  try {
    const { rows, problems, problemCount } = await checkIntoStaging(deps, importId, source);
    if (problemCount > 0) {
      await progress(deps, importId, { status: "rejected", totalRows: rows, report: JSON.stringify(problems) });
      await clearStaging(deps, importId);
      return;
    }
    await progress(deps, importId, { status: "writing", totalRows: rows });
  } catch (error) {
    await progress(deps, importId, { status: "failed" }).catch(() => {});
    await clearStaging(deps, importId).catch(() => {});
    throw error;
  }
  await writeStaged(deps, importId);
}

/**
 * Imports the census and waits for the outcome (the API's way, for files up to REGISTRY_MAX_BYTES).
 * Every row is checked before any citizen changes; one bad row rejects the whole file.
 */
export async function importRegistry(deps: AppDeps, actorId: string, fileName: string, source: CsvSource): Promise<ImportReport> {
  const importId = await beginImport(deps, actorId, fileName);
  await runImport(deps, importId, source);
  return registryImport(deps, importId);
}

/**
 * Starts importing an uploaded file and returns at once: the page follows its progress. The file is
 * deleted once read (its rows are in staging by then).
 */
export async function startRegistryImport(deps: AppDeps, actorId: string, fileName: string, path: string): Promise<{ importId: string }> {
  const importId = await beginImport(deps, actorId, fileName).catch(async (error) => {
    await rm(path, { force: true });
    throw error;
  });
  void runImport(deps, importId, createReadStream(path))
    .catch((error) => console.error(`[registry] import ${importId} failed:`, error))
    .finally(() => rm(path, { force: true }));
  return { importId };
}

/**
 * After a restart (and every minute): an import whose check was cut short is marked failed and its
 * staging cleared; one cut short while writing carries on from its checkpoint.
 */
export async function sweepRegistryImports(deps: AppDeps): Promise<void> {
  const stale = new Date(deps.clock.now().getTime() - STALE_AFTER_MS).toISOString();
  const jobs = await deps.db
    .selectFrom("registryImports")
    .select(["id", "status", "updatedAt"])
    .where("status", "in", ["checking", "writing"])
    .where((eb) => eb.or([eb("updatedAt", "is", null), eb("updatedAt", "<", stale)]))
    .execute();
  for (const job of jobs) {
    // Claimed by moving its clock: of several processes sweeping at once, one takes each job.
    const claimed = await batchTransaction(deps, (trx) =>
      trx
        .updateTable("registryImports")
        .set({ updatedAt: nowIso(deps), ...(job.status === "checking" ? { status: "failed" as const } : {}) })
        .where("id", "=", job.id)
        .where("status", "=", job.status)
        .where((eb) => (job.updatedAt === null ? eb("updatedAt", "is", null) : eb("updatedAt", "=", job.updatedAt)))
        .executeTakeFirst(),
    );
    if (Number(claimed.numUpdatedRows) === 0) continue;
    if (job.status === "checking") await clearStaging(deps, job.id);
    else await writeStaged(deps, job.id);
  }
}

/** Where an import stands: its progress while it runs, its outcome after. */
export async function registryImport(deps: AppDeps, importId: string): Promise<ImportReport> {
  const job = await deps.db.selectFrom("registryImports").selectAll().where("id", "=", importId).executeTakeFirst();
  if (!job) throw new DomainError("not_found", "registry.importNotFound", "There is no such registry import.");
  return {
    importId,
    status: job.status,
    fileName: job.fileName,
    totalRows: job.status === "checking" ? job.rowsRead : job.totalRows,
    rowsWritten: job.rowsWritten,
    inserted: job.inserted,
    updated: job.updated,
    problems: JSON.parse(job.report) as RowProblem[],
    problemCount: job.problemCount,
  };
}

/** Whether a census import is being written now: convening waits, so it never sees half a census. */
export async function registryBeingWritten(deps: AppDeps): Promise<boolean> {
  return (await deps.db.selectFrom("registryImports").select("id").where("status", "=", "writing").executeTakeFirst()) !== undefined;
}

/** The census by district (citizens, and how many of them have an account) and the recent imports. */
export async function registrySummary(deps: AppDeps) {
  // Two grouped reads instead of a join of every citizen with users: the first is an index-only scan.
  const [citizens, accounts, imports] = await Promise.all([
    deps.db
      .selectFrom("citizens")
      .select((eb) => ["district", eb.fn.countAll<number>().as("n")])
      .groupBy("district")
      .execute(),
    deps.db
      .selectFrom("users")
      .innerJoin("citizens", "citizens.id", "users.citizenId")
      .select((eb) => ["citizens.district", eb.fn.countAll<number>().as("n")])
      .groupBy("citizens.district")
      .execute(),
    deps.db
      .selectFrom("registryImports")
      .select(["id", "fileName", "totalRows", "importedRows", "rowsRead", "rowsWritten", "status", "createdAt"])
      .orderBy("createdAt", "desc")
      .limit(10)
      .execute(),
  ]);
  const accountsIn = new Map(accounts.map((a) => [a.district, Number(a.n)]));
  const districts = citizens
    .map((d) => ({ district: d.district, citizens: Number(d.n), accounts: accountsIn.get(d.district) ?? 0 }))
    .sort((a, b) => (a.district < b.district ? -1 : a.district > b.district ? 1 : 0));
  return { districts, total: districts.reduce((sum, d) => sum + d.citizens, 0), imports };
}
