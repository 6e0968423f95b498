import { z } from "zod";
import type { LedgerEvent } from "../../deliberation/ledger.js";
import type { Role } from "../../deliberation/roles.js";

/**
 * The socket.io contract, shared by the server and the browser. socket.io carries pushes only:
 * commands go through tRPC. Every client event is acknowledged with an Ack.
 */
export type AckError = {
  code: "UNAUTHORIZED" | "FORBIDDEN" | "BAD_REQUEST" | "TOO_MANY_REQUESTS" | "INTERNAL" | "UNAVAILABLE";
  /** 503: the database cannot be reached just now; ask again in a moment. */
  status: 401 | 403 | 400 | 429 | 500 | 503;
  message: string;
};
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export const MatterRef = z.object({
  matterId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
});
export const RoomJoin = MatterRef.extend({ afterSeq: z.number().int().min(0).default(0) });
export const Empty = z.object({}).strict();

export interface RoomReplay {
  events: LedgerEvent[];
  /** True when more events follow: ask again after the last seq received. */
  more: boolean;
}

/**
 * Who is in a room, as everyone watching it is told: officials (delegates, clerks, administrators) by
 * name, since they act in public; citizens only as a count; never anyone's user id.
 */
export interface Presence {
  matterId: string;
  people: { name: string; roles: Role[] }[];
  /** Signed-in watchers who hold no official role. */
  citizens: number;
  /** Watchers who have not signed in. */
  anonymous: number;
}

export interface Notice {
  type: string;
  seq: number;
  at: string;
}

export interface ClientToServerEvents {
  "room:join": (payload: z.input<typeof RoomJoin>, ack: (result: Ack<RoomReplay>) => void) => void;
  "room:leave": (payload: z.input<typeof MatterRef>, ack: (result: Ack<null>) => void) => void;
  "audit:join": (payload: z.input<typeof MatterRef>, ack: (result: Ack<null>) => void) => void;
  "desk:join": (payload: Record<string, never>, ack: (result: Ack<null>) => void) => void;
  "admin:join": (payload: Record<string, never>, ack: (result: Ack<null>) => void) => void;
}

/**
 * Who is speaking in a transcript fragment: a representative taking its position or critiquing a round's
 * candidates, or the mediator writing a round's candidate (index from 0).
 */
export interface TranscriptSpeaker {
  task: "read" | "word" | "position" | "mediate" | "critique";
  /** For a reading: the option read (an id to look the clause up by, never to show). */
  optionId?: string;
  representativeId?: string;
  round?: number;
  index?: number;
}

/** A fragment of a model's answer as it streams; `restart` voids the fragments of that call so far. */
export interface TranscriptFragment {
  matterId: string;
  /** The protocol call the fragment belongs to: an internal key, to group fragments by, never to show or parse. */
  key: string;
  speaker: TranscriptSpeaker;
  fragment?: string;
  restart?: string;
}

export interface ServerToClientEvents {
  "ledger:event": (event: LedgerEvent) => void;
  transcript: (chunk: TranscriptFragment) => void;
  presence: (presence: Presence) => void;
  notice: (notice: Notice) => void;
}

/** Who may send each event; checked by the server on every event, like tRPC's procedure builders. */
export const EVENT_ACCESS = {
  "room:join": "public",
  "room:leave": "public",
  "audit:join": "delegate",
  "desk:join": "clerk",
  "admin:join": "admin",
} as const satisfies Record<keyof ClientToServerEvents, "public" | "signed-in" | Role>;

/**
 * What a client has of a stream: events arrive live and, after a (re)join, replayed from the last
 * contiguous sequence number, possibly overlapping or out of order. `head` is the highest n such that
 * events 1..n have all arrived: join again with afterSeq = head and nothing is missed or counted twice.
 */
export class SeqTracker {
  head: number;
  private readonly ahead = new Set<number>();

  constructor(head = 0) {
    this.head = head;
  }

  /** True when the event is new to this client (the first time its seq is seen). */
  add(seq: number): boolean {
    if (seq <= this.head || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    while (this.ahead.delete(this.head + 1)) this.head += 1;
    return true;
  }

  /** Events past a gap, waiting for the ones before them. */
  get waiting(): number {
    return this.ahead.size;
  }
}
