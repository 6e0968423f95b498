import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { type DeliberationView, DraftRuling, DeliberationFacts, StanceBadge } from "../components/deliberation";
import { FormAlert } from "../components/forms";
import { MatterStatus } from "../components/matters";
import { AuditLink, LiveTranscript, Marks, Presence, SchulzeChart, StatementActions, TrackedChanges, useRoom } from "../components/room";
import { type MessageKey, useT } from "../i18n";
import { CsrfField, useRootData } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.matter.title} · Agora` : "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [matter, deliberation, ballot] = await Promise.all([
    api(request, () => context.trpc.matters.get({ id })),
    api(request, () => context.trpc.matters.deliberation({ id })),
    api(request, () => context.trpc.room.ballot({ id })),
  ]);
  return { matter, deliberation, ballot };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const id = params.id ?? "";
  const room = context.trpc.room;
  const optional = (name: string) => text(form, name).trim() || undefined;
  const intent = text(form, "intent");
  const run = async () => {
    switch (intent) {
      case "pause":
        return room.pause({ id, reason: optional("reason") });
      case "resume":
        return room.resume({ id });
      case "guide":
        return room.guide({ id, text: text(form, "text") });
      case "override":
        return room.override({ id, statement: text(form, "statement"), text: text(form, "text") });
      case "strike":
        return room.strike({ id, statement: text(form, "statement"), reason: text(form, "reason") });
      case "amend":
        return room.amend({ id, text: text(form, "text") });
      case "returnDraft":
        return room.returnDraft({ id, guidance: optional("guidance") });
      case "vote":
        return room.vote({ id, choice: text(form, "choice") as "ratify" | "reject" | "abstain", reason: optional("reason") });
      case "openBallot":
        return room.openBallot({ id });
      case "closeBallot":
        return room.closeBallot({ id });
      case "returnBallot":
        return room.returnBallot({ id, guidance: optional("guidance") });
      default:
        return null;
    }
  };
  const result = await attempt(request, run);
  return result.ok ? { error: null, done: intent } : { error: result.error, done: null };
}

export default function Room() {
  const t = useT();
  const { matter, deliberation, ballot } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const roles = useRootData()?.user?.roles ?? [];
  const view = deliberation as DeliberationView | null;
  const { presence, streams, connected } = useRoom(matter.id, view?.lastSeq ?? 0);
  const delegate = roles.includes("delegate");
  const clerk = roles.includes("clerk");
  const acting = delegate && matter.status === "deliberating";
  const running = view && !["drafted", "halted"].includes(view.stage);

  return (
    <div className="page room">
      <p className="card-meta">
        <MatterStatus status={matter.status} emergency={matter.emergency} /> · <Link to={`/matters/${matter.id}`}>{t("room.matterPage")}</Link> ·{" "}
        <Link to={`/ledger/${matter.id}`}>{t("matters.ledger")}</Link>
      </p>
      <h1>{matter.title}</h1>
      <Presence presence={presence} connected={connected} />
      <FormAlert error={result?.error} />
      {!view ? (
        <p className="empty">{t("room.notStarted")}</p>
      ) : (
        <>
          <DeliberationFacts view={view} />
          {view.room.paused ? <p className="notice">{t("room.paused")}</p> : null}
          {acting ? (
            <section aria-labelledby="controls" className="card stack">
              <h2 id="controls">{t("room.controls")}</h2>
              {running || view.room.paused ? (
                <Form method="post" className="inline-form">
                  <CsrfField />
                  {view.room.paused ? (
                    <button type="submit" name="intent" value="resume">
                      {t("room.resume")}
                    </button>
                  ) : (
                    <>
                      <label>
                        {t("room.pause.reason")} <input name="reason" maxLength={1000} />
                      </label>
                      <button type="submit" name="intent" value="pause">
                        {t("room.pause")}
                      </button>
                    </>
                  )}
                </Form>
              ) : null}
              <Form method="post" className="stack">
                <CsrfField />
                <label htmlFor="guidance">{t("room.guide.text")}</label>
                <textarea id="guidance" name="text" rows={2} required maxLength={2000} />
                <button type="submit" name="intent" value="guide">
                  {t("room.guide")}
                </button>
              </Form>
            </section>
          ) : null}
          {view.room.guidance.length ? (
            <section aria-labelledby="guidance-list">
              <h2 id="guidance-list">{t("room.guidance")}</h2>
              <ul>
                {view.room.guidance.map((g) => (
                  <li key={g.seq}>{g.text}</li>
                ))}
              </ul>
            </section>
          ) : null}
          <LiveTranscript streams={streams} />

          {view.draft ? (
            <>
              <DraftRuling draft={view.draft} threshold={view.settings.approvalThreshold} />
              {view.room.amended ? (
                <section aria-labelledby="amended">
                  <h2 id="amended">{t("room.amendedTitle")}</h2>
                  <TrackedChanges before={view.draft.text} after={view.room.amended.text} />
                </section>
              ) : null}
              {acting ? (
                <section aria-labelledby="amend" className="card stack">
                  <h2 id="amend">{t("room.amend")}</h2>
                  <Form method="post" className="stack">
                    <CsrfField />
                    <label htmlFor="amend-text">{t("room.amend.text")}</label>
                    <textarea id="amend-text" name="text" rows={8} required defaultValue={view.room.amended?.text ?? view.draft.text} />
                    <button type="submit" name="intent" value="amend">
                      {t("room.amend.save")}
                    </button>
                  </Form>
                  <ReturnForm id="return-guidance" intent="returnDraft" submit={t("room.return")} />
                </section>
              ) : null}
            </>
          ) : null}

          <BallotPanel ballot={ballot} canOpen={clerk && matter.status === "deliberating" && view.stage === "drafted" && !view.room.paused} clerk={clerk && matter.status === "ratification"} voted={result?.done === "vote"} />

          <section aria-labelledby="representatives">
            <h2 id="representatives">{t("deliberation.positions")}</h2>
            <ul className="cards">
              {view.representatives.map((r) => (
                <li key={r.id} className="card">
                  <p className="card-meta">{t("deliberation.represents", { citizens: r.citizens })}</p>
                  <h3 className="value-title">
                    {r.label} {r.position ? <StanceBadge stance={r.position.stance} /> : null}
                  </h3>
                  <details>
                    <summary>{t("room.mandate")}</summary>
                    <ul>
                      {r.mandate.map((v) => (
                        <li key={v.valueId}>
                          {v.title} ({Math.round(v.weight * 100)} %)
                        </li>
                      ))}
                    </ul>
                    <p className="card-meta">
                      {t("convening.hash")}: <code>{r.mandateHash.slice(0, 16)}…</code>
                    </p>
                  </details>
                  {r.position ? (
                    <>
                      <p className={r.position.struck ? "struck" : undefined}>{r.position.summary}</p>
                      <Marks overridden={r.position.overridden} struck={r.position.struck} />
                      {r.position.flags.length ? <p className="flag">{t("deliberation.flagged")}</p> : null}
                      <p>
                        <AuditLink matterId={matter.id} seq={r.position.seq} />
                      </p>
                      {acting ? <StatementActions statement={r.position.ref} label={r.label} /> : null}
                    </>
                  ) : (
                    <p className="card-meta">{t("deliberation.waiting")}</p>
                  )}
                </li>
              ))}
            </ul>
          </section>

          {view.rounds.map((round) => {
            const firsts: Record<string, number> = {};
            for (const k of round.critiques) {
              const top = k.ranking[0] ?? [];
              const citizens = view.representatives.find((r) => r.id === k.representativeId)?.citizens ?? 0;
              for (const id of top) firsts[id] = (firsts[id] ?? 0) + citizens;
            }
            const total = view.representatives.reduce((sum, r) => sum + r.citizens, 0);
            return (
              <section key={round.round} aria-labelledby={`round-${round.round}`}>
                <h2 id={`round-${round.round}`}>{t("deliberation.round", { round: round.round })}</h2>
                <ol className="candidates">
                  {round.candidates.map((c) => (
                    <li key={c.id}>
                      <strong>{c.id}</strong> {c.title} {round.tally?.winner === c.id ? <span className="badge badge-value">{t("deliberation.winner")}</span> : null}{" "}
                      <AuditLink matterId={matter.id} seq={c.seq} />
                      <details>
                        <summary>{t("room.candidateText")}</summary>
                        <div className="rule-text">{c.text}</div>
                      </details>
                    </li>
                  ))}
                </ol>
                {round.tally ? (
                  <SchulzeChart
                    order={round.tally.tiers.flat()}
                    firsts={firsts}
                    total={total}
                    winner={round.tally.winner}
                    label={t("deliberation.tally", { order: round.tally.tiers.map((tier) => tier.join(" = ")).join(" > ") })}
                  />
                ) : null}
                <details>
                  <summary>{t("room.critiques", { count: round.critiques.length })}</summary>
                  <ul className="stances">
                    {round.critiques.map((k) => {
                      const rep = view.representatives.find((r) => r.id === k.representativeId);
                      return (
                        <li key={k.representativeId}>
                          <p className="stance-head">
                            <strong>{rep?.label ?? k.representativeId}</strong> · {t("room.ranking")}: {k.ranking.map((tier) => tier.join(" = ")).join(" > ")} ·{" "}
                            <AuditLink matterId={matter.id} seq={k.seq} />
                          </p>
                          <ul>
                            {k.assessments.map((a) => (
                              <li key={a.candidateId}>
                                <strong>{a.candidateId}</strong> <StanceBadge stance={a.stance} /> <span className={a.struck ? "struck" : undefined}>{a.statement}</span>
                                <Marks overridden={a.overridden} struck={a.struck} />
                                {acting ? <StatementActions statement={a.ref} label={`${rep?.label ?? k.representativeId} · ${a.candidateId}`} /> : null}
                              </li>
                            ))}
                          </ul>
                        </li>
                      );
                    })}
                  </ul>
                </details>
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}

type Ballot = Awaited<ReturnType<typeof loader>>["ballot"];

function BallotPanel({ ballot, canOpen, clerk, voted }: { ballot: Ballot; canOpen: boolean; clerk: boolean; voted: boolean }) {
  const t = useT();
  if (!ballot && !canOpen) return null;
  return (
    <section aria-labelledby="ballot" className="card stack">
      <h2 id="ballot">{t("ballot.title")}</h2>
      {!ballot || !ballot.open ? (
        canOpen ? (
          <Form method="post">
            <CsrfField />
            <p>{t("ballot.openLead")}</p>
            <button type="submit" name="intent" value="openBallot">
              {t("ballot.open")}
            </button>
          </Form>
        ) : null
      ) : null}
      {ballot ? (
        <>
          <details>
            <summary>{t("ballot.text", { hash: ballot.textHash.slice(0, 16) })}</summary>
            <div className="rule-text">{ballot.text}</div>
          </details>
          <p>
            {t("ballot.rules", { quorum: Math.round(ballot.rules.quorum * 100), majority: Math.round(ballot.rules.majority * 100), eligible: ballot.eligible })}
            {ballot.open ? "" : ` ${t("ballot.closed")}`}
          </p>
          <dl className="facts" aria-live="polite">
            {(["ratify", "reject", "abstain"] as const).map((choice) => (
              <div key={choice} style={{ display: "contents" }}>
                <dt>{t(`ballot.choice.${choice}` as MessageKey)}</dt>
                <dd>{ballot.tally[choice]}</dd>
              </div>
            ))}
            <dt>{t("ballot.turnout")}</dt>
            <dd>
              {t("ballot.turnoutOf", { voted: ballot.tally.voted, eligible: ballot.tally.eligible })} {ballot.tally.quorumMet ? t("ballot.quorumMet") : t("ballot.quorumNotMet")}
            </dd>
          </dl>
          {ballot.canVote ? (
            <Form method="post" className="stack">
              <CsrfField />
              <fieldset className="answers">
                <legend>{t("ballot.yourVote")}</legend>
                {(["ratify", "reject", "abstain"] as const).map((choice) => (
                  <label key={choice} className="check">
                    <input type="radio" name="choice" value={choice} required /> {t(`ballot.choice.${choice}` as MessageKey)}
                  </label>
                ))}
              </fieldset>
              <label htmlFor="vote-reason">{t("ballot.reason")}</label>
              <input id="vote-reason" name="reason" maxLength={1000} />
              <button type="submit" name="intent" value="vote">
                {t("ballot.vote")}
              </button>
            </Form>
          ) : null}
          {ballot.myReceipt ? (
            <p className="notice" role={voted ? "status" : undefined}>
              {t("ballot.receipt", { choice: t(`ballot.choice.${ballot.myReceipt.choice}` as MessageKey), seq: ballot.myReceipt.seq })} <code>{ballot.myReceipt.hash.slice(0, 24)}…</code>
            </p>
          ) : null}
          {ballot.votes.length ? (
            <ul>
              {ballot.votes.map((v) => (
                <li key={v.seq}>
                  {v.delegate}: {t(`ballot.choice.${v.choice}` as MessageKey)}
                  {v.reason ? ` — ${v.reason}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
          {clerk && ballot.open ? (
            <div className="stack">
              <Form method="post">
                <CsrfField />
                <button type="submit" name="intent" value="closeBallot" disabled={!ballot.tally.quorumMet}>
                  {t("ballot.close")}
                </button>
              </Form>
              <ReturnForm id="ballot-guidance" intent="returnBallot" submit={t("ballot.return")} />
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** Sends the draft (or the ballot's text) back for another round, with guidance to the mediator. */
function ReturnForm({ id, intent, submit }: { id: string; intent: "returnDraft" | "returnBallot"; submit: string }) {
  const t = useT();
  return (
    <Form method="post" className="stack">
      <CsrfField />
      <label htmlFor={id}>{t("room.return.guidance")}</label>
      <textarea id={id} name="guidance" rows={2} maxLength={2000} />
      <button type="submit" name="intent" value={intent}>
        {submit}
      </button>
    </Form>
  );
}
