import { Form, Link, useRevalidator } from "@remix-run/react";
import { diffWords } from "diff";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { SeqTracker } from "../../server/realtime/contract";
import { useT } from "../i18n";
import { CsrfField } from "../root";

export interface PresenceView {
  people: { userId: string; name: string; roles: string[] }[];
  anonymous: number;
}

interface LedgerPush {
  matterId: string;
  seq: number;
  type: string;
  payload: { key?: string } | null;
}

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
  const [streams, setStreams] = useState<Record<string, string>>({});
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const socket: Socket = io({ transports: ["websocket"] });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        reload.current();
      }, 300);
    };
    const take = (event: LedgerPush) => {
      if (event.matterId !== matterId || !seen.current.add(event.seq)) return; // a replayed event already counted
      const key = event.payload?.key;
      if (key) setStreams(({ [key]: _, ...rest }) => rest);
      soon();
    };
    const join = () =>
      socket.emit("room:join", { matterId, afterSeq: seen.current.head }, (ack: { ok: boolean; data?: { events: LedgerPush[]; more: boolean } }) => {
        if (!ack.ok) return;
        ack.data?.events.forEach(take);
        if (ack.data?.more) join(); // a long absence: the next page, from where this one ended
      });
    socket.on("connect", () => {
      setConnected(true);
      join();
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("ledger:event", take);
    socket.on("presence", (p: PresenceView & { matterId: string }) => p.matterId === matterId && setPresence(p));
    socket.on("transcript", (chunk: { matterId: string; key: string; fragment?: string; restart?: string }) => {
      if (chunk.matterId !== matterId) return;
      setStreams((all) => ({ ...all, [chunk.key]: chunk.restart ? "" : (all[chunk.key] ?? "") + (chunk.fragment ?? "") }));
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
  return (
    <p className="card-meta">
      {t("room.presence", { names: presence.people.map((p) => p.name).join(", ") || "—", anonymous: presence.anonymous })}
    </p>
  );
}

/** What is being said right now: the streamed text of each call under way. */
export function LiveTranscript({ streams }: { streams: Record<string, string> }) {
  const t = useT();
  const entries = Object.entries(streams).filter(([, text]) => text !== "");
  return (
    <section aria-labelledby="live" className="live">
      <h2 id="live">{t("room.live")}</h2>
      {entries.length === 0 ? (
        <p className="card-meta">{t("room.live.quiet")}</p>
      ) : (
        <ul className="streams">
          {entries.map(([key, text]) => (
            <li key={key}>
              <strong>{key}</strong>
              <pre>{text.length > 600 ? `…${text.slice(-600)}` : text}</pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The delegate's two acts on any statement: replace its words (marked), or strike it with a reason. */
export function StatementActions({ statement, label }: { statement: string; label: string }) {
  const t = useT();
  return (
    <details className="statement-actions">
      <summary>{t("room.actOn", { label })}</summary>
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="statement" value={statement} />
        <label>
          {t("room.override.text")}
          <textarea name="text" rows={3} required maxLength={1500} />
        </label>
        <button type="submit" name="intent" value="override">
          {t("room.override")}
        </button>
      </Form>
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="statement" value={statement} />
        <label>
          {t("room.strike.reason")}
          <input name="reason" required maxLength={1000} />
        </label>
        <button type="submit" name="intent" value="strike">
          {t("room.strike")}
        </button>
      </Form>
    </details>
  );
}

export function Marks({ overridden, struck }: { overridden: { text: string } | null; struck: { reason: string } | null }) {
  const t = useT();
  return (
    <>
      {overridden ? (
        <p className="overridden">
          <strong>{t("room.overridden")}</strong> {overridden.text}
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

/**
 * The Schulze result as a chart: candidates in the tally's order, each bar the citizens whose
 * representatives put it first, the winner marked.
 */
export function SchulzeChart({ order, firsts, total, winner, label }: { order: string[]; firsts: Record<string, number>; total: number; winner: string; label: string }) {
  const t = useT();
  const rowHeight = 28;
  const width = 320;
  const labelWidth = 56;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${order.length * rowHeight + 4}`} role="img" aria-label={label} width="100%" style={{ maxWidth: `${width * 1.6}px` }}>
        {order.map((id, i) => {
          const share = total > 0 ? (firsts[id] ?? 0) / total : 0;
          const barWidth = Math.max(2, share * (width - labelWidth - 60));
          return (
            <g key={id} transform={`translate(0 ${i * rowHeight + 2})`}>
              <text x={0} y={18} fontSize={13} fill="currentColor">
                {i + 1}. {id}
              </text>
              <rect x={labelWidth} y={6} width={barWidth} height={16} rx={3} fill={id === winner ? "var(--ok)" : "var(--accent)"} />
              <text x={labelWidth + barWidth + 6} y={18} fontSize={12} fill="currentColor">
                {firsts[id] ?? 0}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="help">{t("room.chart.caption")}</figcaption>
    </figure>
  );
}

/** Tracked changes between the draft and the delegates' amendment, word by word. */
export function TrackedChanges({ before, after }: { before: string; after: string }) {
  const t = useT();
  return (
    <figure className="tracked-figure">
      <figcaption className="help">{t("room.tracked")}</figcaption>
      <div className="rule-text tracked">
        {diffWords(before, after).map((part, i) =>
          part.added ? (
            <ins key={i}>
              <span className="visually-hidden">[{t("room.tracked.added")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </ins>
          ) : part.removed ? (
            <del key={i}>
              <span className="visually-hidden">[{t("room.tracked.removed")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </del>
          ) : (
            <span key={i}>{part.value}</span>
          ),
        )}
      </div>
    </figure>
  );
}

export function AuditLink({ matterId, seq }: { matterId: string; seq: number | null }) {
  const t = useT();
  return seq ? <Link to={`/rooms/${matterId}/audit/${seq}`}>{t("room.audit")}</Link> : null;
}
