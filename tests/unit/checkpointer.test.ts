import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { SERVING_CHECKPOINT_PAGES } from "../../db/checkpointer.js";
import { type DbHandle, openDatabase } from "../../db/connection.js";

/**
 * SQLite's checkpoints run in a worker thread (db/checkpointer.ts): the serving connection leaves them
 * to it (checkpointing itself only past a WAL of SERVING_CHECKPOINT_PAGES), yet what it writes
 * reaches the database file.
 */

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), "agora-checkpoint-"));
  dirs.push(dir);
  const file = join(dir, "agora.sqlite");
  const handle = openDatabase({ kind: "sqlite", file });
  handles.push(handle);
  return { handle, size: () => statSync(file).size };
}

const MB = 1024 * 1024;

describe("WAL checkpoints off the serving connection", () => {
  it("leaves checkpoints to the worker until the WAL is past 40 MB", async () => {
    const { handle } = open();
    const { rows } = await sql<Record<string, number>>`PRAGMA wal_autocheckpoint`.execute(handle.db);
    expect(Object.values(rows[0]!)).toEqual([SERVING_CHECKPOINT_PAGES]);
    expect(SERVING_CHECKPOINT_PAGES * 4096).toBeGreaterThanOrEqual(40e6);
  });

  it("copies what is written into the database file from the worker, well before the serving connection would", async () => {
    const { handle, size } = open();
    await sql`CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`.execute(handle.db);
    // 16 MB: until a checkpoint copies them, the pages are in the WAL only and the file stays small.
    for (let i = 0; i < 16; i++) {
      await handle.db.transaction().execute(async (trx) => {
        for (let k = 0; k < 16; k++) await sql`INSERT INTO blobs (body) VALUES (randomblob(${64 * 1024}))`.execute(trx);
      });
    }
    const deadline = Date.now() + 15_000;
    while (size() < 16 * MB && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(size()).toBeGreaterThanOrEqual(16 * MB);
  });

  it("lets a process that closes its database go on after the worker stopped (an unref'd worker awaited ended the process first)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-checkpoint-"));
    dirs.push(dir);
    const script = join(dir, "close.mts");
    const connection = join(import.meta.dirname, "../../db/connection.ts");
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(connection)};
       const handle = openDatabase({ kind: "sqlite", file: ${JSON.stringify(join(dir, "agora.sqlite"))} });
       await handle.close();
       console.log("after close");`,
    );
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) =>
      execFile(process.execPath, ["--import", "tsx", script], { encoding: "utf8", cwd: join(import.meta.dirname, "../..") }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout }),
      ),
    );
    expect(run).toEqual({ code: 0, stdout: "after close\n" });
  });
});
