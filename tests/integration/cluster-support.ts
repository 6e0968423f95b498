/**
 * What the cluster and database-outage tests share: a database of their own on a PostgreSQL server,
 * real server processes (tests/integration/server-process.ts) on it, and socket.io clients that keep
 * what they receive.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { type DbHandle, openDatabase } from "../../db/connection.js";
import { migrateToLatest } from "../../db/migrate.js";
import { seedDemoPolity } from "../../db/seed.js";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import { answerOffline } from "../../deliberation/protocol/index.js";
import type { ScriptedRequest } from "../../deliberation/llm/scripted-server.js";
import { hashPassword } from "../../server/auth/password.server.js";
import type { ClientToServerEvents, Presence, RoomReplay, ServerToClientEvents, TranscriptFragment } from "../../server/realtime/contract.js";

const CHILD = fileURLToPath(new URL("./server-process.ts", import.meta.url));
export const SCRYPT_LOG_N = 12;

/** A model that reasons as the offline engine does, streaming its answers in small pieces (many transcript fragments). */
export function offlineAnswer(request: ScriptedRequest) {
  const answer = answerOffline(request.task, request.data);
  if (!answer) throw new Error(`unexpected task ${request.task}`);
  return { json: answer, chunkSize: 24, chunkDelayMs: 2 };
}

/** A database of its own on the server `baseUrl` names (CREATE DATABASE), dropped with FORCE afterwards. */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `agora_t_${randomBytes(5).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Migrates and seeds the demo polity, as the first `npm start` would; returns the test's own handle on it. */
export async function seededDatabase(url: string): Promise<DbHandle> {
  const handle = openDatabase({ kind: "postgres", url, poolSize: 4, applicationName: "agora-test" });
  await migrateToLatest(handle.db);
  await seedDemoPolity(handle.db, {
    hashPassword: (password) => hashPassword(password, SCRYPT_LOG_N),
    now: () => new Date().toISOString(),
    ids: () => crypto.randomUUID(),
  });
  return handle;
}

export interface ServerProcess {
  name: string;
  url: string;
  /** The id its deliberation runner holds leases under. */
  runner: string;
  child: ChildProcess;
  /** Everything it printed, for the failure message. */
  log: string[];
  /** Resolves with its exit code when it ends. */
  exited: Promise<number | null>;
  alive(): boolean;
  stop(): Promise<number | null>;
}

/** Starts a server process on the database at `databaseUrl`, named `name` in pg_stat_activity. */
export async function startServerProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, AGORA_INSTANCE: name, AGORA_SCRYPT_LOG_N: String(SCRYPT_LOG_N), HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code;
      log.push(`exited ${code ?? signal}`);
      resolve(code);
    }),
  );
  createInterface({ input: child.stderr! }).on("line", (line) => log.push(`! ${line}`));
  const lines = createInterface({ input: child.stdout! });
  const listening = new Promise<{ port: number; runner: string }>((resolve, reject) => {
    lines.on("line", (line) => {
      log.push(line);
      const match = /^listening (\d+) (\S+)$/.exec(line);
      if (match) resolve({ port: Number(match[1]), runner: match[2]! });
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before serving:\n${log.join("\n")}`)));
  });
  const { port, runner } = await listening;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    runner,
    child,
    log,
    exited,
    alive: () => exitCode === undefined,
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client that keeps everything a room sends it: the replay, live events in arrival order, fragments, presence. */
export interface Watcher {
  name: string;
  socket: ClientSocket;
  /** Seqs of ledger events in the order they arrived live. */
  live: number[];
  /** Every event it has, by seq (replayed or live). */
  events: Map<number, LedgerEvent>;
  fragments: TranscriptFragment[];
  presence: Presence | null;
  join(matterId: string): Promise<void>;
}

export async function watch(name: string, baseUrl: string, cookie: string | null): Promise<Watcher> {
  const socket: ClientSocket = io(baseUrl, {
    transports: ["websocket"],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  const watcher: Watcher = {
    name,
    socket,
    live: [],
    events: new Map(),
    fragments: [],
    presence: null,
    async join(matterId) {
      const ack = await socket.timeout(5_000).emitWithAck("room:join", { matterId, afterSeq: 0 });
      if (!ack.ok) throw new Error(`${name} could not join: ${JSON.stringify(ack.error)}`);
      for (const event of (ack.data as RoomReplay).events) watcher.events.set(event.seq, event);
    },
  };
  socket.on("ledger:event", (event) => {
    watcher.live.push(event.seq);
    watcher.events.set(event.seq, event);
  });
  socket.on("transcript", (fragment) => watcher.fragments.push(fragment));
  socket.on("presence", (presence) => {
    watcher.presence = presence;
  });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
  return watcher;
}

/** True when the seqs arrived one after another with no gap and none twice (a start past 1 is the replay's). */
export function consecutive(seqs: readonly number[]): boolean {
  return seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1);
}

/**
 * What a watcher reads of a transcript, call by call in the order calls first spoke: a restart empties a
 * call's text, a fragment adds to it. Processes may cut the same words into different fragments (a busy
 * room joins a speaker's waiting words), so watchers are compared on this, not on the fragments.
 */
export function transcriptRead(fragments: readonly TranscriptFragment[]): [string, string][] {
  const text = new Map<string, string>();
  for (const { key, restart, fragment } of fragments) text.set(key, restart !== undefined ? "" : (text.get(key) ?? "") + (fragment ?? ""));
  return [...text];
}
