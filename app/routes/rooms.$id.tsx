import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import { useMemo } from "react";
import type { StatementTarget } from "../../server/trpc/inputs";
import type { AppRouter } from "../../server/trpc/router.server";
import { roomInputs } from "../../server/trpc/schemas/room";
import { type DeliberationView, DeliberationFacts, DraftRuling, useCandidateNames, useValueTitles } from "../components/deliberation";
import { ActionForm, Feedback, Field, fieldMessage, Submit, TextField } from "../components/forms";
import { MatterStatus } from "../components/matters";
import { Presence, useRoom } from "../components/room";
import { TrackedChanges } from "../components/tracked-changes";
import { BallotChart } from "../components/room/charts";
import { AmendClauseForm, AmendedDraft, DraftClauses, DraftFigures } from "../components/room/draft";
import { RuleOptions } from "../components/room/readings";
import { RepresentativePanel, RoundRecord } from "../components/room/record";
import { NewSummary, SeenProvider } from "../components/room/seen";
import { LiveTranscript, type Speaking, speakerName } from "../components/room/transcript";
import { type MessageKey, useLocale, useT } from "../i18n";
import { knownLang } from "../i18n/written";
import { CsrfField, useRootData } from "../root";
import { act, type ActionResult, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { Written } from "../components/written";

type Ballot = inferRouterOutputs<AppRouter>["room"]["ballot"];

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

/** The statement a delegate acts on, from the form's hidden fields; the procedure's schema judges it. */
function statementOf(form: FormData): StatementTarget {
  const representativeId = text(form, "representativeId");
  if (text(form, "statementKind") === "position") return { kind: "position", representativeId };
  return { kind: "critique", round: Number(text(form, "round")), representativeId, candidateId: text(form, "candidateId") };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const id = params.id ?? "";
  const room = context.trpc.room;
  const optional = (name: string) => text(form, name).trim() || undefined;
  const intent = text(form, "intent");
  switch (intent) {
    case "pause":
      return act(request, intent, () => room.pause({ id, reason: optional("reason") }));
    case "resume":
      return act(request, intent, () => room.resume({ id }));
    case "guide":
      return act(request, intent, () => room.guide({ id, text: text(form, "text") }));
    case "override":
      return act(request, intent, () => room.override({ id, statement: statementOf(form), text: text(form, "text") }), text(form, "formKey"));
    case "strike":
      return act(request, intent, () => room.strike({ id, statement: statementOf(form), reason: text(form, "reason") }), text(form, "formKey"));
    case "amend":
      // One clause, by its slot; the strike button sends it with no words.
      return act(request, intent, () => room.amend({ id, slot: Number(text(form, "slot")), text: form.get("strike") === "yes" ? "" : text(form, "text") }));
    case "returnDraft":
      return act(request, intent, () => room.returnDraft({ id, guidance: optional("guidance") }));
    case "vote":
      return act(request, intent, () => room.vote({ id, choice: text(form, "choice") as "ratify", reason: optional("reason") }));
    case "openBallot":
      return act(request, intent, () => room.openBallot({ id }));
    case "closeBallot":
      return act(request, intent, () => room.closeBallot({ id }));
    case "returnBallot":
      return act(request, intent, () => room.returnBallot({ id, guidance: optional("guidance") }));
    default:
      throw new Response("This room has no such form.", { status: 400 });
  }
}

export default function Room() {
  const t = useT();
  const { matter, deliberation, ballot } = useLoaderData<typeof loader>();
  const roles = useRootData()?.user?.roles ?? [];
  const view = deliberation as DeliberationView | null;
  const { presence, streams, connected } = useRoom(matter.id, view?.lastSeq ?? 0);
  const delegate = roles.includes("delegate");
  const clerk = roles.includes("clerk");
  const acting = delegate && matter.status === "deliberating";
  const canOpen = Boolean(view && clerk && matter.status === "deliberating" && view.stage === "drafted" && !view.room.paused);
  // The ballot's figures must be true of its text: it waits while an amended clause is being read.
  const waiting = Boolean(view?.amendedDraft?.pending);
  const locale = useLocale();

  return (
    <div className="page room">
      <p className="card-meta">
        <MatterStatus status={matter.status} emergency={matter.emergency} /> · <Link to={`/matters/${matter.id}`}>{t("room.matterPage")}</Link> ·{" "}
        <Link to={`/ledger/${matter.id}`}>{t("matters.ledger")}</Link>
      </p>
      <h1 lang={knownLang(locale, matter.language)}>{matter.title}</h1>
      <Presence presence={presence} connected={connected} />
      {!view ? (
        <p className="empty">{t("room.notStarted")}</p>
      ) : (
        <Desk
          view={view}
          matterId={matter.id}
          streams={streams}
          acting={acting}
          ballot={ballot}
          canOpen={canOpen}
          waiting={waiting}
          clerk={clerk && ["ratification", "ratified", "rejected"].includes(matter.status)}
          ratified={matter.status === "ratified"}
        />
      )}
    </div>
  );
}

function Desk({
  view,
  matterId,
  streams,
  acting,
  ballot,
  canOpen,
  waiting,
  clerk,
  ratified,
}: {
  view: DeliberationView;
  matterId: string;
  streams: ReturnType<typeof useRoom>["streams"];
  acting: boolean;
  ballot: Ballot;
  canOpen: boolean;
  waiting: boolean;
  /** The clerk, while the ballot is open or just closed. */
  clerk: boolean;
  ratified: boolean;
}) {
  const t = useT();
  const name = useCandidateNames(view);
  const titles = useValueTitles(view);
  const running = !["drafted", "halted"].includes(view.stage);
  const speaking: Speaking = {
    who: (speaker) => speakerName(t, view, speaker),
    clauseOf: (optionId) => view.rule.find((s) => s.options.some((o) => o.id === optionId)),
    slotAt: (index) => view.rule[index],
    valueTitle: (id) => titles.get(id),
    candidateName: (round, id) => (view.rounds.find((r) => r.round === round)?.candidates.some((c) => c.id === id) ? name(round, id) : undefined),
  };
  const statementSeqs = useMemo(
    () =>
      [
        ...view.representatives.map((r) => r.position?.seq ?? null),
        ...view.rounds.flatMap((round) => [...round.candidates.map((c) => c.seq), ...round.critiques.map((k) => k.seq)]),
      ].filter((s): s is number => s !== null),
    [view],
  );
  return (
    <SeenProvider matterId={matterId} lastSeq={view.lastSeq} statementSeqs={statementSeqs}>
      <div className="room-desk">
        <aside className="room-side" aria-label={t("room.desk")}>
          <section aria-labelledby="stage" className="card stack">
            <h2 id="stage">{t("room.stage")}</h2>
            <DeliberationFacts view={view} />
            {view.room.paused ? <p className="notice notice-paused">{t("room.paused")}</p> : null}
            <NewSummary />
          </section>
          {acting ? (
            <section aria-labelledby="controls" className="card stack">
              <h2 id="controls">{t("room.controls")}</h2>
              {running || view.room.paused ? <PauseControl paused={view.room.paused} /> : null}
              <ActionForm intent="guide" className="stack" success={t("room.guide.done")} resetOnSuccess>
                <TextField id="guide-text" name="text" label={t("room.guide.text")} rows={2} {...constraints(roomInputs.guidance)} />
                <Submit>{t("room.guide")}</Submit>
              </ActionForm>
            </section>
          ) : null}
          <BallotPanel ballot={ballot} canOpen={canOpen} waiting={waiting} clerk={clerk} ratified={ratified} matterId={matterId} />
        </aside>

        <div className="room-record">
          <LiveTranscript streams={streams} paused={view.room.paused} speaking={speaking} />
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

          {view.draft ? (
            <section aria-labelledby="draft-section" className="stack">
              <h2 id="draft-section">{t("room.draftSection")}</h2>
              {/* Amended, the delegates' text is what the ballot votes on: it comes first, its changes tracked. */}
              <AmendedDraft view={view} />
              {view.room.amended && !view.amendedDraft ? (
                <section aria-labelledby="amended" className="card stack">
                  <h3 id="amended">{t("room.amendedTitle")}</h3>
                  <TrackedChanges before={view.draft.text} after={view.room.amended.text} caption={t("room.tracked")} />
                </section>
              ) : null}
              <DraftRuling
                draft={view.draft}
                threshold={view.settings.approvalThreshold}
                name={name}
                clauses={view.draft.clauses?.length ? <DraftClauses clauses={view.draft.clauses} view={view} /> : undefined}
                figures={<DraftFigures draft={view.draft} view={view} matterId={matterId} name={name} />}
              />
              {acting ? (
                <section aria-labelledby="amend" className="card stack">
                  <h3 id="amend">{t("room.amend")}</h3>
                  <AmendClauseForm view={view} />
                  <ActionForm intent="returnDraft" className="stack" success={t("room.return.done")} resetOnSuccess>
                    <TextField id="return-guidance" name="guidance" label={t("room.return.guidance")} rows={2} {...constraints(roomInputs.returnGuidance)} />
                    <Submit>{t("room.return")}</Submit>
                  </ActionForm>
                </section>
              ) : null}
            </section>
          ) : null}

          <RuleOptions view={view} matterId={matterId} />

          <section aria-labelledby="representatives" className="stack">
            <h2 id="representatives">{t("deliberation.positions")}</h2>
            {view.representatives.map((rep, i) => (
              <RepresentativePanel
                key={rep.id}
                view={view}
                rep={rep}
                index={i}
                matterId={matterId}
                acting={acting}
                name={name}
                valueTitle={(id) => titles.get(id)}
              />
            ))}
          </section>

          {view.rounds.map((round) => (
            <RoundRecord key={round.round} view={view} round={round} matterId={matterId} name={name} />
          ))}
        </div>
      </div>
    </SeenProvider>
  );
}

const errorAt = (result: ActionResult | undefined, field: string) => (result && !result.ok ? result.error.fields[field] : undefined);

/** Pause and resume share one answer area, so the confirmation stays where she pressed when the form turns into the other. */
function PauseControl({ paused }: { paused: boolean }) {
  const t = useT();
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  return (
    <div className="stack">
      {paused ? (
        <fetcher.Form method="post">
          <CsrfField />
          <input type="hidden" name="intent" value="resume" />
          <button type="submit" disabled={busy}>
            {t("room.resume")}
          </button>
        </fetcher.Form>
      ) : (
        <fetcher.Form method="post" className="stack">
          <CsrfField />
          <input type="hidden" name="intent" value="pause" />
          <Field id="pause-reason" name="reason" label={t("room.pause.reason")} error={errorAt(result, "reason")} {...constraints(roomInputs.pauseReason)} />
          <button type="submit" disabled={busy}>
            {t("room.pause")}
          </button>
        </fetcher.Form>
      )}
      <Feedback result={result} success={result?.intent === "resume" ? t("room.resume.done") : t("room.pause.done")} settled={!busy} />
    </div>
  );
}

function BallotPanel({
  ballot,
  canOpen,
  waiting,
  clerk,
  ratified,
  matterId,
}: {
  ballot: Ballot;
  canOpen: boolean;
  waiting: boolean;
  clerk: boolean;
  ratified: boolean;
  matterId: string;
}) {
  const t = useT();
  if (!ballot && !canOpen) return null;
  return (
    <section aria-labelledby="ballot" className="card stack">
      <h2 id="ballot">{t("ballot.title")}</h2>
      {/* The clerk's part stays once she closed the ballot: its answer is where she pressed, with the way on. */}
      {canOpen || (clerk && ballot) ? (
        <ClerkBallot ballot={ballot} canOpen={canOpen && !ballot?.open} waiting={waiting} publishable={clerk && ratified} matterId={matterId} />
      ) : null}
      {ballot ? (
        <>
          <details>
            <summary>{t("ballot.text", { hash: ballot.textHash.slice(0, 16) })}</summary>
            <Written as="div" className="rule-text" text={ballot.text} />
          </details>
          <p>
            {t("ballot.rules", { quorum: Math.round(ballot.rules.quorum * 100), majority: Math.round(ballot.rules.majority * 100), eligible: ballot.eligible })}
            {ballot.open ? "" : ` ${t("ballot.closed")}`}
          </p>
          <div aria-live="polite">
            <BallotChart tally={ballot.tally} />
            <p>
              <strong>{t("ballot.turnout")}:</strong> {t("ballot.turnoutOf", { voted: ballot.tally.voted, eligible: ballot.tally.eligible })}{" "}
              {ballot.tally.quorumMet ? t("ballot.quorumMet") : t("ballot.quorumNotMet")}
            </p>
          </div>
          {ballot.canVote || ballot.myReceipt ? <VoteForm ballot={ballot} matterId={matterId} /> : null}
          {ballot.votes.length ? (
            <ul className="votes">
              {ballot.votes.map((v) => (
                <li key={v.seq}>
                  {v.delegate}: {t(`ballot.choice.${v.choice}` as MessageKey)}
                  {v.reason ? ` — ${v.reason}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** The vote stays one component from form to receipt, so "Your vote was recorded" appears where she voted. */
function VoteForm({ ballot, matterId }: { ballot: NonNullable<Ballot>; matterId: string }) {
  const t = useT();
  const fetcher = useFetcher<ActionResult>();
  const result = fetcher.data;
  const choiceError = fieldMessage(t, errorAt(result, "choice"));
  return (
    <div className="stack">
      {ballot.canVote ? (
        <fetcher.Form method="post" className="stack">
          <CsrfField />
          <input type="hidden" name="intent" value="vote" />
          <fieldset className="answers" aria-describedby={choiceError ? "vote-choice-error" : undefined} aria-invalid={choiceError ? true : undefined}>
            <legend>{t("ballot.yourVote")}</legend>
            {(["ratify", "reject", "abstain"] as const).map((choice) => (
              <label key={choice} className="check">
                <input type="radio" name="choice" value={choice} required /> {t(`ballot.choice.${choice}` as MessageKey)}
              </label>
            ))}
            {choiceError ? (
              <p id="vote-choice-error" className="field-error">
                {choiceError}
              </p>
            ) : null}
          </fieldset>
          <Field id="vote-reason" name="reason" label={t("ballot.reason")} error={errorAt(result, "reason")} {...constraints(roomInputs.voteReason)} />
          <button type="submit" disabled={fetcher.state !== "idle"}>
            {t("ballot.vote")}
          </button>
        </fetcher.Form>
      ) : null}
      <Feedback result={result} success={t("ballot.recorded")} settled={fetcher.state === "idle"} />
      {ballot.myReceipt ? (
        <p className="notice">
          {t("ballot.receipt", { choice: t(`ballot.choice.${ballot.myReceipt.choice}` as MessageKey), seq: ballot.myReceipt.seq })}{" "}
          <code>{ballot.myReceipt.hash.slice(0, 24)}…</code>{" "}
          <a href={`/rooms/${matterId}/receipt.json`} download>
            {t("ballot.downloadReceipt")}
          </a>
        </p>
      ) : null}
    </div>
  );
}

/** The clerk's ballot: open it on the final draft; once the quorum is met, close it, or return the draft to deliberation. */
function ClerkBallot({
  ballot,
  canOpen,
  waiting,
  publishable,
  matterId,
}: {
  ballot: Ballot;
  canOpen: boolean;
  waiting: boolean;
  publishable: boolean;
  matterId: string;
}) {
  const t = useT();
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  const said = result?.intent === "openBallot" ? t("ballot.opened") : result?.intent === "closeBallot" ? t("ballot.closedDone") : t("ballot.returned");
  return (
    <div className="stack">
      {canOpen ? (
        <fetcher.Form method="post" className="stack">
          <CsrfField />
          <input type="hidden" name="intent" value="openBallot" />
          <p>{t("ballot.openLead")}</p>
          {waiting ? (
            <p className="notice" role="status">
              {t("ballot.waitsForReading")}
            </p>
          ) : null}
          <button type="submit" disabled={busy || waiting}>
            {t("ballot.open")}
          </button>
        </fetcher.Form>
      ) : null}
      {ballot?.open ? (
        <>
          <fetcher.Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="closeBallot" />
            <button type="submit" disabled={busy || !ballot.tally.quorumMet}>
              {t("ballot.close")}
            </button>
          </fetcher.Form>
          <fetcher.Form method="post" className="stack">
            <CsrfField />
            <input type="hidden" name="intent" value="returnBallot" />
            <TextField
              id="ballot-guidance"
              name="guidance"
              label={t("room.return.guidance")}
              rows={2}
              error={errorAt(result, "guidance")}
              {...constraints(roomInputs.returnGuidance)}
            />
            <button type="submit" className="button-secondary" disabled={busy}>
              {t("ballot.return")}
            </button>
          </fetcher.Form>
        </>
      ) : null}
      <Feedback result={result} success={said} settled={!busy} />
      {publishable ? (
        <p>
          <Link to={`/matters/${matterId}#ballot-text`}>{t("ballot.toPublish")}</Link>
        </p>
      ) : null}
    </div>
  );
}
