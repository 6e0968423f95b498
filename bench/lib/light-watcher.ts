import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * A room watcher for the benchmarks that costs its own process little: a WebSocket over a plain TCP
 * socket, speaking just enough engine.io (protocol 4) and socket.io (protocol 5) to connect, send an
 * event with an ack, answer the server's pings, and hand over each event it receives.
 *
 * Why: 5,000 socket.io-client instances in one process spend more CPU reading a broadcast than the
 * server spends sending it, and on two cores the bench then measures itself. These read each frame
 * and parse its JSON, nothing more. The bench keeps some real socket.io clients beside them.
 *
 * A broadcast reaches every watcher as the same bytes, so the JSON of a frame is parsed once for all
 * watchers in the process: each watcher still reads its own bytes, frame by frame, and looks them up
 * by their whole content (a Map compares keys in full; a whole read is compared byte for byte with the
 * last few), and gets the event parsed from identical bytes (shared: handlers must not change it).
 * `decodeStats` says how often that saved a parse.
 */
export interface LightWatcher {
  emitWithAck(event: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  close(): void;
  readonly closed: boolean;
}

export type EventHandler = (event: string, payload: unknown) => void;

/** A socket.io EVENT as parsed from a frame's bytes; null for any other packet (handled per watcher). */
type Decoded = { event: string; payload: unknown } | null;

/** Frames' events by their bytes (latin1, a byte a character), shared by every watcher in the process. */
const decoded = new Map<string, Decoded>();
/**
 * The last whole reads and their frames: a room's write usually arrives at every watcher as one read, so
 * a watcher's read is compared (byte for byte) with the few reads before it.
 */
const recentReads: { bytes: Buffer; frames: string[]; events: Decoded[] }[] = [];
const RECENT_READS = 8;
const CACHE_ENTRIES = 4_096;
/** Reads of this size or more are not looked up whole (a backlog's reads differ from watcher to watcher). */
const WHOLE_READ_BYTES = 16_384;

export const decodeStats = { frames: 0, parsed: 0 };

/** A frame's text from its bytes (one a character). */
const utf8 = (bytes: string) => Buffer.from(bytes, "latin1").toString("utf8");

function decodeFrame(bytes: string): Decoded {
  decodeStats.frames++;
  const known = decoded.get(bytes);
  if (known !== undefined) return known;
  decodeStats.parsed++;
  let value: Decoded = null;
  // engine.io message (4) holding a socket.io EVENT (2) to the main namespace, without an ack id.
  if (bytes.startsWith("42[")) {
    const [event, payload] = JSON.parse(utf8(bytes).slice(2)) as [string, unknown];
    value = { event, payload };
  }
  if (decoded.size >= CACHE_ENTRIES) decoded.clear();
  decoded.set(bytes, value);
  return value;
}

export function lightWatcher(url: string, onEvent: EventHandler, options: { timeoutMs?: number } = {}): Promise<LightWatcher> {
  const { hostname, port, host } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  const acks = new Map<number, { resolve(value: unknown): void; timer: NodeJS.Timeout }>();
  let nextAck = 0;
  let closed = false;

  const watcher: LightWatcher = {
    emitWithAck(event, payload, timeoutMs = 30_000) {
      const id = nextAck++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          acks.delete(id);
          reject(new Error(`no ack to ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        acks.set(id, { resolve, timer });
        // engine.io message (4), socket.io EVENT (2) with an ack id.
        sendText(socket, `42${id}${JSON.stringify([event, payload])}`);
      });
    },
    close() {
      closed = true;
      socket.destroy();
    },
    get closed() {
      return closed;
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("the WebSocket did not open in time")), options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      closed = true;
      socket.destroy();
      reject(error);
    };
    socket.once("error", fail);
    socket.once("close", () => {
      closed = true;
    });
    socket.once("connect", () => {
      socket.write(
        [
          "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
          `Host: ${host}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
          "Sec-WebSocket-Version: 13",
          // The server takes sockets from its own pages only.
          `Origin: ${new URL(url).origin}`,
          "",
          "",
        ].join("\r\n"),
      );
    });

    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      if (!upgraded) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = pending.subarray(0, pending.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) return fail(new Error(`the upgrade was refused: ${status}`));
        upgraded = true;
        pending = pending.subarray(end + 4);
      }
      if (pending.length < WHOLE_READ_BYTES) {
        const whole = recentReads.find((read) => read.bytes.length === pending.length && read.bytes.equals(pending));
        if (whole) {
          decodeStats.frames += whole.frames.length;
          pending = Buffer.alloc(0);
          for (let i = 0; i < whole.frames.length; i++) onPacket(whole.frames[i]!, whole.events[i]!);
          return;
        }
        const frames: string[] = [];
        const events: Decoded[] = [];
        const rest = readFrames(pending, (bytes) => {
          const event = decodeFrame(bytes);
          frames.push(bytes);
          events.push(event);
          onPacket(bytes, event);
        });
        if (rest.length === 0 && frames.length > 0) {
          recentReads.unshift({ bytes: Buffer.from(pending), frames, events });
          if (recentReads.length > RECENT_READS) recentReads.pop();
        }
        pending = rest;
        return;
      }
      pending = readFrames(pending, (bytes) => onPacket(bytes, decodeFrame(bytes)));
    });

    /** One engine.io packet, as its bytes, and its event when it holds one; socket.io's inside message packets. */
    function onPacket(bytes: string, event: Decoded) {
      if (event) return onEvent(event.event, event.payload);
      const text = utf8(bytes);
      const type = text[0];
      if (type === "0")
        sendText(socket, "40"); // open: connect to the main namespace
      else if (type === "2")
        sendText(socket, "3"); // ping: pong
      else if (type === "4") onSocketIo(text.slice(1));
    }

    function onSocketIo(packet: string) {
      const type = packet[0];
      if (type === "0") {
        clearTimeout(timer);
        socket.off("error", fail);
        socket.on("error", () => {
          closed = true;
        });
        resolve(watcher);
      } else if (type === "2") {
        const [event, payload] = JSON.parse(packet.slice(1)) as [string, unknown];
        onEvent(event, payload);
      } else if (type === "3") {
        const open = packet.indexOf("[");
        const id = Number(packet.slice(1, open));
        const ack = acks.get(id);
        if (!ack) return;
        acks.delete(id);
        clearTimeout(ack.timer);
        ack.resolve((JSON.parse(packet.slice(open)) as unknown[])[0]);
      } else if (type === "4") fail(new Error(`refused: ${packet.slice(1)}`));
    }
  });
}

/**
 * Reads the whole text frames at the start of `data` (a server's: unmasked, never fragmented), each as
 * its bytes one a character (the key it is looked up by); returns what is left.
 */
function readFrames(data: Buffer, onFrame: (bytes: string) => void): Buffer {
  let offset = 0;
  while (data.length - offset >= 2) {
    const opcode = data[offset]! & 0x0f;
    let length = data[offset + 1]! & 0x7f;
    let head = 2;
    if (length === 126) {
      if (data.length - offset < 4) break;
      length = data.readUInt16BE(offset + 2);
      head = 4;
    } else if (length === 127) {
      if (data.length - offset < 10) break;
      length = Number(data.readBigUInt64BE(offset + 2));
      head = 10;
    }
    if (data.length - offset < head + length) break;
    if (opcode === 1) onFrame(data.toString("latin1", offset + head, offset + head + length));
    offset += head + length;
  }
  return offset === 0 ? data : data.subarray(offset);
}

/** A client's text frame: masked, as RFC 6455 requires of clients. */
function sendText(socket: Socket, text: string) {
  const payload = Buffer.from(text);
  const length = payload.length;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + 4 + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, head);
  for (let i = 0; i < length; i++) frame[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  socket.write(frame);
}
