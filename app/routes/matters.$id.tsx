import { redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DeliberationPanel, useLiveDeliberation } from "../components/deliberation";
import { useEffect, useRef, useState } from "react";
import { type AmendmentCard, amendmentFate, MyAmendments, RuleClauses, type StandingText } from "../components/clauses";
import { ActionForm, Announcement, Field, Submit } from "../components/forms";
import { ConfirmBox, MatterStatus } from "../components/matters";
import { TrackedChanges } from "../components/tracked-changes";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { useRootData } from "../root";
import { act, type ActionResult, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { formatPercent, formatTime } from "../utils/format";
import { knownLang, writtenLang } from "../i18n/written";
import { type AMENDMENT_ACTIONS, SCHEMES, TokenBudget } from "../../server/trpc/schemas/matters";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [matter, constituencies, deliberation, ballot] = await Promise.all([
    api(request, () => context.trpc.matters.get({ id })),
    api(request, () => context.trpc.matters.convening({ id })),
    api(request, () => context.trpc.matters.deliberation({ id })),
    api(request, () => context.trpc.room.ballot({ id })),
  ]);
  // Decided here, not in the browser: the page must not disagree with itself about the clock.
  const intakeOpen = matter.status === "intake" && matter.intakeClosesAt !== null && matter.intakeClosesAt > new Date().toISOString();
  // A citizen amends during intake, tied to one of her values; her own amendments are hers to see.
  const citizen = context.user?.roles.includes("citizen") && context.user.citizenId ? context.user : null;
  const [mine, values] = await Promise.all([
    citizen ? api(request, () => context.trpc.matters.myAmendments({ matterId: id })) : [],
    citizen && intakeOpen ? api(request, () => context.trpc.values.mine()) : null,
  ]);
  const cards: AmendmentCard[] = (values?.cards ?? [])
    .filter((c) => c.status === "active" && c.verdict === "value" && c.canonical)
    .map((c) => ({ id: c.id, title: c.title, here: c.contextId === matter.contextId }));
  return { matter, constituencies, deliberation, ballot, intakeOpen, amending: values ? { cards, contextId: matter.contextId } : null, mine };
}

/** Refusals of an amendment that are about one of its fields: said there, as well as at the button. */
function atField(result: ActionResult): ActionResult {
  if (result.ok || !result.error.key) return result;
  const key = result.error.key;
  const field = key.startsWith("amendments.notProvision.") || key === "amendments.duplicate" ? "text" : key === "amendments.notYourValue" ? "cardId" : null;
  return field ? { ...result, error: { ...result.error, fields: { ...result.error.fields, [field]: { key, params: result.error.params } } } } : result;
}

