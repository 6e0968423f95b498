import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type RoomWatcher, roomWatcher } from "./room-watchers.js";

/**
 * Watchers that time a broadcast's arrival in a process of their own (`bench room`, `bench cluster`).
 *
 * The benches keep thousands of watchers in their own process: that is the load the servers write to,
 * but one event loop reading 5,000 sockets (and parsing what they carry) runs seconds behind whenever
 * a broadcast is large or frequent, and a receipt timed there is mostly the time the bench took to get
 * round to that socket. A real watcher has a machine of its own. So the latency the benches report is
 * timed here: a few light watchers in a process that does nothing else, joined among the load's
 * watchers (the bench connects one between its batches), so that they sit at different places in the
 * order a server writes its room. Each notes the wall time it read a ledger event it had not seen. The
 * probe also reports how late its own event loop ran, which bounds how far its receipts can be off.
 */
export interface ProbeReceipt {
  seq: number;
  /** The event's createdAt, in ms. */
  appendedAt: number;
  /** When the probe read it (Date.now()). */
  at: number;
  /** The index of the server the watcher was on then. */
  server: number;
  /** The watcher's place among the probe's watchers, in the order they joined. */
  watcher: number;
  /** When the watcher last joined (a moved watcher's receipts of what was appended before are catch-up, not broadcast). */
  joinedAt: number;
}

export interface ProbeReport {
  receipts: ProbeReceipt[];
  /** The probe's own event-loop delay over its life, in ms. */
  loopDelay: { p50: number; p99: number; max: number };
  watchers: number;
}

type Request =
  | { id: number; kind: "connect"; url: string; server: number; matterId: string }
  | { id: number; kind: "move"; from: number; to: { url: string; server: number }[] }
  | { id: number; kind: "report" }
  | { id: number; kind: "reset" };

export interface LatencyProbe {
  /** Connects one more watcher to `url` (server `server`) and joins the room. */
  connect(url: string, server: number, matterId: string): Promise<void>;
  /** The watchers on server `from` (killed) come back on the others, in turn, joining from their head. */
  move(from: number, to: { url: string; server: number }[]): Promise<void>;
  /** Everything received so far. */
  report(): Promise<ProbeReport>;
  /** Forgets the receipts so far (a new phase). */
  reset(): Promise<void>;
  close(): void;
}

export function startLatencyProbe(): LatencyProbe {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--probe"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  process.on("exit", () => child.kill("SIGKILL"));
  let next = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on("message", (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.ok) w.resolve(message.value);
    else w.reject(new Error(`latency probe: ${message.error}`));
  });
  child.once("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the latency probe exited (${code})`));
    waiting.clear();
  });
  type Unsent<R> = R extends unknown ? Omit<R, "id"> : never;
  const ask = <T>(request: Unsent<Request>): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  return {
    connect: (url, server, matterId) => ask({ kind: "connect", url, server, matterId }),
    move: (from, to) => ask({ kind: "move", from, to }),
    report: () => ask({ kind: "report" }),
    reset: () => ask({ kind: "reset" }),
    close: () => child.kill("SIGINT"),
  };
}

/** The probe's side: its watchers, and what they read. */
function runProbe() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const watchers: { watcher: RoomWatcher; server: number; joinedAt: number }[] = [];
  const index = new Map<RoomWatcher, number>();
  let receipts: ProbeReceipt[] = [];
  const listener = {
    event(watcher: RoomWatcher, event: { seq: number; createdAt: string }) {
      const at = Date.now();
      const i = index.get(watcher)!;
      const { server, joinedAt } = watchers[i]!;
      receipts.push({ seq: event.seq, appendedAt: Date.parse(event.createdAt), at, server, watcher: i, joinedAt });
    },
  };
  const handle = async (request: Request): Promise<unknown> => {
    switch (request.kind) {
      case "connect": {
        const watcher = roomWatcher({ url: request.url, matterId: request.matterId, kind: "light", listener });
        index.set(watcher, watchers.length);
        watchers.push({ watcher, server: request.server, joinedAt: Date.now() });
        await watcher.connect();
        return null;
      }
      case "move": {
        const moving = watchers.filter((w) => w.server === request.from);
        await Promise.all(
          moving.map(async (w, k) => {
            const to = request.to[k % request.to.length]!;
            w.watcher.close();
            w.server = to.server;
            w.joinedAt = Date.now();
            await w.watcher.connect(to.url);
          }),
        );
        return null;
      }
      case "report": {
        const report: ProbeReport = {
          receipts,
          loopDelay: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
          watchers: watchers.length,
        };
        return report;
      }
      case "reset":
        receipts = [];
        delay.reset();
        return null;
    }
  };
  process.on("message", (request: Request) => {
    handle(request).then(
      (value) => process.send!({ id: request.id, ok: true, value }),
      (error: unknown) => process.send!({ id: request.id, ok: false, error: (error as Error).message }),
    );
  });
  process.on("SIGINT", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}

if (process.argv.includes("--probe")) runProbe();
