import { type Kysely, sql } from "kysely";
import { isUniqueViolation } from "../../db/errors.js";
import { lockStream, readLedger } from "../../db/repos/ledger.js";
import type { Database } from "../../db/schema.js";
import { type BallotRules, tallyBallot } from "../../deliberation/ballot.js";
import { DomainError } from "../../deliberation/errors.js";
import { canonicalJson, type JsonValue } from "../../deliberation/ledger.js";
import type { Mandate } from "../../deliberation/mandates.js";
import type { Fairness } from "../../deliberation/protocol/index.js";
import { DEFAULT_SUNSET_DAYS, renewedSunset } from "../../deliberation/matters.js";
import { fromHex, pemBody, toHex, utf8 } from "../../deliberation/bytes.js";
import {
  BUNDLE_VERSION,
  type BundleEnvelope,
  bundleJson,
  type CardProof,
  type CardTree,
  cardProof,
  type ProvenanceBundle,
  sha256Hex,
} from "../../deliberation/provenance.js";
import type { ActRecord } from "../../deliberation/ruling-status.js";
import { keyIdOf, LOG_NAME, type SignedCheckpoint } from "../../deliberation/transparency/checkpoint.js";
import { publicKeyPem, signNextCheckpoint } from "../../deliberation/transparency/signing.js";
import { appendedNodes, closedBy, EMPTY_ROOT, leafHash, MerkleTree } from "../../deliberation/transparency/merkle.js";
import type { SessionUser } from "./accounts.server.js";
import { frozenMandates } from "./convening.server.js";
import { CARD_TREES_WORKER_MARK, type CardEntry, type CardTreesAnswer, type CardTreesMessage } from "./card-trees-worker.server.js";
import type { AppDeps } from "./deps.server.js";
import { CITIZEN_ACTOR, withLedger } from "./ledger.server.js";
import { shareTheLoop } from "../../db/loop.js";
import { batchSize, batchTransaction } from "./registry.server.js";
import { loggedActs } from "./ruling-acts.server.js";
import { jobWorker } from "./worker-thread.server.js";

/**
 * Publication (issue 7): a ratified ruling gets its ELI, its provenance bundle is appended to the
 * registry's transparency log, and a new checkpoint is signed, consistent with the last one. All of it,
 * the matter's move to "published" and its ledger event, in one transaction (the cards behind its
 * mandates are written in batches just before: see publishRuling).
 */

/** The registry log's own lock: one append at a time, across processes. */
export const LOG_STREAM = "registry-log";

async function lastCheckpoint(db: Kysely<Database>): Promise<SignedCheckpoint | null> {
  const row = await db.selectFrom("logCheckpoints").selectAll().orderBy("size", "desc").limit(1).executeTakeFirst();
  return row ? { log: LOG_NAME, size: row.size, root: row.root, keyId: row.keyId, signature: row.signature } : null;
}

/** How many leaves the log holds. */
async function logSize(db: Kysely<Database>): Promise<number> {
  const top = await db.selectFrom("logLeaves").select("idx").orderBy("idx", "desc").limit(1).executeTakeFirst();
  return top ? top.idx + 1 : 0;
}

const nodeKey = (level: number, idx: number) => `${level}:${idx}`;

async function readNodes(db: Kysely<Database>, wanted: readonly { level: number; idx: number }[]): Promise<Map<string, Uint8Array>> {
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom("logNodes")
    .select(["level", "idx", "hash"])
    .where((eb) => eb.or(wanted.map((n) => eb.and([eb("level", "=", n.level), eb("idx", "=", n.idx)]))))
    .execute();
  return new Map(rows.map((r) => [nodeKey(r.level, r.idx), fromHex(r.hash)]));
}

/**
 * Runs `use` on the log's tree of `size` leaves as stored in log_nodes. Which nodes a root or a proof
 * touches depends on sizes and indexes only, never on hashes: a first pass with placeholders learns
 * them, one query reads them (O(log n) rows), and a second pass computes.
 */
async function onStoredTree<T>(db: Kysely<Database>, size: number, use: (tree: MerkleTree) => T): Promise<T> {
  const wanted = new Map<string, { level: number; idx: number }>();
  use(new MerkleTree({ size, node: (level, idx) => (wanted.set(nodeKey(level, idx), { level, idx }), EMPTY_ROOT) }));
  const nodes = await readNodes(db, [...wanted.values()]);
  return use(
    new MerkleTree({
      size,
      node: (level, idx) => {
        const hash = nodes.get(nodeKey(level, idx));
        if (!hash) throw new Error(`The log is missing its node ${nodeKey(level, idx)}.`);
        return hash;
      },
    }),
  );
}

/**
 * The bundle of a ratified matter, from the ledger, the frozen mandates and the ballot; and, apart, which
 * cards stand behind each mandate value (the registry keeps them to answer each citizen's `cardProof`;
 * the bundle carries only their counts and roots).
 */
