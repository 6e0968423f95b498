import type { Kysely } from "kysely";
import { lockStream } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../deliberation/errors.js";
import { type MatterStatus, numberedRule } from "../../deliberation/matters.js";
import { provisionProblems, sameWording } from "../../deliberation/reading/provision.js";
import type { Language, Option, Slot } from "../../deliberation/reading/types.js";
import { unreadClauseScript } from "../../deliberation/values/language.js";
import type { SessionUser } from "./accounts.server.js";
import type { AppDeps } from "./deps.server.js";
import { CITIZEN_ACTOR, withLedger } from "./ledger.server.js";
import { requireCitizen } from "./values.server.js";

/**
 * The rule as clauses (DESIGN.md): a matter's numbered clauses, the clerk's alternative wordings and
 * citizens' amendments. Together they are the matter's options, which the deliberation composes from.
 * Who proposed an amendment is kept (she may withdraw it) and never shown.
 */

export type AmendmentAction = "replace" | "strike" | "add";

/** How many amendments one citizen may have standing on one matter: enough to say what she means, not to flood it. */
export const AMENDMENTS_PER_CITIZEN = 10;

/** The clauses of a new matter, and the numbered text the rest of Agora reads as its rule. */
export async function writeClauses(trx: Kysely<Database>, matterId: string, clauses: readonly string[]): Promise<void> {
  await trx.deleteFrom("matterClauses").where("matterId", "=", matterId).execute();
  await trx
    .insertInto("matterClauses")
    .values(clauses.map((text, i) => ({ matterId, number: i + 1, text })))
    .execute();
  await trx
    .updateTable("matters")
    .set({ ruleText: numberedRule(clauses) })
    .where("id", "=", matterId)
    .execute();
}

async function clausesOf(db: Kysely<Database>, matterId: string) {
  return db.selectFrom("matterClauses").select(["number", "text"]).where("matterId", "=", matterId).orderBy("number").execute();
}

/** Options still standing, in the order they were written (ties by id: the same order on every database). */
async function activeOptions(db: Kysely<Database>, matterId: string) {
  return db
    .selectFrom("matterOptions as o")
    .leftJoin("canonicalValues as v", "v.id", "o.valueId")
    .select(["o.id", "o.kind", "o.action", "o.clauseNumber", "o.text", "o.valueId", "v.title as valueTitle", "o.createdAt"])
    .where("o.matterId", "=", matterId)
    .where("o.withdrawnAt", "is", null)
    .orderBy("o.createdAt")
    .orderBy("o.id")
    .execute();
}

/** The matter, locked against status changes for the rest of the transaction, in one of the statuses that allow the act. */
async function matterFor(trx: Kysely<Database>, matterId: string, allowed: readonly MatterStatus[], refusal: { key: string; message: string }) {
  await lockStream(trx, matterId);
  const matter = await trx.selectFrom("matters").select(["id", "status", "language", "intakeClosesAt"]).where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  if (!allowed.includes(matter.status as MatterStatus)) throw new DomainError("conflict", refusal.key, refusal.message, { status: matter.status });
  return { ...matter, language: matter.language as Language };
}

function requireClause(clauses: readonly { number: number }[], clause: number, action: AmendmentAction): void {
  // An addition follows a clause, or comes before the first (0); the others act on a clause that exists.
  const ok = action === "add" ? clause >= 0 && clause <= clauses.length : clauses.some((c) => c.number === clause);
  if (!ok) throw new DomainError("invalid", "clauses.noSuchClause", `The rule has no clause ${clause}.`, { clause, count: clauses.length });
}

/** The same words as a clause or a standing option already offer (a strike: the same clause struck). */
function requireNew(
  clauses: readonly { number: number; text: string }[],
  options: readonly { action: string; clauseNumber: number; text: string }[],
  proposal: { action: AmendmentAction; clause: number; text: string },
): void {
  const duplicate =
    proposal.action === "strike"
      ? options.some((o) => o.action === "strike" && o.clauseNumber === proposal.clause)
      : clauses.some((c) => sameWording(c.text, proposal.text)) || options.some((o) => o.action !== "strike" && sameWording(o.text, proposal.text));
  if (duplicate) throw new DomainError("conflict", "amendments.duplicate", "The rule already offers these words for its clauses.");
}

