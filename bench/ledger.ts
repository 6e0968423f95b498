import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { openDatabase } from "../db/connection.js";
import { migrateToLatest } from "../db/migrate.js";
import { appendLedgerEvent } from "../db/repos/ledger.js";
import { toHex } from "../deliberation/bytes.js";
import { chainEvent, type LedgerEvent, verifyChain } from "../deliberation/ledger.js";
import { LOG_NAME } from "../deliberation/transparency/checkpoint.js";
import { signNextCheckpoint } from "../deliberation/transparency/signing.js";
import { leafHash, MerkleTree } from "../deliberation/transparency/merkle.js";
import * as logNodesMigration from "../db/migrations/2026-11-25T09-log-nodes.js";
import { appendLogLeaf } from "../server/services/registry-log.server.js";
import { loadConfig } from "../server/env.server.js";
import { round, summary, table } from "./support.js";

/**
 * The ledger and the log:
 * 1. verification: events per second through verifyChain (canonical JSON + SHA-256 per event);
 * 2. appends per second to SQLite, one event per transaction, through Kysely (appendLedgerEvent, as
 *    the services do) and through the raw better-sqlite3 driver doing the same statements;
 * 3. publish to signed checkpoint: a new leaf and the subtrees it closes stored, the tree's root and a
 *    consistency proof from the last checkpoint read from the stored nodes, checked, and an Ed25519
 *    signature, in a transaction on SQLite logs of growing size.
 */

const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 200_000);
const APPENDS = Number(process.env.BENCH_APPENDS ?? 5_000);

// 1. Verification.
const events: LedgerEvent[] = [];
let head: LedgerEvent | null = null;
for (let i = 0; i < VERIFY_EVENTS; i++) {
  head = chainEvent(head, {
    matterId: "bench",
    type: i % 3 === 0 ? "deliberation.position" : "room.guidance",
    actor: "bench",
    payload: { key: `k${i}`, text: "Keep the ruling short enough to read aloud.", n: i },
    createdAt: new Date(1_700_000_000_000 + i).toISOString(),
  });
  events.push(head);
}
let started = performance.now();
const verdict = verifyChain(events);
const verifyMs = performance.now() - started;
if (!verdict.ok) throw new Error("the benchmark's chain did not verify");
const verifyPerS = VERIFY_EVENTS / (verifyMs / 1000);

// 2. Appends: Kysely against the raw driver, same database engine, same statements.
const dir = mkdtempSync(join(tmpdir(), "agora-bench-ledger-"));
const handle = openDatabase({ kind: "sqlite", file: join(dir, "kysely.sqlite") });
await migrateToLatest(handle.db);
const payload = { text: "Keep the ruling short enough to read aloud." };
started = performance.now();
for (let i = 0; i < APPENDS; i++) {
  await handle.db
    .transaction()
    .execute((trx) => appendLedgerEvent(trx, { matterId: "bench", type: "room.guidance", actor: "bench", payload, createdAt: new Date().toISOString() }));
}
const kyselyMs = performance.now() - started;
await handle.close();

