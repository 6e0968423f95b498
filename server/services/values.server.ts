import { createHash, randomInt } from "node:crypto";
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { isUniqueViolation } from "../../db/errors.js";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../deliberation/errors.js";
import { type CanonicalIndex, createCanonicalIndex, DEFAULT_DEDUPE_THRESHOLD, sameValueTask } from "../../deliberation/values/dedupe.js";
import { valueClassifyTask } from "../../deliberation/values/gate.js";
import type { ReasonLanguage } from "../../deliberation/values/gate-reasons.js";
import { answersLanguage, draftGuidance, draftValueTask, type GuidedAnswers } from "../../deliberation/values/guided.js";
import { type Locale, titleIn } from "../../app/i18n/locales.js";
import { unreadScript } from "../../deliberation/values/language.js";
import { storyLanguage, upgradeStoryTask } from "../../deliberation/values/stories.js";
import type { Answer, GateVerdict, ValueCardDraft } from "../../deliberation/values/types.js";
import type { SessionUser } from "./accounts.server.js";
import { citizenRepresentations } from "./progress.server.js";
import { type AppDeps, nowIso } from "./deps.server.js";
import { lockSupporter, supportChange } from "./support.server.js";

/** How many related values a new canonical value is paired with for wiser-than judgments. */
const PAIRS_PER_NEW_VALUE = 3;

interface ContextIndex {
  index: CanonicalIndex;
  /** Newest creation time loaded: later canonical values (made by another process) are read in on refresh. */
  loadedUntil: string;
  /** Matching and founding in one context happen one at a time in this process. */
  queue: Promise<unknown>;
}

const indexes = new WeakMap<AppDeps, Map<string, ContextIndex>>();

function contextIndex(deps: AppDeps, contextId: string): ContextIndex {
  let byContext = indexes.get(deps);
  if (!byContext) indexes.set(deps, (byContext = new Map()));
  let entry = byContext.get(contextId);
  if (!entry) byContext.set(contextId, (entry = { index: createCanonicalIndex(), loadedUntil: "", queue: Promise.resolve() }));
  return entry;
}

/** Reads in the canonical values this process has not seen (all of them, the first time). */
async function refreshIndex(db: Kysely<Database>, entry: ContextIndex, contextId: string): Promise<CanonicalIndex> {
  const rows = await db
    .selectFrom("canonicalValues")
    .select(["id", "title", "description", "policies", "createdAt"])
    .where("contextId", "=", contextId)
    .where("createdAt", ">=", entry.loadedUntil)
    .execute();
  for (const row of rows) {
    if (!entry.index.has(row.id))
      entry.index.add({ id: row.id, title: row.title, description: row.description, policies: JSON.parse(row.policies) as string[] });
    if (row.createdAt > entry.loadedUntil) entry.loadedUntil = row.createdAt;
  }
  return entry.index;
}

/** Runs `work` after every earlier matching in this context has finished, so two cards never both found one value. */
function inContextOrder<T>(entry: ContextIndex, work: () => Promise<T>): Promise<T> {
  const result = entry.queue.then(work, work);
  entry.queue = result.catch(() => undefined);
  return result;
}