export async function buildBundle(
  deps: AppDeps,
  trx: Kysely<Database>,
  matterId: string,
  eli: string,
  publishedAt: string,
  sunsetAt: string | null,
  trees: readonly CardTree[],
): Promise<ProvenanceBundle> {
  const matter = await trx.selectFrom("matters").selectAll().where("id", "=", matterId).executeTakeFirstOrThrow();
  const events = await readLedger(trx, matterId);
  const opened = events.filter((e) => e.type === "ballot.opened").at(-1)!.payload as unknown as {
    ballot: number;
    rules: BallotRules;
    eligible: string[];
    text: string;
    textHash: string;
    coverage?: JsonValue;
  };
  // The published figures, as the ledger has them: the ballot's coverage (of the text voted on) and the draft's fairness.
  const fairness = (events.filter((e) => e.type === "deliberation.drafted").at(-1)?.payload as { fairness?: JsonValue } | undefined)?.fairness;
  const votes = await trx
    .selectFrom("ballotVotes")
    .select(["delegateId", "choice", "seq", "hash"])
    .where("matterId", "=", matterId)
    .where("ballot", "=", opened.ballot)
    .orderBy("seq")
    .execute();
  const { constituencies, bodies } = await frozenMandates({ ...deps, db: trx }, matterId);
  const bundle: ProvenanceBundle = {
    version: BUNDLE_VERSION,
    ruling: {
      eli,
      title: matter.title,
      text: opened.text,
      textHash: opened.textHash,
      matterId,
      contextId: matter.contextId,
      emergency: matter.emergency === 1,
      publishedAt,
      sunsetAt,
    },
    mandates: constituencies.map((c) => ({ constituencyId: c.id, label: c.label, size: c.size, mandate: bodies.get(c.id) as Mandate })),
    ballot: { ballot: opened.ballot, rules: opened.rules, eligible: opened.eligible, votes, tally: tallyBallot(opened.rules, opened.eligible, votes) },
    cardTrees: trees.map(({ constituencyId, valueId, count, root }) => ({ constituencyId, valueId, count, root })),
    ledger: { matterId, head: events.at(-1)!.hash, events },
    ...(opened.coverage !== undefined ? { valuePreservation: opened.coverage } : {}),
    ...(fairness !== undefined ? { fairness } : {}),
  };
  return bundle;
}

/**
 * Which cards stand behind each mandate value of a convened matter: her card, its canonical value and
 * the constituency she was in, kept where that value is in her constituency's mandate. Read a page
 * of members at a time (at national participation they are a hundred thousand cards), and each page's
 * cards by the members' id range alone: asked for the mandate values too, SQLite walked every card of
 * those values for each page. Pages are fitted to what their reads cost (`batchSize`): a read holds
 * SQLite's one connection, and in the 1.3 M nation bench a page of 10,000 members' cards held it
 * 190 ms on average and 507 ms at worst while requests waited.
 */
async function* cardsBehindMandates(deps: AppDeps, matterId: string): AsyncGenerator<CardEntry[]> {
  const { bodies } = await frozenMandates(deps, matterId);
  const held = new Set([...bodies].flatMap(([id, m]) => m.values.map((v) => `${id}\u0000${v.valueId}`)));
  if (held.size === 0) return;
  const page = batchSize(CARD_BATCH * 2);
  for (let after = ""; ; ) {
    let started = performance.now();
    const members = await deps.db
      .selectFrom("constituencyMembers")
      .select(["citizenId", "constituencyId"])
      .where("matterId", "=", matterId)
      .where("citizenId", ">", after)
      .orderBy("citizenId")
      .limit(page.rows)
      .execute();
    if (members.length === 0) return;
    const membersMs = performance.now() - started;
    const constituencyOf = new Map(members.map((m) => [m.citizenId, m.constituencyId]));
    started = performance.now();
    const cards = await deps.db
      .selectFrom("valueCards")
      .select(["id", "citizenId", "canonicalId"])
      .where("citizenId", ">", after)
      .where("citizenId", "<=", members.at(-1)!.citizenId)
      .execute();
    // Each read holds the connection on its own: the longer of the two sets the next page.
    page.took(Math.max(membersMs, performance.now() - started), members.length);
    const entries: CardEntry[] = [];
    for (const card of cards) {
      const constituency = constituencyOf.get(card.citizenId);
      if (constituency && held.has(`${constituency}\u0000${card.canonicalId}`)) entries.push({ card: card.id, constituency, value: card.canonicalId! });
    }
    yield entries;
    after = members.at(-1)!.citizenId;
    await shareTheLoop();
  }
}

/** The card trees' worker (card-trees-worker.server.ts): one per process, started on first use. */
const cardTreesWorker = jobWorker<CardTreesMessage, CardTreesAnswer>("card-trees-worker", CARD_TREES_WORKER_MARK);

/** Rows per insert of a ruling's cards: 4 parameters each, well under either database's limit. */
const CARD_BATCH = 1_000;

