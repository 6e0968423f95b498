import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Presence, ServerToClientEvents, TranscriptFragment } from "../../server/realtime/contract.js";
import { absorbFragment } from "../../server/realtime/fragments.server.js";
import { createRoomOutbox, type RoomOutbox, type Written } from "../../server/realtime/outbox.server.js";
import { waitFor } from "../support/wait.js";

/**
 * The room outbox (decision 24) on a real socket.io server with real clients: a tick's pushes arrive as
 * one socket.io event each, in order, over WebSocket (written in one go) and over long-polling (through
 * engine.io's queue), and never reach a socket outside the room.
 */
type ClientSocket = Socket<ServerToClientEvents>;

interface Watcher {
  socket: ClientSocket;
  /** Everything received, in arrival order: fragments as "key:text", presence as "presence". */
  received: string[];
}

describe("the room outbox", () => {
  let http: HttpServer;
  let server: Server<Record<string, never>, ServerToClientEvents>;
  let outbox: RoomOutbox;
  let url: string;
  const written: Written[] = [];
  const watchers: Watcher[] = [];

  beforeAll(async () => {
    http = createServer();
    server = new Server(http, { serveClient: false });
    // A socket joins the room unless its handshake says it stays outside.
    server.on("connection", (socket) => {
      if (socket.handshake.query.outside !== "yes") void socket.join("stream:m1");
    });
    outbox = createRoomOutbox(server, { written: (w) => written.push(w), absorb: absorbFragment });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const w of watchers) w.socket.disconnect();
    outbox.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function watch(transport: "websocket" | "polling", outside = false): Promise<Watcher> {
    const socket: ClientSocket = io(url, { transports: [transport], reconnection: false, forceNew: true, query: outside ? { outside: "yes" } : {} });
    const watcher: Watcher = { socket, received: [] };
    socket.on("transcript", (chunk) => watcher.received.push(`${chunk.key}:${chunk.fragment ?? `restart:${chunk.restart}`}`));
    socket.on("presence", () => watcher.received.push("presence"));
    watchers.push(watcher);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
    // The room is joined on the server's side of the handshake; a round of the loop later it is there.
    await waitFor(async () => (outside || server.of("/").adapter.rooms.get("stream:m1")?.has(socket.id!) ? true : null), "the join");
    return watcher;
  }

  function fragment(key: string, text: string): TranscriptFragment {
    return { matterId: "m1", key, speaker: { task: "position", representativeId: `r-${key}` }, fragment: text };
  }

  it("a tick's pushes reach every watcher as one event each, in order, over WebSocket in one write and over polling through engine.io", async () => {
    const [ws, polling, outsider] = [await watch("websocket"), await watch("polling"), await watch("websocket", true)];
    // Frames of every length encoding (7-bit, 16-bit, 64-bit), and text whose bytes outnumber its characters.
    const texts = ["a", "b".repeat(200), "Õiglus ja võrdsus — справедливость 😀", "c".repeat(70_000), "", "last"];
    written.length = 0;
    // A speaker each, so that nothing joins another speaker's words.
    for (const [i, text] of texts.entries()) outbox.push("stream:m1", "transcript", fragment(`k${i}`, text));
    outbox.push("stream:m1", "transcript", { ...fragment("k0", "ignored"), fragment: undefined, restart: "timeout" });
    const expected = [...texts.map((text, i) => `k${i}:${text}`), "k0:restart:timeout"];

    await waitFor(async () => (ws.received.length >= expected.length && polling.received.length >= expected.length ? true : null), "both watchers");
    expect(ws.received).toEqual(expected);
    expect(polling.received).toEqual(expected);
    // One write for the whole tick: both watchers counted, the WebSocket one written in one go.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ room: "stream:m1", watchers: 2, direct: 1 });
    expect(written[0]!.pushes).toHaveLength(expected.length);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outsider.received).toEqual([]);
  });

  it("a push to a WebSocket still writing what socket.io sent it goes through engine.io's queue, behind it; once written, the next goes in one write again", async () => {
    const ws = watchers[0]!;
    ws.received.length = 0;
    written.length = 0;
    // A presence list of some 8 MB to this socket: loopback takes it in many rounds of the loop, so its write is still under way when the outbox writes.
    const people = Array.from({ length: 80_000 }, (_, i) => ({ name: `Person ${i} `.padEnd(80, "x"), roles: [] }));
    server.to(ws.socket.id!).emit("presence", { matterId: "m1", people, citizens: 0, anonymous: 0 } satisfies Presence);
    outbox.push("stream:m1", "transcript", fragment("a", "behind"));
    outbox.push("stream:m1", "transcript", fragment("b", "behind too"));
    await waitFor(async () => (ws.received.length >= 3 ? true : null), "the watcher", 20_000);
    expect(ws.received).toEqual(["presence", "a:behind", "b:behind too"]);
    expect(written[0]).toMatchObject({ watchers: 2, direct: 0 });

    outbox.push("stream:m1", "transcript", fragment("a", "direct again"));
    await waitFor(async () => (ws.received.length >= 4 ? true : null), "the watcher");
    expect(ws.received[3]).toBe("a:direct again");
    expect(written.at(-1)).toMatchObject({ watchers: 2, direct: 1 });
  });

  it("a room is written in slices; an event pushed meanwhile joins the write: sockets not yet written get both at once, the others it next, each once and in order", async () => {
    const [ws, polling] = watchers;
    const third = await watch("websocket");
    const everyone = [ws!, polling!, third];
    for (const w of everyone) w.received.length = 0;
    const sliced: Written[] = [];
    // One socket a round of the loop.
    const slow = createRoomOutbox(server, { written: (w) => sliced.push(w), absorb: absorbFragment, slice: 1 });
    slow.push("stream:m1", "transcript", fragment("a", "first"));
    // The outbox's flush runs in this round's check phase and writes one socket; this runs right after it, before the next slice.
    setImmediate(() => slow.push("stream:m1", "presence", { matterId: "m1", people: [], citizens: 0, anonymous: 3 }));
    await waitFor(async () => (everyone.every((w) => w.received.length >= 2) ? true : null), "every watcher");
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const w of everyone) expect(w.received).toEqual(["a:first", "presence"]);
    // One write in all: three sockets, and the one written before the presence arrived written again.
    expect(sliced).toHaveLength(1);
    expect(sliced[0]!.pushes.map((p) => p.event)).toEqual(["transcript", "presence"]);
    expect(sliced[0]!.watchers).toBe(4);
    slow.close();
    third.socket.disconnect();
    await waitFor(async () => (server.of("/").adapter.rooms.get("stream:m1")?.has(third.socket.id!) ? null : true), "the third to leave");
  });

  it("an event is written as soon as the code that pushed it is done, before whatever that code goes on to do; fragments of the same job go with it, in order", async () => {
    const [ws, polling] = watchers;
    for (const w of [ws!, polling!]) w.received.length = 0;
    written.length = 0;
    outbox.push("stream:m1", "transcript", fragment("a", "before the event"));
    outbox.push("stream:m1", "presence", { matterId: "m1", people: [], citizens: 0, anonymous: 1 });
    // The pusher's next step (a runner reading the ledger after a delegate's act) comes after the write, not before it.
    await Promise.resolve();
    expect(written).toHaveLength(1);
    expect(written[0]!.pushes.map((p) => p.event)).toEqual(["transcript", "presence"]);
    await waitFor(async () => (ws!.received.length >= 2 && polling!.received.length >= 2 ? true : null), "both watchers");
    expect(ws!.received).toEqual(["a:before the event", "presence"]);
    expect(polling!.received).toEqual(["a:before the event", "presence"]);

    // Fragments alone wait for the next round of the loop, gathering what else streams in this one.
    written.length = 0;
    outbox.push("stream:m1", "transcript", fragment("a", "later"));
    await Promise.resolve();
    expect(written).toHaveLength(0);
    await waitFor(async () => (written.length === 1 ? true : null), "the fragment's write");
  });

  it("a speaker's words pushed before the room's write join into one fragment, in the place of the first", async () => {
    const [ws, polling] = watchers;
    for (const w of [ws!, polling!]) w.received.length = 0;
    for (const [key, text] of [
      ["a", "The "],
      ["b", "We "],
      ["a", "river "],
      ["b", "agree"],
      ["a", "floods"],
    ] as const) {
      outbox.push("stream:m1", "transcript", fragment(key, text));
    }
    await waitFor(async () => (ws!.received.length >= 2 && polling!.received.length >= 2 ? true : null), "both watchers");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ws!.received).toEqual(["a:The river floods", "b:We agree"]);
    expect(polling!.received).toEqual(["a:The river floods", "b:We agree"]);
  });
});