// ─── the clerk's alternative wordings ───────────────────────────────────────────────────────────────

const CLERK_WINDOW: readonly MatterStatus[] = ["draft", "intake"];
const CLERK_REFUSAL = { key: "clauses.alternativesClosed", message: "Alternative wordings can be given only while the matter is a draft or in intake." };

/**
 * A rule's wording must be in the script of the matter's language (Latin for English and Estonian,
 * Cyrillic for Russian): the reader reads it in that language, and a clause in another script would be
 * read as saying nothing, so it is refused and the clerk told why (decision 19 as amended).
 */
export function requireReadableClauses(language: Language, clauses: readonly { number: number; text: string }[]): void {
  const unread = clauses.find((c) => unreadClauseScript(language, c.text));
  if (unread)
    throw new DomainError(
      "invalid",
      "matters.unreadScript",
      `Clause ${unread.number} is not written in the rule's language (${language}), the one the reader reads it in.`,
      {
        number: unread.number,
      },
    );
}

export async function addAlternative(deps: AppDeps, clerk: SessionUser, input: { matterId: string; clause: number; text: string }) {
  return withLedger(deps, async (trx, append) => {
    const matter = await matterFor(trx, input.matterId, CLERK_WINDOW, CLERK_REFUSAL);
    requireReadableClauses(matter.language, [{ number: input.clause, text: input.text }]);
    const [clauses, options] = await Promise.all([clausesOf(trx, input.matterId), activeOptions(trx, input.matterId)]);
    requireClause(clauses, input.clause, "replace");
    requireNew(clauses, options, { action: "replace", clause: input.clause, text: input.text });
    const id = deps.ids();
    await trx
      .insertInto("matterOptions")
      .values({
        id,
        matterId: input.matterId,
        kind: "alternative",
        action: "replace",
        clauseNumber: input.clause,
        text: input.text,
        valueId: null,
        cardId: null,
        citizenId: null,
        createdBy: clerk.id,
        createdAt: deps.clock.now().toISOString(),
        withdrawnAt: null,
      })
      .execute();
    await append({
      matterId: input.matterId,
      type: "matter.alternativeAdded",
      actor: clerk.id,
      payload: { optionId: id, clause: input.clause, text: input.text },
    });
    return { id, clause: input.clause };
  });
}

export async function removeAlternative(deps: AppDeps, clerk: SessionUser, input: { matterId: string; optionId: string }) {
  return withLedger(deps, async (trx, append) => {
    await matterFor(trx, input.matterId, CLERK_WINDOW, CLERK_REFUSAL);
    const option = await trx
      .selectFrom("matterOptions")
      .select(["id", "clauseNumber"])
      .where("id", "=", input.optionId)
      .where("matterId", "=", input.matterId)
      .where("kind", "=", "alternative")
      .where("withdrawnAt", "is", null)
      .executeTakeFirst();
    if (!option) throw new DomainError("not_found", "clauses.noSuchAlternative", "This matter has no such alternative wording.");
    await trx.updateTable("matterOptions").set({ withdrawnAt: deps.clock.now().toISOString() }).where("id", "=", option.id).execute();
    await append({
      matterId: input.matterId,
      type: "matter.alternativeRemoved",
      actor: clerk.id,
      payload: { optionId: option.id, clause: option.clauseNumber },
    });
    return { id: option.id };
  });
}

// ─── citizens' amendments ───────────────────────────────────────────────────────────────────────────

const INTAKE_REFUSAL = { key: "amendments.notInIntake", message: "Amendments can be proposed and withdrawn only while the matter's intake is open." };

function requireIntakeOpen(matter: { intakeClosesAt: string | null }, now: Date): void {
  if (!matter.intakeClosesAt || matter.intakeClosesAt <= now.toISOString()) throw new DomainError("conflict", INTAKE_REFUSAL.key, INTAKE_REFUSAL.message);
}

