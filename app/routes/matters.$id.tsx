import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { MatterStatus } from "../components/matters";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField, useRootData } from "../root";
import { api, attempt, readForm } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return { matter: await api(request, () => context.trpc.matters.get({ id: params.id ?? "" })) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await readForm(request, context.csrfToken);
  const result = await attempt(request, () => context.trpc.matters.openIntake({ id: params.id ?? "" }));
  return result.ok ? { error: null } : { error: result.error };
}

export default function MatterPage() {
  const t = useT();
  const locale = useLocale();
  const { matter } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const roles = useRootData()?.user?.roles ?? [];
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
          <button type="submit">{t("matters.openIntake")}</button>
        </Form>
      ) : null}
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
      <p>
        <Link to={`/ledger/${matter.id}`}>{t("matters.ledger")}</Link> · <Link to={`/graph/${matter.contextId}`}>{t("values.graph")}</Link>
      </p>
    </div>
  );
}
