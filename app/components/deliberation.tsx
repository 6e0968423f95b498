import { Link, useRevalidator } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import { type ReactNode, useEffect, useMemo, useRef } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/realtime/contract";
import type { AppRouter } from "../../server/trpc/router.server";
import { INTL_TAGS, type Locale, type MessageKey, type Translate, useLocale, useT } from "../i18n";
import { type CandidateName, nameCandidates } from "./room/names";
import { WithWritten, Written } from "./written";

type Out = inferRouterOutputs<AppRouter>;
/** What matters.deliberation returns, as the page receives it. */
export type DeliberationView = NonNullable<Out["matters"]["deliberation"]>;
export type Representative = DeliberationView["representatives"][number];
export type Round = DeliberationView["rounds"][number];
export type Draft = NonNullable<DeliberationView["draft"]>;
export type Stance = Representative extends { position: infer P } ? (NonNullable<P> extends { stance: infer S } ? S : never) : never;

const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * Keeps the page current while a deliberation runs: it listens to the matter's room and reloads the
 * page's data when the protocol appends an event (at most twice a second), including the events
 * appended between the page's render and the room's join, which come back with the join's answer
 * (an offline deliberation may draft before the socket connects).
 */
export function useLiveDeliberation(matterId: string, active: boolean, afterSeq: number) {
  const { revalidate } = useRevalidator();
  const latest = useRef(revalidate);
  latest.current = revalidate;
  // biome-ignore lint/correctness/useExhaustiveDependencies: afterSeq only matters when connecting; later events arrive live
  useEffect(() => {
    if (!active) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket"] });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const reloadSoon = (event: { matterId: string; type: string }) => {
      if (event.matterId !== matterId || !event.type.startsWith("deliberation.")) return;
      timer ??= setTimeout(() => {
        timer = null;
        latest.current();
      }, 500);
    };
    socket.on("connect", () =>
      socket.emit("room:join", { matterId, afterSeq }, (answer) => {
        if (answer.ok) for (const event of answer.data.events) reloadSoon(event);
      }),
    );
    socket.on("ledger:event", reloadSoon);
    return () => {
      if (timer) clearTimeout(timer);
      socket.close();
    };
  }, [matterId, active]);
}

export function StanceBadge({ stance }: { stance: Stance }) {
  const t = useT();
  return <span className={`badge badge-stance-${stance}`}>{t(`deliberation.stance.${stance}`)}</span>;
}

function Bar({ share, label }: { share: number; label: string }) {
  return (
    <span className="share">
      <span className="share-bar" aria-hidden="true">
        <span style={{ width: `${Math.max(0, Math.min(1, share)) * 100}%` }} />
      </span>
      <span>{label}</span>
    </span>
  );
}

/** A candidate's short name as a person reads it. */
export function sayCandidate(t: Translate, name: CandidateName | undefined): string {
  if (!name) return t("candidate.name.unknown");
  switch (name.kind) {
    case "adds":
      return t("candidate.name.adds", { clause: name.clause });
    case "drops":
      return t("candidate.name.drops", { number: name.number, clause: name.clause });
    case "rewords":
      return t("candidate.name.rewords", { number: name.number, clause: name.clause });
    case "summary": {
      const parts = [
        name.reworded.length ? t("candidate.name.summary.reworded", { count: name.reworded.length, numbers: name.reworded.join(", ") }) : null,
        name.struck.length ? t("candidate.name.summary.struck", { count: name.struck.length, numbers: name.struck.join(", ") }) : null,
        name.added ? t("candidate.name.summary.added", { count: name.added }) : null,
      ];
      return t("candidate.name.summary", { changes: parts.filter(Boolean).join("; ") });
    }
    default:
      return t("candidate.name.keeps");
  }
}

/**
 * Every candidate's short name, by round: its leading change against the text it revises (the
 * proposed rule in round 1, the previous round's winner after that).
 */
/**
 * A candidate's short name, and the words of the rule its names quote ("Adds “…”"): those are in the
 * matter's language, and a page in another language marks them with their own `lang` (`WithWritten`).
 */
export type CandidateNamer = ((round: number, candidateId: string) => string) & { fragments: readonly string[] };

