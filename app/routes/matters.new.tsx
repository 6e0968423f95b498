import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { type MouseEvent, useEffect, useRef, useState } from "react";
import { ActionForm, Field, fieldMessage, Submit, TextField, useFormErrors } from "../components/forms";
import { ContextSelect } from "../components/values";
import { useLocale, useT } from "../i18n";
import { act, api, readForm, requireRole, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { splitRule } from "../../deliberation/matters";
import { textLanguage } from "../../deliberation/values/dedupe";
import { CLAUSE_LIMITS, MatterDraft } from "../../server/trpc/schemas/matters";
import { Eli } from "../../server/trpc/schemas/rulings";

const LANGUAGES = MatterDraft.shape.language.options;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context.user, "clerk");
  // Renewal with an amendment: the new matter starts from the ruling's title, text and context.
  const amendsEli = Eli.safeParse(new URL(request.url).searchParams.get("amends") ?? "");
  const [contexts, amends] = await Promise.all([
    api(request, () => context.trpc.values.contexts()),
    amendsEli.success ? api(request, () => context.trpc.rulings.get({ eli: amendsEli.data })) : null,
  ]);
  return {
    contexts,
    // Renewal with an amendment starts from the ruling's text, clause by clause.
    amends: amends && {
      eli: amends.eli,
      title: amends.title,
      clauses: splitRule(amends.text),
      language: textLanguage(amends.text),
      contextId: amends.contextId,
      emergency: amends.emergency,
    },
  };
}

/** What the clerk typed, as typed: the page is drawn again from it after "Add a clause" or "Remove" without JavaScript, or a refusal. */
function typed(form: FormData) {
  const field = (name: string) => text(form, name);
  return {
    title: field("title"),
    clauses: form.getAll("clauses").map((v) => (typeof v === "string" ? v : "")),
    language: field("language"),
    contextId: field("contextId"),
    rationale: field("rationale"),
    emergency: form.get("emergency") === "on",
    intakeHours: field("intakeHours"),
    rounds: field("rounds"),
    candidates: field("candidates"),
    approvalPercent: field("approvalPercent"),
    sunsetDays: field("sunsetDays"),
  };
}
type Typed = ReturnType<typeof typed>;

/** "add", or "remove:<index>": the clause buttons, which only change the form. */
function clauseOp(clauses: string[], op: string): string[] | null {
  if (op === "add") return clauses.length < CLAUSE_LIMITS.count ? [...clauses, ""] : clauses;
  const remove = /^remove:(\d+)$/.exec(op);
  if (remove) return clauses.length > 1 ? clauses.filter((_, i) => i !== Number(remove[1])) : clauses;
  return null;
}

/** A number field as the API expects it: absent or unreadable input becomes NaN, which zod refuses at the field. */
const number = (form: FormData, name: string) => Number(text(form, name).trim() || Number.NaN);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const values = typed(form);
  const changed = clauseOp(values.clauses, text(form, "clauseOp"));
  if (changed) return { intent: "clauses", ok: true as const, data: null, values: { ...values, clauses: changed } };
  const sunset = text(form, "sunsetDays").trim();
  const amendsEli = text(form, "amendsEli");
  const draft = {
    title: text(form, "title"),
    clauses: values.clauses,
    language: values.language as (typeof LANGUAGES)[number],
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
  return { ...result, values };
}

/**
 * The rule's clauses, one field each, with "Add a clause" and "Remove". The buttons submit the form
 * with what they do, so they work without JavaScript; with it, they change the list in place.
 */
