import type { Kysely } from "kysely";
import { lockStream } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../deliberation/errors.js";
import { intakeClosesAt, type MatterDraft, type MatterStatus, numberedRule, requireMove, sunsetDaysOf } from "../../deliberation/matters.js";
import type { Language } from "../../deliberation/reading/types.js";
import type { SessionUser } from "./accounts.server.js";
import { requireReadableClauses, ruleView, writeClauses } from "./clauses.server.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";

function toMatter(row: Awaited<ReturnType<typeof findMatter>> & {}) {
  return {
    id: row.id,
    title: row.title,
    ruleText: row.ruleText,
    language: row.language as Language,
    contextId: row.contextId,
    contextTitle: row.contextTitle,
    contextTitleEt: row.contextTitleEt,
    contextTitleRu: row.contextTitleRu,
    rationale: row.rationale,
    emergency: row.emergency === 1,
    status: row.status as MatterStatus,
    intakeHours: row.intakeHours,
    intakeClosesAt: row.intakeClosesAt,
    rounds: row.rounds,
    candidates: row.candidates,
    approvalThreshold: row.approvalThreshold,
    sunsetDays: row.sunsetDays,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type Matter = ReturnType<typeof toMatter>;

function findMatter(db: Kysely<Database>, id: string) {
  return db
    .selectFrom("matters as m")
    .innerJoin("contexts as c", "c.id", "m.contextId")
    .selectAll("m")
    .select(["c.title as contextTitle", "c.titleEt as contextTitleEt", "c.titleRu as contextTitleRu"])
    .where("m.id", "=", id)
    .executeTakeFirst();
}

/** Active value cards in a context: what intake has gathered so far for a matter there. */
export async function valuesInContext(db: Kysely<Database>, contextId: string): Promise<number> {
  const { n } = await db
    .selectFrom("valueCards")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("contextId", "=", contextId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * A matter with what the clerk needs around it: how many values intake has gathered, the ruling it
 * amends, and the ruling it became.
 */
export async function getMatter(deps: AppDeps, id: string, viewer: SessionUser | null = null) {
  const row = await findMatter(deps.db, id);
  if (!row) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  // Only the clerk convenes: a public view of an intake never pays for the count.
  const clerk = viewer?.roles.includes("clerk") ?? false;
  const [intakeValues, amends, ruling, rule] = await Promise.all([
    row.status === "intake" && clerk ? valuesInContext(deps.db, row.contextId) : null,
    row.amendsRulingId ? deps.db.selectFrom("rulings").select(["eli", "title", "status"]).where("id", "=", row.amendsRulingId).executeTakeFirst() : undefined,
    deps.db.selectFrom("rulings").select(["eli", "status"]).where("matterId", "=", id).executeTakeFirst(),
    ruleView(deps.db, id),
  ]);
  return { ...toMatter(row), intakeValues, amends: amends ?? null, ruling: ruling ?? null, rule };
}

export async function listMatters(deps: AppDeps, input: { status?: MatterStatus[] | undefined; limit: number }) {
  let query = deps.db
    .selectFrom("matters as m")
    .innerJoin("contexts as c", "c.id", "m.contextId")
    .selectAll("m")
    .select(["c.title as contextTitle", "c.titleEt as contextTitleEt", "c.titleRu as contextTitleRu"]);
  if (input.status?.length) query = query.where("m.status", "in", input.status);
  const rows = await query.orderBy("m.updatedAt", "desc").orderBy("m.id").limit(input.limit).execute();
  return rows.map(toMatter);
}

async function rulingToAmend(trx: Kysely<Database>, eli: string) {
  const found = await trx.selectFrom("rulings").select(["id", "matterId"]).where("eli", "=", eli).executeTakeFirst();
  if (!found) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  await lockStream(trx, found.matterId);
  const { status } = await trx.selectFrom("rulings").select("status").where("id", "=", found.id).executeTakeFirstOrThrow();
  if (status === "repealed") throw new DomainError("conflict", "rulings.amendRepealed", "A repealed ruling cannot be amended; open a new matter instead.");
  return { id: found.id, status };
}

/**
 * A clerk opens a matter: a draft, or straight into intake, where citizens are invited to write and
 * weigh values for its context until the deadline. The matter's ledger stream starts here.
 */
export async function openMatter(deps: AppDeps, clerk: SessionUser, input: MatterDraft & { startIntake: boolean; amendsEli?: string | undefined }) {
  const { amendsEli, ...draft } = input;
  requireReadableClauses(
    draft.language,
    draft.clauses.map((text, i) => ({ number: i + 1, text })),
  );
  const context = await deps.db.selectFrom("contexts").select("id").where("id", "=", draft.contextId).executeTakeFirst();
  if (!context) throw new DomainError("invalid", "values.unknownContext", "There is no such choice context.");
  const id = deps.ids();
  return withLedger(deps, async (trx, append) => {
    // Renewal with an amendment starts from a ruling that is, or was until its sunset, in force: read
    // under the ruling's own lock, which a repeal holds, so one cannot land between the check and the link.
    const amends = amendsEli ? await rulingToAmend(trx, amendsEli) : undefined;
    const now = deps.clock.now();
    const at = now.toISOString();
    const sunsetDays = sunsetDaysOf(draft);
    await trx
      .insertInto("matters")
      .values({
        id,
        title: draft.title,
        ruleText: numberedRule(draft.clauses),
        language: draft.language,
        contextId: draft.contextId,
        rationale: draft.rationale,
        emergency: draft.emergency ? 1 : 0,
        status: "draft",
        intakeHours: draft.intakeHours,
        intakeClosesAt: null,
        rounds: draft.rounds,
        candidates: draft.candidates,
        approvalThreshold: draft.approvalThreshold,
        sunsetDays,
        createdBy: clerk.id,
        createdAt: at,
        updatedAt: at,
        amendsRulingId: amends?.id ?? null,
      })
      .execute();
    await writeClauses(trx, id, draft.clauses);
    const { startIntake: _, ...settings } = draft;
    await append({ matterId: id, type: "matter.drafted", actor: clerk.id, payload: { ...settings, sunsetDays, ...(amendsEli ? { amends: amendsEli } : {}) } });
    if (draft.startIntake) await moveToIntake(trx, append, id, clerk.id, now, draft.intakeHours);
    return { id };
  });
}

async function moveToIntake(
  trx: Kysely<Database>,
  append: Parameters<Parameters<typeof withLedger>[1]>[1],
  id: string,
  actor: string,
  now: Date,
  intakeHours: number,
) {
  const closesAt = intakeClosesAt(now, intakeHours).toISOString();
  await trx.updateTable("matters").set({ status: "intake", intakeClosesAt: closesAt, updatedAt: now.toISOString() }).where("id", "=", id).execute();
  await append({ matterId: id, type: "matter.intakeOpened", actor, payload: { closesAt } });
}

/** A draft's intake opens now, for the hours the clerk set. */
export async function openIntake(deps: AppDeps, clerk: SessionUser, id: string) {
  return withLedger(deps, async (trx, append) => {
    const matter = await trx.selectFrom("matters").select(["status", "intakeHours"]).where("id", "=", id).executeTakeFirst();
    if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
    requireMove(matter.status as MatterStatus, "intake");
    await moveToIntake(trx, append, id, clerk.id, deps.clock.now(), matter.intakeHours);
    return { id, status: "intake" as const };
  });
}

/** Matters whose intake is open, newest first: what the front page tells citizens about. */
export async function openIntakes(deps: AppDeps) {
  const now = nowIso(deps);
  const rows = await listMatters(deps, { status: ["intake"], limit: 20 });
  return rows.filter((m) => m.intakeClosesAt && m.intakeClosesAt > now);
}
