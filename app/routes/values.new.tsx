import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { ValueCard, ValueForm } from "../components/values";
import { type MessageKey, useLocale, useT } from "../i18n";
import { api, attempt, readForm, requireRole, text } from "../utils/api.server";
import { GATE_REASON_KEYS } from "../../deliberation/values/gate";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  requireRole(request, context.user, "citizen");
  const contexts = await api(request, () => context.trpc.values.contexts());
  const reviseId = url.searchParams.get("revise");
  const revising = reviseId ? ((await api(request, () => context.trpc.values.mine())).cards.find((c) => c.id === reviseId && c.status === "active") ?? null) : null;
  return { contexts, contextId: revising?.contextId ?? url.searchParams.get("context") ?? undefined, revising };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const draft = {
    contextId: text(form, "contextId"),
    title: text(form, "title"),
    description: text(form, "description"),
    policies: form
      .getAll("policies")
      .map((p) => (typeof p === "string" ? p.trim() : ""))
      .filter(Boolean),
    revisionOf: text(form, "revisionOf") || undefined,
  };
  const result = await attempt(request, () => context.trpc.values.submit(draft));
  if (!result.ok) return { error: result.error, draft, outcome: null };
  return { error: null, draft, outcome: result.data };
}

export default function WriteValue() {
  const t = useT();
  const locale = useLocale();
  const { contexts, contextId, revising } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const outcome = result?.outcome;
  const context = outcome ? result.draft.contextId : (result?.draft.contextId ?? contextId);

  if (outcome?.verdict === "value") {
    return (
      <div className="page narrow">
        <h1>{t("values.gate.accepted")}</h1>
        <ValueCard card={result!.draft} headingLevel={2} />
        <p className="alert alert-ok" role="status">
          {outcome.canonical?.joined ? t("values.joined", { title: outcome.canonical.title }) : t("values.founded", { title: outcome.canonical?.title ?? "" })}
        </p>
        <p>{t("values.gate.next")}</p>
        <ul className="actions">
          <li>
            <Link to={`/values/endorse?context=${context}`}>{t("values.endorse")}</Link>
          </li>
          <li>
            <Link to={`/values/judge?context=${context}`}>{t("values.judge")}</Link>
          </li>
          <li>
            <Link to={`/graph/${context}`}>{t("values.graph")}</Link>
          </li>
          <li>
            <Link to="/values">{t("nav.values")}</Link>
          </li>
        </ul>
      </div>
    );
  }

  return (
    <div className="page narrow">
      <h1>{revising || outcome ? t("values.revise") : t("values.write")}</h1>
      <p>{t("values.lead")}</p>
      <FormAlert error={result?.error} />
      {outcome ? (
        <div className="alert alert-error gate-verdict" role="alert">
          <p>
            <strong>{t("values.gate.notValue", { verdict: t(`values.verdict.${outcome.verdict}` as MessageKey) })}</strong>
          </p>
          <p>{locale === "en" ? outcome.reason : t(GATE_REASON_KEYS[outcome.verdict])}</p>
          <p>
            <Link to={`/values/guided?context=${context}`}>{t("values.gate.tryGuided")}</Link>
          </p>
        </div>
      ) : null}
      <ValueForm
        key={outcome?.cardId ?? revising?.id ?? "new"}
        contexts={contexts}
        locale={locale}
        contextId={context}
        initial={result?.draft ?? revising ?? undefined}
        revisionOf={outcome?.cardId ?? revising?.id}
        errors={result?.error?.fields}
        busy={busy}
      />
      <p>
        <Link to={`/values/guided${context ? `?context=${context}` : ""}`}>{t("values.guided")}</Link>
      </p>
    </div>
  );
}
