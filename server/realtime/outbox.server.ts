import { performance } from "node:perf_hooks";
import type { Server, Socket } from "socket.io";
import { LOOP_SLICE_MS } from "../../db/loop.js";
import type { ServerToClientEvents } from "./contract.js";

/**
 * What this process pushes to a room's watchers, gathered per room and written once a tick (decision 24).
 *
 * A push to 5,000 watchers costs 5,000 socket writes, and a socket write (a system call) costs more than
 * everything else about a push together. So the pushes of one tick (a runner's results that arrived
 * together, the transcript's fragments of every call speaking) are encoded once each, as WebSocket
 * frames laid back to back in one buffer, and every watcher gets that buffer in one write: still one
 * socket.io event per push, in order, as the contract says. A room whose last write took T ms waits four
 * times as long (at least T, at most 250 ms beyond T) before its next one, gathering what comes
 * meanwhile, so streaming to a large room takes a fifth of the loop (never more than half of it);
 * a speaker's fragments gathered so become one. Anything but a fragment (a ledger event, presence) ends
 * the wait: it goes as soon as the code that pushed it is done (before whatever that code does next),
 * with what waited before it; fragments alone go at the next round of the loop.
 */
export interface RoomOutbox {
  push<E extends keyof ServerToClientEvents>(room: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void;
  /** Drops what has not gone out yet. */
  close(): void;
}

export type Push = { [E in keyof ServerToClientEvents]: { event: E; payload: Parameters<ServerToClientEvents[E]>[0] } }[keyof ServerToClientEvents];

export interface Written {
  room: string;
  pushes: Push[];
  /** Writes to this process's sockets in the room (a socket written again when a push joined the write under way counts again). */
  watchers: number;
  /** Of those, the ones written in one go (the others, on polling or still busy, took the packets one by one). */
  direct: number;
  /** Time spent writing (the write may have been spread over several rounds of the loop). */
  ms: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the outbox reads rooms and writes packets, whatever the sockets' other events
type AnyServer = Server<any, ServerToClientEvents, any, any>;

/** Pushes encoded once each: their packets (for engine.io's queue) and their frames back to back (for one write). */
interface Batch {
  pushes: Push[];
  encoded: Encoded[];
  frames: Buffer;
}

/** Sockets still to be written a batch, in order. */
interface Part {
  sockets: Socket[];
  batch: Batch;
}

/** A room's write in progress: slices of sockets, one round of the loop each. */
interface Wave {
  parts: Part[];
  cursor: number;
  pushes: Push[];
  written: number;
  direct: number;
  /** Time spent writing, over all slices. */
  ms: number;
}

interface RoomQueue {
  pushes: Push[];
  /** idle: nothing to do; soon: a flush at the next round of the loop; writing: a wave under way; pacing: waiting out the last wave. */
  state: "idle" | "soon" | "writing" | "pacing";
  cancel: (() => void) | null;
  /** Set when something other than a fragment arrives while a wave is under way: it joins the wave. */
  urgent: boolean;
  /** In state soon: whether the flush comes when the current job ends (true) or at the next round of the loop. */
  now: boolean;
}

/** Below this, a write is not worth pacing: a timer of under a millisecond would only add a millisecond. */
const PACE_FROM_MS = 1;
/** A room waits PACE_FACTOR times its last write, but no more than PACE_MAX_MS unless its write took longer. */
const PACE_FACTOR = 4;
const PACE_MAX_MS = 250;
const paceAfter = (ms: number) => Math.max(ms, Math.min(PACE_FACTOR * ms, PACE_MAX_MS));
/**
 * How long a room is written in one round of the loop: the loop's slice, as every long job here takes
 * (db/loop.ts). Between slices the server reads what came in (a delegate's vote, a request), and a
 * ledger event that arrives meanwhile joins the write under way: the sockets not yet written get it
 * with the rest, the others right after, rather than all of them after the whole room (5,000 writes
 * take tens of milliseconds). By time rather than by count: a fixed count of sockets is 5 ms on an idle
 * machine and 300 ms of wall time on a busy one, and every slice boundary lets other work in ahead of
 * the room's last watchers.
 */
const SLICE_MS = LOOP_SLICE_MS;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 64;

export interface OutboxOptions {
  written?: (written: Written) => void;
  /**
   * Folds a push into one still waiting in its room, when the two read as one (a speaker's next words
   * after its last ones): true when it did, and the push is not queued on its own.
   */
  absorb?: (waiting: Push[], next: Push) => boolean;
  /** Sockets written per round of the loop, whatever the time it takes (tests); by default a round writes for SLICE_MS. */
  slice?: number;
}

export function createRoomOutbox(io: AnyServer, options: OutboxOptions = {}): RoomOutbox {
  const rooms = new Map<string, RoomQueue>();
  const namespace = io.of("/");

  function socketsOf(room: string, except?: Set<string>): Socket[] {
    const out: Socket[] = [];
    for (const id of namespace.adapter.rooms.get(room) ?? []) {
      if (except?.has(id)) continue;
      const socket = namespace.sockets.get(id);
      if (socket) out.push(socket);
    }
    return out;
  }

  function flush(room: string, queue: RoomQueue) {
    queue.cancel = null;
    const pushes = queue.pushes.splice(0);
    const sockets = socketsOf(room);
    if (sockets.length === 0 || pushes.length === 0) return idle(room, queue);
    const wave: Wave = { parts: [{ sockets, batch: encodeBatch(io, pushes) }], cursor: 0, pushes, written: 0, direct: 0, ms: 0 };
    queue.state = "writing";
    queue.urgent = false;
    slice(room, queue, wave);
  }

  function slice(room: string, queue: RoomQueue, wave: Wave) {
    queue.cancel = null;
    const started = performance.now();
    if (queue.urgent) join(room, queue, wave);
    let budget = options.slice ?? Number.POSITIVE_INFINITY;
    while (budget > 0 && wave.parts.length > 0) {
      const part = wave.parts[0]!;
      const end = Math.min(part.sockets.length, wave.cursor + Math.min(budget, CLOCK_EVERY));
      for (let i = wave.cursor; i < end; i++) if (writeTo(part.sockets[i]!, part.batch)) wave.direct++;
      wave.written += end - wave.cursor;
      budget -= end - wave.cursor;
      wave.cursor = end;
      if (end === part.sockets.length) {
        wave.parts.shift();
        wave.cursor = 0;
      }
      if (options.slice === undefined && performance.now() - started >= SLICE_MS) break;
    }
    wave.ms += performance.now() - started;
    if (wave.parts.length > 0) {
      const immediate = setImmediate(() => slice(room, queue, wave));
      queue.cancel = () => clearImmediate(immediate);
      return;
    }
    if (wave.written > 0) options.written?.({ room, pushes: wave.pushes, watchers: wave.written, direct: wave.direct, ms: wave.ms });
    if (wave.ms < PACE_FROM_MS) return idle(room, queue);
    queue.state = "pacing";
    const timer = setTimeout(() => {
      if (queue.pushes.length > 0) flush(room, queue);
      else idle(room, queue);
    }, paceAfter(wave.ms));
    queue.cancel = () => clearTimeout(timer);
  }

  /**
   * What waits joins the wave under way: every socket not yet written gets it after what it was to get,
   * in the same write; every other socket in the room (written already, or come since) gets it next.
   */
  function join(room: string, queue: RoomQueue, wave: Wave) {
    queue.urgent = false;
    const pushes = queue.pushes.splice(0);
    if (pushes.length === 0) return;
    const batch = encodeBatch(io, pushes);
    const pending = new Set<string>();
    wave.parts = wave.parts.map((part, i) => {
      const sockets = i === 0 ? part.sockets.slice(wave.cursor) : part.sockets;
      for (const socket of sockets) pending.add(socket.id);
      return { sockets, batch: joinBatches(part.batch, batch) };
    });
    wave.cursor = 0;
    const others = socketsOf(room, pending);
    if (others.length > 0) wave.parts.push({ sockets: others, batch });
    wave.pushes.push(...pushes);
  }

  /**
   * A flush once the code that pushed is done: a ledger event or presence as soon as the current job
   * ends (a microtask: whatever the caller goes on to do, a runner replaying the ledger after a
   * delegate's act, waits for the room's first slice, not the other way round), fragments at the next
   * round of the loop, gathering what else streams in that round.
   */
  function soon(room: string, queue: RoomQueue, now: boolean) {
    queue.state = "soon";
    queue.now = now;
    if (now) {
      let cancelled = false;
      queueMicrotask(() => cancelled || flush(room, queue));
      queue.cancel = () => {
        cancelled = true;
      };
      return;
    }
    const immediate = setImmediate(() => flush(room, queue));
    queue.cancel = () => clearImmediate(immediate);
  }

  function idle(room: string, queue: RoomQueue) {
    if (queue.pushes.length > 0)
      return soon(
        room,
        queue,
        queue.pushes.some((p) => p.event !== "transcript"),
      );
    queue.state = "idle";
    queue.cancel = null;
    rooms.delete(room);
  }

  return {
    push(room, event, payload) {
      let queue = rooms.get(room);
      if (!queue) rooms.set(room, (queue = { pushes: [], state: "idle", cancel: null, urgent: false, now: false }));
      const next = { event, payload } as Push;
      if (!options.absorb?.(queue.pushes, next)) queue.pushes.push(next);
      // Only a speaker's words wait out the room's last write: a ledger event (a vote, a result) or
      // presence goes as soon as the code that pushed it is done, or joins the write under way, taking
      // what waits with it, in order.
      const urgent = event !== "transcript";
      if (queue.state === "idle") soon(room, queue, urgent);
      else if (urgent && (queue.state === "pacing" || (queue.state === "soon" && !queue.now))) {
        queue.cancel?.();
        soon(room, queue, true);
      } else if (urgent && queue.state === "writing") queue.urgent = true;
    },
    close() {
      for (const queue of rooms.values()) queue.cancel?.();
      rooms.clear();
    },
  };
}

/** Each push encoded once: its socket.io packet as engine.io sends it, and that as a WebSocket frame. */
interface Encoded {
  packet: string;
  frame: Buffer;
}

function encodeBatch(io: AnyServer, pushes: Push[]): Batch {
  const encoded = pushes.map((push) => encode(io, push));
  return { pushes, encoded, frames: encoded.length === 1 ? encoded[0]!.frame : Buffer.concat(encoded.map((e) => e.frame)) };
}

function joinBatches(first: Batch, then: Batch): Batch {
  return { pushes: [...first.pushes, ...then.pushes], encoded: [...first.encoded, ...then.encoded], frames: Buffer.concat([first.frames, then.frames]) };
}

/** Writes a batch to one socket: in one go when it can (true), else through engine.io's queue. */
function writeTo(socket: Socket, batch: Batch): boolean {
  if (writeFrames(socket, batch.frames)) return true;
  // Through engine.io's queue, after what it holds: behind a busy socket's earlier packets, never ahead of them.
  for (const e of batch.encoded) socket.conn.write(e.packet, { wsPreEncodedFrame: [e.frame] } as { compress?: boolean });
  return false;
}

function encode(io: AnyServer, { event, payload }: Push): Encoded {
  // An EVENT packet (type 2) to the main namespace, as `io.to(room).emit(event, payload)` would encode it.
  const [packet, ...rest] = io.encoder.encode({ type: 2, nsp: "/", data: [event, payload] } as Parameters<AnyServer["encoder"]["encode"]>[0]);
  if (typeof packet !== "string" || rest.length > 0) throw new Error(`[realtime] ${event} has binary data, which rooms never carry`);
  // "4" is engine.io's message packet; WebSocket carries one engine.io packet per frame.
  const text = `4${packet}`;
  return { packet, frame: textFrame(text) };
}

/** A final, unmasked WebSocket text frame (RFC 6455, section 5.2), as a server sends one. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81; // FIN, text
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, head, "utf8");
  return frame;
}

/**
 * engine.io's WebSocket transport (engine.io 6), as far as the outbox looks into it: its `ws` socket,
 * that socket's sender (which queues frames only while it compresses or reads a Blob: `_state` 0 is
 * its idle state) and the TCP socket underneath.
 */
interface FrameTransport {
  name: string;
  writable: boolean;
  perMessageDeflate?: unknown;
  socket?: {
    readyState: number;
    _socket?: { writable: boolean; destroyed: boolean; write(data: Buffer): boolean };
    _sender?: { _state?: number; _queue?: unknown[] };
  };
}

/**
 * Writes the frames to a socket's TCP connection at once when nothing of its own is waiting: an open
 * WebSocket whose last write by engine.io is done, whose engine.io queue is empty and whose `ws` sender
 * holds nothing back. Whatever engine.io or `ws` sends afterwards is written after these bytes, so the
 * order holds. Written so, a watcher costs one socket write and no callback, no event and no state in
 * engine.io or `ws` (their bookkeeping per write cost a third as much again as the write itself, for
 * 5,000 watchers a broadcast). False when it cannot.
 */
function writeFrames(socket: Socket, frames: Buffer): boolean {
  const conn = socket.conn as unknown as { readyState: string; writeBuffer: unknown[]; transport: FrameTransport };
  const transport = conn.transport;
  if (conn.readyState !== "open" || conn.writeBuffer.length > 0 || transport.name !== "websocket" || !transport.writable || transport.perMessageDeflate) {
    return false;
  }
  const ws = transport.socket;
  const tcp = ws?._socket;
  // 1 is WebSocket's OPEN.
  if (!ws || ws.readyState !== 1 || !tcp || !tcp.writable || tcp.destroyed) return false;
  if (ws._sender?._state !== 0 || (ws._sender._queue?.length ?? 0) > 0) return false;
  tcp.write(frames);
  return true;
}
