import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormAlert } from "../components/forms";
import { ContextSelect } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, requireRole, text } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context.user, "clerk");
  return { contexts: await api(request, () => context.trpc.values.contexts()) };
}

const number = (form: FormData, name: string) => Number(text(form, name) || Number.NaN);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const sunset = text(form, "sunsetDays");
  const draft = {
    title: text(form, "title"),
    ruleText: text(form, "ruleText"),
    contextId: text(form, "contextId"),
    rationale: text(form, "rationale"),
    emergency: form.get("emergency") === "on",
    intakeHours: number(form, "intakeHours"),
    rounds: number(form, "rounds"),
    candidates: number(form, "candidates"),
    approvalThreshold: number(form, "approvalPercent") / 100,
    ...(sunset ? { sunsetDays: Number(sunset) } : {}),
    startIntake: text(form, "intent") === "intake",
  };
  const result = await attempt(request, () => context.trpc.matters.open(draft));
  if (!result.ok) return { error: result.error, values: Object.fromEntries([...form.entries()].filter(([k]) => k !== "csrf").map(([k, v]) => [k, String(v)])) };
  throw redirect(`/matters/${result.data.id}`);
}

export default function NewMatter() {
  const t = useT();
  const locale = useLocale();
  const { contexts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const v = result?.values ?? {};
  const fields = result?.error.fields ?? {};
  return (
    <div className="page narrow">
      <h1>{t("matters.new")}</h1>
      <FormAlert error={result?.error} />
      <Form method="post" className="stack">
        <CsrfField />
        <Field name="title" label={t("matters.field.title")} required minLength={5} maxLength={200} defaultValue={v.title} error={fields.title} />
        <div className="field">
          <label htmlFor="field-ruleText">{t("matters.field.ruleText")}</label>
          <textarea id="field-ruleText" name="ruleText" required minLength={20} maxLength={20000} rows={6} defaultValue={v.ruleText} aria-describedby="ruleText-help" aria-invalid={fields.ruleText ? true : undefined} />
          <p id="ruleText-help" className="help">
            {t("matters.field.ruleTextHelp")}
          </p>
          {fields.ruleText ? <p className="field-error">{fields.ruleText}</p> : null}
        </div>
        <ContextSelect id="field-contextId" contexts={contexts} locale={locale} defaultValue={v.contextId} label={t("matters.field.context")} />
        <p className="help">{t("matters.field.contextHelp")}</p>
        <div className="field">
          <label htmlFor="field-rationale">{t("matters.field.rationale")}</label>
          <textarea id="field-rationale" name="rationale" required minLength={10} maxLength={5000} rows={3} defaultValue={v.rationale} aria-invalid={fields.rationale ? true : undefined} />
          {fields.rationale ? <p className="field-error">{fields.rationale}</p> : null}
        </div>
        <label className="check">
          <input type="checkbox" name="emergency" defaultChecked={v.emergency ? v.emergency === "on" : true} /> {t("matters.field.emergency")}
        </label>
        <Field name="intakeHours" type="number" label={t("matters.field.intakeHours")} required min={1} max={1440} defaultValue={v.intakeHours ?? "48"} error={fields.intakeHours} />
        <Field name="rounds" type="number" label={t("matters.field.rounds")} required min={1} max={5} defaultValue={v.rounds ?? "3"} error={fields.rounds} />
        <Field name="candidates" type="number" label={t("matters.field.candidates")} required min={2} max={8} defaultValue={v.candidates ?? "4"} error={fields.candidates} />
        <Field name="approvalPercent" type="number" label={t("matters.field.approval")} required min={50} max={100} defaultValue={v.approvalPercent ?? "60"} error={fields.approvalThreshold} />
        <Field name="sunsetDays" type="number" label={t("matters.field.sunsetDays")} min={1} max={1825} defaultValue={v.sunsetDays} error={fields.sunsetDays} />
        <div className="row">
          <button type="submit" name="intent" value="intake" disabled={busy}>
            {t("matters.startIntake")}
          </button>
          <button type="submit" name="intent" value="draft" className="button-secondary" disabled={busy}>
            {t("matters.saveDraft")}
          </button>
        </div>
      </Form>
    </div>
  );
}