/** A signed-in citizen's proof that her card stands behind a value of this ruling's mandates (none for another's card). */
export async function myCardProof(deps: AppDeps, user: SessionUser, idOrEli: string, cardId: string): Promise<CardProof> {
  const none = () => new DomainError("not_found", "rulings.noCardProof", "This ruling's mandates have no card of yours with that id.");
  const ruling = await deps.db
    .selectFrom("rulings")
    .select(["id", "eli"])
    .where((eb) => eb.or([eb("id", "=", idOrEli), eb("eli", "=", idOrEli)]))
    .executeTakeFirst();
  if (!ruling) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  if (!user.citizenId) throw none();
  const mine = await deps.db
    .selectFrom("rulingCards as rc")
    .innerJoin("valueCards as vc", "vc.id", "rc.cardId")
    .select(["rc.constituencyId", "rc.valueId"])
    .where("rc.rulingId", "=", ruling.id)
    .where("rc.cardId", "=", cardId)
    .where("vc.citizenId", "=", user.citizenId)
    .executeTakeFirst();
  if (!mine) throw none();
  const group = await deps.db
    .selectFrom("rulingCards")
    .select("cardId")
    .where("rulingId", "=", ruling.id)
    .where("constituencyId", "=", mine.constituencyId)
    .where("valueId", "=", mine.valueId)
    .execute();
  const proof = cardProof(
    ruling.eli,
    mine.constituencyId,
    mine.valueId,
    group.map((r) => r.cardId),
    cardId,
  );
  if (!proof) throw none();
  return proof;
}

/**
 * Appends one leaf to the log and signs the checkpoint of the grown tree, after checking it extends the
 * last signed one. Call under the log's lock, inside the transaction that makes the change the leaf records.
 */
export async function appendLogLeaf(trx: Kysely<Database>, signingKey: string, leaf: Uint8Array, rulingId: string, at: string) {
  const leafIndex = await logSize(trx);
  // Store the leaf and every complete subtree it closes, reading the left halves they need in one query.
  const lefts = await readNodes(
    trx,
    closedBy(leafIndex).map((c) => ({ level: c.level - 1, idx: 2 * c.index })),
  );
  const added = appendedNodes(leafIndex, leaf, (level, idx) => {
    const hash = lefts.get(nodeKey(level, idx));
    if (!hash) throw new Error(`The log is missing its node ${nodeKey(level, idx)}.`);
    return hash;
  });
  await trx
    .insertInto("logNodes")
    .values(added.map((n) => ({ level: n.level, idx: n.index, hash: toHex(n.hash) })))
    .execute();

  const size = leafIndex + 1;
  const last = await lastCheckpoint(trx);
  const grown = await onStoredTree(trx, size, (tree) => ({ root: toHex(tree.root()), proof: last ? tree.consistencyProof(last.size) : [] }));
  const checkpoint = signNextCheckpoint(last, { log: LOG_NAME, size, root: grown.root }, grown.proof, signingKey);
  await trx
    .insertInto("logLeaves")
    .values({ idx: leafIndex, leafHash: toHex(leaf), rulingId, createdAt: at })
    .execute();
  await trx
    .insertInto("logCheckpoints")
    .values({ size: checkpoint.size, root: checkpoint.root, keyId: checkpoint.keyId, signature: checkpoint.signature, createdAt: at })
    .execute();
  return { leafIndex, checkpoint };
}

/** A publication run that has not moved for this long died with its process: the sweep undoes it. */
const PUBLISHING_STALE_MS = 60_000;
const publishingLease = (deps: AppDeps) => new Date(deps.clock.now().getTime() + PUBLISHING_STALE_MS).toISOString();

/** Deletes the cards written under a ruling id that never became a ruling, a batch at a time. */
async function clearRulingCards(deps: AppDeps, rulingId: string): Promise<void> {
  for (;;) {
    const batch = await deps.db.selectFrom("rulingCards").select("cardId").where("rulingId", "=", rulingId).limit(CARD_BATCH).execute();
    if (batch.length === 0) return;
    await batchTransaction(deps, (trx) =>
      trx
        .deleteFrom("rulingCards")
        .where("rulingId", "=", rulingId)
        .where(
          "cardId",
          "in",
          batch.map((b) => b.cardId),
        )
        .execute(),
    );
  }
}

/** Gives up a publication run: its cards, then the run (unless its ruling exists: then it is done). */
async function abandonPublishing(deps: AppDeps, matterId: string, rulingId: string, holder: string): Promise<void> {
  const published = await deps.db.selectFrom("rulings").select("id").where("id", "=", rulingId).executeTakeFirst();
  if (!published) await clearRulingCards(deps, rulingId);
  await batchTransaction(deps, (trx) => trx.deleteFrom("publishingRuns").where("matterId", "=", matterId).where("holder", "=", holder).execute());
}

/** After a restart (and every minute): publications whose process died midway are undone, so the clerk can publish again. */
export async function sweepPublications(deps: AppDeps): Promise<void> {
  const now = deps.clock.now().toISOString();
  const dead = await deps.db.selectFrom("publishingRuns").selectAll().where("expiresAt", "<=", now).execute();
  for (const run of dead) {
    const taken = await batchTransaction(deps, (trx) =>
      trx
        .updateTable("publishingRuns")
        .set({ expiresAt: publishingLease(deps) })
        .where("matterId", "=", run.matterId)
        .where("holder", "=", run.holder)
        .where("expiresAt", "<=", now)
        .executeTakeFirst(),
    );
    if (Number(taken.numUpdatedRows) === 1) await abandonPublishing(deps, run.matterId, run.rulingId, run.holder);
  }
}

