import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ActionForm, Field, Submit, TextField } from "../components/forms";
import { ContextSelect } from "../components/values";
import { useLocale, useT } from "../i18n";
import { act, api, readForm, requireRole, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { MatterDraft } from "../../server/trpc/schemas/matters";
import { Eli } from "../../server/trpc/schemas/rulings";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context.user, "clerk");
  // Renewal with an amendment: the new matter starts from the ruling's title, text and context.
  const amendsEli = Eli.safeParse(new URL(request.url).searchParams.get("amends") ?? "");
  const [contexts, amends] = await Promise.all([
    api(request, () => context.trpc.values.contexts()),
    amendsEli.success ? api(request, () => context.trpc.rulings.get({ eli: amendsEli.data })) : null,
  ]);
  return { contexts, amends: amends && { eli: amends.eli, title: amends.title, text: amends.text, contextId: amends.contextId, emergency: amends.emergency } };
}

/** A number field as the API expects it: absent or unreadable input becomes NaN, which zod refuses at the field. */
const number = (form: FormData, name: string) => Number(text(form, name).trim() || Number.NaN);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const sunset = text(form, "sunsetDays").trim();
  const amendsEli = text(form, "amendsEli");
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
    startIntake: text(form, "start") !== "draft",
    ...(amendsEli ? { amendsEli } : {}),
  };
  const result = await act(request, "open", () => context.trpc.matters.open(draft));
  if (result.ok) throw redirect(`/matters/${result.data.id}`);
  // The approval field shows its bound as a percentage, as the person typed it.
  const approval = result.error.fields.approvalThreshold;
  if (approval)
    result.error.fields.approvalPercent = {
      key: approval.key,
      params: Object.fromEntries(Object.entries(approval.params).map(([k, v]) => [k, typeof v === "number" ? Math.round(v * 100) : v])),
    };
  return result;
}

const fields = MatterDraft.shape;
// Asked as a percentage, held as a share.
const approval = constraints(fields.approvalThreshold);

export default function NewMatter() {
  const t = useT();
  const locale = useLocale();
  const { contexts, amends } = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{amends ? t("matters.newAmending") : t("matters.new")}</h1>
      {amends ? (
        <p className="notice">
          {t("matters.amendsLead")} <Link to={amends.eli}>{amends.title}</Link> ({amends.eli})
        </p>
      ) : null}
      <ActionForm intent="open" className="stack" hidden={amends ? { amendsEli: amends.eli } : {}}>
        <Field name="title" label={t("matters.field.title")} defaultValue={amends?.title} {...constraints(fields.title)} />
        <TextField
          name="ruleText"
          rows={amends ? 10 : 6}
          label={t("matters.field.ruleText")}
          help={amends ? t("matters.field.ruleTextAmendHelp") : t("matters.field.ruleTextHelp")}
          defaultValue={amends?.text}
          {...constraints(fields.ruleText)}
        />
        <ContextSelect id="field-contextId" contexts={contexts} locale={locale} defaultValue={amends?.contextId} label={t("matters.field.context")} />
        <p className="help">{t("matters.field.contextHelp")}</p>
        <TextField name="rationale" rows={3} label={t("matters.field.rationale")} {...constraints(fields.rationale)} />
        <label className="check">
          <input type="checkbox" name="emergency" defaultChecked={amends ? amends.emergency : true} /> {t("matters.field.emergency")}
        </label>
        <Field
          name="intakeHours"
          type="number"
          inputMode="numeric"
          label={t("matters.field.intakeHours")}
          defaultValue="48"
          {...constraints(fields.intakeHours)}
        />
        <Field name="rounds" type="number" inputMode="numeric" label={t("matters.field.rounds")} defaultValue="3" {...constraints(fields.rounds)} />
        <Field name="candidates" type="number" inputMode="numeric" label={t("matters.field.candidates")} defaultValue="4" {...constraints(fields.candidates)} />
        <Field
          name="approvalPercent"
          type="number"
          inputMode="numeric"
          label={t("matters.field.approval")}
          defaultValue="60"
          required
          min={approval.min! * 100}
          max={approval.max! * 100}
        />
        <Field name="sunsetDays" type="number" inputMode="numeric" label={t("matters.field.sunsetDays")} {...constraints(fields.sunsetDays)} />
        <div className="row">
          <Submit name="start" value="intake">
            {t("matters.startIntake")}
          </Submit>
          <Submit name="start" value="draft" className="button-secondary">
            {t("matters.saveDraft")}
          </Submit>
        </div>
      </ActionForm>
    </div>
  );
}
