import { useT } from "../../i18n";
import { type CandidateNamer, type DeliberationView, type Representative, type Round, StanceBadge } from "../deliberation";
import { AuditLink, Marks, StatementActions } from "../room";
import { SchulzeChart } from "./charts";
import { NewMark } from "./seen";
import { Cited } from "./transcript";
import { WithWritten, Written } from "../written";

/** The room's record, read from the ledger's folded view: one panel per representative, one section per round. */

type Name = CandidateNamer;
type Title = (id: string) => string | undefined;

export function RepresentativePanel({
  view,
  rep,
  index,
  matterId,
  acting,
  name,
  valueTitle,
}: {
  view: DeliberationView;
  rep: Representative;
  index: number;
  matterId: string;
  acting: boolean;
  name: Name;
  valueTitle: Title;
}) {
  const t = useT();
  const heading = `rep-${index}`;
  const position = rep.position;
  return (
    <article className="card rep-panel" aria-labelledby={heading}>
      <h3 id={heading} className="value-title">
        {rep.label} {position ? <StanceBadge stance={position.stance} /> : null}
      </h3>
      <p className="card-meta">{t("deliberation.represents", { citizens: rep.citizens })}</p>
      {position ? (
        <div className="statement">
          <p className="statement-head">
            <NewMark seq={position.seq} /> <span className="card-meta">{t("room.statement.position")}</span>
          </p>
          <Written as="p" className={position.struck ? "struck" : undefined} text={position.summary} />
          {position.reasons.length ? (
            <ul className="reasons">
              {position.reasons.map((r, i) => (
                <li key={i} className={position.struck ? "struck" : undefined}>
                  <Written text={r.text} /> <Cited ids={r.valueIds} title={valueTitle} />
                </li>
              ))}
            </ul>
          ) : null}
          {position.amendments.length ? (
            <>
              <p className="card-meta">{t("room.asksFor")}</p>
              <ul className="reasons">
                {position.amendments.map((a, i) => (
                  <li key={i}>
                    <Written text={a} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <Marks overridden={position.overridden} struck={position.struck} />
          {position.flags.length ? <p className="flag">{t("deliberation.flagged")}</p> : null}
          <p className="statement-links">
            <AuditLink matterId={matterId} seq={position.seq} about={t("room.about.position", { who: rep.label })} />
          </p>
          {acting ? <StatementActions target={position.target} label={t("room.about.position", { who: rep.label })} /> : null}
        </div>
      ) : (
        <p className="card-meta">{t("deliberation.waiting")}</p>
      )}
      {view.rounds.map((round) => {
        const critique = round.critiques.find((k) => k.representativeId === rep.id);
        if (!critique) return null;
        return (
          <div key={round.round} className="statement">
            <h4 className="statement-head">
              <NewMark seq={critique.seq} /> {t("room.statement.critique", { round: round.round })}
            </h4>
            <p className="card-meta">
              {t("room.rankingOf", { order: critique.ranking.map((tier) => tier.map((id) => name(round.round, id)).join(" = ")).join(" > ") })}
            </p>
            <ul className="reasons">
              {critique.assessments.map((a) => {
                const about = t("room.about.assessment", { who: rep.label, candidate: name(round.round, a.candidateId) });
                return (
                  <li key={a.candidateId}>
                    <strong>
                      <WithWritten text={name(round.round, a.candidateId)} parts={name.fragments} />
                    </strong>{" "}
                    <StanceBadge stance={a.stance} /> <Written className={a.struck ? "struck" : undefined} text={a.statement} />{" "}
                    <Cited ids={a.honoured} title={valueTitle} />
                    <Marks overridden={a.overridden} struck={a.struck} />
                    {acting ? <StatementActions target={a.target} label={about} /> : null}
                  </li>
                );
              })}
            </ul>
            <p className="statement-links">
              <AuditLink matterId={matterId} seq={critique.seq} about={t("room.about.critique", { who: rep.label, round: round.round })} />
            </p>
          </div>
        );
      })}
      <details>
        <summary>{t("room.mandate")}</summary>
        <ul className="mandate">
          {rep.mandate.map((v) => (
            <li key={v.valueId}>
              <Written text={v.title} /> <span className="card-meta">{t("room.weight", { weight: Math.round(v.weight * 100) })}</span>
            </li>
          ))}
        </ul>
        <p className="card-meta">
          {t("convening.hash")}: <code>{rep.mandateHash.slice(0, 16)}…</code>
        </p>
      </details>
    </article>
  );
}

/** A round: the mediator's candidates under their short names, and the Schulze result. */
export function RoundRecord({ view, round, matterId, name }: { view: DeliberationView; round: Round; matterId: string; name: Name }) {
  const t = useT();
  return (
    <section aria-labelledby={`round-${round.round}`} className="stack">
      <h2 id={`round-${round.round}`}>{t("deliberation.round", { round: round.round })}</h2>
      <h3>{t("room.candidatesBy")}</h3>
      <ol className="candidates">
        {round.candidates.map((c) => (
          <li key={c.id} className="statement">
            <p className="statement-head">
              <NewMark seq={c.seq} />{" "}
              <strong>
                <WithWritten text={name(round.round, c.id)} parts={name.fragments} />
              </strong>{" "}
              {round.tally?.winner === c.id ? <span className="badge badge-value">{t("deliberation.winner")}</span> : null}
            </p>
            {c.title !== name(round.round, c.id) ? <Written as="p" className="card-meta" text={c.title} /> : null}
            {c.rationale ? <Written as="p" text={c.rationale} /> : null}
            <details>
              <summary>{t("room.candidateText")}</summary>
              <Written as="div" className="rule-text" text={c.text} />
            </details>
            <p className="statement-links">
              <AuditLink matterId={matterId} seq={c.seq} about={name(round.round, c.id)} />
            </p>
          </li>
        ))}
      </ol>
      {round.tally ? (
        <SchulzeChart view={view} round={round} name={name} />
      ) : (
        <p className="card-meta">{t("deliberation.critiquesIn", { done: round.critiques.length, of: view.representatives.length })}</p>
      )}
    </section>
  );
}
