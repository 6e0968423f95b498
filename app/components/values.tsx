import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { Link } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CARD_LIMITS } from "../../deliberation/values/types";
import { CardDescription, CardPolicy, CardTitle } from "../../server/trpc/schemas/values";
import { type Locale, type MessageKey, useLocale, useT } from "../i18n";
import { titleIn } from "../i18n/locales";
import { writtenLang } from "../i18n/written";
import { constraints } from "../utils/constraints";
import { ActionForm, Field, fieldMessage, Submit, TextField, useFormErrors } from "./forms";
import { SentenceWith } from "./written";

export interface CardView {
  title: string;
  description: string;
  policies: string[];
}

/** A value card as citizens see it everywhere: title, first-person description, attentional policies. */
export function ValueCard({ card, headingLevel = 3, children }: { card: CardView; headingLevel?: 2 | 3 | 4; children?: React.ReactNode }) {
  const Heading = `h${headingLevel}` as const;
  // The card is in the language she wrote it in, which may not be the page's.
  const lang = writtenLang(useLocale(), card.title, card.description, ...card.policies);
  return (
    <article className="value-card">
      <Heading className="value-title" lang={lang}>
        {card.title}
      </Heading>
      <p className="value-description" lang={lang}>
        {card.description}
      </p>
      <ul className="policies" lang={lang}>
        {card.policies.map((p, i) => (
          <li key={i}>{p}</li>
        ))}
      </ul>
      {children}
    </article>
  );
}

type Out = inferRouterOutputs<AppRouter>;
export type ContextOption = Pick<Out["values"]["contexts"][number], "id" | "title" | "titleEt" | "titleRu">;

export function contextTitle(context: ContextOption, locale: Locale): string {
  return titleIn(locale, context);
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
  locale: Locale;
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

/** What values.submit answers, with the draft she sent (so a refused card can be revised in place). */
export type SubmitOutcome = Out["values"]["submit"] & { draft: CardView & { contextId: string } };

/** Takes the focus when it appears, so a keyboard or screen-reader user is where the news is. */
function Focused({ className, role, children }: { className: string; role: "status" | "alert"; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className={className} role={role}>
      {children}
    </div>
  );
}

/** The card the gate took as a value, where the form was: what it joined, and where to go next. */
function Accepted({ outcome }: { outcome: SubmitOutcome }) {
  const t = useT();
  const context = outcome.draft.contextId;
  return (
    <Focused className="accepted" role="status">
      <h2>{t("values.gate.accepted")}</h2>
      <ValueCard card={outcome.draft} headingLevel={3} />
      <p className="alert alert-ok">
        <SentenceWith
          say={(title) => t(outcome.canonical?.joined ? "values.joined" : "values.founded", { title })}
          text={outcome.canonical?.title ?? outcome.draft.title}
        />
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
    </Focused>
  );
}

/** The gate's reason as its paragraphs: what the card reads as, which policies name nothing, what to say instead. */
export function GateReason({ reason, className }: { reason: string; className?: string }) {
  return (
    <>
      {reason
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => (
          <p key={line} className={className}>
            {line}
          </p>
        ))}
    </>
  );
}

/** The gate's answer to a card it did not take as a value: which kind of text it is, why, and a way on. */
function GateVerdictAlert({ outcome }: { outcome: SubmitOutcome }) {
  const t = useT();
  return (
    <Focused className="alert alert-error gate-verdict" role="alert">
      <p>
        <strong>{t("values.gate.notValue", { verdict: t(`values.verdict.${outcome.verdict}` as MessageKey) })}</strong>
      </p>
      {/* The gate wrote its reason in the language of the page she sent the card from, a paragraph a line. */}
      <GateReason reason={outcome.reason} />
      <p>
        <Link to={`/values/guided?context=${outcome.draft.contextId}`}>{t("values.gate.tryGuided")}</Link>
      </p>
    </Focused>
  );
}

const policyField = constraints(CardPolicy);

