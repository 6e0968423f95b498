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
 * before its next one, gathering what comes meanwhile, so fan-out never takes more than half the loop;
 * a speaker's fragments gathered so become one.
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
      rooms.delete(room);
      return;
    }
    const timer = setTimeout(() => {
      if (queue.pushes.length > 0) flush(room, queue);
      else rooms.delete(room);
    }, ms);
    queue.cancel = () => clearTimeout(timer);
  }

  return {
    push(room, event, payload) {
      const queue = rooms.get(room) ?? { pushes: [], cancel: null };
      rooms.set(room, queue);
      const next = { event, payload } as Push;
      if (!options.absorb?.(queue.pushes, next)) queue.pushes.push(next);
      if (queue.cancel) return;
      const immediate = setImmediate(() => flush(room, queue));
      queue.cancel = () => clearImmediate(immediate);
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
 * engine.io's WebSocket transport, as far as it sends a broadcast's pre-encoded frame itself
 * (`_canSendPreEncodedFrame` in engine.io 6): the frame goes to the `ws` socket's sender as it is.
 */
interface FrameTransport {
  name: string;
  writable: boolean;
  perMessageDeflate?: unknown;
  socket?: { _sender?: { sendFrame?: unknown } };
  send(packets: { type: "message"; options: { wsPreEncodedFrame: Buffer[] } }[]): void;
}

/**
 * Writes the frames to a socket at once when nothing of its own is waiting: an open WebSocket whose last
 * write is done and whose engine.io queue is empty. engine.io then counts it as its own write (the
 * transport is busy until it is done, and what is queued meanwhile follows it). False when it cannot.
 */
function writeFrames(socket: Socket, frames: Buffer): boolean {
  const conn = socket.conn as unknown as { readyState: string; writeBuffer: unknown[]; transport: FrameTransport };
  const transport = conn.transport;
  if (conn.readyState !== "open" || conn.writeBuffer.length > 0 || transport.name !== "websocket" || !transport.writable) return false;
  if (transport.perMessageDeflate || typeof transport.socket?._sender?.sendFrame !== "function") return false;
  transport.send([{ type: "message", options: { wsPreEncodedFrame: [frames] } }]);
  return true;
}