/** A confirmation box left unticked: said at the box, nothing sent to the API. */
function unconfirmed(intent: string, field: string, key: string): ActionResult {
  return {
    intent,
    ok: false,
    error: { key: "errors.invalidInput", message: "Some of what you entered is not valid.", params: {}, fields: { [field]: { key, params: {} } } },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const id = params.id ?? "";
  const intent = text(form, "intent");
  const budget = text(form, "tokenBudget").trim();
  const tokenBudget = budget ? { tokenBudget: Number(budget) } : {};
  switch (intent) {
    case "intake":
      return act(request, intent, () => context.trpc.matters.openIntake({ id }));
    case "convene":
      return act(request, intent, () =>
        context.trpc.matters.convene({ id, scheme: text(form, "scheme") as (typeof SCHEMES)[number], confirmEarly: form.get("confirmEarly") === "on" }),
      );
    case "start":
      return act(request, intent, () => context.trpc.matters.start({ id, ...tokenBudget }));
    case "resume":
      return act(request, intent, () => context.trpc.matters.resume({ id, ...tokenBudget }));
    case "addAlternative":
      return act(
        request,
        intent,
        () => context.trpc.matters.addAlternative({ matterId: id, clause: Number(text(form, "clause")), text: text(form, "text") }),
        text(form, "formKey"),
      );
    case "removeAlternative":
      return act(request, intent, () => context.trpc.matters.removeAlternative({ matterId: id, optionId: text(form, "optionId") }), text(form, "formKey"));
    case "propose": {
      const action = text(form, "action") as (typeof AMENDMENT_ACTIONS)[number];
      const words = text(form, "text");
      const proposed = await act(
        request,
        intent,
        () =>
          context.trpc.matters.proposeAmendment({
            matterId: id,
            action,
            clause: Number(text(form, "clause")),
            ...(action === "strike" ? {} : { text: words }),
            cardId: text(form, "cardId"),
          }),
        text(form, "formKey"),
      );
      return atField(proposed);
    }
    case "withdraw":
      return act(request, intent, () => context.trpc.matters.withdrawAmendment({ matterId: id, optionId: text(form, "optionId") }), text(form, "formKey"));
    case "openBallot":
      return act(request, intent, () => context.trpc.room.openBallot({ id }));
    case "publish": {
      if (form.get("confirmed") !== "on") return unconfirmed(intent, "confirmed", "clerk.confirmFirst");
      const published = await act(request, intent, () => context.trpc.rulings.publish({ id, textHash: text(form, "textHash") }));
      // Published: the clerk lands on the ruling's own page, under its ELI.
      if (published.ok) throw redirect(`${published.data.eli}#published`);
      return published;
    }
    default:
      throw new Response("Unknown form.", { status: 400 });
  }
}

/** Which text a matter's status makes the one that stands (none before a draft, or once it was rejected). */
const STANDING: Partial<Record<string, StandingText>> = {
  deliberating: "draft",
  ratification: "ballot",
  ratified: "ratified",
  published: "ratified",
  renewed: "ratified",
  sunset: "ratified",
  repealed: "ratified",
};

export default function MatterPage() {
  const t = useT();
  const locale = useLocale();
  const { matter, constituencies, deliberation: view, ballot, intakeOpen, amending, mine } = useLoaderData<typeof loader>();
  const roles = useRootData()?.user?.roles ?? [];
  const clerk = roles.includes("clerk");
  // What the clerk just did, said where its form was: the form itself goes away with the step it took.
  const [announced, setAnnounced] = useState<string | null>(null);
  // "It has started; its progress shows below as it runs" is no longer true once it stops running: the
  // panel then says where it ended (a draft, or halted), and the word goes.
  const running = useRef<string | null>(null);
  const stage = view?.stage ?? null;
  useEffect(() => {
    if (stage === running.current) return;
    running.current = stage;
    if (stage === "drafted" || stage === "halted")
      setAnnounced((said) => (said === t("deliberation.startedDone") || said === t("deliberation.resumedDone") ? null : said));
  }, [stage, t]);
  useLiveDeliberation(matter.id, matter.status === "deliberating" && (!view || !["drafted", "halted"].includes(view.stage)), view?.lastSeq ?? 0);
  const draftText = view?.room.amended?.text ?? view?.draft?.text ?? null;
  // The text her amendments are measured against: the delegates' amended draft when there is one.
  const standing = STANDING[matter.status];
  const standingClauses = standing ? (view?.amendedDraft?.clauses ?? view?.draft?.clauses ?? null) : null;
  const canOpenBallot = clerk && matter.status === "deliberating" && view?.stage === "drafted" && !view.room.paused && draftText !== null;
  return (
    <div className="page">
      <p className="card-meta">
        <MatterStatus status={matter.status} emergency={matter.emergency} /> ·{" "}
        {contextTitle({ id: matter.contextId, title: matter.contextTitle, titleEt: matter.contextTitleEt, titleRu: matter.contextTitleRu }, locale)}
      </p>
      <h1 lang={knownLang(locale, matter.language)}>{matter.title}</h1>
      {matter.amends ? (
        <p className="notice">
          {t("matters.amends")} <Link to={matter.amends.eli}>{matter.amends.title}</Link> ({matter.amends.eli})
        </p>
      ) : null}
      {matter.ruling ? (
        <p className="notice">
          {t("matters.publishedAs")} <Link to={matter.ruling.eli}>{matter.ruling.eli}</Link>
        </p>
      ) : null}
      {matter.status === "intake" && matter.intakeClosesAt ? (
        <p className="notice">
          {t("matters.intakeCloses", { when: formatTime(matter.intakeClosesAt, locale) })}{" "}
          {roles.includes("citizen") ? <Link to={`/values/new?context=${matter.contextId}`}>{t("matters.writeValue")}</Link> : null}
        </p>
      ) : null}
      <Announcement text={announced} />
      {matter.status === "draft" && clerk ? (
        <ActionForm intent="intake" className="stack card clerk-act" onSuccess={() => setAnnounced(t("matters.intakeOpened"))}>
          <p>{t("matters.openIntakeLead", { hours: matter.intakeHours })}</p>
          <Submit>{t("matters.openIntake")}</Submit>
        </ActionForm>
      ) : null}
      {matter.status === "intake" && clerk ? (
        <ActionForm
          intent="convene"
          className="stack card clerk-act"
          aria-labelledby="convene-title"
          onSuccess={(data: { constituencies: number }) => setAnnounced(t("convening.done", { count: data.constituencies }))}
        >
          <h2 id="convene-title">{t("convening.formTitle")}</h2>
          {intakeOpen ? (
            <p className="notice warning">
              {t("convening.earlyWarning", { count: matter.intakeValues ?? 0, when: formatTime(matter.intakeClosesAt!, locale) })}
            </p>
          ) : (
            <p>{t("convening.afterIntake", { count: matter.intakeValues ?? 0 })}</p>
          )}
          <fieldset className="answers">
            <legend>{t("convening.scheme")}</legend>
            {SCHEMES.map((scheme) => (
              <label key={scheme} className="check">
                <input type="radio" name="scheme" value={scheme} defaultChecked={scheme === "value-communities"} required /> {t(`convening.scheme.${scheme}`)}
              </label>
            ))}
          </fieldset>
          {intakeOpen ? <ConfirmBox name="confirmEarly" label={t("convening.confirmEarly")} /> : null}
          <Submit>{t("convening.convene")}</Submit>
        </ActionForm>
      ) : null}
      {clerk && (matter.status === "convened" || view?.stage === "halted") ? (
        <ActionForm
          intent={view?.stage === "halted" ? "resume" : "start"}
          className="stack card clerk-act"
          onSuccess={() => setAnnounced(t(view?.stage === "halted" ? "deliberation.resumedDone" : "deliberation.startedDone"))}
        >
          <p>{view?.stage === "halted" ? t("deliberation.resumeLead") : t("deliberation.startLead")}</p>
          <Field
            name="tokenBudget"
            type="number"
            inputMode="numeric"
            step={1}
            label={t("deliberation.budgetField")}
            help={t("deliberation.budgetHelp")}
            {...constraints(TokenBudget.optional())}
          />
          <Submit>{view?.stage === "halted" ? t("deliberation.resume") : t("deliberation.start")}</Submit>
        </ActionForm>
      ) : null}
      {canOpenBallot ? (
        <section aria-labelledby="open-ballot" className="card stack clerk-act">
          <h2 id="open-ballot">{t("ballot.openTitle")}</h2>
          <p>{t("ballot.openLead")}</p>
          <TrackedChanges before={matter.ruleText} after={draftText!} caption={t("tracked.againstRule")} />
          <ActionForm intent="openBallot" className="stack" onSuccess={() => setAnnounced(t("ballot.openedDone"))}>
            <Submit>{t("ballot.open")}</Submit>
          </ActionForm>
        </section>
      ) : null}
      {matter.status === "ratification" ? (
        <p className="notice">
          {t("ballot.isOpen")} {clerk ? t("ballot.closeInRoom") : null} <Link to={`/rooms/${matter.id}`}>{t("ballot.toRoom")}</Link>
        </p>
      ) : null}
      {ballot && ["ratification", "ratified", "rejected"].includes(matter.status) ? (
        <section aria-labelledby="ballot-text" className={clerk && matter.status === "ratified" ? "card stack clerk-act" : "stack"}>
          <h2 id="ballot-text">{matter.status === "ratified" && clerk ? t("rulings.publishTitle") : t("ballot.textTitle")}</h2>
          {matter.status === "ratified" && clerk ? <p>{t("rulings.publishLead")}</p> : null}
          <TrackedChanges before={matter.ruleText} after={ballot.text} caption={t("tracked.againstRule")} />
          {matter.status === "ratified" && clerk ? (
            <ActionForm intent="publish" hidden={{ textHash: ballot.textHash }} className="stack">
              <ConfirmBox name="confirmed" label={t("rulings.confirmRead")} />
              <Submit>{t("rulings.publish")}</Submit>
            </ActionForm>
          ) : null}
        </section>
      ) : null}
      {view ? <DeliberationPanel view={view} matterId={matter.id} /> : null}
      <RuleClauses
        rule={matter.rule}
        clerkEditing={clerk && (matter.status === "draft" || matter.status === "intake")}
        citizen={amending}
        announce={setAnnounced}
      />
      <MyAmendments
        amendments={mine}
        open={intakeOpen}
        announce={setAnnounced}
        fateOf={standingClauses ? (a) => amendmentFate(a, view?.rule ?? [], standingClauses) : null}
        standing={standing}
        matterId={matter.id}
      />
      <section aria-labelledby="rationale">
        <h2 id="rationale">{t("matters.rationale")}</h2>
        <p className="pre-line">{matter.rationale}</p>
      </section>
      <p>{t("matters.settings", { rounds: matter.rounds, candidates: matter.candidates, approval: Math.round(matter.approvalThreshold * 100) })}</p>
      {matter.sunsetDays ? <p>{t("matters.sunset", { days: matter.sunsetDays })}</p> : null}
      {constituencies.length > 0 ? (
        <section aria-labelledby="convening">
          <h2 id="convening">{t("convening.title")}</h2>
          <p>{t("convening.lead")}</p>
          <ul className="cards">
            {constituencies.map((c) => (
              <li key={c.id} className="card">
                <h3 className="value-title">{t("convening.constituency", { label: c.label, size: c.size, weight: Math.round(c.weight * 1000) / 10 })}</h3>
                <div className="table-wrap" role="region" aria-label={c.label} tabIndex={0}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("convening.value")}</th>
                        <th scope="col" className="num">
                          {t("convening.weight")}
                        </th>
                        <th scope="col" className="num">
                          {t("convening.support")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.mandate.values.map((v) => (
                        <tr key={v.valueId}>
                          <th scope="row" lang={writtenLang(locale, v.title)}>
                            {v.title}
                          </th>
                          <td className="num">{formatPercent(v.weight, locale)}</td>
                          <td className="num">{v.support}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="card-meta">
                  {t("convening.hash")}: <code title={c.mandate.hash}>{c.mandate.hash.slice(0, 16)}…</code>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <Link to={`/ledger/${matter.id}`}>{t("matters.ledger")}</Link> · <Link to={`/graph/${matter.contextId}`}>{t("values.graph")}</Link>
      </p>
    </div>
  );
}