export function useCandidateNames(view: DeliberationView): CandidateNamer {
  const t = useT();
  const names = useMemo(() => {
    const byRound = new Map<number, Map<string, CandidateName>>();
    let base = view.ruleText;
    for (const round of view.rounds) {
      byRound.set(round.round, nameCandidates(base, round.candidates));
      const winner = round.candidates.find((c) => c.id === round.tally?.winner);
      if (winner) base = winner.text;
    }
    return byRound;
  }, [view.ruleText, view.rounds]);
  const fragments = useMemo(
    () =>
      [...names.values()].flatMap((byId) =>
        [...byId.values()].flatMap((n) => (n.kind === "adds" || n.kind === "drops" || n.kind === "rewords" ? [n.clause] : [])),
      ),
    [names],
  );
  return Object.assign((round: number, candidateId: string) => sayCandidate(t, names.get(round)?.get(candidateId)), { fragments });
}

/** The value titles of every mandate, by value id: statements cite values by id, people read titles. */
export function useValueTitles(view: DeliberationView): Map<string, string> {
  return useMemo(() => new Map(view.representatives.flatMap((r) => r.mandate.map((v) => [v.valueId, v.title] as const))), [view.representatives]);
}

export function stageLabel(t: Translate, view: DeliberationView): string {
  switch (view.stage) {
    case "positions":
      return t("deliberation.stage.positions");
    case "mediation":
    case "critique":
      return t(`deliberation.stage.${view.stage}`, { round: view.round, rounds: view.settings.rounds });
    case "halted":
      return t("deliberation.stage.halted", {
        reason: view.haltedBecause === "budget_exhausted" ? t("deliberation.budgetExhausted") : t("deliberation.modelFailed"),
      });
    default:
      return t(`deliberation.stage.${view.stage}` as MessageKey);
  }
}

const formatCount = (n: number, locale: Locale) => n.toLocaleString(INTL_TAGS[locale]);

/** Which engine runs the deliberation, where it is (paused or running), and the tokens spent against its budget. */
export function DeliberationFacts({ view }: { view: DeliberationView }) {
  const t = useT();
  const locale = useLocale();
  const running = !["drafted", "halted"].includes(view.stage);
  return (
    <>
      <p className="notice">{view.engine === "offline" ? t("deliberation.engine.offline") : t("deliberation.engine.model", { model: view.model })}</p>
      <dl className="facts">
        <dt>{t("deliberation.stage")}</dt>
        <dd aria-live="polite">
          {stageLabel(t, view)}
          {running ? (
            <>
              {" "}
              <span className={`badge ${view.room.paused ? "badge-paused" : "badge-running"}`}>
                {view.room.paused ? t("room.state.paused") : t("room.state.running")}
              </span>
            </>
          ) : null}
        </dd>
        <dt>{t("deliberation.tokens")}</dt>
        <dd>
          <Bar
            share={view.tokensSpent / view.settings.tokenBudget}
            label={t("deliberation.tokensOf", { spent: formatCount(view.tokensSpent, locale), budget: formatCount(view.settings.tokenBudget, locale) })}
          />
        </dd>
      </dl>
    </>
  );
}

/** The Schulze order of a round in words, candidates by name. */
export function tallyOrder(round: Round, name: (round: number, id: string) => string): string {
  return (round.tally?.tiers ?? []).map((tier) => tier.map((id) => name(round.round, id)).join(" = ")).join(" > ");
}

export function DeliberationPanel({ view, matterId }: { view: DeliberationView; matterId: string }) {
  const t = useT();
  const name = useCandidateNames(view);
  const running = !["drafted", "halted"].includes(view.stage);
  return (
    <section aria-labelledby="deliberation" className="stack">
      <h2 id="deliberation">{t("deliberation.title")}</h2>
      <p>
        <Link to={`/rooms/${matterId}`}>{t("room.enter")}</Link>
      </p>
      <DeliberationFacts view={view} />
      {running ? <p className="card-meta">{t("deliberation.live")}</p> : null}

      {view.draft ? <DraftRuling draft={view.draft} threshold={view.settings.approvalThreshold} name={name} /> : null}

      <h3>{t("deliberation.positions")}</h3>
      <ul className="cards">
        {view.representatives.map((r) => (
          <li key={r.id} className="card">
            <p className="card-meta">{t("deliberation.represents", { citizens: r.citizens })}</p>
            <h4 className="value-title">
              {r.label} {r.position ? <StanceBadge stance={r.position.stance} /> : null}
            </h4>
            {r.position ? <Written as="p" text={r.position.summary} /> : <p className="card-meta">{t("deliberation.waiting")}</p>}
            {r.position?.flags.length ? <p className="flag">{t("deliberation.flagged")}</p> : null}
          </li>
        ))}
      </ul>

      {view.rounds.map((round) => (
        <div key={round.round}>
          <h3>{t("deliberation.round", { round: round.round })}</h3>
          <ol className="candidates">
            {round.candidates.map((c) => (
              <li key={c.id}>
                <strong>
                  <WithWritten text={name(round.round, c.id)} parts={name.fragments} />
                </strong>
                {round.tally?.winner === c.id ? <span className="badge badge-value">{t("deliberation.winner")}</span> : null}
                <br />
                <Written className="card-meta" text={c.rationale} />
              </li>
            ))}
          </ol>
          {round.tally ? (
            <p>
              {t("deliberation.tally", { order: tallyOrder(round, name) })}{" "}
              <Bar
                share={round.tally.approval.share}
                label={t("deliberation.approval", {
                  share: percent(round.tally.approval.share),
                  weight: round.tally.approval.weight,
                  total: round.tally.approval.total,
                })}
              />
            </p>
          ) : (
            <p className="card-meta">{t("deliberation.critiquesIn", { done: round.critiques.length, of: view.representatives.length })}</p>
          )}
        </div>
      ))}
    </section>
  );
}

