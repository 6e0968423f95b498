import { Link } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { AMENDMENT_ACTIONS, CLAUSE_LIMITS, PROVISION_LIMITS } from "../../server/trpc/schemas/matters";
import { useT } from "../i18n";
import { ActionForm, Submit, TextField, useFieldError } from "./forms";
import { WithWritten, Written } from "./written";

/**
 * The rule as clauses (DESIGN.md): each clause with the clerk's alternative wordings and the citizens'
 * amendments under it, the clauses citizens propose to add after the clause they follow, each with
 * the value it serves by title and never with who proposed it. The clerk gives a clause another
 * wording; a citizen, during intake, proposes an amendment tied to one of her values.
 */

type Out = inferRouterOutputs<AppRouter>;
export type RuleView = Out["matters"]["get"]["rule"];
type PublicAmendment = RuleView["leadingAdditions"][number];
export type MyAmendment = Out["matters"]["myAmendments"][number];

/** Which text a deliberated matter stands on now: the draft, the text on the ballot, or the ratified one. */
export type StandingText = "draft" | "ballot" | "ratified";

/** What became of an amendment in that text: its words are clause N, the clause it strikes is gone, or neither. */
export type AmendmentFate = { kind: "in"; number: number } | { kind: "struck" } | { kind: "out" };

/**
 * Whether an amendment made it into the text the deliberation produced (the delegates' amended draft
 * when there is one): its own option is one of the text's clauses, or, for a strike, no wording of its
 * clause is. `rule` is the deliberation's options by slot (the clause an amendment belongs to).
 */
export function amendmentFate(
  amendment: { id: string; action: string },
  rule: readonly { options: readonly { id: string }[] }[],
  clauses: readonly { optionId: string; number: number }[],
): AmendmentFate {
  // The deliberation names a citizen's amendment "m:<its id>" among its options (server/services/clauses.server.ts).
  const option = `m:${amendment.id}`;
  const mine = clauses.find((c) => c.optionId === option);
  if (mine) return { kind: "in", number: mine.number };
  if (amendment.action !== "strike") return { kind: "out" };
  const slot = rule.find((s) => s.options.some((o) => o.id === option));
  const kept = slot ? clauses.some((c) => slot.options.some((o) => o.id === c.optionId)) : true;
  return kept ? { kind: "out" } : { kind: "struck" };
}

/** One of her value cards, as the amendment form offers it. */
export interface AmendmentCard {
  id: string;
  title: string;
  /** In the matter's own context: offered first. */
  here: boolean;
}

export interface CitizenAmending {
  cards: AmendmentCard[];
  contextId: string;
}

function ValueNote({ title }: { title: string | null }) {
  const t = useT();
  return title ? (
    <span className="clause-value">
      <WithWritten text={t("clauses.forValue", { title })} parts={[title]} />
    </span>
  ) : null;
}

function Addition({ addition }: { addition: PublicAmendment }) {
  const t = useT();
  return (
    <div className="clause-option clause-addition">
      <p className="card-meta">
        {t("clauses.addition")} · <ValueNote title={addition.valueTitle} />
      </p>
      <Written as="p" className="clause-words" text={addition.text} />
    </div>
  );
}