/** Across processes (PostgreSQL), matching and founding in one context take turns in the database too. */
async function lockContext(trx: Kysely<Database>, contextId: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`canonical:${contextId}`}))`.execute(trx);
  }
}

/** Two requests racing past the "already?" check meet the unique constraint: the loser hears why. */
function conflictOnDuplicate(key: string, message: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw new DomainError("conflict", key, message);
    throw error;
  };
}

/**
 * Offline: the lexical bar alone. With a model: candidates found by shared words at a lower bar and,
 * with an embedding model, by meaning; the model's judge confirms one before a card joins it.
 */
const CANDIDATE_THRESHOLD = 0.3;
const EMBEDDING_CANDIDATE_THRESHOLD = 0.75;
const CANDIDATES_JUDGED = 2;

interface SameValue {
  match: { id: string; similarity: number } | null;
  /** The card's vector, kept with the canonical value it founds. */
  embedding: number[] | null;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += a[i]! * b[i]!;
  return dot; // both are unit vectors
}

async function findSameValue(deps: AppDeps, index: CanonicalIndex, context: { id: string; title: string }, card: ValueCardDraft): Promise<SameValue> {
  // Offline: words and concepts alike enough, concerns that match, no antonym trap (dedupe.ts).
  const dedupeCard = { title: card.title, description: card.description, policies: card.policies };
  if (deps.llm.engine === "offline") return { match: index.match(dedupeCard, DEFAULT_DEDUPE_THRESHOLD), embedding: null };
  // With a model nothing merges without the judge: the index and embeddings only propose candidates
  // (an Estonian card's English twin among them), and the judge reads both cards in full.
  const candidates = new Map<string, number>();
  const lexical = index.match(dedupeCard, CANDIDATE_THRESHOLD);
  if (lexical) candidates.set(lexical.id, lexical.similarity);
  let embedding: number[] | null = null;
  if (deps.llm.embed) {
    const text = `${card.title}. ${card.description} ${card.policies.join("; ")}`;
    [embedding = null] = (await deps.llm.embed("values.embed", [text])).vectors;
    const stored = await deps.db
      .selectFrom("canonicalValues")
      .select(["id", "embedding"])
      .where("contextId", "=", context.id)
      .where("embedding", "is not", null)
      .execute();
    for (const row of stored) {
      const similarity = cosine(embedding!, JSON.parse(row.embedding!) as number[]);
      if (similarity >= EMBEDDING_CANDIDATE_THRESHOLD) candidates.set(row.id, Math.max(similarity, candidates.get(row.id) ?? 0));
    }
  }
  const ranked = [...candidates].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, CANDIDATES_JUDGED);
  for (const [id, similarity] of ranked) {
    const canonical = await deps.db.selectFrom("canonicalValues").select(["title", "description", "policies"]).where("id", "=", id).executeTakeFirstOrThrow();
    const verdict = await deps.llm.run(sameValueTask, {
      a: { title: card.title, description: card.description, policies: card.policies },
      b: { title: canonical.title, description: canonical.description, policies: JSON.parse(canonical.policies) as string[] },
      contextTitle: context.title,
    });
    if (verdict.output.same) return { match: { id, similarity }, embedding };
  }
  return { match: null, embedding };
}

export function requireCitizen(user: SessionUser): string {
  if (!user.citizenId) {
    throw new DomainError("forbidden", "values.notACitizen", "Your account is not linked to a citizen record, so it cannot hold values.");
  }
  return user.citizenId;
}

async function requireContext(db: Kysely<Database>, contextId: string) {
  const context = await db.selectFrom("contexts").selectAll().where("id", "=", contextId).executeTakeFirst();
  if (!context) throw new DomainError("invalid", "values.unknownContext", "There is no such choice context.");
  return context;
}

export async function listContexts(deps: AppDeps) {
  const contexts = await deps.db
    .selectFrom("contexts")
    .select(["id", "title", "titleEt", "titleRu", "description", "descriptionEt", "descriptionRu"])
    .orderBy("title")
    .execute();
  const counts = await deps.db
    .selectFrom("canonicalValues")
    .select((eb) => ["contextId", eb.fn.countAll<number>().as("values")])
    .groupBy("contextId")
    .execute();
  return contexts.map((c) => ({ ...c, values: Number(counts.find((n) => n.contextId === c.id)?.values ?? 0) }));
}

export interface SubmitInput extends ValueCardDraft {
  contextId: string;
  /** The card this one revises (her own, still active). */
  revisionOf?: string | undefined;
}

/**
 * A card is English, Estonian or Russian, the languages the offline engine reads (dedupe, concepts,
 * readings against clauses): a card in another script is refused unread, before the gate, never misread (decision 19).
 */
function requireReadableCard(...texts: string[]): void {
  if (unreadScript(...texts))
    throw new DomainError("invalid", "values.unreadScript", "Value cards are read in English, Estonian and Russian only: write it in one of them.");
}

/**
 * A citizen submits a card: the gate classifies it; a value joins the canonical value it
 * near-duplicates or founds a new one (paired with related values for judgments).
 */
export async function submitCard(deps: AppDeps, user: SessionUser, input: SubmitInput, language: ReasonLanguage = "en") {
  const citizenId = requireCitizen(user);
  const context = await requireContext(deps.db, input.contextId);
  // Every refusal that needs no model comes before the gate, so a refused call never reaches the model
  // (issue 16); saveCard checks the revised card again in its transaction, for a revision racing another.
  if (input.revisionOf) await requireRevisable(deps.db, citizenId, input.revisionOf);
  requireReadableCard(input.title, input.description, ...input.policies);
  await requireNotWrittenAgain(deps.db, citizenId, context.id, input);
  // The gate's reason is written in her language, naming the context as she reads it.
  const gate = await deps.llm.run(valueClassifyTask, {
    title: input.title,
    description: input.description,
    policies: input.policies,
    contextTitle: context.title,
    language,
    contextName: titleIn(language, context),
  });
  const verdict = gate.output;
  const entry = contextIndex(deps, context.id);

  const result = await inContextOrder(entry, async () => {
    const index = await refreshIndex(deps.db, entry, context.id);
    const found = verdict.verdict === "value" ? await findSameValue(deps, index, context, input) : { match: null, embedding: null };
    const saved = await deps.db.transaction().execute(async (trx) => {
      await lockContext(trx, context.id);
      // Another process may have founded this value since the index was read: look once more offline
      // (with a model, a merge the judge has not confirmed would fold her value into one she may not hold).
      const match =
        found.match ??
        (verdict.verdict === "value" && deps.llm.engine === "offline"
          ? (await refreshIndex(trx, entry, context.id)).match(
              { title: input.title, description: input.description, policies: input.policies },
              DEFAULT_DEDUPE_THRESHOLD,
            )
          : null);
      return saveCard(trx, deps, {
        user,
        citizenId,
        contextId: context.id,
        input,
        gate: { ...verdict, callId: gate.callId },
        match,
        embedding: found.embedding,
      });
    });
    if (saved.canonical && !saved.canonical.joined) {
      index.add({ id: saved.canonical.id, title: input.title, description: input.description, policies: input.policies });
      if (saved.createdAt > entry.loadedUntil) entry.loadedUntil = saved.createdAt;
    }
    return saved;
  });

  if (result.canonical || input.revisionOf) deps.graphs.changed(context.id);
  if (result.canonical && !result.canonical.joined) {
    await pairWithRelated(deps, context, { id: result.canonical.id, title: input.title, description: input.description, policies: input.policies }).catch(
      (error) =>
        // The card is saved; its pairs can be made again later. The citizen is not told of a failure that is not hers.
        console.error(`[values] pairing ${result.canonical!.id} failed:`, error),
    );
  }
  const { createdAt: _, ...answer } = result;
  return { ...answer, engine: gate.engine };
}

interface SaveCard {
  user: SessionUser;
  citizenId: string;
  contextId: string;
  input: SubmitInput;
  gate: GateVerdict & { callId: string };
  match: { id: string; similarity: number } | null;
  embedding: number[] | null;
}

/** The card a revision replaces must be hers and still active; its value is returned. */
async function requireRevisable(db: Kysely<Database>, citizenId: string, cardId: string): Promise<string | null> {
  const previous = await db.selectFrom("valueCards").select(["citizenId", "status", "canonicalId"]).where("id", "=", cardId).executeTakeFirst();
  if (!previous || previous.citizenId !== citizenId) throw new DomainError("not_found", "values.cardNotFound", "There is no such card of yours.");
  if (previous.status !== "active") throw new DomainError("conflict", "values.cardNotActive", "That card was already revised or withdrawn.");
  return previous.canonicalId;
}

/**
 * Her active cards in a context, read by her id alone (a few rows: every card she wrote) and sorted out
 * here. Given her id, the context and the status, PostgreSQL without statistics on the cards (autovacuum
 * off, or a table filling faster than it runs) took the (context, status) index and walked every active
 * card of the context at each submission and each offer of pairs (the 1.3 M intake slowed to 65
 * participants a second); SQLite had done the same before (decision 18).
 */
async function activeCardsOf<K extends "id" | "title" | "description" | "policies">(db: Kysely<Database>, citizenId: string, contextId: string, columns: K[]) {
  const cards = await db
    .selectFrom("valueCards")
    .select(["contextId", "status", "canonicalId", ...columns])
    .where("citizenId", "=", citizenId)
    .execute();
  return cards.filter((card) => card.contextId === contextId && card.status === "active");
}

const HELD_AGAIN = () =>
  new DomainError("conflict", "values.writtenAgain", "You already hold this value here with a card of yours. Revise that card instead of writing it again.");

const sameText = (a: string, b: string) => a.trim().replace(/\s+/g, " ").toLowerCase() === b.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * The same card again (sent twice, or written out anew word for word) is refused before the gate: her
 * value counts once, and no model is asked about what she already wrote. A revision of that very card may
 * keep its words.
 */
async function requireNotWrittenAgain(db: Kysely<Database>, citizenId: string, contextId: string, input: SubmitInput): Promise<void> {
  const mine = (await activeCardsOf(db, citizenId, contextId, ["id", "title", "description", "policies"])).filter((card) => card.canonicalId !== null);
  const again = mine.some((card) => {
    if (card.id === input.revisionOf) return false;
    const policies = JSON.parse(card.policies) as string[];
    return (
      sameText(card.title, input.title) &&
      sameText(card.description, input.description) &&
      policies.length === input.policies.length &&
      policies.every((p, i) => sameText(p, input.policies[i]!))
    );
  });
  if (again) throw HELD_AGAIN();
}

/** The card, the canonical value it founds (if it does) and its event, in the caller's transaction. */
async function saveCard(trx: Kysely<Database>, deps: AppDeps, { user, citizenId, contextId, input, gate, match, embedding }: SaveCard) {
  const cardId = deps.ids();
  const createdAt = nowIso(deps);
  await lockSupporter(trx, citizenId);
  const revised = input.revisionOf ? await requireRevisable(trx, citizenId, input.revisionOf) : null;
  // The value she may stop holding (the revised card's) and the one she comes to hold (joined or founded).
  const founded = gate.verdict === "value" && !match ? deps.ids() : null;
  const support = await supportChange(trx, citizenId, [revised, gate.verdict === "value" ? (match?.id ?? founded) : null]);
  if (input.revisionOf) await trx.updateTable("valueCards").set({ status: "revised" }).where("id", "=", input.revisionOf).execute();
  let canonical: { id: string; title: string; joined: boolean; similarity: number } | null = null;
  if (gate.verdict === "value" && match) {
    // A card in other words that is one value with a card she holds (the revised one aside): her value counts once.
    const held = await trx
      .selectFrom("valueCards")
      .select("id")
      .where("citizenId", "=", citizenId)
      .where("canonicalId", "=", match.id)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (held) throw HELD_AGAIN();
    const row = await trx.selectFrom("canonicalValues").select(["id", "title"]).where("id", "=", match.id).executeTakeFirstOrThrow();
    canonical = { id: row.id, title: row.title, joined: true, similarity: match.similarity };
  } else if (founded) {
    const id = founded;
    await trx
      .insertInto("canonicalValues")
      .values({
        id,
        contextId,
        title: input.title,
        description: input.description,
        policies: JSON.stringify(input.policies),
        sourceCardId: cardId,
        embedding: embedding ? JSON.stringify(embedding) : null,
        createdAt,
        randomKey: randomPairKey(),
      })
      .execute();
    canonical = { id, title: input.title, joined: false, similarity: 1 };
  }
  await trx
    .insertInto("valueCards")
    .values({
      id: cardId,
      citizenId,
      contextId,
      title: input.title,
      description: input.description,
      policies: JSON.stringify(input.policies),
      verdict: gate.verdict,
      verdictReason: gate.reason,
      verdictSignals: JSON.stringify(gate.signals),
      llmCallId: gate.callId,
      canonicalId: canonical?.id ?? null,
      similarity: canonical?.similarity ?? null,
      revisionOf: input.revisionOf ?? null,
      status: "active",
      createdAt,
    })
    .execute();
  await support.settle();
  await trx
    .insertInto("valueEvents")
    .values({
      id: deps.ids(),
      cardId,
      canonicalId: canonical?.id ?? null,
      type: input.revisionOf ? "card.revised" : "card.submitted",
      actor: user.id,
      payload: JSON.stringify({
        verdict: gate.verdict,
        revisionOf: input.revisionOf ?? null,
        canonical: canonical ? { id: canonical.id, joined: canonical.joined } : null,
      }),
      createdAt,
    })
    .execute();
  return { cardId, verdict: gate.verdict, reason: gate.reason, signals: gate.signals, canonical, createdAt };
}

interface CanonicalCard {
  id: string;
  title: string;
  description: string;
  policies: string[];
}

/** New values are paired with the most related existing ones, with an upgrade story for each pair. */
async function pairWithRelated(deps: AppDeps, context: { id: string; title: string; titleEt?: string | null }, fresh: CanonicalCard) {
  // Related first (the context's index: shared words, or concepts across languages), then the most recent
  // to fill up: a pair of unrelated values teaches little. Neither grows with the context (issue 15).
  const index = await refreshIndex(deps.db, contextIndex(deps, context.id), context.id);
  const related = index.related(fresh, PAIRS_PER_NEW_VALUE, fresh.id).map((m) => m.id);
  if (related.length < PAIRS_PER_NEW_VALUE) {
    const recent = await deps.db
      .selectFrom("canonicalValues")
      .select("id")
      .where("contextId", "=", context.id)
      .where("id", "<>", fresh.id)
      .orderBy("createdAt", "desc")
      .orderBy("id")
      .limit(PAIRS_PER_NEW_VALUE * 2)
      .execute();
    for (const { id } of recent) if (related.length < PAIRS_PER_NEW_VALUE && !related.includes(id)) related.push(id);
  }
  const rows = related.length
    ? await deps.db.selectFrom("canonicalValues").select(["id", "title", "description", "policies"]).where("id", "in", related).execute()
    : [];
  const ranked = related.flatMap((id) => {
    const row = rows.find((r) => r.id === id);
    return row ? [{ other: { id: row.id, title: row.title, description: row.description, policies: JSON.parse(row.policies) as string[] } }] : [];
  });
  for (const { other } of ranked) {
    // The newer value is offered as the possibly wiser one; citizens' answers decide.
    // Told in the cards' language (stories.ts), naming the context in that language where it has a name in it.
    const language = storyLanguage(other, fresh);
    const contextTitle = titleIn(language, context);
    const story = await deps.llm.run(upgradeStoryTask, { contextTitle, language, from: other, to: fresh });
    await deps.db.transaction().execute((trx) =>
      trx
        .insertInto("valuePairs")
        .values({
          id: deps.ids(),
          contextId: context.id,
          fromId: other.id,
          toId: fresh.id,
          story: story.output.story,
          llmCallId: story.callId,
          createdAt: nowIso(deps),
          randomKey: randomPairKey(),
        })
        .onConflict((oc) => oc.columns(["fromId", "toId"]).doNothing())
        .execute(),
    );
  }
}

export async function draftFromGuided(
  deps: AppDeps,
  user: SessionUser,
  answers: Omit<GuidedAnswers, "contextTitle"> & { contextId: string; locale?: Locale | undefined },
) {
  requireCitizen(user);
  const context = await requireContext(deps.db, answers.contextId);
  const { contextId: _, locale, ...rest } = answers;
  requireReadableCard(rest.choice, rest.noticed, rest.mattered);
  // The draft is written in the language of her answers; in the page's when they do not say.
  const language = answersLanguage(rest, locale ?? "en");
  const contextTitle = titleIn(language, context);
  const draft = await deps.llm.run(draftValueTask, { ...rest, contextTitle, language });
  return { draft: draft.output, engine: draft.engine, language, guidance: draftGuidance(draft.output) };
}

export async function withdrawCard(deps: AppDeps, user: SessionUser, cardId: string) {
  const citizenId = requireCitizen(user);
  const contextId = await deps.db.transaction().execute(async (trx) => {
    await lockSupporter(trx, citizenId);
    const card = await trx
      .selectFrom("valueCards")
      .select(["id", "citizenId", "status", "canonicalId", "contextId"])
      .where("id", "=", cardId)
      .executeTakeFirst();
    if (!card || card.citizenId !== citizenId) throw new DomainError("not_found", "values.cardNotFound", "There is no such card of yours.");
    if (card.status !== "active") throw new DomainError("conflict", "values.cardNotActive", "That card was already revised or withdrawn.");
    const support = await supportChange(trx, citizenId, [card.canonicalId]);
    await trx.updateTable("valueCards").set({ status: "withdrawn" }).where("id", "=", cardId).execute();
    await support.settle();
    await trx
      .insertInto("valueEvents")
      .values({ id: deps.ids(), cardId, canonicalId: card.canonicalId, type: "card.withdrawn", actor: user.id, payload: "{}", createdAt: nowIso(deps) })
      .execute();
    return card.contextId;
  });
  deps.graphs.changed(contextId);
  return { cardId, status: "withdrawn" as const };
}

/**
 * Peers' values in a context that she neither holds nor endorsed yet, least-endorsed first and from her
 * own place among equals (issue 15): read from the index on (context, offer level, random key), one
 * level at a time, so the cost follows what she skips (her own and endorsed values), not the size of
 * the context. The offer level is the endorsement count up to `OFFER_LEVEL_CAP` (decision 30): past
 * it, values are offered in her own random order.
 */
export async function valuesToEndorse(deps: AppDeps, user: SessionUser, contextId: string, limit: number) {
  const citizenId = requireCitizen(user);
  await requireContext(deps.db, contextId);
  const start = startKey(citizenId, `endorse\u0000${contextId}`);
  const found: { id: string; title: string; description: string; policies: string; endorsementCount: number }[] = [];
  const page = (level: number, from: { from: number } | { below: number }, n: number) =>
    deps.db
      .selectFrom("canonicalValues as cv")
      .select(["cv.id", "cv.title", "cv.description", "cv.policies", "cv.endorsementCount"])
      .where("cv.contextId", "=", contextId)
      .where("cv.offerLevel", "=", level)
      .where("cv.randomKey", "from" in from ? ">=" : "<", "from" in from ? from.from : from.below)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("valueCards as mine")
              .select("mine.id")
              .whereRef("mine.canonicalId", "=", "cv.id")
              .where("mine.citizenId", "=", citizenId)
              .where("mine.status", "=", "active"),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("endorsements as own").select("own.citizenId").whereRef("own.canonicalId", "=", "cv.id").where("own.citizenId", "=", citizenId))),
      )
      .orderBy("cv.randomKey")
      .orderBy("cv.id")
      .limit(n)
      .execute();
  for (let level = -1; found.length < limit; ) {
    const next = await deps.db
      .selectFrom("canonicalValues")
      .select("offerLevel")
      .where("contextId", "=", contextId)
      .where("offerLevel", ">", level)
      .orderBy("offerLevel")
      .limit(1)
      .executeTakeFirst();
    if (!next) break;
    level = next.offerLevel;
    const need = limit - found.length;
    const rows = await page(level, { from: start }, need);
    if (rows.length < need) rows.push(...(await page(level, { below: start }, need - rows.length)));
    // An endorsement by someone else between two reads can move a value already taken up a level.
    const taken = new Set(found.map((r) => r.id));
    found.push(...rows.filter((r) => !taken.has(r.id)));
  }
  return found.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    policies: JSON.parse(r.policies) as string[],
    endorsements: Number(r.endorsementCount),
  }));
}

export async function endorse(deps: AppDeps, user: SessionUser, canonicalId: string) {
  const citizenId = requireCitizen(user);
  const contextId = await deps.db.transaction().execute(async (trx) => {
    await lockSupporter(trx, citizenId);
    const value = await trx.selectFrom("canonicalValues").select(["id", "contextId"]).where("id", "=", canonicalId).executeTakeFirst();
    if (!value) throw new DomainError("not_found", "values.valueNotFound", "There is no such value.");
    const already = await trx
      .selectFrom("endorsements")
      .select("citizenId")
      .where("citizenId", "=", citizenId)
      .where("canonicalId", "=", canonicalId)
      .executeTakeFirst();
    if (already) throw new DomainError("conflict", "values.alreadyEndorsed", "You have already endorsed this value.");
    const holds = await trx
      .selectFrom("valueCards")
      .select("id")
      .where("citizenId", "=", citizenId)
      .where("canonicalId", "=", canonicalId)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (holds) throw new DomainError("conflict", "values.alreadyHeld", "One of your own cards is this value already.");
    await trx
      .insertInto("endorsements")
      .values({ citizenId, canonicalId, createdAt: nowIso(deps) })
      .execute()
      .catch(conflictOnDuplicate("values.alreadyEndorsed", "You have already endorsed this value."));
    // Increments in the database, in the same transaction: concurrent endorsements all count. She neither
    // endorsed nor held it (read above, under her lock), so she is one more supporter (decision 29).
    await trx
      .updateTable("canonicalValues")
      .set((eb) => ({ endorsementCount: eb("endorsementCount", "+", 1), supportCount: eb("supportCount", "+", 1), offerLevel: raisedOfferLevel() }))
      .where("id", "=", canonicalId)
      .execute();
    await trx
      .insertInto("valueEvents")
      .values({ id: deps.ids(), cardId: null, canonicalId, type: "value.endorsed", actor: user.id, payload: "{}", createdAt: nowIso(deps) })
      .execute();
    return value.contextId;
  });
  deps.graphs.changed(contextId);
  return { canonicalId, endorsed: true as const };
}

/**
 * How far the level that pairs are offered for judging (and values for endorsing) follows the count
 * (decision 30). Up to it, the least-judged are offered first. Past it the level stays put, so the
 * index the offers walk is not rewritten on every judgment: on PostgreSQL each rewrite left a dead
 * entry that every offer read again until a vacuum, and the offers slowed with the judgments made. By
 * 32 judgments a pair's share of "wiser" is known to about a tenth either way, and each citizen's own
 * random order keeps spreading the judgments evenly on average. The migration that made the levels
 * wrote 32 itself.
 */
export const OFFER_LEVEL_CAP = 32;

/** One more judgment or endorsement: the offer level of the row updated rises with it, up to the cap. */
const raisedOfferLevel = () => sql<number>`CASE WHEN offer_level < ${OFFER_LEVEL_CAP} THEN offer_level + 1 ELSE offer_level END`;

/** Pair keys are random in [0, 2^31 − 1): an integer on both databases. */
const PAIR_KEY_RANGE = 2 ** 31 - 1;

/** The random key a new pair gets; pairs of equal judgment count are offered in its order. */
export function randomPairKey(): number {
  return randomInt(PAIR_KEY_RANGE);
}

/**
 * Where her walk among equally judged pairs starts: fixed for her in a context, so the pair she is
 * shown stays put across a reload or a refused answer, and spread over the keys, so citizens asking
 * at the same moment start in different places.
 */
function startKey(citizenId: string, contextId: string): number {
  return citizenHash(citizenId, contextId) % PAIR_KEY_RANGE;
}

function citizenHash(citizenId: string, of: string): number {
  return createHash("sha256").update(`${citizenId}\u0000${of}`).digest().readUInt32BE(0);
}

/**
 * Candidates read past her starting place for each pair offered, one taken by her own order: the
 * pair after a wide gap in the keys is then not the one everyone asking at once is given.
 */
const SPREAD = 8;

export interface PairWalk {
  contextId: string;
  citizenId: string;
  /** Canonical values her active cards in the context joined: pairs with them are not hers to judge. */
  own: string[];
  level: number;
}

/** The lowest offer level above `above` among the context's pairs, read from the index's first entry. */
async function nextLevel(db: Kysely<Database>, contextId: string, above: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("valuePairs")
    .select("offerLevel")
    .where("contextId", "=", contextId)
    .where("offerLevel", ">", above)
    .orderBy("offerLevel")
    .limit(1)
    .executeTakeFirst();
  return row?.offerLevel;
}

/** Pairs at offer level `level` that she may judge, in key order from `start` on (or up to it); exported for EXPLAIN in the bench. */
export function pairsAtLevel(db: Kysely<Database>, walk: PairWalk, keys: { from: number } | { below: number }, limit: number) {
  let query = db
    .selectFrom("valuePairs as p")
    .innerJoin("canonicalValues as a", "a.id", "p.fromId")
    .innerJoin("canonicalValues as b", "b.id", "p.toId")
    .select([
      "p.id",
      "p.story",
      "a.id as fromId",
      "a.title as fromTitle",
      "a.description as fromDescription",
      "a.policies as fromPolicies",
      "b.id as toId",
      "b.title as toTitle",
      "b.description as toDescription",
      "b.policies as toPolicies",
    ])
    .where("p.contextId", "=", walk.contextId)
    .where("p.offerLevel", "=", walk.level)
    .where((eb) => ("from" in keys ? eb("p.randomKey", ">=", keys.from) : eb("p.randomKey", "<", keys.below)))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("judgments as j").select("j.id").whereRef("j.pairId", "=", "p.id").where("j.citizenId", "=", walk.citizenId))),
    );
  if (walk.own.length > 0) query = query.where("p.fromId", "not in", walk.own).where("p.toId", "not in", walk.own);
  // Ordered by the key alone, so the index yields the rows in order and the walk stops at the limit.
  return query.orderBy("p.randomKey").limit(limit);
}

/**
 * Pairs in a context for her to judge: the least-judged first (up to `OFFER_LEVEL_CAP` judgments),
 * never one with her own value, never one she judged, and among pairs of one offer level from her own
 * place in a random order. The walk follows the index on (context, offer level, random key), so its
 * cost grows with what it skips (her judgments and her values' pairs), not with the number of pairs
 * in the context or the judgments made.
 */
export async function pairsToJudge(deps: AppDeps, user: SessionUser, contextId: string, limit: number) {
  const citizenId = requireCitizen(user);
  await requireContext(deps.db, contextId);
  const own = (await activeCardsOf(deps.db, citizenId, contextId, [])).filter((card) => card.canonicalId !== null);
  const start = startKey(citizenId, contextId);
  const walk: PairWalk = { contextId, citizenId, own: [...new Set(own.map((r) => r.canonicalId!))], level: -1 };
  const pairs: Awaited<ReturnType<ReturnType<typeof pairsAtLevel>["execute"]>> = [];
  for (let level = await nextLevel(deps.db, contextId, -1); level !== undefined; level = await nextLevel(deps.db, contextId, level)) {
    walk.level = level;
    const need = limit - pairs.length;
    const candidates = await pairsAtLevel(deps.db, walk, { from: start }, need * SPREAD).execute();
    // Wrap around: the pairs of this level before her starting place.
    if (candidates.length < need * SPREAD)
      candidates.push(...(await pairsAtLevel(deps.db, walk, { below: start }, need * SPREAD - candidates.length).execute()));
    // Another citizen's judgment between two reads can move a pair already taken up to the next level.
    const taken = new Set(pairs.map((p) => p.id));
    const ranked = candidates
      .filter((pair) => !taken.has(pair.id))
      .map((pair) => ({ pair, rank: citizenHash(citizenId, pair.id) }))
      .sort((a, b) => a.rank - b.rank);
    pairs.push(...ranked.slice(0, need).map((r) => r.pair));
    if (pairs.length >= limit) break;
  }
  return pairs.map((p) => ({
    id: p.id,
    story: p.story,
    from: { id: p.fromId, title: p.fromTitle, description: p.fromDescription, policies: JSON.parse(p.fromPolicies) as string[] },
    to: { id: p.toId, title: p.toTitle, description: p.toDescription, policies: JSON.parse(p.toPolicies) as string[] },
  }));
}

/** One judgment and the pair's count and tally, in one transaction: two judgments of a pair at once both count. */
export async function judge(deps: AppDeps, user: SessionUser, input: { pairId: string; answer: Answer; why?: string | undefined }) {
  const citizenId = requireCitizen(user);
  const pair = await deps.db.transaction().execute(async (trx) => {
    const pair = await trx.selectFrom("valuePairs").select(["id", "contextId", "fromId", "toId"]).where("id", "=", input.pairId).executeTakeFirst();
    if (!pair) throw new DomainError("not_found", "values.pairNotFound", "There is no such pair of values.");
    const earlier = await trx.selectFrom("judgments").select("id").where("pairId", "=", pair.id).where("citizenId", "=", citizenId).executeTakeFirst();
    if (earlier) throw new DomainError("conflict", "values.alreadyJudged", "You have already judged this pair.");
    await trx
      .insertInto("judgments")
      .values({ id: deps.ids(), pairId: pair.id, citizenId, answer: input.answer, why: input.why?.trim() || null, createdAt: nowIso(deps) })
      .execute()
      .catch(conflictOnDuplicate("values.alreadyJudged", "You have already judged this pair."));
    // Increments in the database, not a read-modify-write: a concurrent judgment waits for the row and adds its own.
    // The tallies are what the moral-graph page reads its edges from (issue 15).
    await trx
      .updateTable("valuePairs")
      .set((eb) => ({
        judgmentCount: eb("judgmentCount", "+", 1),
        offerLevel: raisedOfferLevel(),
        ...(input.answer === "wiser" ? { wiserCount: eb("wiserCount", "+", 1) } : {}),
        ...(input.answer === "not_wiser" ? { notWiserCount: eb("notWiserCount", "+", 1) } : {}),
      }))
      .where("id", "=", pair.id)
      .execute();
    return pair;
  });
  deps.graphs.changed(pair.contextId);
  return { pairId: pair.id, answer: input.answer };
}

/** Her cards, newest first: the verdict, the canonical value each joined, and its status. */
export async function myValues(deps: AppDeps, user: SessionUser) {
  const citizenId = requireCitizen(user);
  const cards = await deps.db
    .selectFrom("valueCards as c")
    .innerJoin("contexts as x", "x.id", "c.contextId")
    .leftJoin("canonicalValues as cv", "cv.id", "c.canonicalId")
    .select([
      "c.id",
      "c.title",
      "c.description",
      "c.policies",
      "c.verdict",
      "c.verdictReason",
      "c.status",
      "c.createdAt",
      "c.revisionOf",
      "c.similarity",
      "x.id as contextId",
      "x.title as contextTitle",
      "x.titleEt as contextTitleEt",
      "x.titleRu as contextTitleRu",
      "cv.id as canonicalId",
      "cv.title as canonicalTitle",
      "cv.sourceCardId",
    ])
    .where("c.citizenId", "=", citizenId)
    .orderBy("c.createdAt", "desc")
    .orderBy("c.id")
    .execute();
  const endorsed = await deps.db
    .selectFrom("endorsements as e")
    .innerJoin("canonicalValues as cv", "cv.id", "e.canonicalId")
    .select(["cv.id", "cv.title", "cv.contextId", "e.createdAt"])
    .where("e.citizenId", "=", citizenId)
    .orderBy("e.createdAt", "desc")
    .execute();
  const judged = await deps.db
    .selectFrom("judgments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("citizenId", "=", citizenId)
    .executeTakeFirstOrThrow();
  const mandates = await citizenRepresentations(deps, citizenId);
  return {
    cards: cards.map((c) => ({
      ...c,
      policies: JSON.parse(c.policies) as string[],
      canonical: c.canonicalId ? { id: c.canonicalId, title: c.canonicalTitle!, founded: c.sourceCardId === c.id } : null,
    })),
    endorsed,
    judgments: Number(judged.n),
    mandates,
  };
}

/** For the clerk's review: cards that joined a canonical value someone else's card founded. */
export async function recentMerges(deps: AppDeps, input: { contextId?: string | undefined; limit: number }) {
  let query = deps.db
    .selectFrom("valueCards as c")
    .innerJoin("canonicalValues as cv", "cv.id", "c.canonicalId")
    .select([
      "c.id",
      "c.title",
      "c.description",
      "c.policies",
      "c.similarity",
      "c.createdAt",
      "c.contextId",
      "cv.id as canonicalId",
      "cv.title as canonicalTitle",
      "cv.policies as canonicalPolicies",
    ])
    .whereRef("cv.sourceCardId", "<>", "c.id")
    .where("c.status", "=", "active");
  if (input.contextId) query = query.where("c.contextId", "=", input.contextId);
  const rows = await query.orderBy("c.createdAt", "desc").orderBy("c.id").limit(input.limit).execute();
  return rows.map((r) => ({
    cardId: r.id,
    contextId: r.contextId,
    card: { title: r.title, description: r.description, policies: JSON.parse(r.policies) as string[] },
    canonical: { id: r.canonicalId, title: r.canonicalTitle, policies: JSON.parse(r.canonicalPolicies) as string[] },
    similarity: r.similarity,
    createdAt: r.createdAt,
  }));
}

/** A clerk undoes a wrong merge: the card founds its own canonical value; the lineage is an event. */
export async function splitFromCanonical(deps: AppDeps, clerk: SessionUser, cardId: string, reason: string) {
  const split = await deps.db.transaction().execute(async (trx) => {
    // Stamped inside the transaction, as every row the moral graph reads by created_at (graph.server.ts,
    // OVERLAP_MS): on SQLite a transaction may wait turns of the loop for the connection, and a row stamped
    // before that wait could commit after a graph read that began later than its stamp.
    const createdAt = nowIso(deps);
    // Her changes wait for this one, and this for hers, before the card is read (support.server.ts).
    const owner = await trx.selectFrom("valueCards").select("citizenId").where("id", "=", cardId).executeTakeFirst();
    if (owner) await lockSupporter(trx, owner.citizenId);
    const card = await trx.selectFrom("valueCards").selectAll().where("id", "=", cardId).executeTakeFirst();
    if (!card || !card.canonicalId) throw new DomainError("not_found", "values.cardNotFound", "There is no such merged card.");
    if (card.status !== "active") throw new DomainError("conflict", "values.cardNotActive", "That card was already revised or withdrawn.");
    const canonical = await trx.selectFrom("canonicalValues").select(["id", "sourceCardId"]).where("id", "=", card.canonicalId).executeTakeFirstOrThrow();
    if (canonical.sourceCardId === card.id)
      throw new DomainError("conflict", "values.notMerged", "This card founded its canonical value; there is nothing to split.");
    const id = deps.ids();
    const support = await supportChange(trx, card.citizenId, [canonical.id, id]);
    await trx
      .insertInto("canonicalValues")
      .values({
        id,
        contextId: card.contextId,
        title: card.title,
        description: card.description,
        policies: card.policies,
        sourceCardId: card.id,
        embedding: null,
        createdAt,
        randomKey: randomPairKey(),
      })
      .execute();
    await trx.updateTable("valueCards").set({ canonicalId: id, similarity: 1 }).where("id", "=", card.id).execute();
    await support.settle();
    await trx
      .insertInto("valueEvents")
      .values({
        id: deps.ids(),
        cardId: card.id,
        canonicalId: id,
        type: "card.split",
        actor: clerk.id,
        payload: JSON.stringify({ from: canonical.id, reason }),
        createdAt,
      })
      .execute();
    const context = await trx.selectFrom("contexts").select(["id", "title", "titleEt", "titleRu"]).where("id", "=", card.contextId).executeTakeFirstOrThrow();
    return { id, context, card: { id, title: card.title, description: card.description, policies: JSON.parse(card.policies) as string[] } };
  });
  contextIndex(deps, split.context.id).index.add({ id: split.id, title: split.card.title, description: split.card.description, policies: split.card.policies });
  deps.graphs.changed(split.context.id);
  await pairWithRelated(deps, split.context, split.card);
  return { cardId, canonicalId: split.id };
}
