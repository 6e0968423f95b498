import { randomUUID } from "node:crypto";
import type { Server as HttpServer } from "node:http";
import { parse as parseCookies } from "cookie";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
import { type DatabaseHealth, type DbConfig, isDatabaseUnavailable } from "../../db/connection.js";
import { readLedger } from "../../db/repos/ledger.js";
import { type LedgerEvent, POLITY_STREAM } from "../../deliberation/ledger.js";
import type { Role } from "../../deliberation/roles.js";
import { type SessionUser, userForSessionToken } from "../services/accounts.server.js";
import type { AppDeps, LedgerBroadcaster } from "../services/deps.server.js";
import type { TranscriptChunk } from "../services/deliberation.server.js";
import { isSameOrigin } from "../auth/origin.server.js";
import { SESSION_COOKIE } from "../trpc/context.server.js";
import {
  type Ack,
  type AckError,
  type ClientToServerEvents,
  EVENT_ACCESS,
  Empty,
  MatterRef,
  type Presence,
  RoomJoin,
  type ServerToClientEvents,
  type TranscriptFragment,
} from "./contract.js";
import { createFanout, type Fanout } from "./fanout.server.js";
import { absorbFragment, pieces } from "./fragments.server.js";
import { createRoomOutbox, type Written } from "./outbox.server.js";
import { log } from "../log.server.js";
import { roomFanout, roomPush, socketClients } from "../metrics.server.js";

interface SocketData {
  user: SessionUser | null;
  rooms: Set<string>;
}

/** A signed-in watcher as processes tell one another (never a client): the id counts a person once across processes. */
interface Person {
  userId: string;
  /** Only an official's; a citizen's name stays out of the room. */
  name: string;
  /** Only the roles that are named in a room. */
  roles: Role[];
}

/** Roles whose holders a room names: they act in public, as the ledger names them. */
const NAMED_ROLES: readonly Role[] = ["admin", "clerk", "delegate"];
const namedRoles = (roles: readonly Role[]) => roles.filter((r) => NAMED_ROLES.includes(r));

/** What processes tell one another (socket.io's serverSideEmit, over the adapter). */
interface InterServerEvents {
  /** A ledger event appended by the sender, whole, or only its place when too large for a notification. */
  ledger: (message: { event: LedgerEvent } | { ref: Pick<LedgerEvent, "matterId" | "seq" | "type" | "actor"> }) => void;
  /** Transcript fragments the sender's runner streamed, in order, as many as fit a notification. */
  transcript: (pieces: TranscriptFragment[]) => void;
  /** Who the sender has in a room; empty when the last of them left, or the sender is closing. */
  presence: (summary: { origin: string; matterId: string; people: Person[]; anonymous: number }) => void;
  /** A process that just gained its first watcher of a room asks the others who they have in it. */
  "presence:ask": (matterId: string) => void;
}

type AgoraServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AgoraSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type DbConfigOf<K extends DbConfig["kind"]> = Extract<DbConfig, { kind: K }>;

const REPLAY_PAGE = 500;
/**
 * The last events of each room watched here that a (re)join is answered from without reading the
 * ledger: a reconnect storm of thousands reads nothing. Older than that, the ledger answers, a page at
 * a time.
 */
const RECENT_EVENTS = 256;
const PRESENCE_MS = 250;
const ERRORS = {
  unauthenticated: { code: "UNAUTHORIZED", status: 401, message: "Sign in first." },
  forbidden: { code: "FORBIDDEN", status: 403, message: "Your role does not allow this." },
  invalid: { code: "BAD_REQUEST", status: 400, message: "The request is not valid." },
  limited: { code: "TOO_MANY_REQUESTS", status: 429, message: "Too many requests. Slow down." },
  internal: { code: "INTERNAL", status: 500, message: "Something went wrong on our side." },
  unavailable: { code: "UNAVAILABLE", status: 503, message: "The database cannot be reached just now. Try again in a moment." },
} as const satisfies Record<string, AckError>;

/** Ledger events up to this size travel whole between processes; larger ones are read from the ledger. */
const INLINE_EVENT_BYTES = 6_000;
/** Every this often, each room watched here is compared with the ledger's head: a lost notification costs at most this delay. */
const FEED_CHECK_MS = 3_000;
/** A ledger read that failed (the database away) is tried again after this long. */
const FEED_RETRY_MS = 1_000;
/** Each process repeats who it has in each room this often; a summary not repeated for three times as long is dropped. */
const PRESENCE_REFRESH_MS = 10_000;

