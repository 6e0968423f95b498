import type { Kysely } from "kysely";
import { fromHex, toHex } from "../../deliberation/bytes.js";
import { closedBy, nodeHash } from "../../deliberation/transparency/merkle.js";

// The transparency log's complete subtrees, stored as the log grows (level 0: the leaves), so a root or
// a proof reads O(log n) rows instead of rebuilding the tree from every leaf. Filled here from the
// leaves already in the log.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("log_nodes")
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("log_nodes_pk", ["level", "idx"])
    .execute();
  const raw = db.withoutPlugins(); // column names as written, whatever the caller's plugins
  const leaves: { idx: number; leaf_hash: string }[] = await raw.selectFrom("log_leaves").select(["idx", "leaf_hash"]).orderBy("idx").execute();
  const nodes = new Map<string, Uint8Array>();
  const rows: { level: number; idx: number; hash: string }[] = [];
  for (const leaf of leaves) {
    nodes.set(`0:${leaf.idx}`, fromHex(leaf.leaf_hash));
    rows.push({ level: 0, idx: leaf.idx, hash: leaf.leaf_hash });
    for (const c of closedBy(leaf.idx)) {
      const hash = nodeHash(nodes.get(`${c.level - 1}:${2 * c.index}`)!, nodes.get(`${c.level - 1}:${2 * c.index + 1}`)!);
      nodes.set(`${c.level}:${c.index}`, hash);
      rows.push({ level: c.level, idx: c.index, hash: toHex(hash) });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await raw.insertInto("log_nodes").values(rows.slice(i, i + 500)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("log_nodes").execute();
}