function ClauseFields({ initial, amending }: { initial: string[]; amending: boolean }) {
  const t = useT();
  const errors = useFormErrors();
  const [clauses, setClauses] = useState(() => initial.map((text, key) => ({ key, text })));
  const nextKey = useRef(initial.length);
  const focus = useRef<number | "add" | null>(null);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (focus.current === null) return;
    const target =
      focus.current === "add"
        ? list.current?.parentElement?.querySelector<HTMLElement>("button[value=add]")
        : list.current?.querySelectorAll<HTMLElement>("textarea")[focus.current];
    target?.focus();
    focus.current = null;
  });
  const add = (event: MouseEvent) => {
    event.preventDefault();
    if (clauses.length >= CLAUSE_LIMITS.count) return;
    focus.current = clauses.length;
    setClauses([...clauses, { key: nextKey.current++, text: "" }]);
  };
  const remove = (index: number) => (event: MouseEvent) => {
    event.preventDefault();
    focus.current = index > 0 ? index - 1 : "add";
    setClauses(clauses.filter((_, i) => i !== index));
  };
  const whole = fieldMessage(t, errors.clauses);
  const item = constraints(MatterDraft.shape.clauses.element);
  return (
    <fieldset className="answers clause-fields" aria-describedby={whole ? "clauses-help clauses-error" : "clauses-help"}>
      <legend>{t("matters.field.clauses")}</legend>
      <p id="clauses-help" className="help">
        {amending ? t("matters.field.clausesAmendHelp") : t("matters.field.clausesHelp")}
      </p>
      {whole ? (
        <p id="clauses-error" className="field-error">
          {whole}
        </p>
      ) : null}
      <ol ref={list} className="clause-list">
        {clauses.map((clause, i) => (
          <li key={clause.key}>
            <TextField
              name="clauses"
              id={`field-clauses-${i}`}
              rows={3}
              label={t("matters.field.clause", { number: i + 1 })}
              defaultValue={clause.text}
              // Only this clause's own error: the list's is said once, above.
              error={errors[`clauses.${i}`] ?? ""}
              {...item}
            />
            {clauses.length > 1 ? (
              <button type="submit" name="clauseOp" value={`remove:${i}`} formNoValidate className="button-secondary" onClick={remove(i)}>
                {t("matters.removeClause", { number: i + 1 })}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {clauses.length < CLAUSE_LIMITS.count ? (
        <button type="submit" name="clauseOp" value="add" formNoValidate className="button-secondary" onClick={add}>
          {t("matters.addClause")}
        </button>
      ) : null}
    </fieldset>
  );
}

const fields = MatterDraft.shape;
// Asked as a percentage, held as a share.
const approval = constraints(fields.approvalThreshold);

export default function NewMatter() {
  const t = useT();
  const locale = useLocale();
  const { contexts, amends } = useLoaderData<typeof loader>();
  // Without JavaScript, what the clerk typed comes back with the page (after a clause button or a refusal).
  const posted = useActionData<typeof action>();
  const was: Typed | null = posted && "values" in posted ? posted.values : null;
  const clauses = was?.clauses ?? amends?.clauses ?? [""];
  // A new matter is first offered in the language of the clerk's page (the page's locales are the matter languages).
  const pageLanguage = (LANGUAGES as readonly string[]).includes(locale) ? locale : "en";
  const language = was?.language || amends?.language || pageLanguage;
  return (
    <div className="page narrow">
      <h1>{amends ? t("matters.newAmending") : t("matters.new")}</h1>
      {amends ? (
        <p className="notice">
          {t("matters.amendsLead")} <Link to={amends.eli}>{amends.title}</Link> ({amends.eli})
        </p>
      ) : null}
      <ActionForm intent="open" className="stack" hidden={amends ? { amendsEli: amends.eli } : {}}>
        <Field name="title" label={t("matters.field.title")} defaultValue={was?.title ?? amends?.title} {...constraints(fields.title)} />
        <ClauseFields initial={clauses} amending={amends !== null} />
        <fieldset className="answers" aria-describedby="language-help">
          <legend>{t("matters.field.language")}</legend>
          {LANGUAGES.map((code) => (
            <label key={code} className="check">
              <input type="radio" name="language" value={code} defaultChecked={code === language} required /> {t(`matters.language.${code}`)}
            </label>
          ))}
          <p id="language-help" className="help">
            {t("matters.field.languageHelp")}
          </p>
        </fieldset>
        <ContextSelect
          id="field-contextId"
          contexts={contexts}
          locale={locale}
          defaultValue={was?.contextId || amends?.contextId}
          label={t("matters.field.context")}
        />
        <p className="help">{t("matters.field.contextHelp")}</p>
        <TextField name="rationale" rows={3} label={t("matters.field.rationale")} defaultValue={was?.rationale} {...constraints(fields.rationale)} />
        <label className="check">
          <input type="checkbox" name="emergency" defaultChecked={was ? was.emergency : amends ? amends.emergency : true} /> {t("matters.field.emergency")}
        </label>
        <Field
          name="intakeHours"
          type="number"
          inputMode="numeric"
          label={t("matters.field.intakeHours")}
          defaultValue={was?.intakeHours ?? "48"}
          {...constraints(fields.intakeHours)}
        />
        <Field
          name="rounds"
          type="number"
          inputMode="numeric"
          label={t("matters.field.rounds")}
          defaultValue={was?.rounds ?? "3"}
          {...constraints(fields.rounds)}
        />
        <Field
          name="candidates"
          type="number"
          inputMode="numeric"
          label={t("matters.field.candidates")}
          defaultValue={was?.candidates ?? "4"}
          {...constraints(fields.candidates)}
        />
        <Field
          name="approvalPercent"
          type="number"
          inputMode="numeric"
          label={t("matters.field.approval")}
          defaultValue={was?.approvalPercent ?? "60"}
          required
          min={approval.min! * 100}
          max={approval.max! * 100}
        />
        <Field
          name="sunsetDays"
          type="number"
          inputMode="numeric"
          label={t("matters.field.sunsetDays")}
          defaultValue={was?.sunsetDays}
          {...constraints(fields.sunsetDays)}
        />
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
