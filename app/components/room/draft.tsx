import { useMemo, useState } from "react";
import { roomInputs } from "../../../server/trpc/schemas/room";
import { type Translate, useT } from "../../i18n";
import { constraints } from "../../utils/constraints";
import type { DeliberationView, Draft } from "../deliberation";
import { ActionForm, Submit, TextField } from "../forms";
import { TrackedChanges } from "../tracked-changes";
import { BarRow } from "./charts";
import { ReadingChip, type ReadingShown, slotName } from "./readings";
import { Written } from "../written";

/**
 * The draft ruling as the room shows it: its clauses as a numbered rule (each marked when it is not the
 * clerk's wording), what it does to every constituency's mandate from readings, whether it is in the
 * proportional veto core, and the delegate's amendment of one clause, read before the ballot.
 */

export type DraftClause = NonNullable<Draft["clauses"]>[number];
export type Coverage = Draft["coverage"];
type Fairness = NonNullable<Draft["fairness"]>;

const percent = (x: number) => `${Math.round(x * 100)} %`;

function clauseMark(t: Translate, clause: DraftClause): string | null {
  if (clause.replaces === null) return t("draft.mark.added");
  switch (clause.source) {
    case "citizen":
      return t("draft.mark.citizen");
    case "alternative":
      return t("draft.mark.alternative");
    case "delegate":
      return t("draft.mark.delegate");
    case "mediator":
      return t("draft.mark.mediator");
    default:
      return null;
  }
}

/** The clauses as a numbered rule; a clerk's clause left out is said under it. */
export function DraftClauses({ clauses, view }: { clauses: readonly DraftClause[]; view: DeliberationView }) {
  const t = useT();
  const kept = new Set(clauses.map((c) => c.replaces));
  const struck = view.rule.filter((s) => s.kind === "clause" && !kept.has(s.number)).map((s) => s.number);
  return (
    <>
      <ol className="draft-clauses">
        {clauses.map((c) => {
          const mark = clauseMark(t, c);
          return (
            <li key={c.number} value={c.number}>
              <Written className="clause-words" text={c.text} />
              {mark ? <span className="draft-mark">{mark}</span> : null}
            </li>
          );
        })}
      </ol>
      {struck.length ? <p className="card-meta">{t("draft.struck", { clauses: struck.join(", "), count: struck.length })}</p> : null}
    </>
  );
}

/** The words of every option, by id: the reading chips show the quote in them. */
export function useOptionWords(view: DeliberationView): Map<string, string> {
  return useMemo(() => new Map(view.rule.flatMap((s) => s.options.map((o) => [o.id, o.text] as const))), [view.rule]);
}

