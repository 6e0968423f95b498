import type { Server as HttpServer } from "node:http";
import { parse as parseCookies } from "cookie";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
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
} from "./contract.js";

interface SocketData {
  user: SessionUser | null;
  rooms: Set<string>;
}
type AgoraSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const REPLAY_PAGE = 500;
const PRESENCE_MS = 250;
const ERRORS = {
  unauthenticated: { code: "UNAUTHORIZED", status: 401, message: "Sign in first." },
  forbidden: { code: "FORBIDDEN", status: 403, message: "Your role does not allow this." },
  invalid: { code: "BAD_REQUEST", status: 400, message: "The request is not valid." },
  limited: { code: "TOO_MANY_REQUESTS", status: 429, message: "Too many requests. Slow down." },
  internal: { code: "INTERNAL", status: 500, message: "Something went wrong on our side." },
} as const satisfies Record<string, AckError>;

export interface Realtime extends LedgerBroadcaster {
  /** Streams a fragment of a model's answer to the matter's room (the result itself arrives as a ledger event). */
  transcript(chunk: TranscriptChunk): void;
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  close(): Promise<void>;
}

/** socket.io on the same HTTP server: sessions from the cookie, a role check on every event. */
export function createRealtime(httpServer: HttpServer, deps: AppDeps): Realtime {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    maxHttpBufferSize: 16 * 1024,
    serveClient: false,
    // A cookie-authenticated socket must come from our own pages.
    allowRequest: (req, done) => done(null, isSameOrigin(req.headers)),
  });
  const limiter = new RateLimiterMemory({ points: 20, duration: 1, keyPrefix: "socket" });
  const presence = new Map<string, Map<string, SessionUser | null>>();

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

  function presenceOf(matterId: string): Presence {
    const members = [...(presence.get(matterId)?.values() ?? [])];
    const people = new Map<string, Presence["people"][number]>();
    for (const user of members) if (user) people.set(user.id, { userId: user.id, name: user.displayName, roles: user.roles });
    return { matterId, people: [...people.values()], anonymous: members.filter((u) => !u).length };
  }

  function leaveMatter(socket: AgoraSocket, matterId: string) {
    const members = presence.get(matterId);
    if (!members?.delete(socket.id)) return;
    if (members.size === 0) presence.delete(matterId);
    void socket.leave(`stream:${matterId}`);
    void socket.leave(`people:${matterId}`);
    announcePresence(matterId);
  }

  /**
   * Who is in the room goes to people signed in; anonymous watchers get the counts only. Announced at
   * most every PRESENCE_MS per room: when thousands join at once, each join must not tell everyone.
   */
  const presenceTimers = new Map<string, NodeJS.Timeout>();
  function announcePresence(matterId: string) {
    if (presenceTimers.has(matterId)) return;
    presenceTimers.set(
      matterId,
      setTimeout(() => {
        presenceTimers.delete(matterId);
        sendPresence(matterId);
      }, PRESENCE_MS),
    );
  }
  function sendPresence(matterId: string) {
    const full = presenceOf(matterId);
    io.to(`people:${matterId}`).emit("presence", full);
    io.to(`stream:${matterId}`)
      .except(`people:${matterId}`)
      .emit("presence", { matterId, people: [], anonymous: full.anonymous + full.people.length });
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
      try {
        reply({ ok: true, data: await handler(parsed.data) });
      } catch {
        reply({ ok: false, error: ERRORS.internal });
      }
    });
  }

  io.on("connection", (socket) => {
    on(socket, "room:join", RoomJoin, async ({ matterId, afterSeq }) => {
      // Join before reading: an event appended meanwhile then arrives live (maybe also in the replay,
      // which the client drops by seq) instead of falling into a gap between the read and the join.
      await socket.join(`stream:${matterId}`);
      const events = await readLedger(deps.db, matterId, { afterSeq, limit: REPLAY_PAGE + 1 });
      socket.data.rooms.add(matterId);
      let members = presence.get(matterId);
      if (!members) presence.set(matterId, (members = new Map()));
      members.set(socket.id, socket.data.user);
      if (socket.data.user) await socket.join(`people:${matterId}`);
      announcePresence(matterId);
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
    socket.on("disconnect", () => {
      for (const matterId of socket.data.rooms) leaveMatter(socket, matterId);
    });
  });

  return {
    io,
    ledgerAppended(event: LedgerEvent) {
      io.to(`stream:${event.matterId}`).emit("ledger:event", event);
      if (event.matterId === POLITY_STREAM) {
        const notice = { type: event.type, seq: event.seq, at: event.createdAt };
        io.to("admin").emit("notice", notice);
        if (event.type.startsWith("registry.")) io.to("desk").emit("notice", notice);
      }
    },
    transcript(chunk) {
      io.to(`stream:${chunk.matterId}`).emit("transcript", chunk);
    },
    close: () => {
      for (const timer of presenceTimers.values()) clearTimeout(timer);
      presenceTimers.clear();
      return new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