/**
 * The value card form, used to write, revise and finish a guided draft. It posts to /values/new and
 * answers in place: a value replaces the form by what it joined; anything else shows the gate's reason
 * and the same form again, holding what she wrote, as a revision of the refused card.
 */
export function ValueForm({
  contexts,
  initial,
  contextId,
  revisionOf,
  refused,
  onAccepted,
}: {
  contexts: ContextOption[];
  initial?: Partial<CardView> | undefined;
  contextId?: string | undefined;
  revisionOf?: string | undefined;
  /** The gate's answer to the card this form revises. */
  refused?: SubmitOutcome | undefined;
  /** Told when the gate took the card (or a revision of it) as a value. */
  onAccepted?: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const policies = [...(initial?.policies ?? [])];
  while (policies.length < CARD_LIMITS.policies.max) policies.push("");
  return (
    <>
      {refused ? <GateVerdictAlert outcome={refused} /> : null}
      <ActionForm<SubmitOutcome>
        intent="submit"
        action="/values/new"
        className="stack value-form"
        onSuccess={(outcome) => {
          if (outcome.verdict === "value") onAccepted?.();
        }}
        done={(outcome) =>
          outcome.verdict === "value" ? (
            <Accepted outcome={outcome} />
          ) : (
            <ValueForm
              key={outcome.cardId}
              contexts={contexts}
              contextId={outcome.draft.contextId}
              initial={outcome.draft}
              revisionOf={outcome.cardId}
              refused={outcome}
              onAccepted={onAccepted}
            />
          )
        }
      >
        {revisionOf ? <input type="hidden" name="revisionOf" value={revisionOf} /> : null}
        <ContextSelect id="field-contextId" contexts={contexts} locale={locale} defaultValue={contextId} />
        <Field name="title" label={t("values.form.title")} help={t("values.form.titleHelp")} defaultValue={initial?.title} {...constraints(CardTitle)} />
        <TextField
          name="description"
          label={t("values.form.description")}
          help={t("values.form.descriptionHelp")}
          rows={3}
          defaultValue={initial?.description}
          {...constraints(CardDescription)}
        />
        <PolicyInputs policies={policies} />
        <Submit busyLabel={t("values.form.checking")}>{revisionOf ? t("values.form.resubmit") : t("values.form.submit")}</Submit>
      </ActionForm>
    </>
  );
}

/** The attentional policies: the first ones required, each with its own error at it, and the list's own. */
function PolicyInputs({ policies }: { policies: string[] }) {
  const t = useT();
  const errors = useFormErrors();
  const listError = fieldMessage(t, errors.policies);
  return (
    <fieldset className="field policies-field" aria-describedby={listError ? "policies-help policies-error" : "policies-help"}>
      <legend>{t("values.form.policies")}</legend>
      <p id="policies-help" className="help">
        {t("values.form.policiesHelp")}
      </p>
      {policies.map((policy, i) => {
        const error = fieldMessage(t, errors[`policies.${i}`]);
        return (
          <div key={i} className="policy-input">
            <label htmlFor={`field-policy-${i}`} className="visually-hidden">
              {t("values.form.policy", { n: i + 1 })}
            </label>
            {/* A policy is one line of about ten words: a two-line box shows it whole on a phone, and Enter does not break it. */}
            <textarea
              id={`field-policy-${i}`}
              name="policies"
              rows={2}
              defaultValue={policy}
              placeholder={t("values.form.policy", { n: i + 1 })}
              onKeyDown={(event) => {
                if (event.key === "Enter" && !event.nativeEvent.isComposing) event.preventDefault();
              }}
              {...policyField}
              required={i < CARD_LIMITS.policies.min}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `field-policy-${i}-error` : undefined}
            />
            {error ? (
              <p id={`field-policy-${i}-error`} className="field-error">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      {listError ? (
        <p id="policies-error" className="field-error">
          {listError}
        </p>
      ) : null}
    </fieldset>
  );
}