const rawHandle = openDatabase({ kind: "sqlite", file: join(dir, "raw.sqlite") });
await migrateToLatest(rawHandle.db);
await rawHandle.close();
const raw = new Database(join(dir, "raw.sqlite"));
raw.pragma("journal_mode = WAL");
raw.pragma("synchronous = NORMAL");
const selectHead = raw.prepare("SELECT seq, hash FROM ledger_events WHERE matter_id = ? ORDER BY seq DESC LIMIT 1");
const insert = raw.prepare("INSERT INTO ledger_events (matter_id, seq, type, actor, payload, prev_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
const appendRaw = raw.transaction((createdAt: string) => {
  const last = selectHead.get("bench") as { seq: number; hash: string } | undefined;
  const event = chainEvent(last ? { seq: last.seq, hash: last.hash } : null, { matterId: "bench", type: "room.guidance", actor: "bench", payload, createdAt });
  insert.run(event.matterId, event.seq, event.type, event.actor, JSON.stringify(event.payload), event.prevHash, event.hash, event.createdAt);
});
started = performance.now();
for (let i = 0; i < APPENDS; i++) appendRaw(new Date().toISOString());
const rawMs = performance.now() - started;
raw.close();
rmSync(dir, { recursive: true, force: true });

// 3. Publish to a signed checkpoint, the log's part of it (appendLogLeaf, as publishing runs it in its
// transaction: store the leaf and the subtrees it closes, read the new root and the consistency proof
// from log_nodes, check it, sign), on SQLite logs of growing size.
const key = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "agora-bench-key-")), NODE_ENV: "test" } as NodeJS.ProcessEnv).signingKey;
const publishRows: Record<string, string | number>[] = [];
let publishMs1e4 = 0;
let publishMs1e5 = 0;
for (const size of [100, 1_000, 10_000, 100_000]) {
  const logDir = mkdtempSync(join(tmpdir(), "agora-bench-log-"));
  const log = openDatabase({ kind: "sqlite", file: join(logDir, "log.sqlite") });
  await migrateToLatest(log.db);
  const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`bundle ${i} ${randomUUID()}`)));
  const at = new Date().toISOString();
  for (let i = 0; i < size; i += 1_000) {
    await log.db
      .insertInto("logLeaves")
      .values(leaves.slice(i, i + 1_000).map((leaf, j) => ({ idx: i + j, leafHash: toHex(leaf), rulingId: "bench", createdAt: at })))
      .execute();
  }
  await logNodesMigration.down(log.db);
  await logNodesMigration.up(log.db); // fills log_nodes from the leaves, as on an upgrade
  const last = signNextCheckpoint(null, { log: LOG_NAME, size, root: toHex(new MerkleTree(leaves).root()) }, [], key);
  await log.db.insertInto("logCheckpoints").values({ size, root: last.root, keyId: last.keyId, signature: last.signature, createdAt: at }).execute();
  const times: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const leaf = leafHash(Buffer.from(`new bundle ${rep}`));
    const t0 = performance.now();
    await log.db.transaction().execute((trx) => appendLogLeaf(trx, key, leaf, "bench", new Date().toISOString()));
    times.push(performance.now() - t0);
  }
  await log.close();
  rmSync(logDir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  const median = times[3]!;
  if (size === 10_000) publishMs1e4 = median;
  if (size === 100_000) publishMs1e5 = median;
  publishRows.push({ "log size": size, "new leaf → signed checkpoint, in its transaction (ms, median of 7)": round(median, 2) });
}

table([
  {
    measure: `verify a chain of ${VERIFY_EVENTS} events`,
    value: `${round(verifyMs)} ms = ${Math.round(verifyPerS).toLocaleString("en-US")} events/s (goal ≥ 500,000/s)`,
  },
  { measure: `${APPENDS} appends through Kysely`, value: `${round(kyselyMs)} ms = ${Math.round(APPENDS / (kyselyMs / 1000))}/s` },
  { measure: `${APPENDS} appends through better-sqlite3`, value: `${round(rawMs)} ms = ${Math.round(APPENDS / (rawMs / 1000))}/s` },
  { measure: "Kysely / raw driver", value: `${round(kyselyMs / rawMs, 2)}× (goal ≤ 2×)` },
]);
table(publishRows);
summary("ledger", {
  verify_events_per_s: Math.round(verifyPerS),
  kysely_appends_per_s: Math.round(APPENDS / (kyselyMs / 1000)),
  raw_appends_per_s: Math.round(APPENDS / (rawMs / 1000)),
  kysely_over_raw: round(kyselyMs / rawMs, 2),
  publish_to_checkpoint_1e4_ms: round(publishMs1e4, 2),
  publish_to_checkpoint_1e5_ms: round(publishMs1e5, 2),
});
