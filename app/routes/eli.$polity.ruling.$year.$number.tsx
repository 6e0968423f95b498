import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { ActionForm, Announcement, Field, Submit, TextField, useFieldError } from "../components/forms";
import { ConfirmBox, MatterStatus } from "../components/matters";
import { VerifyPanel } from "../components/verify-panel";
import { useRootData } from "../root";
import { type MessageKey, useLocale, useT } from "../i18n";
import { act, type ActionResult, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { bundleFileName, formatTime } from "../utils/format";
import { renewedSunset } from "../../deliberation/matters";
import { HarmWhat, RenewDays, RepealReason } from "../../server/trpc/schemas/rulings";
import { WithCommands, WithWritten, Written } from "../components/written";
import { writtenLang } from "../i18n/written";

/** Its title, and its ELI metadata as JSON-LD (server/records/eli.ts) for anyone who reads the page as data. */
export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: `${data.ruling.title} · Agora` }, { "script:ld+json": data.metadata }] : [{ title: "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const [ruling, harm, log, metadata] = await Promise.all([
    api(request, () => context.trpc.rulings.get({ eli })),
    api(request, () => context.trpc.rulings.harm({ eli })),
    api(request, () => context.trpc.rulings.checkpoint()),
    api(request, () => context.trpc.rulings.eliMetadata({ eli })),
  ]);
  // The renewal preview counts from the server's clock, as the renewal itself will.
  return { ruling, harm, metadata, registryKey: log.publicKey, keyId: log.keyId, now: new Date().toISOString() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const intent = text(form, "intent");
  switch (intent) {
    case "harm":
      return act(request, intent, () => context.trpc.rulings.reportHarm({ eli, what: text(form, "what"), valueIds: form.getAll("valueIds").map(String) }));
    case "renew": {
      const days = text(form, "days").trim();
      return act(request, intent, () => context.trpc.rulings.renew({ eli, days: days === "" ? Number.NaN : Number(days) }));
    }
    case "repeal":
      if (form.get("confirmed") !== "on") {
        const unconfirmed: ActionResult = {
          intent,
          ok: false,
          error: {
            key: "errors.invalidInput",
            message: "Some of what you entered is not valid.",
            params: {},
            fields: { confirmed: { key: "clerk.confirmFirst", params: {} } },
          },
        };
        return unconfirmed;
      }
      return act(request, intent, () => context.trpc.rulings.repeal({ eli, reason: text(form, "reason") }));
    default:
      throw new Response("Unknown form.", { status: 400 });
  }
}

/** The renewal: the new sunset is said before the clerk confirms, and it is never earlier than the current one. */
function RenewForm({ sunsetAt, now }: { sunsetAt: string; now: string }) {
  const t = useT();
  const locale = useLocale();
  const [days, setDays] = useState("90");
  const n = Number(days);
  const valid = Number.isInteger(n) && n >= 1 && n <= 365 * 5;
  const next = valid ? formatTime(renewedSunset(new Date(sunsetAt), new Date(now), n).toISOString(), locale) : null;
  return (
    <ActionForm<{ sunsetAt: string | null }>
      intent="renew"
      className="stack"
      aria-labelledby="renew-title"
      success={(data) => (data.sunsetAt ? t("rulings.renewed", { when: formatTime(data.sunsetAt, locale) }) : null)}
    >
      <h3 id="renew-title">{t("rulings.renewTitle")}</h3>
      <p>{t("rulings.renewLead", { when: formatTime(sunsetAt, locale) })}</p>
      <Field
        name="days"
        type="number"
        inputMode="numeric"
        step={1}
        label={t("rulings.renewDays")}
        value={days}
        onChange={(e) => setDays(e.currentTarget.value)}
        {...constraints(RenewDays)}
      />
      <p className="renew-preview" aria-live="polite">
        {next ? t("rulings.renewPreview", { when: next }) : t("rulings.renewPreviewNone")}
      </p>
      <Submit>{next ? t("rulings.renewUntil", { when: next }) : t("rulings.renew")}</Submit>
    </ActionForm>
  );
}