export async function proposeAmendment(
  deps: AppDeps,
  user: SessionUser,
  input: { matterId: string; action: AmendmentAction; clause: number; text?: string | undefined; cardId: string },
) {
  const citizenId = requireCitizen(user);
  const text = input.action === "strike" ? "" : (input.text ?? "").trim();
  return withLedger(deps, async (trx, append) => {
    const matter = await matterFor(trx, input.matterId, ["intake"], INTAKE_REFUSAL);
    const now = deps.clock.now();
    requireIntakeOpen(matter, now);
    // Her own card, one the gate took as a value: its canonical value is the amendment's reason.
    const card = await trx
      .selectFrom("valueCards")
      .select(["id", "canonicalId"])
      .where("id", "=", input.cardId)
      .where("citizenId", "=", citizenId)
      .where("status", "=", "active")
      .where("verdict", "=", "value")
      .executeTakeFirst();
    if (!card?.canonicalId) throw new DomainError("invalid", "amendments.notYourValue", "Tie the amendment to one of your own values.");
    const [clauses, options] = await Promise.all([clausesOf(trx, input.matterId), activeOptions(trx, input.matterId)]);
    requireClause(clauses, input.clause, input.action);
    if (input.action !== "strike") {
      // A text in another script than the matter's language is not read: told so, not that it lacks a "shall".
      const [problem] = unreadClauseScript(matter.language, text) ? ["amendments.notProvision.wrongLanguage"] : provisionProblems(text, matter.language);
      if (problem) throw new DomainError("invalid", problem, "The amendment does not read as a provision of a law.", { language: matter.language });
    }
    requireNew(clauses, options, { action: input.action, clause: input.clause, text });
    const standing = await trx
      .selectFrom("matterOptions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("matterId", "=", input.matterId)
      .where("citizenId", "=", citizenId)
      .where("withdrawnAt", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(standing.n) >= AMENDMENTS_PER_CITIZEN)
      throw new DomainError("conflict", "amendments.tooMany", `You have ${AMENDMENTS_PER_CITIZEN} amendments standing on this matter already.`, {
        count: AMENDMENTS_PER_CITIZEN,
      });
    const id = deps.ids();
    await trx
      .insertInto("matterOptions")
      .values({
        id,
        matterId: input.matterId,
        kind: "amendment",
        action: input.action,
        clauseNumber: input.clause,
        text,
        valueId: card.canonicalId,
        cardId: card.id,
        citizenId,
        createdBy: user.id,
        createdAt: now.toISOString(),
        withdrawnAt: null,
      })
      .execute();
    // The public record says what was proposed and for which value; the card and the citizen stay private.
    await append({
      matterId: input.matterId,
      type: "matter.amendmentProposed",
      actor: CITIZEN_ACTOR,
      payload: { optionId: id, action: input.action, clause: input.clause, text, valueId: card.canonicalId },
    });
    return { id, action: input.action, clause: input.clause };
  });
}

export async function withdrawAmendment(deps: AppDeps, user: SessionUser, input: { matterId: string; optionId: string }) {
  const citizenId = requireCitizen(user);
  return withLedger(deps, async (trx, append) => {
    const matter = await matterFor(trx, input.matterId, ["intake"], INTAKE_REFUSAL);
    requireIntakeOpen(matter, deps.clock.now());
    // Someone else's amendment is "no such amendment" to her: whose it is, is not hers to learn.
    const option = await trx
      .selectFrom("matterOptions")
      .select(["id"])
      .where("id", "=", input.optionId)
      .where("matterId", "=", input.matterId)
      .where("kind", "=", "amendment")
      .where("citizenId", "=", citizenId)
      .where("withdrawnAt", "is", null)
      .executeTakeFirst();
    if (!option) throw new DomainError("not_found", "amendments.notFound", "You have no such amendment standing on this matter.");
    await trx.updateTable("matterOptions").set({ withdrawnAt: deps.clock.now().toISOString() }).where("id", "=", option.id).execute();
    await append({ matterId: input.matterId, type: "matter.amendmentWithdrawn", actor: CITIZEN_ACTOR, payload: { optionId: option.id } });
    return { id: option.id };
  });
}

/** Her own amendments on a matter, standing ones first, with the value each serves. */
export async function myAmendments(deps: AppDeps, user: SessionUser, matterId: string) {
  const citizenId = requireCitizen(user);
  const rows = await deps.db
    .selectFrom("matterOptions as o")
    .leftJoin("canonicalValues as v", "v.id", "o.valueId")
    .leftJoin("valueCards as c", "c.id", "o.cardId")
    .select(["o.id", "o.action", "o.clauseNumber", "o.text", "o.createdAt", "o.withdrawnAt", "v.title as valueTitle", "c.title as cardTitle"])
    .where("o.matterId", "=", matterId)
    .where("o.kind", "=", "amendment")
    .where("o.citizenId", "=", citizenId)
    .orderBy("o.createdAt")
    .orderBy("o.id")
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      action: r.action,
      clause: r.clauseNumber,
      text: r.text,
      valueTitle: r.valueTitle,
      cardTitle: r.cardTitle,
      createdAt: r.createdAt,
      withdrawn: r.withdrawnAt !== null,
    }))
    .sort((a, b) => Number(a.withdrawn) - Number(b.withdrawn));
}