/**
 * The clerk publishes a ratified ruling. Given the hash of the text she read, it must be the ballot's:
 * what is published is never a text she did not see.
 *
 * In two parts, so that no transaction grows with the polity: first, under a run that owns the
 * matter's publication, the cards behind its mandates are read and written a batch at a time under
 * the id the ruling will have (unread until it exists); then one short transaction gives the ruling
 * its ELI, appends its bundle to the log, signs the checkpoint and moves the matter, as before.
 */
export async function publishRuling(deps: AppDeps, clerk: SessionUser, matterId: string, read: { textHash?: string } = {}) {
  const matter = await deps.db.selectFrom("matters").select("status").where("id", "=", matterId).executeTakeFirst();
  if (!matter) throw new DomainError("not_found", "matters.notFound", "There is no such matter.");
  if (matter.status !== "ratified") throw new DomainError("conflict", "rulings.notRatified", "Only a ratified ruling can be published.");

  const id = deps.ids();
  const holder = deps.ids();
  const started = deps.clock.now().toISOString();
  try {
    await batchTransaction(deps, (trx) =>
      trx
        .insertInto("publishingRuns")
        .values({ matterId, rulingId: id, holder, startedAt: started, expiresAt: publishingLease(deps) })
        .execute(),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("conflict", "rulings.publishing", "This ruling is being published already.");
    throw error;
  }

  try {
    // Each page of cards is written, and posted to the worker that computes their trees, as it is read.
    const job = cardTreesWorker.begin();
    try {
      const size = batchSize(CARD_BATCH);
      let rows: { rulingId: string; cardId: string; constituencyId: string; valueId: string }[] = [];
      const writeRows = async () => {
        const batch = rows;
        rows = [];
        await batchTransaction(
          deps,
          async (trx) => {
            const run = await trx
              .updateTable("publishingRuns")
              .set({ expiresAt: publishingLease(deps) })
              .where("matterId", "=", matterId)
              .where("holder", "=", holder)
              .executeTakeFirst();
            if (Number(run.numUpdatedRows) !== 1) throw new DomainError("conflict", "rulings.publishing", "This ruling is being published already.");
            await trx.insertInto("rulingCards").values(batch).execute();
          },
          (ms) => size.took(ms, batch.length),
        );
      };
      for await (const entries of cardsBehindMandates(deps, matterId)) {
        job.post({ seq: job.seq, kind: "cards", entries });
        for (const e of entries) {
          rows.push({ rulingId: id, cardId: e.card, constituencyId: e.constituency, valueId: e.value });
          if (rows.length >= size.rows) await writeRows();
        }
      }
      if (rows.length > 0) await writeRows();
    } catch (error) {
      job.drop({ seq: job.seq, kind: "drop" });
      throw error;
    }
    const answer = await job.ask({ seq: job.seq, kind: "trees" });
    if (!answer.ok) throw new Error(`the card trees failed in their worker: ${answer.message}`);
    const trees = answer.trees;

    return await withLedger(deps, async (trx, append) => {
      await lockStream(trx, LOG_STREAM);
      await lockStream(trx, matterId);
      const current = await trx.selectFrom("matters").select(["status", "emergency", "sunsetDays"]).where("id", "=", matterId).executeTakeFirstOrThrow();
      if (current.status !== "ratified") throw new DomainError("conflict", "rulings.notRatified", "Only a ratified ruling can be published.");
      const run = await trx.deleteFrom("publishingRuns").where("matterId", "=", matterId).where("holder", "=", holder).executeTakeFirst();
      if (Number(run.numDeletedRows) !== 1) throw new DomainError("conflict", "rulings.publishing", "This ruling is being published already.");
      const now = deps.clock.now();
      const publishedAt = now.toISOString();
      const year = now.getUTCFullYear();
      const { n } = await trx.selectFrom("rulings").select(sql<number>`count(*)`.as("n")).where("year", "=", year).executeTakeFirstOrThrow();
      const number = Number(n) + 1;
      const eli = `/eli/${deps.config.polity}/ruling/${year}/${number}`;
      const sunsetDays = current.sunsetDays ?? (current.emergency === 1 ? DEFAULT_SUNSET_DAYS : null);
      const sunsetAt = sunsetDays ? new Date(now.getTime() + sunsetDays * 86_400_000).toISOString() : null;
      const bundle = await buildBundle(deps, trx, matterId, eli, publishedAt, sunsetAt, trees);
      if (read.textHash !== undefined && read.textHash !== bundle.ruling.textHash) {
        throw new DomainError("conflict", "rulings.textChanged", "The text on the ballot is not the one you read. Read it again before publishing.");
      }

      // The bundle holds the matter's whole ledger: canonicalize it once, for its leaf, its row and its hash.
      const json = bundleJson(bundle);
      const { leafIndex, checkpoint } = await appendLogLeaf(trx, deps.config.signingKey, leafHash(utf8(json)), id, publishedAt);

      await trx
        .insertInto("rulings")
        .values({
          id,
          matterId,
          year,
          number,
          eli,
          title: bundle.ruling.title,
          text: bundle.ruling.text,
          contextId: bundle.ruling.contextId,
          emergency: bundle.ruling.emergency ? 1 : 0,
          status: "in-force",
          publishedAt,
          sunsetAt,
          leafIndex,
          bundle: json,
        })
        .execute();
      await trx.updateTable("matters").set({ status: "published", updatedAt: publishedAt }).where("id", "=", matterId).execute();
      await append({
        matterId,
        type: "ruling.published",
        actor: clerk.id,
        payload: { eli, leafIndex, bundleSha256: sha256Hex(json), checkpoint: { size: checkpoint.size, root: checkpoint.root } } as unknown as JsonValue,
      });
      return { id, eli, leafIndex };
    });
  } catch (error) {
    await abandonPublishing(deps, matterId, id, holder).catch((e) => console.error(`[publication] undoing ${matterId} failed:`, e));
    throw error;
  }
}

/**
 * A ruling's bundle with its inclusion proof under the newest signed checkpoint, and the acts on it
 * since (renewals, a repeal, a lapse) with theirs under the same checkpoint: what `agora verify` checks.
 */
export async function rulingEnvelope(deps: AppDeps, idOrEli: string): Promise<BundleEnvelope> {
  const ruling = await deps.db
    .selectFrom("rulings")
    .select(["bundle", "leafIndex", "matterId"])
    .where((eb) => eb.or([eb("id", "=", idOrEli), eb("eli", "=", idOrEli)]))
    .executeTakeFirst();
  if (!ruling) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  const checkpoint = await lastCheckpoint(deps.db);
  if (!checkpoint) throw new DomainError("not_found", "rulings.notFound", "The log has no checkpoint yet.");
  // An act recorded after the checkpoint was read is outside its tree: it comes with the next download.
  const acts = (await loggedActs(deps.db, ruling.matterId)).filter((a) => a.record !== null && a.leafIndex < checkpoint.size);
  const { path, actPaths } = await onStoredTree(deps.db, checkpoint.size, (tree) => ({
    path: tree.inclusionProof(ruling.leafIndex).map(toHex),
    actPaths: acts.map((a) => tree.inclusionProof(a.leafIndex).map(toHex)),
  }));
  return {
    bundle: JSON.parse(ruling.bundle) as ProvenanceBundle,
    proof: { leafIndex: ruling.leafIndex, treeSize: checkpoint.size, path },
    checkpoint,
    publicKey: publicKeyPem(deps.config.signingKey),
    acts: acts.map((a, i) => ({ record: a.record as unknown as ActRecord, leafIndex: a.leafIndex, path: actPaths[i]! })),
  };
}

/** The newest signed checkpoint and the key that signed it. */
export async function logCheckpoint(deps: AppDeps) {
  const checkpoint = await lastCheckpoint(deps.db);
  const publicKey = publicKeyPem(deps.config.signingKey);
  // The id of the key checks are made with now, whichever key signed the newest checkpoint.
  return { checkpoint, publicKey, keyId: keyIdOf(pemBody(publicKey)!) };
}

/** A consistency proof between two signed tree sizes. */
export async function logConsistency(deps: AppDeps, first: number, second: number) {
  const size = await logSize(deps.db);
  if (!(first >= 1 && first <= second && second <= size))
    throw new DomainError("invalid", "log.badRange", `The log has ${size} leaves: ask for 1 ≤ first ≤ second ≤ ${size}.`);
  return onStoredTree(deps.db, second, (tree) => ({
    first,
    second,
    firstRoot: toHex(tree.root(first)),
    secondRoot: toHex(tree.root(second)),
    proof: tree.consistencyProof(first, second).map(toHex),
  }));
}

/** The public registry: published rulings, newest first, with search and filters. */
export async function listRulings(
  deps: AppDeps,
  input: {
    q?: string | undefined;
    status?: string | undefined;
    contextId?: string | undefined;
    emergency?: boolean | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
  },
) {
  let query = deps.db
    .selectFrom("rulings")
    .select(["id", "eli", "title", "contextId", "emergency", "status", "publishedAt", "sunsetAt", "year", "number", "repealReason", "repealedAt"]);
  if (input.q) {
    const like = `%${input.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("title", "like", like), eb("text", "like", like)]));
  }
  if (input.status) query = query.where("status", "=", input.status);
  if (input.contextId) query = query.where("contextId", "=", input.contextId);
  if (input.emergency !== undefined) query = query.where("emergency", "=", input.emergency ? 1 : 0);
  if (input.from) query = query.where("publishedAt", ">=", input.from);
  if (input.to) query = query.where("publishedAt", "<", input.to);
  const rows = await query.orderBy("publishedAt", "desc").limit(input.limit).execute();
  return rows.map((r) => ({ ...r, emergency: r.emergency === 1 }));
}

/** A ruling as its page shows it, with the matters that amend it (renewal with an amendment). */
export async function getRuling(deps: AppDeps, eli: string) {
  const row = await deps.db
    .selectFrom("rulings")
    .select([
      "id",
      "matterId",
      "year",
      "number",
      "eli",
      "title",
      "text",
      "contextId",
      "emergency",
      "status",
      "publishedAt",
      "sunsetAt",
      "leafIndex",
      "reviewRequestedAt",
      "repealReason",
      "repealedAt",
    ])
    .where("eli", "=", eli)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  const amendedBy = await deps.db
    .selectFrom("matters")
    .select(["id", "title", "status", "createdAt"])
    .where("amendsRulingId", "=", row.id)
    .orderBy("createdAt", "desc")
    .execute();
  return { ...row, emergency: row.emergency === 1, amendedBy };
}

// ---------------------------------------------------------------------------------------------
// After publication: sunset, renewal, repeal. Each is a ledger event of the matter and a new leaf of
// the log (canonical JSON naming the ruling, the act and the bundle's leaf), under a new checkpoint.

type Act = "lapsed" | "renewed" | "repealed";
const MATTER_STATUS_OF: Record<Act, string> = { lapsed: "sunset", renewed: "renewed", repealed: "repealed" };

async function recordAct(
  deps: AppDeps,
  actor: string,
  eli: string,
  act: Act,
  allowedFrom: readonly string[],
  extra: { sunsetAt?: string | null | ((current: string | null, now: Date) => string); reason?: string } = {},
) {
  return withLedger(deps, async (trx, append) => {
    await lockStream(trx, LOG_STREAM);
    const ruling = await trx.selectFrom("rulings").select(["id", "matterId", "status", "leafIndex", "sunsetAt"]).where("eli", "=", eli).executeTakeFirst();
    if (!ruling) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
    await lockStream(trx, ruling.matterId);
    // Read under the log's lock, which every change of a ruling's status holds: it cannot change before we write.
    if (!allowedFrom.includes(ruling.status)) throw new DomainError("conflict", "rulings.badTransition", `A ruling that is ${ruling.status} cannot be ${act}.`);
    const at = deps.clock.now().toISOString();
    const sunsetAt =
      extra.sunsetAt === undefined
        ? ruling.sunsetAt
        : typeof extra.sunsetAt === "function"
          ? extra.sunsetAt(ruling.sunsetAt, deps.clock.now())
          : extra.sunsetAt;
    const record = { log: LOG_NAME, eli, act, at, bundleLeaf: ruling.leafIndex, sunsetAt, ...(extra.reason ? { reason: extra.reason } : {}) };
    const { leafIndex, checkpoint } = await appendLogLeaf(trx, deps.config.signingKey, leafHash(utf8(canonicalJson(record))), ruling.id, at);
    await trx
      .updateTable("rulings")
      // Renewing answers a review (the ruling leaves the desk; reports count afresh); a repeal keeps its public reason.
      .set({
        status: act,
        sunsetAt,
        ...(act === "renewed" ? { reviewRequestedAt: null, reviewedAt: at } : {}),
        ...(act === "repealed" ? { repealReason: extra.reason ?? null, repealedAt: at } : {}),
      })
      .where("id", "=", ruling.id)
      .execute();
    await trx.updateTable("matters").set({ status: MATTER_STATUS_OF[act], updatedAt: at }).where("id", "=", ruling.matterId).execute();
    await append({
      matterId: ruling.matterId,
      type: `ruling.${act}`,
      actor,
      payload: { ...record, leafIndex, checkpoint: { size: checkpoint.size, root: checkpoint.root } } as unknown as JsonValue,
    });
    return { eli, status: act, leafIndex, sunsetAt };
  });
}

/** The sunset job: rulings in force whose sunset date has passed lapse (and their pages say so). */
export async function lapseDueRulings(deps: AppDeps): Promise<string[]> {
  const due = await deps.db
    .selectFrom("rulings")
    .select("eli")
    .where("status", "in", ["in-force", "renewed"])
    .where("sunsetAt", "is not", null)
    .where("sunsetAt", "<=", deps.clock.now().toISOString())
    .execute();
  const lapsed: string[] = [];
  for (const { eli } of due) {
    try {
      await recordAct(deps, "agora:sunset", eli, "lapsed", ["in-force", "renewed"]);
      lapsed.push(eli);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error; // renewed or repealed meanwhile
    }
  }
  return lapsed;
}

/**
 * The clerk renews a ruling before it lapses: its sunset moves `days` later than it was (from now, if it
 * has just passed and the sunset job has not run yet); never earlier. A ruling without a sunset needs no renewal.
 */
export function renewRuling(deps: AppDeps, clerk: SessionUser, eli: string, days: number) {
  return recordAct(deps, clerk.id, eli, "renewed", ["in-force", "renewed"], {
    sunsetAt: (current, now) => {
      if (current === null) throw new DomainError("conflict", "rulings.noSunset", "This ruling has no sunset, so there is nothing to renew.");
      return renewedSunset(new Date(current), now, days).toISOString();
    },
  });
}

/** The clerk repeals a ruling in force. */
export function repealRuling(deps: AppDeps, clerk: SessionUser, eli: string, reason: string) {
  return recordAct(deps, clerk.id, eli, "repealed", ["in-force", "renewed"], { reason, sunsetAt: null });
}

// ---------------------------------------------------------------------------------------------
// Harm reports: anyone signed in reports what a published ruling did and which of the values in its
// mandates it harmed; past the polity's threshold the ruling goes back on the clerk's desk.

/** A value of a mandate, as the published figures carry it: what the ruling's text does to it, and the words that decide it. */
export interface PreservedValue {
  valueId: string;
  title: string;
  weight: number;
  verdict: "honours" | "erodes" | "silent";
  honoured: boolean;
  /** The readings behind an honoured or eroded value: the clause of the ruling and its quoted words. */
  by: { clause: number; quote: string; reason: string; engine: string }[];
}

export interface PreservedConstituency {
  representativeId: string;
  label: string;
  citizens: number;
  honouredWeight: number;
  erodedWeight: number;
  values: PreservedValue[];
}

type CoveragePayload = {
  representativeId: string;
  label: string;
  citizens: number;
  honouredWeight?: number;
  erodedWeight?: number;
  values: { valueId: string; title: string; weight: number; verdict?: PreservedValue["verdict"]; honoured: boolean; by?: PreservedValue["by"] }[];
}[];

/** A coverage as an event recorded it, whatever its protocol: protocol 1 had no verdicts or quotes, only "honoured". */
function preserved(coverage: CoveragePayload): PreservedConstituency[] {
  return coverage.map((c) => {
    const values = c.values.map((v) => {
      const verdict = v.verdict ?? (v.honoured ? "honours" : "silent");
      return {
        valueId: v.valueId,
        title: v.title,
        weight: v.weight,
        verdict,
        honoured: verdict === "honours",
        by: (v.by ?? []).map((b) => ({ clause: b.clause, quote: b.quote, reason: b.reason, engine: b.engine })),
      };
    });
    const sum = (verdict: PreservedValue["verdict"]) => values.reduce((s, v) => s + (v.verdict === verdict ? v.weight : 0), 0);
    return {
      representativeId: c.representativeId,
      label: c.label,
      citizens: c.citizens,
      honouredWeight: c.honouredWeight ?? sum("honours"),
      erodedWeight: c.erodedWeight ?? sum("erodes"),
      values,
    };
  });
}

/** The events the published figures come from: the ballots opened and the drafts, newest first. */
async function figureEvents(deps: AppDeps, matterId: string) {
  const rows = await deps.db
    .selectFrom("ledgerEvents")
    .select(["type", "payload"])
    .where("matterId", "=", matterId)
    .where("type", "in", ["ballot.opened", "deliberation.drafted"])
    .orderBy("seq", "desc")
    .execute();
  return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) as { coverage?: CoveragePayload; fairness?: Fairness } }));
}

/**
 * The values a ruling's mandates held, with the constituencies that held them and what the ruling's text
 * does to each, from readings: the coverage of the text ratified (the last ballot opened carries it),
 * else the last draft's. Read from the ledger's events, not by parsing the bundle, which holds the whole ledger.
 */
export async function preservation(deps: AppDeps, matterId: string): Promise<PreservedConstituency[]> {
  const events = await figureEvents(deps, matterId);
  const source = events.find((e) => e.type === "ballot.opened" && e.payload.coverage) ?? events.find((e) => e.type === "deliberation.drafted");
  return source?.payload.coverage ? preserved(source.payload.coverage) : [];
}

/** The published value-preservation figures: the coverage of the text ratified and the winner's fairness, as the bundle and the page give them. */
export async function publishedFigures(deps: AppDeps, matterId: string) {
  const events = await figureEvents(deps, matterId);
  const ballot = events.find((e) => e.type === "ballot.opened" && e.payload.coverage);
  const drafted = events.find((e) => e.type === "deliberation.drafted");
  const coverage = (ballot ?? drafted)?.payload.coverage;
  return {
    /** "ballot" when the figures are of the text voted on (amended or not), "draft" for a ballot that carried none. */
    of: ballot ? ("ballot" as const) : ("draft" as const),
    coverage: coverage ? preserved(coverage) : [],
    fairness: drafted?.payload.fairness ?? null,
  };
}

export async function fileHarmReport(deps: AppDeps, user: SessionUser, eli: string, what: string, valueIds: string[]) {
  const ruling = await deps.db.selectFrom("rulings").select(["id", "matterId", "status", "reviewedAt"]).where("eli", "=", eli).executeTakeFirst();
  if (!ruling) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  const coverage = await preservation(deps, ruling.matterId);
  const known = new Set(coverage.flatMap((c) => c.values.map((v) => v.valueId)));
  const unknown = valueIds.filter((id) => !known.has(id));
  if (unknown.length) throw new DomainError("invalid", "harm.unknownValue", "Choose the harmed values among those in this ruling's mandates.");
  try {
    return await withLedger(deps, async (trx, append) => {
      await lockStream(trx, ruling.matterId);
      const id = deps.ids();
      const at = deps.clock.now().toISOString();
      await trx
        .insertInto("harmReports")
        .values({ id, rulingId: ruling.id, reporterId: user.id, what, valueIds: JSON.stringify(valueIds), createdAt: at })
        .execute();
      await append({ matterId: ruling.matterId, type: "ruling.harmReported", actor: CITIZEN_ACTOR, payload: { eli, reportId: id, valueIds } });
      // Since the clerk last renewed it: a review she answered is not asked again by the same reports.
      let since = trx.selectFrom("harmReports").select(sql<number>`count(*)`.as("n")).where("rulingId", "=", ruling.id);
      if (ruling.reviewedAt) since = since.where("createdAt", ">", ruling.reviewedAt);
      const { n } = await since.executeTakeFirstOrThrow();
      // Past the threshold, once: the first report that reaches it puts the ruling on the clerk's desk.
      const review =
        Number(n) >= deps.config.harmThreshold &&
        Number(
          (
            await trx
              .updateTable("rulings")
              .set({ reviewRequestedAt: at })
              .where("id", "=", ruling.id)
              .where("reviewRequestedAt", "is", null)
              .executeTakeFirst()
          ).numUpdatedRows,
        ) === 1;
      if (review)
        await append({
          matterId: ruling.matterId,
          type: "ruling.reviewRequested",
          actor: "agora:oversight",
          payload: { eli, reports: Number(n), threshold: deps.config.harmThreshold },
        });
      return { id, createdAt: at, reports: Number(n), reviewRequested: review };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("conflict", "harm.alreadyReported", "You have already reported a harm against this ruling.");
    throw error;
  }
}

/**
 * The oversight view: the reports (without who filed them) beside the ruling's value-preservation
 * figures, and when the viewer filed hers, if she did (one per person).
 */
export async function harmOverview(deps: AppDeps, eli: string, viewer: SessionUser | null = null) {
  const ruling = await deps.db.selectFrom("rulings").select(["id", "matterId", "reviewRequestedAt"]).where("eli", "=", eli).executeTakeFirst();
  if (!ruling) throw new DomainError("not_found", "rulings.notFound", "There is no such ruling.");
  const [figures, reports, mine] = await Promise.all([
    publishedFigures(deps, ruling.matterId),
    deps.db.selectFrom("harmReports").select(["id", "what", "valueIds", "createdAt"]).where("rulingId", "=", ruling.id).orderBy("createdAt", "desc").execute(),
    viewer
      ? deps.db.selectFrom("harmReports").select("createdAt").where("rulingId", "=", ruling.id).where("reporterId", "=", viewer.id).executeTakeFirst()
      : undefined,
  ]);
  const touched = new Map<string, number>();
  for (const r of reports) for (const id of JSON.parse(r.valueIds) as string[]) touched.set(id, (touched.get(id) ?? 0) + 1);
  return {
    threshold: deps.config.harmThreshold,
    reviewRequestedAt: ruling.reviewRequestedAt,
    myReport: mine ? { createdAt: mine.createdAt } : null,
    reports: reports.map((r) => ({ id: r.id, what: r.what, valueIds: JSON.parse(r.valueIds) as string[], createdAt: r.createdAt })),
    /** Whether the figures are those of the text put to the ballot, or of the draft (a ballot that carried none). */
    figuresOf: figures.of,
    constituencies: figures.coverage.map((c) => ({
      label: c.label,
      citizens: c.citizens,
      honouredWeight: c.honouredWeight,
      erodedWeight: c.erodedWeight,
      values: c.values.map((v) => ({
        valueId: v.valueId,
        title: v.title,
        weight: v.weight,
        verdict: v.verdict,
        honoured: v.honoured,
        quotes: v.by.map((b) => ({ clause: b.clause, quote: b.quote, reason: b.reason })),
        reports: touched.get(v.valueId) ?? 0,
      })),
    })),
    /** The draft's fairness: whether it was in the proportional veto core, and each constituency's shares, by label. */
    fairness: figures.fairness && {
      inCore: figures.fairness.inCore,
      shares: figures.fairness.shares.map((s) => ({
        label: figures.coverage.find((c) => c.representativeId === s.representativeId)?.label ?? "",
        citizens: s.citizens,
        honoured: s.honoured,
        eroded: s.eroded,
      })),
    },
  };
}

/**
 * Published rulings that harm reports put back on the clerk's desk (until she renews or repeals them),
 * with the matters already opened to amend them.
 */
export async function rulingsForReview(deps: AppDeps) {
  const rows = await deps.db
    .selectFrom("rulings")
    .select(["id", "eli", "title", "status", "sunsetAt", "reviewRequestedAt"])
    .where("reviewRequestedAt", "is not", null)
    .where("status", "in", ["in-force", "renewed"])
    .orderBy("reviewRequestedAt", "desc")
    .execute();
  const amendments = rows.length
    ? await deps.db
        .selectFrom("matters")
        .select(["id", "title", "status", "amendsRulingId"])
        .where(
          "amendsRulingId",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map(({ id, ...r }) => ({
    ...r,
    reviewRequestedAt: r.reviewRequestedAt!,
    amendedBy: amendments.filter((m) => m.amendsRulingId === id).map((m) => ({ id: m.id, title: m.title, status: m.status })),
  }));
}
