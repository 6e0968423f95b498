import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { ContextSelect, ValueForm } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, requireRole, text } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context.user, "citizen");
  const contexts = await api(request, () => context.trpc.values.contexts());
  return { contexts, contextId: new URL(request.url).searchParams.get("context") ?? contexts[0]?.id };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const answers = { contextId: text(form, "contextId"), choice: text(form, "choice"), noticed: text(form, "noticed"), mattered: text(form, "mattered") };
  const result = await attempt(request, () => context.trpc.values.draft(answers));
  if (!result.ok) return { error: result.error, answers, draft: null };
  return { error: null, answers, draft: result.data.draft };
}

export default function Guided() {
  const t = useT();
  const locale = useLocale();
  const { contexts, contextId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields = result?.error?.fields ?? {};
  if (result?.draft) {
    return (
      <div className="page narrow">
        <h1>{t("values.guided.title")}</h1>
        <p className="alert alert-ok" role="status">
          {t("values.guided.draftReady")}
        </p>
        <ValueForm contexts={contexts} locale={locale} contextId={result.answers.contextId} initial={result.draft} busy={busy} />
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t("values.guided.title")}</h1>
      <p>{t("values.guided.lead")}</p>
      <FormAlert error={result?.error} />
      <Form method="post" className="stack">
        <CsrfField />
        <ContextSelect id="g-context" contexts={contexts} locale={locale} defaultValue={result?.answers.contextId ?? contextId} />
        {(["choice", "noticed", "mattered"] as const).map((name) => (
          <div className="field" key={name}>
            <label htmlFor={`g-${name}`}>{t(`values.guided.${name}`)}</label>
            <textarea
              id={`g-${name}`}
              name={name}
              required
              rows={name === "mattered" ? 2 : 4}
              maxLength={name === "mattered" ? 600 : 1500}
              defaultValue={result?.answers[name]}
              aria-invalid={fields[name] ? true : undefined}
            />
            {fields[name] ? <p className="field-error">{fields[name]}</p> : null}
          </div>
        ))}
        <button type="submit" disabled={busy}>
          {t("values.guided.submit")}
        </button>
      </Form>
    </div>
  );
}