/** Per constituency: its honoured and eroded shares, and every value it holds with what the text does to it. */
export function CoverageFigures({ coverage, view, matterId }: { coverage: Coverage; view: DeliberationView; matterId: string }) {
  const t = useT();
  const words = useOptionWords(view);
  return (
    <ul className="coverage coverage-read">
      {coverage.map((c) => {
        const eroded = c.erodedWeight ?? 0;
        const order = { erodes: 0, honours: 1, silent: 2 } as const;
        const values = [...c.values].sort((a, b) => order[a.verdict] - order[b.verdict] || b.weight - a.weight);
        return (
          <li key={c.representativeId} className="coverage-constituency">
            <p>
              <strong>{c.label}</strong> <span className="card-meta">({t("deliberation.represents", { citizens: c.citizens })})</span>
            </p>
            <p>{t("draft.shares", { honoured: percent(c.honouredWeight), eroded: percent(eroded) })}</p>
            <ul className="readings">
              {values.map((v) => (
                <li key={v.valueId}>
                  <ReadingChip
                    verdict={v.verdict}
                    title={`${v.title} (${t("room.weight", { weight: Math.round(v.weight * 100) })})`}
                    readings={v.by.map(
                      (b): ReadingShown => ({
                        quote: b.quote,
                        reason: b.reason,
                        engine: b.engine,
                        // The view adds each reading's ledger seq; the spread over the protocol's type hides it from inference.
                        seq: (b as { seq?: number | null }).seq ?? null,
                        clause: b.clause || undefined,
                        words: words.get(b.optionId),
                      }),
                    )}
                    matterId={matterId}
                  />
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}

/** The winner's fairness: the veto-core verdict in plain words, and the honoured shares as a chart with its table. */
export function FairnessFigures({
  fairness,
  view,
  name,
  round,
}: {
  fairness: Fairness;
  view: DeliberationView;
  name: (round: number, id: string) => string;
  round: number;
}) {
  const t = useT();
  const labelOf = new Map(view.representatives.map((r) => [r.id, r.label]));
  const shares = fairness.shares.map((s) => ({ ...s, label: labelOf.get(s.representativeId) ?? t("room.representative") }));
  const summary = shares.map((s) => t("fairness.entry", { label: s.label, honoured: percent(s.honoured), eroded: percent(s.eroded) })).join("; ");
  return (
    <section aria-labelledby="fairness" className="stack fairness">
      <h4 id="fairness">{t("fairness.title")}</h4>
      <p className={fairness.inCore ? "core core-yes" : "core core-no"}>
        <strong>{t("fairness.inCore")}</strong> {fairness.inCore ? t("fairness.yes") : t("fairness.no")}
      </p>
      <p>{fairness.inCore ? t("fairness.explainYes") : t("fairness.explainNo")}</p>
      {fairness.core.length ? (
        <p className="card-meta">{t("fairness.coreList", { names: fairness.core.map((id) => name(round, id)).join("; "), count: fairness.core.length })}</p>
      ) : null}
      <figure className="chart">
        <figcaption className="help">{t("fairness.caption")}</figcaption>
        <div className="bars" role="img" aria-label={t("fairness.summary", { summary })}>
          {shares.map((s) => (
            <BarRow key={s.representativeId} label={s.label} value={s.honoured} max={1} suffix={percent(s.honoured)} />
          ))}
        </div>
        <details>
          <summary>{t("room.asTable")}</summary>
          <div className="table-wrap" role="region" aria-label={t("fairness.title")} tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("fairness.constituency")}</th>
                  <th scope="col">{t("fairness.citizens")}</th>
                  <th scope="col">{t("fairness.honoured")}</th>
                  <th scope="col">{t("fairness.eroded")}</th>
                </tr>
              </thead>
              <tbody>
                {shares.map((s) => (
                  <tr key={s.representativeId}>
                    <th scope="row">{s.label}</th>
                    <td>{s.citizens}</td>
                    <td>{percent(s.honoured)}</td>
                    <td>{percent(s.eroded)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figure>
    </section>
  );
}

/** What the draft does to the mandates: the amended text's figures once its amendment is read, the draft's until then. */
export function DraftFigures({
  draft,
  view,
  matterId,
  name,
}: {
  draft: Draft;
  view: DeliberationView;
  matterId: string;
  name: (round: number, id: string) => string;
}) {
  const t = useT();
  const amended = view.amendedDraft;
  const coverage = amended && !amended.pending ? amended.coverage : draft.coverage;
  return (
    <div className="stack">
      <h4>{t("deliberation.coverage")}</h4>
      <p>{amended && !amended.pending ? t("draft.figuresAmended") : t("draft.figuresLead")}</p>
      {amended?.pending ? <p className="notice">{t("draft.figuresWait")}</p> : null}
      <CoverageFigures coverage={coverage} view={view} matterId={matterId} />
      {draft.fairness ? (
        <>
          <FairnessFigures fairness={draft.fairness} view={view} name={name} round={draft.round} />
          {amended ? <p className="card-meta">{t("fairness.ofDraft")}</p> : null}
        </>
      ) : null}
    </div>
  );
}

/** The draft as the delegates amended it: its numbered clauses, the changes tracked, and whether the amendment is still being read. */
export function AmendedDraft({ view }: { view: DeliberationView }) {
  const t = useT();
  const amended = view.amendedDraft;
  const unreadable = view.room.unreadable ? (
    <p className="notice" role="status">
      {t("draft.unreadable", { count: String(view.room.unreadable) })}
    </p>
  ) : null;
  if (!view.draft) return null;
  if (!amended) return unreadable;
  return (
    <section aria-labelledby="amended" className="card stack amended-draft">
      <h3 id="amended">{t("room.amendedTitle")}</h3>
      {unreadable}
      {amended.pending ? (
        <p className="notice reading-pending" role="status">
          {t("draft.beingRead")}
        </p>
      ) : (
        <p className="card-meta" role="status">
          {t("draft.read")}
        </p>
      )}
      <DraftClauses clauses={amended.clauses} view={view} />
      <details>
        <summary>{t("draft.changes")}</summary>
        <TrackedChanges before={view.draft.text} after={amended.text} caption={t("room.tracked")} />
      </details>
    </section>
  );
}

/** The first words of a clause, to pick it by. */
function firstWords(text: string, max = 48): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The delegate amends one clause: she picks it by number and first words, and rewrites it (the field
 * starts with its current words) or strikes it. A clerk's clause the draft left out can be put back.
 */
export function AmendClauseForm({ view }: { view: DeliberationView }) {
  const t = useT();
  const draft = view.draft;
  const slotOf = useMemo(() => new Map(view.rule.flatMap((s) => s.options.map((o) => [o.id, s.index] as const))), [view.rule]);
  const clauses = view.amendedDraft?.clauses ?? draft?.clauses ?? [];
  const choices = useMemo(() => {
    const inText = clauses.map((c) => ({
      slot: slotOf.get(c.optionId) ?? -1,
      label: t("amend.pick", { number: c.number, words: firstWords(c.text) }),
      text: c.text,
    }));
    const used = new Set(inText.map((c) => c.slot));
    const left = view.rule
      .filter((s) => !used.has(s.index))
      .map((s) => {
        const clerk = s.options.find((o) => o.source === "clerk") ?? s.options.find((o) => o.text !== "");
        return { slot: s.index, label: t("amend.pickLeft", { where: slotName(t, s), words: firstWords(clerk?.text ?? "") }), text: clerk?.text ?? "" };
      });
    return [...inText, ...left].filter((c) => c.slot >= 0);
  }, [clauses, slotOf, view.rule, t]);
  const [slot, setSlot] = useState(choices[0]?.slot ?? 0);
  const current = choices.find((c) => c.slot === slot) ?? choices[0];
  if (!draft?.clauses || !current) return <p className="card-meta">{t("amend.noClauses")}</p>;
  return (
    <ActionForm intent="amend" className="stack" success={t("room.amend.done")}>
      <p className="help">{t("amend.lead")}</p>
      <div className="field">
        <label htmlFor="amend-slot">{t("amend.clause")}</label>
        <select id="amend-slot" name="slot" value={current.slot} onChange={(e) => setSlot(Number(e.currentTarget.value))}>
          {choices.map((c) => (
            <option key={c.slot} value={c.slot}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <TextField
        key={current.slot}
        id="amend-text"
        name="text"
        label={t("amend.text")}
        help={t("amend.textHelp")}
        rows={4}
        defaultValue={current.text}
        {...constraints(roomInputs.amendText)}
      />
      <div className="button-row">
        <Submit>{t("amend.save")}</Submit>
        <Submit name="strike" value="yes" className="button-secondary" formNoValidate>
          {t("amend.strike")}
        </Submit>
      </div>
    </ActionForm>
  );
}
