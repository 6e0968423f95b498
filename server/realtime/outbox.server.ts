import { performance } from "node:perf_hooks";
import type { Server, Socket } from "socket.io";
import type { ServerToClientEvents } from "./contract.js";

/**
 * What this process pushes to a room's watchers, gathered per room and written once a tick (decision 19).
 *
 * A push to 5,000 watchers costs 5,000 socket writes, and a socket write (a system call) costs more than
 * everything else about a push together. So the pushes of one tick (a runner's results that arrived
 * together, the transcript's fragments of every call speaking) are encoded once each, as WebSocket
 * frames laid back to back in one buffer, and every watcher gets that buffer in one write: still one
 * socket.io event per push, in order, as the contract says. A room whose last write took T ms waits T ms
 * before its next one, gathering what comes meanwhile, so streaming never takes more than half the loop;
 * a speaker's fragments gathered so become one. Anything but a fragment (a ledger event, presence) ends
 * the wait: it goes at the next round of the loop, with what waited before it.
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
  /** This process's sockets in the room. */
  watchers: number;
  /** Of those, the ones written in one go (the others, on polling or still busy, took the packets one by one). */
  direct: number;
  ms: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the outbox reads rooms and writes packets, whatever the sockets' other events
type AnyServer = Server<any, ServerToClientEvents, any, any>;

interface RoomQueue {
  pushes: Push[];
  cancel: (() => void) | null;
  /** True while the room waits out its last write (rather than for the next round of the loop). */
  pacing: boolean;
}

/** Below this, a write is not worth pacing: a timer of under a millisecond would only add a millisecond. */
const PACE_FROM_MS = 1;

export interface OutboxOptions {
  written?: (written: Written) => void;
  /**
   * Folds a push into one still waiting in its room, when the two read as one (a speaker's next words
   * after its last ones): true when it did, and the push is not queued on its own.
   */
  absorb?: (waiting: Push[], next: Push) => boolean;
}

export function createRoomOutbox(io: AnyServer, options: OutboxOptions = {}): RoomOutbox {
  const rooms = new Map<string, RoomQueue>();

  function flush(room: string, queue: RoomQueue) {
    const pushes = queue.pushes.splice(0);
    const started = performance.now();
    const { watchers, direct } = writeToRoom(io, room, pushes);
    const ms = performance.now() - started;
    if (watchers > 0) options.written?.({ room, pushes, watchers, direct, ms });
    if (ms < PACE_FROM_MS) {
      queue.cancel = null;
      queue.pacing = false;
      rooms.delete(room);
      return;
    }
    const timer = setTimeout(() => {
      queue.cancel = null;
      queue.pacing = false;
      if (queue.pushes.length > 0) flush(room, queue);
      else rooms.delete(room);
    }, ms);
    queue.cancel = () => clearTimeout(timer);
    queue.pacing = true;
  }

  function soon(room: string, queue: RoomQueue) {
    const immediate = setImmediate(() => flush(room, queue));
    queue.cancel = () => clearImmediate(immediate);
    queue.pacing = false;
  }

  return {
    push(room, event, payload) {
      const queue = rooms.get(room) ?? { pushes: [], cancel: null, pacing: false };
      rooms.set(room, queue);
      const next = { event, payload } as Push;
      if (!options.absorb?.(queue.pushes, next)) queue.pushes.push(next);
      if (!queue.cancel) return soon(room, queue);
      // Only a speaker's words wait out the room's last write: a ledger event (a vote, a result) goes at
      // the next round of the loop, taking what waits with it, in order.
      if (queue.pacing && event !== "transcript") {
        queue.cancel();
        soon(room, queue);
      }
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

function writeToRoom(io: AnyServer, room: string, pushes: Push[]): { watchers: number; direct: number } {
  const namespace = io.of("/");
  const members = namespace.adapter.rooms.get(room);
  if (!members?.size || pushes.length === 0) return { watchers: 0, direct: 0 };
  const encoded = pushes.map((push) => encode(io, push));
  const frames = encoded.length === 1 ? encoded[0]!.frame : Buffer.concat(encoded.map((e) => e.frame));
  let direct = 0;
  for (const id of members) {
    const socket = namespace.sockets.get(id);
    if (!socket) continue;
    if (writeFrames(socket, frames)) direct++;
    // Through engine.io's queue, after what it holds: behind a busy socket's earlier packets, never ahead of them.
    else for (const e of encoded) socket.conn.write(e.packet, { wsPreEncodedFrame: [e.frame] } as { compress?: boolean });
  }
  return { watchers: members.size, direct };
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
