import { Link, useRevalidator } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import {
  type ClientToServerEvents,
  type Presence as PresenceView,
  SeqTracker,
  type ServerToClientEvents,
  type TranscriptSpeaker,
} from "../../server/realtime/contract";
import type { StatementTarget } from "../../server/trpc/inputs";
import { roomInputs } from "../../server/trpc/schemas/room";
import { useT } from "../i18n";
import { constraints } from "../utils/constraints";
import { ActionForm, Field, Submit, TextField } from "./forms";
import { Written } from "./written";

export type { PresenceView };

/** A model answer under way: who is speaking, and what has arrived of it so far. */
export interface LiveCall {
  speaker: TranscriptSpeaker;
  text: string;
}

/** Ledger events that carry a call's answer (a failed attempt carries its key too, and the call is made again). */
const RESULT_EVENTS = new Set(["deliberation.reading", "deliberation.wording", "deliberation.position", "deliberation.candidate", "deliberation.critique"]);

/**
 * The room's live connection: presence, the tokens of model answers as they stream, and a reload of
 * the page's data when the ledger moves. After a dropped connection it joins again from the last
 * sequence number it saw, so nothing is missed and nothing counted twice.
 */
export function useRoom(matterId: string, lastSeq: number) {
  const { revalidate } = useRevalidator();
  const reload = useRef(revalidate);
  reload.current = revalidate;
  // Events up to the page's own data are in hand; the tracker drops replays and finds gaps.
  const seen = useRef(new SeqTracker(lastSeq));
  const [presence, setPresence] = useState<PresenceView | null>(null);
  const [streams, setStreams] = useState<Record<string, LiveCall>>({});
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket"] });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        reload.current();
      }, 300);
    };
    // Calls whose answer is in the ledger: a late fragment of one (sent before it was recorded) is not news.
    const recorded = new Set<string>();
    const take = (event: { matterId: string; seq: number; type: string; payload: unknown }) => {
      if (event.matterId !== matterId || !seen.current.add(event.seq)) return; // a replayed event already counted
      const key = (event.payload as { key?: unknown } | null)?.key;
      // The call's result is in the ledger: the record shows it from now on.
      if (typeof key === "string") {
        if (RESULT_EVENTS.has(event.type)) recorded.add(key);
        setStreams(({ [key]: _, ...rest }) => rest);
      }
      soon();
    };
    const join = () =>
      socket.emit("room:join", { matterId, afterSeq: seen.current.head }, (ack) => {
        if (!ack.ok) return;
        ack.data.events.forEach(take);
        if (ack.data.more) join(); // a long absence: the next page, from where this one ended
      });
    socket.on("connect", () => {
      setConnected(true);
      join();
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("ledger:event", take);
    socket.on("presence", (p) => p.matterId === matterId && setPresence(p));
    socket.on("transcript", (chunk) => {
      if (chunk.matterId !== matterId || recorded.has(chunk.key)) return;
      setStreams((all) => ({
        ...all,
        [chunk.key]: { speaker: chunk.speaker, text: chunk.restart ? "" : (all[chunk.key]?.text ?? "") + (chunk.fragment ?? "") },
      }));
    });
    return () => {
      if (timer) clearTimeout(timer);
      socket.close();
    };
  }, [matterId]);

  return { presence, streams, connected };
}

export function Presence({ presence, connected }: { presence: PresenceView | null; connected: boolean }) {
  const t = useT();
  if (!presence) return <p className="card-meta">{connected ? t("room.presence.loading") : t("room.offline")}</p>;
  const names = presence.people.map((p) => p.name).join(", ") || "—";
  return <p className="card-meta">{t("room.presence", { names, citizens: presence.citizens, anonymous: presence.anonymous })}</p>;
}

/** The hidden fields that name a statement; the action builds the structured target from them. */
function TargetFields({ target }: { target: StatementTarget }) {
  const fields: Record<string, string | number> =
    target.kind === "position"
      ? { statementKind: "position", representativeId: target.representativeId }
      : { statementKind: "critique", representativeId: target.representativeId, round: target.round, candidateId: target.candidateId };
  return (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={String(value)} />
      ))}
    </>
  );
}

const formKeyOf = (target: StatementTarget) =>
  target.kind === "position" ? `position/${target.representativeId}` : `critique/${target.round}/${target.representativeId}/${target.candidateId}`;

/**
 * The delegate's two acts on any statement: replace its words (marked), or strike it with a reason. A
 * struck statement keeps its strike form, so the confirmation stays where she pressed.
 */
export function StatementActions({ target, label }: { target: StatementTarget; label: string }) {
  const t = useT();
  const id = useId();
  return (
    <details className="statement-actions">
      <summary>{t("room.actOn", { label })}</summary>
      <ActionForm intent="override" formKey={formKeyOf(target)} className="stack" success={t("room.override.done")} resetOnSuccess>
        <TargetFields target={target} />
        <TextField id={`${id}-override`} name="text" label={t("room.override.text")} rows={3} {...constraints(roomInputs.overrideText)} />
        <Submit>{t("room.override")}</Submit>
      </ActionForm>
      <ActionForm intent="strike" formKey={formKeyOf(target)} className="stack" success={t("room.strike.done")} resetOnSuccess>
        <TargetFields target={target} />
        <Field id={`${id}-strike`} name="reason" label={t("room.strike.reason")} {...constraints(roomInputs.strikeReason)} />
        <Submit>{t("room.strike")}</Submit>
      </ActionForm>
    </details>
  );
}

export function Marks({ overridden, struck }: { overridden: { text: string } | null; struck: { reason: string } | null }) {
  const t = useT();
  return (
    <>
      {overridden ? (
        <p className="overridden">
          <strong>{t("room.overridden")}</strong> <Written text={overridden.text} />
        </p>
      ) : null}
      {struck ? (
        <p className="flag">
          {t("room.struck")}: {struck.reason}
        </p>
      ) : null}
    </>
  );
}

/** The way from a statement to what it rests on; `about` says which statement, for screen readers. */
export function AuditLink({ matterId, seq, about }: { matterId: string; seq: number | null; about?: string }) {
  const t = useT();
  if (!seq) return null;
  return (
    <Link to={`/rooms/${matterId}/audit/${seq}`}>
      {t("room.audit")}
      {about ? <span className="visually-hidden"> ({about})</span> : null}
    </Link>
  );
}