/** The values a harm report names: its error (choose at least one) is said at the group. */
function HarmValues({ values }: { values: [string, string][] }) {
  const t = useT();
  const error = useFieldError("valueIds", undefined);
  return (
    <fieldset className="answers" aria-describedby={error ? "harm-values-error" : undefined}>
      <legend>{t("harm.values")}</legend>
      {values.map(([id, title]) => (
        <label key={id} className="check">
          <input type="checkbox" name="valueIds" value={id} /> {title}
        </label>
      ))}
      {error ? (
        <p id="harm-values-error" className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

type Harm = Awaited<ReturnType<typeof loader>>["harm"];

/** "You reported a harm on …": focused when she has just sent it, so she hears that it went. */
function HarmReported({ text, focus }: { text: string; focus: boolean }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <p ref={ref} tabIndex={-1} className="alert alert-ok" role="status">
      {text}
    </p>
  );
}
const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * The value-preservation figures, from readings of the text ratified: per constituency its honoured and
 * eroded shares, each top value honoured, eroded or not spoken to (with the clause words that decide it),
 * the harm reports that name it, and whether the draft was in the proportional veto core.
 */
function Preservation({ harm }: { harm: Harm }) {
  const t = useT();
  if (harm.constituencies.length === 0) return null;
  return (
    <section aria-labelledby="preservation" className="stack preservation">
      <h2 id="preservation">{t("preservation.title")}</h2>
      <p>{harm.figuresOf === "ballot" ? t("preservation.leadBallot") : t("preservation.leadDraft")}</p>
      {harm.fairness ? (
        <div className="card stack">
          <p className={harm.fairness.inCore ? "core core-yes" : "core core-no"}>
            <strong>{t("fairness.inCore")}</strong> {harm.fairness.inCore ? t("fairness.yes") : t("fairness.no")}
          </p>
          <p>{harm.fairness.inCore ? t("fairness.explainYes") : t("fairness.explainNo")}</p>
        </div>
      ) : null}
      <ul className="coverage coverage-read">
        {harm.constituencies.map((c) => (
          <li key={c.label} className="coverage-constituency">
            <p>
              <strong>{c.label}</strong> <span className="card-meta">({t("deliberation.represents", { citizens: c.citizens })})</span>
            </p>
            <p>{t("draft.shares", { honoured: percent(c.honouredWeight), eroded: percent(c.erodedWeight) })}</p>
            <ul className="preserved-values">
              {c.values.map((v) => (
                <li key={v.valueId} className={`preserved preserved-${v.verdict}`}>
                  <span aria-hidden="true" className="reading-mark">
                    {v.verdict === "honours" ? "✓" : v.verdict === "erodes" ? "✗" : "–"}
                  </span>{" "}
                  <strong className="reading-verdict">{t(`deliberation.verdict.${v.verdict}`)}:</strong> <Written text={v.title} />
                  {v.reports ? <strong className="flag"> · {t("harm.touched", { count: v.reports })}</strong> : null}
                  {v.verdict !== "silent" && v.quotes.length ? (
                    <ul className="preserved-quotes">
                      {v.quotes.map((q, i) => (
                        <li key={i}>
                          <WithWritten
                            text={q.clause ? t("preservation.quoteIn", { number: q.clause, quote: q.quote }) : t("reading.quote", { quote: q.quote })}
                            parts={[q.quote]}
                          />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A published ruling at its European Legislation Identifier. */
export default function RulingPage() {
  const t = useT();
  const locale = useLocale();
  const { ruling, harm, registryKey, keyId, now } = useLoaderData<typeof loader>();
  const user = useRootData()?.user;
  const clerk = user?.roles.includes("clerk") ?? false;
  const inForce = ruling.status === "in-force" || ruling.status === "renewed";
  // The clerk arrives here from publishing it (the matter page sends her to #published).
  const justPublished = useLocation().hash === "#published";
  const harmValues = [...new Map(harm.constituencies.flatMap((c) => c.values.map((v) => [v.valueId, v.title] as [string, string]))).entries()];
  // Just reported, the answer takes the focus: the form's own answer gives way to the page's once it reloads.
  const [justReported, setJustReported] = useState(false);
  const reported = (when: string) => <HarmReported text={t("harm.reportedOn", { when: formatTime(when, locale) })} focus={justReported} />;
  return (
    <div className="page">
      <p className="card-meta">
        <span className={`badge badge-status-${ruling.status}`}>{t(`rulings.status.${ruling.status}` as MessageKey)}</span>
        {ruling.emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null} · <code>{ruling.eli}</code>
      </p>
      <h1 lang={writtenLang(locale, ruling.title, ruling.text)}>{ruling.title}</h1>
      {clerk ? <Announcement text={justPublished ? t("rulings.justPublished") : null} /> : null}
      <p>{t("rulings.published", { when: formatTime(ruling.publishedAt, locale) })}</p>
      {ruling.status === "lapsed" ? <p className="notice">{t("rulings.lapsed", { when: formatTime(ruling.sunsetAt ?? ruling.publishedAt, locale) })}</p> : null}
      {ruling.status === "repealed" ? (
        <div className="notice repeal-notice">
          <p>{ruling.repealedAt ? t("rulings.repealedOn", { when: formatTime(ruling.repealedAt, locale) }) : t("rulings.repealed")}</p>
          {ruling.repealReason ? (
            <p>
              <strong>{t("rulings.repealReasonShown")}</strong> <span className="pre-line">{ruling.repealReason}</span>
            </p>
          ) : null}
        </div>
      ) : null}
      {inForce && ruling.sunsetAt ? <p className="notice">{t("rulings.sunset", { when: formatTime(ruling.sunsetAt, locale) })}</p> : null}
      {ruling.amendedBy.length ? (
        <section aria-labelledby="amended-by" className="notice">
          <h2 id="amended-by">{t("rulings.amendedBy")}</h2>
          <ul>
            {ruling.amendedBy.map((m) => (
              <li key={m.id}>
                <Link to={`/matters/${m.id}`}>{m.title}</Link> · <MatterStatus status={m.status} emergency={false} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Written as="blockquote" className="rule-text" text={ruling.text} />
      {clerk && (inForce || ruling.status === "lapsed") ? (
        <section aria-labelledby="clerk-acts" className="card stack clerk-acts">
          <h2 id="clerk-acts">{t("rulings.clerkActs")}</h2>
          {harm.reviewRequestedAt && inForce ? (
            <p className="notice warning">{t("rulings.backForReview", { when: formatTime(harm.reviewRequestedAt, locale) })}</p>
          ) : null}
          {inForce && ruling.sunsetAt ? <RenewForm sunsetAt={ruling.sunsetAt} now={now} /> : null}
          <div className="stack">
            <h3>{t("rulings.amendTitle")}</h3>
            <p>{t("rulings.amendLead")}</p>
            <p>
              <Link className="button button-secondary" to={`/matters/new?amends=${encodeURIComponent(ruling.eli)}`}>
                {t("rulings.renewWithAmendment")}
              </Link>
            </p>
          </div>
          {inForce ? (
            <ActionForm intent="repeal" className="stack" aria-labelledby="repeal-title">
              <h3 id="repeal-title">{t("rulings.repealTitle")}</h3>
              <TextField name="reason" rows={3} label={t("rulings.repealReason")} help={t("rulings.repealHelp")} {...constraints(RepealReason)} />
              <ConfirmBox name="confirmed" label={t("rulings.repealConfirm")} />
              <Submit className="button-danger">{t("rulings.repeal")}</Submit>
            </ActionForm>
          ) : null}
        </section>
      ) : null}
      <Preservation harm={harm} />
      <section aria-labelledby="harm">
        <h2 id="harm">{t("harm.title")}</h2>
        <p>{t("harm.lead", { count: harm.reports.length, threshold: harm.threshold })}</p>
        {harm.reviewRequestedAt ? <p className="notice">{t("harm.review", { when: formatTime(harm.reviewRequestedAt, locale) })}</p> : null}
        {harm.reports.length ? (
          <ul>
            {harm.reports.map((r) => (
              <li key={r.id}>
                <span className="card-meta">{formatTime(r.createdAt, locale)}:</span> {r.what}
              </li>
            ))}
          </ul>
        ) : null}
        {!user ? (
          <p>
            <Link to="/signin">{t("harm.signIn")}</Link>
          </p>
        ) : harm.myReport ? (
          reported(harm.myReport.createdAt)
        ) : (
          <ActionForm<{ createdAt: string }>
            intent="harm"
            className="stack card"
            aria-labelledby="harm-form-title"
            onSuccess={() => setJustReported(true)}
            done={(data) => reported(data.createdAt)}
          >
            <h3 id="harm-form-title">{t("harm.formTitle")}</h3>
            <TextField name="what" id="harm-what" rows={3} label={t("harm.what")} help={t("harm.whatHelp")} {...constraints(HarmWhat)} />
            <HarmValues values={harmValues} />
            <Submit>{t("harm.submit")}</Submit>
          </ActionForm>
        )}
      </section>
      <section aria-labelledby="files">
        <h2 id="files">{t("rulings.files")}</h2>
        <ul>
          <li>
            <a href={`/api/rulings/${ruling.id}/bundle.json`} download>
              {t("rulings.bundle")}
            </a>
          </li>
          <li>
            <a href={`${ruling.eli}/akn.xml`}>{t("rulings.akn")}</a>
          </li>
          <li>
            <a href="/agora-verify.mjs" download>
              {t("rulings.verifier")}
            </a>{" "}
            · <a href="/agora-verify.mjs.sha256">{t("rulings.verifierSha")}</a>
          </li>
          <li>
            <Link to={`/rooms/${ruling.matterId}`}>{t("rulings.room")}</Link> · <Link to={`/ledger/${ruling.matterId}`}>{t("matters.ledger")}</Link> ·{" "}
            <Link to={`/matters/${ruling.matterId}`}>{t("rulings.matter")}</Link>
          </li>
        </ul>
        <p className="help verify-how">
          <WithCommands text={t("rulings.verifyHow", { file: bundleFileName(ruling.eli) })} />
        </p>
      </section>
      <VerifyPanel eli={ruling.eli} bundleUrl={`/api/rulings/${ruling.id}/bundle.json`} publicKey={registryKey} keyId={keyId} />
    </div>
  );
}
