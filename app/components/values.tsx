import { Form } from "@remix-run/react";
import { useT } from "../i18n";
import { CsrfField } from "../root";

export interface CardView {
  title: string;
  description: string;
  policies: string[];
}

/** A value card as citizens see it everywhere: title, first-person description, attentional policies. */
export function ValueCard({ card, headingLevel = 3, children }: { card: CardView; headingLevel?: 2 | 3 | 4; children?: React.ReactNode }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <article className="value-card">
      <Heading className="value-title">{card.title}</Heading>
      <p className="value-description">{card.description}</p>
      <ul className="policies">
        {card.policies.map((p, i) => (
          <li key={i}>{p}</li>
        ))}
      </ul>
      {children}
    </article>
  );
}

export interface ContextOption {
  id: string;
  title: string;
  titleEt: string | null;
}

export function contextTitle(context: ContextOption, locale: string): string {
  return locale === "et" && context.titleEt ? context.titleEt : context.title;
}

/** The choice of context, labelled, in the reader's language. */
export function ContextSelect({
  id,
  name = "contextId",
  contexts,
  locale,
  defaultValue,
  label,
}: {
  id: string;
  name?: string;
  /** Defaults to "Context". */
  label?: string;
  contexts: ContextOption[];
  locale: string;
  defaultValue?: string | undefined;
}) {
  const t = useT();
  return (
    <div className="field">
      <label htmlFor={id}>{label ?? t("values.context")}</label>
      <select id={id} name={name} defaultValue={defaultValue ?? contexts[0]?.id} required>
        {contexts.map((c) => (
          <option key={c.id} value={c.id}>
            {contextTitle(c, locale)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The value card form, used to write, revise and finish a guided draft. */
export function ValueForm({
  contexts,
  locale,
  action = "/values/new",
  initial,
  contextId,
  revisionOf,
  errors = {},
  busy,
}: {
  contexts: ContextOption[];
  locale: string;
  action?: string;
  initial?: Partial<CardView> | undefined;
  contextId?: string | undefined;
  revisionOf?: string | undefined;
  errors?: Record<string, string>;
  busy?: boolean;
}) {
  const t = useT();
  const policies = [...(initial?.policies ?? [])];
  while (policies.length < 6) policies.push("");
  return (
    <Form method="post" action={action} className="stack value-form">
      <CsrfField />
      {revisionOf ? <input type="hidden" name="revisionOf" value={revisionOf} /> : null}
      <ContextSelect id="field-contextId" contexts={contexts} locale={locale} defaultValue={contextId} />
      <div className="field">
        <label htmlFor="field-title">{t("values.form.title")}</label>
        <input id="field-title" name="title" required minLength={3} maxLength={80} defaultValue={initial?.title} aria-describedby="field-title-help" aria-invalid={errors.title ? true : undefined} />
        <p id="field-title-help" className="help">
          {t("values.form.titleHelp")}
        </p>
        {errors.title ? <p className="field-error">{errors.title}</p> : null}
      </div>
      <div className="field">
        <label htmlFor="field-description">{t("values.form.description")}</label>
        <textarea
          id="field-description"
          name="description"
          required
          minLength={10}
          maxLength={600}
          rows={3}
          defaultValue={initial?.description}
          aria-describedby="field-description-help"
          aria-invalid={errors.description ? true : undefined}
        />
        <p id="field-description-help" className="help">
          {t("values.form.descriptionHelp")}
        </p>
        {errors.description ? <p className="field-error">{errors.description}</p> : null}
      </div>
      <fieldset className="field policies-field" aria-describedby="policies-help">
        <legend>{t("values.form.policies")}</legend>
        <p id="policies-help" className="help">
          {t("values.form.policiesHelp")}
        </p>
        {policies.map((policy, i) => (
          <div key={i} className="policy-input">
            <label htmlFor={`field-policy-${i}`} className="visually-hidden">
              {t("values.form.policy", { n: i + 1 })}
            </label>
            <input id={`field-policy-${i}`} name="policies" maxLength={160} defaultValue={policy} required={i < 2} placeholder={t("values.form.policy", { n: i + 1 })} />
          </div>
        ))}
        {errors.policies ? <p className="field-error">{errors.policies}</p> : null}
      </fieldset>
      <button type="submit" disabled={busy}>
        {revisionOf ? t("values.form.resubmit") : t("values.form.submit")}
      </button>
    </Form>
  );
}