// ─── what the public reads, and what the deliberation is given ──────────────────────────────────────

export interface PublicAmendment {
  id: string;
  action: AmendmentAction;
  text: string;
  /** The canonical value it serves, by title (never who proposed it). */
  valueTitle: string | null;
}

export interface PublicClause {
  number: number;
  text: string;
  alternatives: { id: string; text: string }[];
  /** Citizens' replacements and strikes of this clause. */
  amendments: PublicAmendment[];
  /** Citizens' clauses to add after this one. */
  additions: PublicAmendment[];
}

/** The rule as anyone reads it: each clause with its alternatives and the citizens' standing amendments. */
export async function ruleView(db: Kysely<Database>, matterId: string): Promise<{ clauses: PublicClause[]; leadingAdditions: PublicAmendment[] }> {
  const [clauses, options] = await Promise.all([clausesOf(db, matterId), activeOptions(db, matterId)]);
  const amendment = (o: (typeof options)[number]): PublicAmendment => ({ id: o.id, action: o.action, text: o.text, valueTitle: o.valueTitle ?? null });
  const citizens = options.filter((o) => o.kind === "amendment");
  return {
    clauses: clauses.map((c) => ({
      number: c.number,
      text: c.text,
      alternatives: options.filter((o) => o.kind === "alternative" && o.clauseNumber === c.number).map((o) => ({ id: o.id, text: o.text })),
      amendments: citizens.filter((o) => o.action !== "add" && o.clauseNumber === c.number).map(amendment),
      additions: citizens.filter((o) => o.action === "add" && o.clauseNumber === c.number).map(amendment),
    })),
    leadingAdditions: citizens.filter((o) => o.action === "add" && o.clauseNumber === 0).map(amendment),
  };
}

/**
 * The matter's options for a deliberation, in rule order: clause 1 (the clerk's wording "c1", her
 * alternatives "c1a1", "c1a2" … in the order written, citizens' replacements and strikes "m:<id>"), then
 * each citizen's clause to add after clause 1 as a slot of its own, then clause 2, and so on; additions
 * before clause 1 come first. Withdrawn options are left out.
 */
export async function matterOptions(db: Kysely<Database>, matterId: string): Promise<{ language: Language; slots: Slot[]; options: Option[] }> {
  const matter = await db.selectFrom("matters").select(["language"]).where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  const [clauses, standing] = await Promise.all([clausesOf(db, matterId), activeOptions(db, matterId)]);
  const slots: Slot[] = [];
  const options: Option[] = [];
  const addAdditions = (after: number) => {
    for (const o of standing.filter((s) => s.kind === "amendment" && s.action === "add" && s.clauseNumber === after)) {
      slots.push({ kind: "addition", number: after });
      options.push({ id: `m:${o.id}`, slot: slots.length - 1, source: "citizen", text: o.text, valueId: o.valueId });
    }
  };
  addAdditions(0);
  for (const clause of clauses) {
    slots.push({ kind: "clause", number: clause.number });
    const slot = slots.length - 1;
    options.push({ id: `c${clause.number}`, slot, source: "clerk", text: clause.text, valueId: null });
    const alternatives = standing.filter((o) => o.kind === "alternative" && o.clauseNumber === clause.number);
    for (const [j, o] of alternatives.entries()) options.push({ id: `c${clause.number}a${j + 1}`, slot, source: "alternative", text: o.text, valueId: null });
    for (const o of standing.filter((s) => s.kind === "amendment" && s.action !== "add" && s.clauseNumber === clause.number)) {
      options.push({ id: `m:${o.id}`, slot, source: "citizen", text: o.action === "strike" ? "" : o.text, valueId: o.valueId });
    }
    addAdditions(clause.number);
  }
  return { language: matter.language as Language, slots, options };
}