export interface Realtime extends LedgerBroadcaster {
  /** Streams a fragment of a model's answer to the matter's room (the result itself arrives as a ledger event). */
  transcript(chunk: TranscriptChunk): void;
  io: AgoraServer;
  /** True when rooms fan out across processes (PostgreSQL); false for SQLite's one process. */
  clustered: boolean;
  close(): Promise<void>;
}

/**
 * One room's ledger stream as this process forwards it to its own watchers: strictly in seq order,
 * each event once, with any gap filled from the ledger. Notifications between processes may come out
 * of order (two processes appending to one stream: the runner and a delegate) or not at all (a
 * connection that died): the ledger, not the notification, decides what the watchers get.
 */
interface Feed {
  /** The last seq sent to this process's watchers; -1 until the ledger's head has been read. */
  head: number;
  /** The highest seq known to exist. */
  target: number;
  /** Events that arrived whole, waiting for their turn. */
  waiting: Map<number, LedgerEvent>;
  pumping: boolean;
  retry: NodeJS.Timeout | null;
  ready: Promise<void>;
  /** Sockets of this process in the room. */
  sockets: Set<string>;
  /** The last events up to the head, contiguous, at most RECENT_EVENTS (what a rejoin is answered from). */
  recent: LedgerEvent[];
}

/**
 * socket.io on the same HTTP server: sessions from the cookie, a role check on every event. On
 * PostgreSQL the rooms span every server process on the database (decision 0016).
 */
