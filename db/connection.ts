import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import {
  CamelCasePlugin,
  Kysely,
  type KyselyPlugin,
  LimitNode,
  OffsetNode,
  type OperationNode,
  OperationNodeTransformer,
  PostgresDialect,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SqliteDialect,
  type UnknownRow,
  ValueNode,
} from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

export interface DbHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export type DbConfig = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string; schema?: string; poolSize?: number };

// PostgreSQL returns BIGINT (count(*)) as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; a prepared statement can be reused as long as
 * the connection lives, and preparing was a sixth of a submission's time on the intake benchmark.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (statement) {
          cache.delete(source); // refresh its place: the map's order is the eviction order
        } else {
          statement = prepare(source);
          if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        }
        cache.set(source, statement);
        return statement;
      };
    },
  });
}

/** An integer LIMIT or OFFSET as a literal, not a bound parameter (see InlineLimits). */
class LimitInliner extends OperationNodeTransformer {
  private inline(node: OperationNode): OperationNode {
    return ValueNode.is(node) && !node.immediate && typeof node.value === "number" && Number.isSafeInteger(node.value) && node.value >= 0
      ? ValueNode.createImmediate(node.value)
      : node;
  }

  protected override transformLimit(node: LimitNode): LimitNode {
    return LimitNode.create(this.inline(node.limit));
  }

  protected override transformOffset(node: OffsetNode): OffsetNode {
    return OffsetNode.create(this.inline(node.offset));
  }
}

/**
 * Writes `.limit(n)` and `.offset(n)` as literals. With `LIMIT ?`, SQLite (as better-sqlite3 prepares
 * it) took more than twice as long on an ordered one-row read as with `LIMIT 1`, at every run; it is
 * harmless on PostgreSQL. Only non-negative safe integers are inlined, so nothing else reaches the SQL.
 */
class InlineLimits implements KyselyPlugin {
  readonly #transformer = new LimitInliner();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The connection factory: SQLite (WAL) by default, PostgreSQL when a URL is given. */
export function openDatabase(config: DbConfig): DbHandle {
  const plugins = [new CamelCasePlugin(), new InlineLimits()];
  if (config.kind === "sqlite") {
    if (config.file !== ":memory:") mkdirSync(dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), plugins });
    return { db, dialect: "sqlite", close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    // A schema per test file keeps suites apart without a database per file.
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  return { db, dialect: "postgres", close: () => db.destroy() };
}
