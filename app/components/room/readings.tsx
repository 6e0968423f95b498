import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { type Translate, useLocale, useT } from "../../i18n";
import { writtenLang } from "../../i18n/written";
import type { DeliberationView } from "../deliberation";
import { WithWritten, Written } from "../written";

/**
 * What a clause does to a value, as the room shows it (DESIGN.md, "the reading"): a chip per value an
 * option honours or erodes, which opens to the words that decide it, the reason, the engine that read
 * it and the audit of the reading's ledger event. Who wrote an option is said in words, never by id.
 */

export type RuleSlot = DeliberationView["rule"][number];
export type RuleOption = RuleSlot["options"][number];
export type Verdict = "honours" | "erodes" | "silent";

/** One reading behind a chip: the words it quotes, why, who read it and where it is in the ledger. */
export interface ReadingShown {
  quote: string;
  reason: string;
  engine: string;
  seq: number | null;
  /** The clause's number in the text shown, when the chip stands for a whole draft. */
  clause?: number;
  /** The clause's words, to show the quote in. */
  words?: string;
}

/** Which engine read it, for a person: the offline reader, or the model by name. */
export function engineName(t: Translate, engine: string): string {
  return engine === "offline" ? t("reading.engine.offline") : t("reading.engine.model", { model: engine });
}

/** Who wrote an option, in words. */
export function optionSource(t: Translate, option: Pick<RuleOption, "source" | "valueTitle">): string {
  switch (option.source) {
    case "clerk":
      return t("rule.source.clerk");
    case "alternative":
      return t("rule.source.alternative");
    case "citizen":
      return option.valueTitle ? t("rule.source.citizenFor", { title: option.valueTitle }) : t("rule.source.citizen");
    case "delegate":
      return t("rule.source.delegate");
    default:
      return t("rule.source.mediator");
  }
}

/** The clause's words with the quoted ones marked, when they are found in it as written (or but for case). */
export function Quoted({ words, quote }: { words: string; quote: string }) {
  const at = quote ? (words.includes(quote) ? words.indexOf(quote) : words.toLowerCase().indexOf(quote.toLowerCase())) : -1;
  if (at < 0) return <>{words}</>;
  return (
    <>
      {words.slice(0, at)}
      <mark>{words.slice(at, at + quote.length)}</mark>
      {words.slice(at + quote.length)}
    </>
  );
}

function OneReading({ reading, matterId }: { reading: ReadingShown; matterId: string }) {
  const t = useT();
  const lang = writtenLang(useLocale(), reading.words || reading.quote);
  return (
    <div className="reading-one">
      {reading.clause ? <p className="card-meta">{t("reading.inClause", { number: reading.clause })}</p> : null}
      {reading.words ? (
        <blockquote className="reading-words" lang={lang}>
          <Quoted words={reading.words} quote={reading.quote} />
        </blockquote>
      ) : reading.quote ? (
        <blockquote className="reading-words" lang={lang}>
          <mark>{reading.quote}</mark>
        </blockquote>
      ) : null}
      {reading.words && reading.quote && !reading.words.toLowerCase().includes(reading.quote.toLowerCase()) ? (
        <p>{t("reading.quote", { quote: reading.quote })}</p>
      ) : null}
      <Written as="p" text={reading.reason} />
      <p className="card-meta">
        {t("reading.readBy", { engine: engineName(t, reading.engine) })}
        {reading.seq ? (
          <>
            {" "}
            · <Link to={`/rooms/${matterId}/audit/${reading.seq}`}>{t("reading.audit", { seq: reading.seq })}</Link>
          </>
        ) : null}
      </p>
    </div>
  );
}

/**
 * A value an option (or a draft) honours or erodes, as a chip that opens to its readings. Eroding
 * chips differ by a symbol, a word and a dashed border, not by colour alone.
 */
export function ReadingChip({ verdict, title, readings, matterId }: { verdict: Verdict; title: string; readings: readonly ReadingShown[]; matterId: string }) {
  const t = useT();
  const said = verdict === "honours" ? t("reading.honours") : verdict === "erodes" ? t("reading.erodes") : t("reading.silent");
  const face: ReactNode = (
    <>
      <span aria-hidden="true" className="reading-mark">
        {verdict === "honours" ? "✓" : verdict === "erodes" ? "✗" : "–"}
      </span>{" "}
      <span className="reading-verdict">{said}</span> <span className="reading-title">{title}</span>
    </>
  );
  if (verdict === "silent" || readings.length === 0) return <span className={`reading reading-${verdict}`}>{face}</span>;
  return (
    <details className={`reading reading-${verdict}`}>
      <summary>{face}</summary>
      <div className="reading-body">
        {readings.map((r, i) => (
          <OneReading key={i} reading={r} matterId={matterId} />
        ))}
      </div>
    </details>
  );
}

/** The chips of one option: what it honours first, then what it erodes. */
export function OptionReadings({ option, matterId, pending = false }: { option: RuleOption; matterId: string; pending?: boolean }) {
  const t = useT();
  const shown = [...option.readings].sort((a, b) => (a.verdict === b.verdict ? a.title.localeCompare(b.title) : a.verdict === "honours" ? -1 : 1));
  if (shown.length === 0)
    return <p className="card-meta">{option.text === "" ? t("rule.strikeUnread") : pending ? t("rule.beingRead") : t("rule.noReadings")}</p>;
  return (
    <ul className="readings" aria-label={t("rule.readingsOf")}>
      {shown.map((r) => (
        <li key={r.valueId}>
          <ReadingChip
            verdict={r.verdict}
            title={r.title}
            readings={[{ quote: r.quote, reason: r.reason, engine: r.engine, seq: r.seq, words: option.text }]}
            matterId={matterId}
          />
        </li>
      ))}
    </ul>
  );
}

/** Where a slot sits in the rule, in words: "Clause 2", or a clause citizens propose to add. */
export function slotName(t: Translate, slot: Pick<RuleSlot, "kind" | "number">): string {
  if (slot.kind === "clause") return t("rule.clause", { number: slot.number });
  return slot.number === 0 ? t("rule.additionFirst") : t("rule.additionAfter", { number: slot.number });
}

/** "The rule and its options": every clause with its options beneath, each with what it was read to do. */
export function RuleOptions({ view, matterId }: { view: DeliberationView; matterId: string }) {
  const t = useT();
  return (
    <section aria-labelledby="rule-options" className="stack rule-options">
      <h2 id="rule-options">{t("rule.title")}</h2>
      <p className="help">{t("rule.lead")}</p>
      <ol className="rule-slots">
        {view.rule.map((slot) => (
          <li key={slot.index} className="card rule-slot">
            <h3>{slotName(t, slot)}</h3>
            <ul className="rule-slot-options">
              {slot.options.map((option) => (
                <li key={option.id} className={`rule-option rule-option-${option.source}`}>
                  <p className="card-meta">
                    <WithWritten text={optionSource(t, option)} parts={[option.valueTitle]} />
                  </p>
                  {option.text === "" ? <p className="rule-strike">{t("rule.strike")}</p> : <Written as="p" className="clause-words" text={option.text} />}
                  {/* Before the positions every option is still being read; after the draft, only a delegate's amendment may be. */}
                  <OptionReadings
                    option={option}
                    matterId={matterId}
                    pending={view.stage === "positions" || (option.source === "delegate" && Boolean(view.amendedDraft?.pending))}
                  />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
