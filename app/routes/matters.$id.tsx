import { redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeliberationPanel, type DeliberationView, useLiveDeliberation } from "../components/deliberation";
import { FormAlert } from "../components/forms";
import { MatterStatus } from "../components/matters";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField, useRootData } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [matter, constituencies, deliberation] = await Promise.all([
    api(request, () => context.trpc.matters.get({ id })),
    api(request, () => context.trpc.matters.convening({ id })),
    api(request, () => context.trpc.matters.deliberation({ id })),
  ]);
  return { matter, constituencies, deliberation };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const id = params.id ?? "";
  const scheme = text(form, "scheme");
  const intent = text(form, "intent");
  if (intent === "publish") {
    // Published: the clerk lands on the ruling's own page, under its ELI.
    const published = await attempt(request, () => context.trpc.rulings.publish({ id }));
    if (published.ok) throw redirect(published.data.eli);
    return { error: published.error };
  }
  const budget = text(form, "tokenBudget").trim();
  const result =
    intent === "convene"
      ? await attempt(request, () => context.trpc.matters.convene({ id, scheme: scheme as "districts" | "value-communities" }))
      : intent === "start" || intent === "resume"
        ? await attempt(request, () => context.trpc.matters[intent]({ id, ...(budget ? { tokenBudget: Number(budget) } : {}) }))
        : await attempt(request, () => context.trpc.matters.openIntake({ id }));
  return result.ok ? { error: null } : { error: result.error };
}

export default function MatterPage() {
  const t = useT();
  const locale = useLocale();
  const { matter, constituencies, deliberation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const roles = useRootData()?.user?.roles ?? [];
  const view = deliberation as DeliberationView | null;
  useLiveDeliberation(matter.id, matter.status === "deliberating" && (!view || !["drafted", "halted"].includes(view.stage)), view?.lastSeq ?? 0);
  return (
    <div className="page">
      <p className="card-meta">
        <MatterStatus status={matter.status} emergency={matter.emergency} /> · {contextTitle({ id: matter.contextId, title: matter.contextTitle, titleEt: matter.contextTitleEt }, locale)}
      </p>
      <h1>{matter.title}</h1>
      <FormAlert error={result?.error} />
      {matter.status === "intake" && matter.intakeClosesAt ? (
        <p className="notice">
          {t("matters.intakeCloses", { when: formatTime(matter.intakeClosesAt, locale) })}{" "}
          {roles.includes("citizen") ? <Link to={`/values/new?context=${matter.contextId}`}>{t("matters.writeValue")}</Link> : null}
        </p>
      ) : null}
      {matter.status === "draft" && roles.includes("clerk") ? (
        <Form method="post">
          <CsrfField />
          <button type="submit" name="intent" value="intake">
            {t("matters.openIntake")}
          </button>
        </Form>
      ) : null}
      {matter.status === "intake" && roles.includes("clerk") ? (
        <Form method="post" className="stack convene">
          <CsrfField />
          <fieldset className="answers">
            <legend>{t("convening.scheme")}</legend>
            {(["value-communities", "districts"] as const).map((scheme, i) => (
              <label key={scheme} className="check">
                <input type="radio" name="scheme" value={scheme} defaultChecked={i === 0} required /> {t(`convening.scheme.${scheme}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit" name="intent" value="convene">
            {t("convening.convene")}
          </button>
        </Form>
      ) : null}
      {roles.includes("clerk") && (matter.status === "convened" || view?.stage === "halted") ? (
        <Form method="post" className="stack card">
          <CsrfField />
          <p>{view?.stage === "halted" ? t("deliberation.resumeLead") : t("deliberation.startLead")}</p>
          <label htmlFor="tokenBudget">{t("deliberation.budgetField")}</label>
          <input id="tokenBudget" name="tokenBudget" type="number" inputMode="numeric" min={1000} max={100000000} step={1} aria-describedby="tokenBudget-help" />
          <p id="tokenBudget-help" className="help">
            {t("deliberation.budgetHelp")}
          </p>
          <button type="submit" name="intent" value={view?.stage === "halted" ? "resume" : "start"}>
            {view?.stage === "halted" ? t("deliberation.resume") : t("deliberation.start")}
          </button>
        </Form>
      ) : null}
      {roles.includes("clerk") && matter.status === "ratified" ? (
        <Form method="post" className="stack card">
          <CsrfField />
          <p>{t("rulings.publishLead")}</p>
          <button type="submit" name="intent" value="publish">
            {t("rulings.publish")}
          </button>
        </Form>
      ) : null}
      {view ? <DeliberationPanel view={view} matterId={matter.id} /> : null}
      <section aria-labelledby="rule">
        <h2 id="rule">{t("matters.rule")}</h2>
        <blockquote className="rule-text">{matter.ruleText}</blockquote>
      </section>
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
                          <th scope="row">{v.title}</th>
                          <td className="num">{(v.weight * 100).toFixed(1)} %</td>
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
