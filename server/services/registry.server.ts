import { parse } from "csv-parse/sync";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import { checkRegistryRecords, type RegistryRow, type RowProblem } from "../../deliberation/registry.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";

export interface ImportReport {
  importId: string;
  status: "applied" | "rejected";
  totalRows: number;
  inserted: number;
  updated: number;
  problems: RowProblem[];
}

const MAX_PROBLEMS_REPORTED = 500;
const CHUNK = 500;

function parseCsv(text: string): { records: string[][] } | { problem: RowProblem } {
  try {
    const records = parse(text.replace(/^\uFEFF/, ""), { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
    return { records };
  } catch (error) {
    const { lines } = (error ?? {}) as { lines?: number };
    return { problem: { line: lines ?? 0, column: "", message: `The file is not valid CSV: ${(error as Error).message}` } };
  }
}

/**
 * Imports the census. Every row is checked first; one bad row rejects the whole file, so nothing is
 * ever half-imported. A known personal code updates that citizen's name, district and email.
 */
export async function importRegistry(deps: AppDeps, actorId: string, fileName: string, csvText: string): Promise<ImportReport> {
  const importId = deps.ids();
  const createdAt = nowIso(deps);
  const parsed = parseCsv(csvText);
  const { rows, problems } = "problem" in parsed ? { rows: [] as RegistryRow[], problems: [parsed.problem] } : checkRegistryRecords(parsed.records);
  const totalRows = "problem" in parsed ? 0 : Math.max(0, parsed.records.length - 1);
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 1, column: "", message: "The file has no citizens in it." });

  if (problems.length > 0) {
    const reported = problems.slice(0, MAX_PROBLEMS_REPORTED);
    await deps.db.transaction().execute((trx) =>
      trx
        .insertInto("registryImports")
        .values({ id: importId, actorId, fileName, totalRows, importedRows: 0, status: "rejected", report: JSON.stringify(reported), createdAt })
        .execute(),
    );
    return { importId, status: "rejected", totalRows, inserted: 0, updated: 0, problems: reported };
  }

  return withLedger(deps, async (trx, append) => {
    await trx
      .insertInto("registryImports")
      .values({ id: importId, actorId, fileName, totalRows, importedRows: rows.length, status: "applied", report: "[]", createdAt })
      .execute();
    let inserted = 0;
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      const existing = new Set(
        (
          await trx
            .selectFrom("citizens")
            .select("personalCode")
            .where(
              "personalCode",
              "in",
              chunk.map((r) => r.personalCode),
            )
            .execute()
        ).map((r) => r.personalCode),
      );
      inserted += chunk.length - existing.size;
      await trx
        .insertInto("citizens")
        .values(chunk.map((row) => ({ id: deps.ids(), ...row, importId, createdAt })))
        .onConflict((oc) =>
          oc.column("personalCode").doUpdateSet((eb) => ({
            fullName: eb.ref("excluded.fullName"),
            district: eb.ref("excluded.district"),
            email: eb.ref("excluded.email"),
            importId: eb.ref("excluded.importId"),
          })),
        )
        .execute();
    }
    const updated = rows.length - inserted;
    await append({ matterId: POLITY_STREAM, type: "registry.imported", actor: actorId, payload: { importId, fileName, rows: rows.length, inserted, updated } });
    return { importId, status: "applied" as const, totalRows, inserted, updated, problems: [] };
  });
}

export async function registrySummary(deps: AppDeps) {
  const districts = await deps.db
    .selectFrom("citizens")
    .leftJoin("users", "users.citizenId", "citizens.id")
    .select((eb) => ["citizens.district", eb.fn.count<number>("citizens.id").as("citizens"), eb.fn.count<number>("users.id").as("accounts")])
    .groupBy("citizens.district")
    .orderBy("citizens.district")
    .execute();
  const imports = await deps.db
    .selectFrom("registryImports")
    .select(["id", "fileName", "totalRows", "importedRows", "status", "createdAt"])
    .orderBy("createdAt", "desc")
    .limit(10)
    .execute();
  return {
    districts: districts.map((d) => ({ district: d.district, citizens: Number(d.citizens), accounts: Number(d.accounts) })),
    total: districts.reduce((sum, d) => sum + Number(d.citizens), 0),
    imports,
  };
}
