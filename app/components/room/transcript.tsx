import { ALL, parse } from "partial-json";
import { useRef } from "react";
import type { TranscriptSpeaker } from "../../../server/realtime/contract";
import { type Translate, useT } from "../../i18n";
import { type DeliberationView, StanceBadge, type Stance } from "../deliberation";
import type { LiveCall } from "../room";
import { WithWritten, Written } from "../written";
import { optionSource, type RuleSlot, slotName } from "./readings";

/**
 * The live transcript read as a parliament's record: each answer under way, parsed as it arrives
 * (partial JSON), under its speaker's name, with its stance, its words and the values it cites by
 * title. Nothing of the model's JSON, its ids or the protocol's keys reaches the page.
 */

const STANCES = new Set(["support", "amend", "oppose"]);
const stanceOf = (x: unknown): Stance | null => (typeof x === "string" && STANCES.has(x) ? (x as Stance) : null);
const textOf = (x: unknown): string => (typeof x === "string" ? x : "");
const listOf = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const idsOf = (x: unknown): string[] => listOf(x).filter((v): v is string => typeof v === "string");

/** What has arrived of a model's JSON answer, as far as it can be read; null while nothing can. */
export function readPartial(text: string): Record<string, unknown> | null {
  const start = text.indexOf("{");
  if (start < 0) return null;
  try {
    const value: unknown = parse(text.slice(start), ALL);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface Speaking {
  /** Who speaks: a representative's label, or the mediator. */
  who: (speaker: TranscriptSpeaker) => string;
  valueTitle: (id: string) => string | undefined;
  candidateName: (round: number, id: string) => string | undefined;
  /** The clause an option read belongs to (looked up by the option's id, which is never shown). */
  clauseOf?: (optionId: string) => RuleSlot | undefined;
  /** The rule's slot at an index (the mediator's wording names slots by index). */
  slotAt?: (index: number) => RuleSlot | undefined;
}

export function speakerName(t: Translate, view: DeliberationView, speaker: Pick<TranscriptSpeaker, "task" | "representativeId">): string {
  if (speaker.task === "mediate" || speaker.task === "word") return t("room.mediator");
  if (speaker.task === "read") return t("room.reader");
  return view.representatives.find((r) => r.id === speaker.representativeId)?.label ?? t("room.representative");
}

/** The values a statement cites, by title; ids not (yet) complete or unknown are left out. */
export function Cited({ ids, title }: { ids: readonly string[]; title: (id: string) => string | undefined }) {
  const t = useT();
  const titles = [...new Set(ids.map(title).filter((x): x is string => Boolean(x)))];
  if (!titles.length) return null;
  return (
    <span className="cited">
      <WithWritten text={t("room.cites", { values: titles.join("; ") })} parts={titles} />
    </span>
  );
}

function PartialPosition({ answer, speaking }: { answer: Record<string, unknown>; speaking: Speaking }) {
  const t = useT();
  const stance = stanceOf(answer.stance);
  const reasons = listOf(answer.reasons).map((r) => r as Record<string, unknown>);
  const amendments = listOf(answer.amendments).map((r) => r as Record<string, unknown>);
  return (
    <>
      {stance ? <StanceBadge stance={stance} /> : null}
      {textOf(answer.summary) ? <Written as="p" text={textOf(answer.summary)} /> : null}
      {reasons.length ? (
        <ul className="reasons">
          {reasons.map((r, i) => (
            <li key={i}>
              <Written text={textOf(r?.text)} /> <Cited ids={idsOf(r?.valueIds)} title={speaking.valueTitle} />
            </li>
          ))}
        </ul>
      ) : null}
      {amendments.length ? (
        <>
          <p className="card-meta">{t("room.asksFor")}</p>
          <ul className="reasons">
            {amendments.map((a, i) => (
              <li key={i}>
                <Written text={textOf(a?.text)} /> <Cited ids={idsOf(a?.valueIds)} title={speaking.valueTitle} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function PartialCandidate({ answer }: { answer: Record<string, unknown> }) {
  const text = textOf(answer.text);
  return (
    <>
      {textOf(answer.title) ? <Written as="p" className="statement-title" text={textOf(answer.title)} /> : null}
      {text ? <div className="rule-text">{text.length > 500 ? `…${text.slice(-500)}` : text}</div> : null}
      {textOf(answer.rationale) ? <Written as="p" text={textOf(answer.rationale)} /> : null}
    </>
  );
}

function PartialCritique({ answer, round, speaking }: { answer: Record<string, unknown>; round: number; speaking: Speaking }) {
  const t = useT();
  const assessments = listOf(answer.assessments).map((a) => a as Record<string, unknown>);
  return (
    <ul className="reasons">
      {assessments.map((a, i) => {
        const stance = stanceOf(a?.stance);
        const name = typeof a?.candidateId === "string" ? speaking.candidateName(round, a.candidateId) : undefined;
        return (
          <li key={i}>
            <strong>{name ?? t("room.someCandidate")}</strong> {stance ? <StanceBadge stance={stance} /> : null} {textOf(a?.statement)}{" "}
            <Cited ids={idsOf(a?.honoured)} title={speaking.valueTitle} />
          </li>
        );
      })}
    </ul>
  );
}

/** What a speaker is doing, in words: reading a clause, wording one, taking a position, drafting, assessing. */
function liveWhat(t: Translate, speaker: TranscriptSpeaker, speaking: Speaking): string {
  switch (speaker.task) {
    case "read": {
      const slot = speaker.optionId ? speaking.clauseOf?.(speaker.optionId) : undefined;
      const option = slot?.options.find((o) => o.id === speaker.optionId);
      return slot && option ? t("room.live.read", { where: slotName(t, slot), source: optionSource(t, option) }) : t("room.live.readSome");
    }
    case "word":
      return t("room.live.word", { round: speaker.round ?? 1 });
    case "position":
      return t("room.live.position");
    case "mediate":
      return t("room.live.candidate", { number: (speaker.index ?? 0) + 1, round: speaker.round ?? 1 });
    default:
      return t("room.live.critique", { round: speaker.round ?? 1 });
  }
}

const VERDICTS = new Set(["honours", "erodes", "silent"]);

/** A reading under way: each value read so far, by title, with its verdict, the quoted words and the reason. */
function PartialReading({ answer, speaking }: { answer: Record<string, unknown>; speaking: Speaking }) {
  const t = useT();
  const readings = listOf(answer.readings)
    .map((r) => r as Record<string, unknown>)
    .filter((r) => typeof r?.verdict === "string" && VERDICTS.has(r.verdict) && r.verdict !== "silent");
  if (!readings.length) return <p className="card-meta">{t("room.live.readingSilent")}</p>;
  return (
    <ul className="reasons">
      {readings.map((r, i) => {
        const title = typeof r.valueId === "string" ? speaking.valueTitle(r.valueId) : undefined;
        return (
          <li key={i}>
            <strong>{r.verdict === "honours" ? t("reading.honours") : t("reading.erodes")}</strong> {title ? `“${title}”` : t("room.someValue")}
            {textOf(r.quote) ? <> · {t("reading.quote", { quote: textOf(r.quote) })}</> : null} {textOf(r.reason)}
          </li>
        );
      })}
    </ul>
  );
}

/** The mediator's new wording under way: each clause it writes, by where it goes in the rule. */
function PartialWording({ answer, speaking }: { answer: Record<string, unknown>; speaking: Speaking }) {
  const t = useT();
  const clauses = listOf(answer.clauses).map((c) => c as Record<string, unknown>);
  return (
    <ul className="reasons">
      {clauses.map((c, i) => {
        const slot = typeof c?.slot === "number" ? speaking.slotAt?.(c.slot) : undefined;
        return (
          <li key={i}>
            {slot ? <strong>{slotName(t, slot)}: </strong> : null}
            {textOf(c?.text)} {textOf(c?.rationale) ? <span className="card-meta">{textOf(c?.rationale)}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** One answer under way, as statements. */
export function LiveStatement({ call, speaking }: { call: LiveCall; speaking: Speaking }) {
  const t = useT();
  const answer = readPartial(call.text);
  const { speaker } = call;
  const what = liveWhat(t, speaker, speaking);
  return (
    <li className="statement statement-live">
      <p className="statement-head">
        <strong>{speaking.who(speaker)}</strong> <span className="card-meta">{what}</span>
      </p>
      {!answer ? (
        <p className="card-meta">{t("room.live.starting")}</p>
      ) : speaker.task === "read" ? (
        <PartialReading answer={answer} speaking={speaking} />
      ) : speaker.task === "word" ? (
        <PartialWording answer={answer} speaking={speaking} />
      ) : speaker.task === "position" ? (
        <PartialPosition answer={answer} speaking={speaking} />
      ) : speaker.task === "mediate" ? (
        <PartialCandidate answer={answer} />
      ) : (
        <PartialCritique answer={answer} round={speaker.round ?? 1} speaking={speaking} />
      )}
    </li>
  );
}

/**
 * What is being said right now. While the room is paused the area holds what it showed when the pause
 * came and says so: nothing new appears until a delegate resumes.
 */
export function LiveTranscript({ streams, paused, speaking }: { streams: Record<string, LiveCall>; paused: boolean; speaking: Speaking }) {
  const t = useT();
  const frozen = useRef<Record<string, LiveCall> | null>(null);
  if (paused) frozen.current ??= streams;
  else frozen.current = null;
  const shown = Object.entries(frozen.current ?? streams).filter(([, call]) => call.text !== "");
  return (
    <section aria-labelledby="live" className="live card">
      <h2 id="live">{t("room.live")}</h2>
      {paused ? <p className="notice notice-paused">{t("room.live.paused")}</p> : null}
      {shown.length === 0 ? (
        <p className="card-meta">{t("room.live.none")}</p>
      ) : (
        <ul className="streams">
          {shown.map(([key, call]) => (
            <LiveStatement key={key} call={call} speaking={speaking} />
          ))}
        </ul>
      )}
    </section>
  );
}