/**
 * The draft ruling: its text (numbered clauses when it has them), approval, stances, minority reports and
 * what it does to the mandates. The room passes its own `clauses` and `figures` (readings that open, fairness).
 */
export function DraftRuling({
  draft,
  threshold,
  name,
  clauses,
  figures,
}: {
  draft: Draft;
  threshold: number;
  name: CandidateNamer;
  clauses?: ReactNode;
  figures?: ReactNode;
}) {
  const t = useT();
  return (
    <article className="card draft" aria-labelledby="draft-title">
      <h3 id="draft-title">{t("deliberation.draft")}</h3>
      <p className="card-meta">
        <WithWritten text={t("deliberation.draftFromNamed", { candidate: name(draft.round, draft.candidateId), round: draft.round })} parts={name.fragments} />
        {draft.budgetExhausted ? ` ${t("deliberation.cutShort")}` : ""}
      </p>
      {clauses ??
        (draft.clauses?.length ? (
          <ol className="draft-clauses">
            {draft.clauses.map((c) => (
              <li key={c.number} value={c.number}>
                <Written text={c.text} />
              </li>
            ))}
          </ol>
        ) : (
          <Written as="blockquote" className="rule-text" text={draft.text} />
        ))}
      <p>
        <Bar
          share={draft.approval.share}
          label={t("deliberation.approvalThreshold", {
            share: percent(draft.approval.share),
            threshold: percent(threshold),
            weight: draft.approval.weight,
            total: draft.approval.total,
          })}
        />
      </p>
      <h4>{t("deliberation.stances")}</h4>
      <ul className="stances">
        {draft.stances.map((s) => (
          <li key={s.representativeId}>
            <p className="stance-head">
              <strong>{s.label}</strong> <StanceBadge stance={s.stance} />
              <br />
              <span className="card-meta">{t("deliberation.represents", { citizens: s.citizens })}</span>
            </p>
            <p className={s.struck ? "struck" : undefined}>
              {s.overriddenBy ? <strong>{t("room.overridden")} </strong> : null}
              <Written text={s.statement} />
              {s.flags.length ? <span className="flag"> {t("deliberation.flagged")}</span> : null}
            </p>
            {s.struck ? (
              <p className="flag">
                {t("room.struck")}: {s.struck}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {draft.minorityReports.length ? (
        <>
          <h4>{t("deliberation.minority")}</h4>
          <ul>
            {draft.minorityReports.map((m) => (
              <li key={m.representativeId}>
                <strong>{m.label}</strong> ({t("deliberation.represents", { citizens: m.citizens })},{" "}
                <WithWritten text={t("deliberation.preferred", { candidate: name(draft.round, m.preferred) })} parts={name.fragments} />
                ): <Written text={m.statement} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {figures ?? (
        <>
          <h4>{t("deliberation.coverage")}</h4>
          <p>{t("deliberation.coverageLead", { share: percent(draft.citizenWeightedCoverage) })}</p>
          <ul className="coverage">
            {draft.coverage.map((c) => (
              <li key={c.representativeId}>
                <Bar share={c.honouredWeight} label={`${c.label}: ${percent(c.honouredWeight)}`} />
                <ul className="coverage-values">
                  {c.values.map((v) => {
                    const verdict = v.verdict ?? (v.honoured ? "honours" : "silent");
                    return (
                      <li key={v.valueId} className={verdict === "honours" ? "honoured" : verdict === "erodes" ? "eroded" : "unhonoured"}>
                        <span aria-hidden="true">{verdict === "honours" ? "✓" : verdict === "erodes" ? "✗" : "–"} </span>
                        <span className="visually-hidden">{t(`deliberation.verdict.${verdict}`)}: </span>
                        <Written text={v.title} />
                      </li>
                    );
                  })}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
