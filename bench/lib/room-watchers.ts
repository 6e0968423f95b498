import { io } from "socket.io-client";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import { SeqTracker, type TranscriptFragment } from "../../server/realtime/contract.js";
import { lightWatcher } from "./light-watcher.js";

/**
 * Watchers of a room for `bench room` and `bench cluster`: real socket.io clients, or light ones
 * (bench/lib/light-watcher.ts) that leave their process's CPU to the servers. Either keeps a SeqTracker,
 * joins from its head after a drop (paging through long replays), and tells the bench of each ledger
 * event new to it as it arrives live, and of each transcript fragment.
 */
export type WatcherKind = "socket.io" | "light";

export interface Listener {
  /** A ledger event this watcher had not seen, arrived live. */
  event(watcher: RoomWatcher, event: Pick<LedgerEvent, "seq" | "type" | "createdAt">): void;
  fragment?(watcher: RoomWatcher, chunk: TranscriptFragment): void;
}

export interface RoomWatcher {
  readonly kind: WatcherKind;
  readonly tracker: SeqTracker;
  /** The server it is (or was last) connected to. */
  readonly url: string;
  /** Connects to `url` (by default the last one) and joins the room from the last contiguous seq it holds. */
  connect(url?: string): Promise<void>;
  close(): void;
}

type EmitWithAck = (event: string, payload: unknown) => Promise<unknown>;

interface Replay {
  ok: boolean;
  data: { events: Pick<LedgerEvent, "seq">[]; more: boolean };
}

export function roomWatcher(options: { url: string; matterId: string; kind: WatcherKind; cookie?: string | null; listener: Listener }): RoomWatcher {
  const { matterId, kind, cookie, listener } = options;
  const tracker = new SeqTracker();
  let url = options.url;
  let close = () => {};
  const watcher: RoomWatcher = {
    kind,
    tracker,
    get url() {
      return url;
    },
    async connect(to = url) {
      url = to;
      const emitWithAck = kind === "light" ? await openLight() : await openSocketIo();
      await join(emitWithAck);
    },
    close: () => close(),
  };

  function receive(event: string, payload: unknown) {
    if (event === "ledger:event") {
      const ledgerEvent = payload as LedgerEvent;
      if (tracker.add(ledgerEvent.seq)) listener.event(watcher, ledgerEvent);
    } else if (event === "transcript") listener.fragment?.(watcher, payload as TranscriptFragment);
  }

  async function openLight(): Promise<EmitWithAck> {
    const light = await lightWatcher(url, receive);
    close = () => light.close();
    return (event, payload) => light.emitWithAck(event, payload);
  }

  function openSocketIo(): Promise<EmitWithAck> {
    const socket = io(url, {
      transports: ["websocket"],
      extraHeaders: { origin: url, ...(cookie ? { cookie } : {}) },
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    close = () => socket.close();
    socket.onAny(receive);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve((event, payload) => socket.timeout(30_000).emitWithAck(event, payload)));
      socket.once("connect_error", reject);
    });
  }

  async function join(emitWithAck: EmitWithAck): Promise<void> {
    const ack = (await emitWithAck("room:join", { matterId, afterSeq: tracker.head })) as Replay;
    if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
    for (const event of ack.data.events) tracker.add(event.seq);
    if (ack.data.more) await join(emitWithAck);
  }

  return watcher;
}

/** Runs `make` for 0..count-1, `size` at a time. */
export async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k)))));
  }
  return out;
}
