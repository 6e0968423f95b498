import type { Kysely } from "kysely";
import { fromHex, toHex } from "../../deliberation/bytes.js";
import { appendedNodes } from "../../deliberation/transparency/merkle.js";

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
    // The log grown again, leaf by leaf, exactly as appendLogLeaf grows it.
    for (const node of appendedNodes(leaf.idx, fromHex(leaf.leaf_hash), (level, index) => nodes.get(`${level}:${index}`)!)) {
      nodes.set(`${node.level}:${node.index}`, node.hash);
      rows.push({ level: node.level, idx: node.index, hash: toHex(node.hash) });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await raw
      .insertInto("log_nodes")
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("log_nodes").execute();
}