export function RuleClauses({
  rule,
  clerkEditing,
  citizen,
  announce,
}: {
  rule: RuleView;
  /** The clerk, while the matter is a draft or in intake. */
  clerkEditing: boolean;
  /** A citizen while intake is open: her cards to tie an amendment to. */
  citizen: CitizenAmending | null;
  announce: (text: string) => void;
}) {
  const t = useT();
  return (
    <section aria-labelledby="rule" className="rule-clauses">
      <h2 id="rule">{t("matters.rule")}</h2>
      {rule.leadingAdditions.map((a) => (
        <Addition key={a.id} addition={a} />
      ))}
      <ol className="clauses">
        {rule.clauses.map((clause) => (
          <li key={clause.number} id={`clause-${clause.number}`} value={clause.number} className="clause">
            <Written as="p" className="clause-words" text={clause.text} />
            {clause.alternatives.length + clause.amendments.length > 0 ? (
              <ul className="clause-options">
                {clause.alternatives.map((alternative) => (
                  <li key={alternative.id} className="clause-option">
                    <p className="card-meta">{t("clauses.alternative")}</p>
                    <Written as="p" className="clause-words" text={alternative.text} />
                    {clerkEditing ? (
                      <ActionForm
                        intent="removeAlternative"
                        formKey={alternative.id}
                        hidden={{ optionId: alternative.id }}
                        onSuccess={() => announce(t("clauses.alternativeRemoved"))}
                      >
                        <Submit className="button-secondary">{t("clauses.removeAlternative")}</Submit>
                      </ActionForm>
                    ) : null}
                  </li>
                ))}
                {clause.amendments.map((amendment) => (
                  <li key={amendment.id} className="clause-option clause-amendment">
                    <p className="card-meta">
                      {t(amendment.action === "strike" ? "clauses.amendment.strike" : "clauses.amendment.replace")} · <ValueNote title={amendment.valueTitle} />
                    </p>
                    {amendment.action === "strike" ? null : <Written as="p" className="clause-words" text={amendment.text} />}
                  </li>
                ))}
              </ul>
            ) : null}
            {clerkEditing ? <AlternativeForm number={clause.number} /> : null}
            {citizen ? <AmendmentForm number={clause.number} citizen={citizen} /> : null}
            {clause.additions.map((a) => (
              <Addition key={a.id} addition={a} />
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}

function AlternativeForm({ number }: { number: number }) {
  const t = useT();
  return (
    <details className="clause-act">
      <summary>{t("clauses.addAlternativeTo", { number })}</summary>
      <ActionForm
        intent="addAlternative"
        formKey={`clause-${number}`}
        hidden={{ clause: number }}
        className="stack"
        resetOnSuccess
        success={t("clauses.alternativeAdded")}
      >
        <TextField
          name="text"
          id={`alternative-${number}`}
          rows={3}
          label={t("clauses.alternativeField", { number })}
          required
          minLength={CLAUSE_LIMITS.text.min}
          maxLength={CLAUSE_LIMITS.text.max}
        />
        <Submit>{t("clauses.addAlternative")}</Submit>
      </ActionForm>
    </details>
  );
}

function CardSelect({ id, cards }: { id: string; cards: AmendmentCard[] }) {
  const t = useT();
  const error = useFieldError("cardId", undefined);
  const here = cards.filter((c) => c.here);
  const elsewhere = cards.filter((c) => !c.here);
  const option = (c: AmendmentCard) => (
    <option key={c.id} value={c.id}>
      {c.title}
    </option>
  );
  return (
    <div className="field">
      <label htmlFor={id}>{t("amendments.card")}</label>
      <select id={id} name="cardId" required aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {here.length > 0 ? <optgroup label={t("amendments.cardsHere")}>{here.map(option)}</optgroup> : null}
        {elsewhere.length > 0 ? <optgroup label={t("amendments.cardsElsewhere")}>{elsewhere.map(option)}</optgroup> : null}
      </select>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function AmendmentForm({ number, citizen }: { number: number; citizen: CitizenAmending }) {
  const t = useT();
  return (
    <details className="clause-act">
      <summary>{t("amendments.proposeTo", { number })}</summary>
      {citizen.cards.length === 0 ? (
        <p className="notice">
          {t("amendments.noCards")} <Link to={`/values/new?context=${citizen.contextId}`}>{t("matters.writeValue")}</Link>
        </p>
      ) : (
        <ActionForm
          intent="propose"
          formKey={`clause-${number}`}
          hidden={{ clause: number }}
          className="stack"
          resetOnSuccess
          success={t("amendments.proposed")}
        >
          <p className="help">{t("amendments.lead")}</p>
          <fieldset className="answers">
            <legend>{t("amendments.action")}</legend>
            {AMENDMENT_ACTIONS.map((action) => (
              <label key={action} className="check">
                <input type="radio" name="action" value={action} defaultChecked={action === "replace"} required />{" "}
                {t(`amendments.action.${action}`, { number })}
              </label>
            ))}
          </fieldset>
          <TextField
            name="text"
            id={`amendment-${number}`}
            rows={3}
            label={t("amendments.text")}
            help={t("amendments.textHelp")}
            maxLength={PROVISION_LIMITS.max}
          />
          <CardSelect id={`amendment-card-${number}`} cards={citizen.cards} />
          <Submit>{t("amendments.submit")}</Submit>
        </ActionForm>
      )}
    </details>
  );
}

/**
 * Her own amendments on the matter, with Withdraw while intake is open; once deliberated, whether each
 * made it into the draft (or the text on the ballot, or the ratified text), and where to read why.
 */
export function MyAmendments({
  amendments,
  open,
  announce,
  fateOf,
  standing,
  matterId,
}: {
  amendments: MyAmendment[];
  open: boolean;
  announce: (text: string) => void;
  fateOf?: ((amendment: MyAmendment) => AmendmentFate) | null;
  standing?: StandingText;
  matterId?: string;
}) {
  const t = useT();
  if (amendments.length === 0) return null;
  return (
    <section aria-labelledby="my-amendments" className="card stack">
      <h2 id="my-amendments">{t("amendments.mine")}</h2>
      <ul className="clause-options">
        {amendments.map((a) => (
          <li key={a.id} className="clause-option">
            <p className="card-meta">
              {t(`amendments.action.${a.action}`, { number: a.clause })} · <ValueNote title={a.valueTitle} />
              {a.withdrawn ? ` · ${t("amendments.withdrawnLabel")}` : null}
            </p>
            {a.action === "strike" ? null : <Written as="p" className="clause-words" text={a.text} />}
            {fateOf && standing && !a.withdrawn ? <FateNote fate={fateOf(a)} clause={a.clause} standing={standing} matterId={matterId} /> : null}
            {open && !a.withdrawn ? (
              <ActionForm intent="withdraw" formKey={a.id} hidden={{ optionId: a.id }} onSuccess={() => announce(t("amendments.withdrawn"))}>
                <Submit className="button-secondary">{t("amendments.withdraw")}</Submit>
              </ActionForm>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FateNote({ fate, clause, standing, matterId }: { fate: AmendmentFate; clause: number; standing: StandingText; matterId?: string | undefined }) {
  const t = useT();
  const said =
    fate.kind === "in"
      ? t("amendments.fate.in", { text: standing, number: fate.number })
      : fate.kind === "struck"
        ? t("amendments.fate.struck", { text: standing, clause })
        : t("amendments.fate.out", { text: standing });
  return (
    <p className={fate.kind === "out" ? "amendment-fate" : "amendment-fate amendment-in"}>
      <strong>{said}</strong> {matterId ? <Link to={`/rooms/${matterId}`}>{t("amendments.fate.why")}</Link> : null}
    </p>
  );
}