export async function createRealtime(httpServer: HttpServer, deps: AppDeps, options: { health?: DatabaseHealth } = {}): Promise<Realtime> {
  const database = deps.config.database as DbConfigOf<"postgres"> | DbConfigOf<"sqlite">;
  const fanout: Fanout | null = database.kind === "postgres" ? await createFanout(database) : null;
  const io: AgoraServer = new Server(httpServer, {
    maxHttpBufferSize: 16 * 1024,
    serveClient: false,
    // A cookie-authenticated socket must come from our own pages.
    allowRequest: (req, done) => done(null, isSameOrigin(req.headers)),
    ...(fanout ? { adapter: fanout.adapter } : {}),
  });
  const origin = randomUUID();
  const limiter = new RateLimiterMemory({ points: 20, duration: 1, keyPrefix: "socket" });
  /** This process's watchers of each room. */
  const presence = new Map<string, Map<string, SessionUser | null>>();
  /** What the other processes last said they have in each room, by process. */
  const remotePresence = new Map<string, Map<string, { people: Person[]; anonymous: number; at: number }>>();
  const feeds = new Map<string, Feed>();
  const outbox = createRoomOutbox(io, { written: observeWritten, absorb: absorbFragment });
  let closed = false;

  io.use(async (socket, next) => {
    try {
      const token = parseCookies(socket.request.headers.cookie ?? "")[SESSION_COOKIE];
      socket.data.user = await userForSessionToken(deps, token);
      socket.data.rooms = new Set();
      next();
    } catch {
      next(new Error("internal"));
    }
  });

  /** Who this process has in a room. */
  function localPresence(matterId: string): { people: Person[]; anonymous: number } {
    const members = [...(presence.get(matterId)?.values() ?? [])];
    const people = new Map<string, Person>();
    for (const user of members) {
      if (!user) continue;
      const roles = namedRoles(user.roles);
      people.set(user.id, { userId: user.id, name: roles.length > 0 ? user.displayName : "", roles });
    }
    return { people: [...people.values()], anonymous: members.filter((u) => !u).length };
  }

  /** Who is in a room across the polity: this process's watchers and what the others last said, a person once; officials by name, citizens counted. */
  function presenceOf(matterId: string): Presence {
    const own = localPresence(matterId);
    const people = new Map(own.people.map((p) => [p.userId, p]));
    let anonymous = own.anonymous;
    for (const summary of remotePresence.get(matterId)?.values() ?? []) {
      for (const person of summary.people) people.set(person.userId, person);
      anonymous += summary.anonymous;
    }
    const officials = [...people.values()]
      .map((p) => ({ name: p.name, roles: namedRoles(p.roles) }))
      .filter((p) => p.roles.length > 0 && p.name)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { matterId, people: officials, citizens: people.size - officials.length, anonymous };
  }

  function leaveMatter(socket: AgoraSocket, matterId: string) {
    releaseFeed(matterId, socket.id);
    const members = presence.get(matterId);
    if (!members?.delete(socket.id)) return;
    if (members.size === 0) presence.delete(matterId);
    void socket.leave(`stream:${matterId}`);
    announcePresence(matterId, true);
  }

  /** Tells the other processes who this one has in a room (nothing without them). */
  function publishPresence(matterId: string) {
    if (!fanout || closed) return;
    io.serverSideEmit("presence", { origin, matterId, ...localPresence(matterId) });
  }

  /**
   * Who is in the room, the same for every watcher (see Presence). Announced at most every PRESENCE_MS
   * per room: when thousands join at once, each join must not tell everyone.
   */
  const presenceTimers = new Map<string, NodeJS.Timeout>();
  /** Rooms whose own watchers changed since the last announcement: the other processes are told too. */
  const presenceChanged = new Set<string>();
  function announcePresence(matterId: string, changedHere: boolean) {
    if (changedHere) presenceChanged.add(matterId);
    if (presenceTimers.has(matterId)) return;
    presenceTimers.set(
      matterId,
      setTimeout(() => {
        presenceTimers.delete(matterId);
        if (presenceChanged.delete(matterId)) publishPresence(matterId);
        sendPresence(matterId);
      }, PRESENCE_MS),
    );
  }
  /** Each process tells its own watchers (its outbox): every process computes the same polity-wide list. */
  function sendPresence(matterId: string) {
    if (!presence.has(matterId)) return;
    outbox.push(`stream:${matterId}`, "presence", presenceOf(matterId));
  }

  // -------------------------------------------------------------------------------------------
  // Ledger feeds

  /** Sends the feed's events from its head on, in order, reading from the ledger what did not arrive. */
  async function pump(matterId: string, feed: Feed) {
    if (feed.pumping || feed.head < 0 || closed) return;
    feed.pumping = true;
    try {
      while (feed.head < feed.target && feeds.get(matterId) === feed) {
        const next = feed.waiting.get(feed.head + 1);
        if (next) {
          emitLocally(feed, next);
          continue;
        }
        // A later event is committed, so this one is too (appends to a stream take turns): read it.
        const before = feed.head;
        const events = await readLedger(deps.db, matterId, { afterSeq: feed.head, limit: REPLAY_PAGE });
        for (const event of events) if (event.seq === feed.head + 1) emitLocally(feed, event);
        if (feed.head === before) break; // nothing past the head after all: the next event or check moves on
        feed.target = Math.max(feed.target, feed.head);
      }
      for (const seq of feed.waiting.keys()) if (seq <= feed.head) feed.waiting.delete(seq);
    } catch (error) {
      log.warn({ matterId, reason: (error as Error).message }, "[realtime] could not read the ledger to fill a gap (trying again)");
      feed.retry ??= setTimeout(() => {
        feed.retry = null;
        void pump(matterId, feed);
      }, FEED_RETRY_MS);
    } finally {
      feed.pumping = false;
    }
  }

  function emitLocally(feed: Feed, event: LedgerEvent) {
    feed.head = event.seq;
    feed.waiting.delete(event.seq);
    feed.recent.push(event);
    if (feed.recent.length > RECENT_EVENTS) feed.recent.splice(0, feed.recent.length - RECENT_EVENTS);
    outbox.push(`stream:${event.matterId}`, "ledger:event", event);
  }

  /** A room's pushes are written: how long that took, and how long after their append its ledger events went out. */
  function observeWritten({ pushes, ms }: Written) {
    roomPush.observe(ms / 1000);
    const now = Date.now();
    for (const push of pushes) {
      if (push.event !== "ledger:event") continue;
      const appendedAt = Date.parse(push.payload.createdAt);
      if (Number.isFinite(appendedAt)) roomFanout.observe(Math.max(0, now - appendedAt) / 1000);
    }
  }

  /** Fragments for the other processes, gathered over a tick and sent in as few notifications as they fit. */
  let outgoingPieces: TranscriptChunk[] = [];
  function publishPiece(piece: TranscriptChunk) {
    if (!fanout || closed) return;
    if (outgoingPieces.length === 0) setImmediate(publishPieces);
    outgoingPieces.push(piece);
  }
  function publishPieces() {
    const pieces = outgoingPieces;
    outgoingPieces = [];
    if (closed) return;
    let message: TranscriptChunk[] = [];
    let bytes = 0;
    for (const piece of pieces) {
      const size = Buffer.byteLength(JSON.stringify(piece));
      if (message.length > 0 && bytes + size > INLINE_EVENT_BYTES) {
        io.serverSideEmit("transcript", message);
        message = [];
        bytes = 0;
      }
      message.push(piece);
      bytes += size;
    }
    if (message.length > 0) io.serverSideEmit("transcript", message);
  }

  /** An event of a stream (appended here or elsewhere) for the watchers of this process, if it has any. */
  function deliver(event: Pick<LedgerEvent, "matterId" | "seq">, whole?: LedgerEvent) {
    const feed = feeds.get(event.matterId);
    if (!feed || (feed.head >= 0 && event.seq <= feed.head)) return;
    if (whole && event.seq - Math.max(feed.head, 0) <= REPLAY_PAGE) feed.waiting.set(event.seq, whole);
    feed.target = Math.max(feed.target, event.seq);
    void pump(event.matterId, feed);
  }

  /**
   * The feed of a room this socket is joining, its head read from the ledger when it is the room's first
   * watcher here. The socket's own replay is read after this, so whatever is past the head arrives live.
   */
  async function holdFeed(matterId: string, socketId: string): Promise<void> {
    let feed = feeds.get(matterId);
    if (!feed) {
      const created: Feed = {
        head: -1,
        target: 0,
        waiting: new Map(),
        pumping: false,
        retry: null,
        ready: Promise.resolve(),
        sockets: new Set(),
        recent: [],
      };
      created.ready = ledgerTail(matterId).then((tail) => {
        // The tail is contiguous (a stream's seqs are), and its last event is the head when it was read.
        created.recent = tail;
        created.head = tail.at(-1)?.seq ?? 0;
        created.target = Math.max(created.target, created.head);
        void pump(matterId, created);
      });
      created.ready.catch(() => {
        if (feeds.get(matterId) === created) feeds.delete(matterId);
      });
      feeds.set(matterId, created);
      feed = created;
    }
    feed.sockets.add(socketId);
    try {
      await feed.ready;
    } catch (error) {
      feed.sockets.delete(socketId);
      throw error;
    }
  }

  function releaseFeed(matterId: string, socketId: string) {
    const feed = feeds.get(matterId);
    if (!feed?.sockets.delete(socketId) || feed.sockets.size > 0) return;
    if (feed.retry) clearTimeout(feed.retry);
    feeds.delete(matterId);
  }

  /** A stream's last RECENT_EVENTS events, in order. */
  async function ledgerTail(matterId: string): Promise<LedgerEvent[]> {
    const row = await deps.db
      .selectFrom("ledgerEvents")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("matterId", "=", matterId)
      .executeTakeFirst();
    const head = Number(row?.seq ?? 0);
    if (head === 0) return [];
    return readLedger(deps.db, matterId, { afterSeq: Math.max(0, head - RECENT_EVENTS), limit: RECENT_EVENTS });
  }

  /**
   * What a socket joining after `afterSeq` is missing, from the feed's memory when it holds all of it
   * (null when it does not: the ledger answers). Events past the head are not there yet: they go to the
   * room, which the socket is already in, when the feed moves on.
   */
  function replayFromMemory(feed: Feed, afterSeq: number): LedgerEvent[] | null {
    if (feed.head < 0) return null;
    if (afterSeq >= feed.head) return [];
    const first = feed.recent[0]?.seq ?? feed.head + 1;
    if (afterSeq + 1 < first) return null;
    return feed.recent.slice(afterSeq + 1 - first);
  }

  /** Compares every room watched here with the ledger's head: what a lost notification held back goes out. */
  async function checkFeeds() {
    const ids = [...feeds.entries()].filter(([, f]) => f.head >= 0).map(([id]) => id);
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await deps.db
        .selectFrom("ledgerEvents")
        .select(["matterId", (eb) => eb.fn.max("seq").as("seq")])
        .where("matterId", "in", ids.slice(i, i + 500))
        .groupBy("matterId")
        .execute();
      for (const row of rows) deliver({ matterId: row.matterId, seq: Number(row.seq) });
    }
  }
  const feedChecker = setInterval(() => {
    checkFeeds().catch((error: unknown) => log.warn({ reason: (error as Error).message }, "[realtime] could not compare rooms with the ledger"));
  }, FEED_CHECK_MS).unref();

  // -------------------------------------------------------------------------------------------
  // Between processes

  if (fanout) {
    io.on("ledger", (message) => {
      const event = "event" in message ? message.event : message.ref;
      if (!event || typeof event.matterId !== "string" || !Number.isSafeInteger(event.seq)) return;
      deliver(event, "event" in message ? message.event : undefined);
      // A delegate's act (or a clerk's resume) taken through another process: the runner, if it is here,
      // folds it now rather than at its next lease renewal; if the run had stopped, one process takes it up.
      if (!event.actor.startsWith("agora:") && (event.type.startsWith("room.") || event.type === "deliberation.resumed")) {
        deps.deliberations.nudge(event.matterId);
      }
      if (event.matterId === POLITY_STREAM) notify({ type: event.type, seq: event.seq, at: "event" in message ? message.event.createdAt : "" });
    });
    io.on("transcript", (pieces) => {
      if (!Array.isArray(pieces)) return;
      for (const piece of pieces) if (piece && typeof piece.matterId === "string") outbox.push(`stream:${piece.matterId}`, "transcript", piece);
    });
    io.on("presence", (summary) => {
      if (!summary || summary.origin === origin || typeof summary.matterId !== "string") return;
      const byOrigin = remotePresence.get(summary.matterId) ?? new Map<string, { people: Person[]; anonymous: number; at: number }>();
      if (summary.people.length === 0 && summary.anonymous === 0) byOrigin.delete(summary.origin);
      else byOrigin.set(summary.origin, { people: summary.people, anonymous: summary.anonymous, at: Date.now() });
      if (byOrigin.size === 0) remotePresence.delete(summary.matterId);
      else remotePresence.set(summary.matterId, byOrigin);
      announcePresence(summary.matterId, false);
    });
    io.on("presence:ask", (matterId) => {
      if (typeof matterId === "string" && presence.has(matterId)) publishPresence(matterId);
    });
  }
  /** Every process repeats its rooms' summaries, and forgets what a process that stopped speaking said. */
  const presenceRefresher = fanout
    ? setInterval(() => {
        for (const matterId of presence.keys()) publishPresence(matterId);
        const stale = Date.now() - 3 * PRESENCE_REFRESH_MS;
        for (const [matterId, byOrigin] of remotePresence) {
          for (const [from, summary] of byOrigin) if (summary.at < stale) byOrigin.delete(from);
          if (byOrigin.size === 0) remotePresence.delete(matterId);
          announcePresence(matterId, false);
        }
      }, PRESENCE_REFRESH_MS).unref()
    : null;

  /** Notices to this process's admins and clerks (each process tells its own). */
  function notify(notice: { type: string; seq: number; at: string }) {
    io.local.to("admin").emit("notice", notice);
    if (notice.type.startsWith("registry.")) io.local.to("desk").emit("notice", notice);
  }

  /** Binds one event: rate limit, role check, payload validation, then the handler; always acks. */
  function on<E extends keyof ClientToServerEvents, S extends z.ZodType, T>(
    socket: AgoraSocket,
    event: E,
    schema: S,
    handler: (payload: z.output<S>) => Promise<T>,
  ) {
    // Payloads are untrusted whatever the contract says, so the raw listener takes unknowns.
    const raw = socket as unknown as { on(name: string, listener: (payload: unknown, ack: unknown) => void): void };
    raw.on(event, async (payload, ack) => {
      const reply = (result: Ack<T>) => typeof ack === "function" && (ack as (r: Ack<T>) => void)(result);
      try {
        await limiter.consume(socket.id);
      } catch {
        return reply({ ok: false, error: ERRORS.limited });
      }
      const access = EVENT_ACCESS[event] as "public" | "signed-in" | Role;
      const user = socket.data.user;
      if (access !== "public") {
        if (!user) return reply({ ok: false, error: ERRORS.unauthenticated });
        if (access !== "signed-in" && !user.roles.includes(access)) return reply({ ok: false, error: ERRORS.forbidden });
      }
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) return reply({ ok: false, error: ERRORS.invalid });
      log.debug({ socket: socket.id, event, user: user?.id ?? null }, "socket event");
      try {
        reply({ ok: true, data: await handler(parsed.data) });
      } catch (error) {
        options.health?.noteError(error);
        if (isDatabaseUnavailable(error)) return reply({ ok: false, error: ERRORS.unavailable });
        log.error({ socket: socket.id, event, err: error }, `[realtime] ${event} failed`);
        reply({ ok: false, error: ERRORS.internal });
      }
    });
  }

  io.on("connection", (socket) => {
    socketClients.inc();
    log.debug({ socket: socket.id, user: socket.data.user?.id ?? null }, "socket connected");
    on(socket, "room:join", RoomJoin, async ({ matterId, afterSeq }) => {
      // Join before reading: an event appended meanwhile then arrives live (maybe also in the replay,
      // which the client drops by seq) instead of falling into a gap between the read and the join.
      await socket.join(`stream:${matterId}`);
      let events: LedgerEvent[];
      try {
        await holdFeed(matterId, socket.id);
        const feed = feeds.get(matterId);
        events = (feed && replayFromMemory(feed, afterSeq)) ?? (await readLedger(deps.db, matterId, { afterSeq, limit: REPLAY_PAGE + 1 }));
      } catch (error) {
        if (!socket.data.rooms.has(matterId)) {
          releaseFeed(matterId, socket.id);
          void socket.leave(`stream:${matterId}`);
        }
        throw error;
      }
      socket.data.rooms.add(matterId);
      let members = presence.get(matterId);
      if (!members) {
        presence.set(matterId, (members = new Map()));
        // The first watcher here: the other processes say whom they have, rather than at their next refresh.
        if (fanout) io.serverSideEmit("presence:ask", matterId);
      }
      members.set(socket.id, socket.data.user);
      announcePresence(matterId, true);
      return { events: events.slice(0, REPLAY_PAGE), more: events.length > REPLAY_PAGE };
    });
    on(socket, "room:leave", MatterRef, async ({ matterId }) => {
      socket.data.rooms.delete(matterId);
      leaveMatter(socket, matterId);
      return null;
    });
    on(socket, "audit:join", MatterRef, async ({ matterId }) => {
      await socket.join(`audit:${matterId}`);
      return null;
    });
    on(socket, "desk:join", Empty, async () => {
      await socket.join("desk");
      return null;
    });
    on(socket, "admin:join", Empty, async () => {
      await socket.join("admin");
      return null;
    });
    socket.on("disconnect", (reason) => {
      socketClients.dec();
      log.debug({ socket: socket.id, reason }, "socket disconnected");
      for (const matterId of socket.data.rooms) leaveMatter(socket, matterId);
    });
  });

  return {
    io,
    clustered: fanout !== null,
    ledgerAppended(event: LedgerEvent) {
      deliver(event, event);
      if (event.matterId === POLITY_STREAM) notify({ type: event.type, seq: event.seq, at: event.createdAt });
      if (!fanout || closed) return;
      // What the runner streamed before this event reaches the others before it.
      publishPieces();
      const inline = Buffer.byteLength(JSON.stringify(event)) <= INLINE_EVENT_BYTES;
      const { matterId, seq, type, actor } = event;
      io.serverSideEmit("ledger", inline ? { event } : { ref: { matterId, seq, type, actor } });
    },
    transcript(chunk) {
      // Fragments are not in the ledger: nothing could fill a gap. Small pieces never take the adapter's
      // attachments table, whose reads would let a later piece overtake an earlier one on the way.
      for (const piece of pieces(chunk)) {
        outbox.push(`stream:${chunk.matterId}`, "transcript", piece);
        publishPiece(piece);
      }
    },
    async close() {
      closed = true;
      outbox.close();
      clearInterval(feedChecker);
      if (presenceRefresher) clearInterval(presenceRefresher);
      for (const timer of presenceTimers.values()) clearTimeout(timer);
      presenceTimers.clear();
      for (const feed of feeds.values()) if (feed.retry) clearTimeout(feed.retry);
      // The others forget this process's watchers now rather than after their refresh lapses.
      if (fanout) for (const matterId of presence.keys()) io.serverSideEmit("presence", { origin, matterId, people: [], anonymous: 0 });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await fanout?.close();
    },
  };
}
