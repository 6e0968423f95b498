import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readLedger } from "../../db/repos/ledger.js";
import { type LedgerEvent, POLITY_STREAM } from "../../deliberation/ledger.js";
import { type Ack, type ClientToServerEvents, EVENT_ACCESS, type Notice, type ServerToClientEvents } from "../../server/realtime/contract.js";
import {
  CALLER_NAMES,
  CALLER_ROLES,
  type CallerName,
  dialects,
  type HttpClient,
  isReadableMessage,
  signInCallers,
  startTestServer,
  type TestServer,
} from "../support/database.js";
import { EVENT_SAMPLES } from "../support/samples.js";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ClientToServerEvents;
const EVENTS = Object.keys(EVENT_ACCESS) as EventName[];

function expectedFor(access: string, caller: CallerName): 401 | 403 | "ok" {
  if (access === "public") return "ok";
  if (caller === "anonymous") return 401;
  if (access === "signed-in") return "ok";
  return CALLER_ROLES[caller].includes(access) ? "ok" : 403;
}

/** Waits until `check` holds, polling; fails with `what` after a few seconds. */
async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(dialects())("realtime over socket.io (%s)", (dialect) => {
  let server: TestServer;
  let callers: Record<CallerName, HttpClient>;
  let opened: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(dialect);
    callers = await signInCallers(server.url);
  });
  afterEach(() => {
    for (const socket of opened) socket.disconnect();
    opened = [];
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A real client, over a websocket, with the caller's session cookie (Node clients may set headers). */
  function connect(caller: CallerName | null, headers: Record<string, string> = {}): Promise<ClientSocket> {
    const cookie = caller ? callers[caller].cookie : null;
    const socket: ClientSocket = io(server.url, {
      transports: ["websocket"],
      extraHeaders: { ...(cookie ? { cookie } : {}), ...headers },
      reconnection: false,
      forceNew: true,
      timeout: 5000,
    });
    opened.push(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (error) => reject(error));
    });
  }

  /** Emits any payload (valid or not) and returns the ack. */
  function send(socket: ClientSocket, event: string, payload: unknown): Promise<Ack<unknown>> {
    return (socket as unknown as Socket).timeout(5000).emitWithAck(event, payload) as Promise<Ack<unknown>>;
  }

  it("every event of the contract has a sample payload", () => {
    expect(EVENTS.length).toBeGreaterThan(0);
    for (const event of EVENTS) expect(EVENT_SAMPLES[event], `${event} has no sample in tests/support/samples.ts`).toBeDefined();
    expect(Object.keys(EVENT_SAMPLES).filter((e) => !EVENTS.includes(e as EventName))).toEqual([]);
  });

  it.each(EVENTS)("%s answers each caller as EVENT_ACCESS says", async (event) => {
    const access = EVENT_ACCESS[event];
    for (const caller of CALLER_NAMES) {
      const socket = await connect(caller === "anonymous" ? null : caller);
      const ack = await send(socket, event, EVENT_SAMPLES[event]!.valid);
      const expected = expectedFor(access, caller);
      const what = `${event} (${access}) as ${caller}: ${JSON.stringify(ack).slice(0, 200)}`;
      if (expected === "ok") {
        expect(ack.ok, what).toBe(true);
      } else {
        expect(ack.ok, what).toBe(false);
        if (!ack.ok) {
          expect(ack.error.status, what).toBe(expected);
          expect(isReadableMessage(ack.error.message), what).toBe(true);
        }
      }
      socket.disconnect();
    }
  });

  it("the citizen is refused audit, desk and admin rooms with 403; anonymous with 401", async () => {
    const citizen = await connect("citizen");
    const anonymous = await connect(null);
    for (const event of ["audit:join", "desk:join", "admin:join"] as const) {
      expect(await send(citizen, event, EVENT_SAMPLES[event]!.valid)).toMatchObject({ ok: false, error: { status: 403, code: "FORBIDDEN" } });
      expect(await send(anonymous, event, EVENT_SAMPLES[event]!.valid)).toMatchObject({ ok: false, error: { status: 401, code: "UNAUTHORIZED" } });
    }
  });

  it.each(EVENTS)("%s answers invalid payloads with 400", async (event) => {
    const holder: CallerName | null = (() => {
      const access = EVENT_ACCESS[event] as string;
      if (access === "public") return null;
      if (access === "signed-in") return "citizen";
      return access as CallerName;
    })();
    const socket = await connect(holder);
    for (const payload of EVENT_SAMPLES[event]!.invalid) {
      const ack = await send(socket, event, payload);
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { status: 400, code: "BAD_REQUEST" } });
      if (!ack.ok) expect(isReadableMessage(ack.error.message)).toBe(true);
    }
    // The socket survives bad payloads: a good one still works.
    expect((await send(socket, event, EVENT_SAMPLES[event]!.valid)).ok).toBe(true);
  });

  it("room:join replays the polity stream, then pushes live events and admin notices; a reconnect resumes without gap or duplicate", async () => {
    const stored = await readLedger(server.server.deps.db, POLITY_STREAM);
    const head = stored.at(-1)!.seq;

    const viewer = await connect("citizen");
    const live: LedgerEvent[] = [];
    viewer.on("ledger:event", (event) => live.push(event));
    const replay = await send(viewer, "room:join", { matterId: POLITY_STREAM, afterSeq: 0 });
    expect(replay.ok).toBe(true);
    const replayed = (replay as { ok: true; data: { events: LedgerEvent[]; more: boolean } }).data;
    expect(replayed.more).toBe(false);
    expect(replayed.events).toEqual(stored);

    // From a given seq on, only what follows it.
    const partial = await send(await connect(null), "room:join", { matterId: POLITY_STREAM, afterSeq: head - 2 });
    expect((partial as { ok: true; data: { events: LedgerEvent[] } }).data.events.map((e) => e.seq)).toEqual([head - 1, head]);

    const adminSocket = await connect("admin");
    const notices: Notice[] = [];
    adminSocket.on("notice", (notice) => notices.push(notice));
    expect(await send(adminSocket, "admin:join", {})).toEqual({ ok: true, data: null });

    // A role change through the HTTP API, as the admin page would make it.
    const found = await callers.admin.query("admin.users", { query: "citizen5@demo.agora" });
    const userId = found.data[0].id as string;
    const granted = await callers.admin.mutate("admin.setRoles", { userId, roles: ["citizen", "delegate"] });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);

    await until("the live ledger event", () => live.length >= 1);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({
      matterId: POLITY_STREAM,
      seq: head + 1,
      prevHash: stored.at(-1)!.hash,
      type: "roles.granted",
      payload: { userId, roles: ["delegate"] },
    });
    await until("the admin notice", () => notices.length >= 1);
    expect(notices[0]).toMatchObject({ type: "roles.granted", seq: head + 1 });

    // The viewer drops off; meanwhile the role is revoked; it comes back after the last seq it saw.
    const lastSeen = live.at(-1)!.seq;
    viewer.disconnect();
    const revoked = await callers.admin.mutate("admin.setRoles", { userId, roles: ["citizen"] });
    expect(revoked.status).toBe(200);
    await until("the second notice", () => notices.length >= 2);

    const back = await connect("citizen");
    const liveAgain: LedgerEvent[] = [];
    back.on("ledger:event", (event) => liveAgain.push(event));
    const resumed = await send(back, "room:join", { matterId: POLITY_STREAM, afterSeq: lastSeen });
    const missed = (resumed as { ok: true; data: { events: LedgerEvent[] } }).data.events;
    expect(missed.map((e) => e.seq)).toEqual([lastSeen + 1]);
    expect(missed[0]).toMatchObject({ type: "roles.revoked", prevHash: live.at(-1)!.hash, payload: { userId, roles: ["delegate"] } });

    // Everything seen, replayed and live, is the stored stream: contiguous, once each.
    const seen = [...replayed.events, ...live, ...missed, ...liveAgain];
    expect(seen).toEqual(await readLedger(server.server.deps.db, POLITY_STREAM));
    expect(notices.map((n) => n.seq)).toEqual([head + 1, head + 2]);
  });

  it("a (re)join from any seq is answered with exactly what follows it, whether the room's recent events or the ledger answer it", async () => {
    // A watcher holds the room open, so later joins find its events in memory.
    const holder = await connect(null);
    expect((await send(holder, "room:join", { matterId: POLITY_STREAM, afterSeq: 0 })).ok).toBe(true);
    const granted = await callers.admin.mutate("admin.setRoles", { userId: await userIdOf("citizen4@demo.agora"), roles: ["citizen", "delegate"] });
    expect(granted.status).toBe(200);
    const stored = await readLedger(server.server.deps.db, POLITY_STREAM);
    const head = stored.at(-1)!.seq;
    const joiner = await connect(null);
    for (let afterSeq = 0; afterSeq <= head + 1; afterSeq++) {
      const ack = await send(joiner, "room:join", { matterId: POLITY_STREAM, afterSeq });
      expect(ack.ok).toBe(true);
      const { events, more } = (ack as { ok: true; data: { events: LedgerEvent[]; more: boolean } }).data;
      expect(more).toBe(false);
      expect(events, `after ${afterSeq}`).toEqual(stored.filter((e) => e.seq > afterSeq));
    }
  });

  async function userIdOf(email: string): Promise<string> {
    const found = await callers.admin.query("admin.users", { query: email });
    return found.data[0].id as string;
  }

  it("refuses a connection from a foreign origin, even with a session cookie", async () => {
    for (const origin of ["http://evil.example", "null", "not a url"]) {
      await expect(connect("admin", { origin }), origin).rejects.toThrow();
    }
    // Our own origin is welcome, and the server is still up.
    const own = await connect("admin", { origin: server.url });
    expect(own.connected).toBe(true);
  });

  it("rate-limits one socket: of 50 rapid events, some are answered 429", async () => {
    const socket = await connect("citizen");
    const acks = await Promise.all(Array.from({ length: 50 }, () => send(socket, "room:leave", { matterId: POLITY_STREAM })));
    const limited = acks.filter((ack) => !ack.ok && ack.error.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(acks.filter((ack) => ack.ok).length).toBeGreaterThan(0);
    const first = limited[0]!;
    if (!first.ok) expect(isReadableMessage(first.error.message)).toBe(true);
    // Another socket is not held back by the first one's burst.
    expect((await send(await connect("citizen"), "room:leave", { matterId: POLITY_STREAM })).ok).toBe(true);
  });
});
