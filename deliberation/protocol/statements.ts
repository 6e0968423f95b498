import type { Language, Option, Reading } from "../reading/types.js";

/**
 * What representatives and the mediator say, written for people in the matter's language: value titles
 * in quotation marks, clauses by number, the decisive words quoted. The offline engine speaks only
 * through these templates; nothing here is free text a model wrote.
 */

type Stance = "support" | "amend" | "oppose";

const NUMBER_LOCALE: Record<Language, string> = { en: "en-GB", et: "et-EE", ru: "ru-RU" };

/** "30 %"; in Russian with a non-breaking space, so the sign never starts a line. */
const percent = (x: number, language: Language) =>
  `${new Intl.NumberFormat(NUMBER_LOCALE[language], { maximumFractionDigits: 0 }).format(Math.round(x * 100))}${language === "ru" ? "\u00a0" : " "}%`;

/** Quotation marks as each language prints them: “…”, „…“, «…» (inner quotes in Russian „…“). */
const q = (language: Language, text: string) =>
  language === "et" ? `„${text}“` : language === "ru" ? `«${text.replace(/«([^«»]*)»/gu, "„$1“")}»` : `“${text}”`;

const RU_PLURAL = new Intl.PluralRules("ru-RU");
/** The Russian word for a count: one (1, 21 …), few (2–4, 22 …), many (5–20, 25 …). */
const ru = (n: number, one: string, few: string, many: string) => {
  const form = RU_PLURAL.select(n);
  return form === "one" ? one : form === "few" ? few : many;
};
/** "из 4 ценностей", "из 1 ценности", "из 21 ценности": after "из" the noun is genitive, singular for one. */
const ofValues = (n: number, adjective = "") => {
  const one = RU_PLURAL.select(n) === "one";
  return `из ${n} ${adjective ? `${one ? "нашей" : "наших"} ` : ""}${one ? "ценности" : "ценностей"}`;
};

/** A quote kept short enough to read in a sentence: the words around the decisive ones. */
export function shortQuote(text: string, max = 140): string {
  const t = text.trim().replace(/\s+/g, " ");
  return t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/u, "")}…`;
}

export const say = {
  stance(language: Language, stance: Stance): string {
    if (language === "et") return stance === "support" ? "Toetame" : stance === "amend" ? "Toetame muudatustega" : "Oleme vastu";
    if (language === "ru") return stance === "support" ? "Поддерживаем" : stance === "amend" ? "Поддерживаем с поправками" : "Выступаем против";
    return stance === "support" ? "We support it" : stance === "amend" ? "We support it with amendments" : "We oppose it";
  },

  /** "We oppose it: the proposal honours 1 of the 4 values of our mandate (30 % of its weight) and erodes 2." */
  summary(language: Language, stance: Stance, what: "proposal" | "draft", counts: { honoured: number; eroded: number; of: number; share: number }): string {
    const head = say.stance(language, stance);
    if (language === "et") {
      const subject = what === "proposal" ? "ettepanek" : "eelnõu";
      const eroded = counts.eroded ? ` ja kahjustab ${counts.eroded}` : "";
      return `${head}: ${subject} austab meie mandaadi ${counts.of} väärtusest ${counts.honoured} (${percent(counts.share, language)} selle kaalust)${eroded}.`;
    }
    if (language === "ru") {
      const subject = what === "proposal" ? "предложение" : "проект";
      const eroded = counts.eroded ? ` и подрывает ${counts.eroded}` : "";
      return `${head}: ${subject} соблюдает ${counts.honoured} ${ofValues(counts.of)} нашего мандата (${percent(counts.share, language)} его веса)${eroded}.`;
    }
    const subject = what === "proposal" ? "the proposal" : "the draft";
    const eroded = counts.eroded ? ` and erodes ${counts.eroded}` : "";
    return `${head}: ${subject} honours ${counts.honoured} of the ${counts.of} values of our mandate (${percent(counts.share, language)} of its weight)${eroded}.`;
  },

  /** "Clause 2 erodes “Freedom to protest without fear”: “may identify any person …”." */
  reading(language: Language, clause: number, title: string, reading: Pick<Reading, "verdict" | "quote">): string {
    const quote = shortQuote(reading.quote);
    if (language === "et") {
      const verb = reading.verdict === "honours" ? "austab" : "kahjustab";
      return `Punkt ${clause} ${verb} väärtust ${q(language, title)}: ${q(language, quote)}.`;
    }
    if (language === "ru") {
      const verb = reading.verdict === "honours" ? "соблюдает" : "подрывает";
      return `Пункт ${clause} ${verb} ценность ${q(language, title)}: ${q(language, quote)}.`;
    }
    const verb = reading.verdict === "honours" ? "honours" : "erodes";
    return `Clause ${clause} ${verb} ${q(language, title)}: ${q(language, quote)}.`;
  },

  silent(language: Language, title: string): string {
    if (language === "ru") return `Ни один пункт не затрагивает ценность ${q(language, title)}.`;
    return language === "et" ? `Ükski punkt ei käsitle väärtust ${q(language, title)}.` : `No clause speaks to ${q(language, title)}.`;
  },

  /** An option on the table that would turn a value around. */
  amendment(language: Language, option: Option, clause: number | null, title: string, effect: "honour" | "stop"): string {
    const text = shortQuote(option.text, 200);
    if (language === "et") {
      if (option.text.trim() === "") return `Punkti ${clause} väljajätmine lõpetaks väärtuse ${q(language, title)} kahjustamise.`;
      const verb = effect === "honour" ? "austaks väärtust" : "ei kahjustaks enam väärtust";
      return clause === null
        ? `Lisasäte ${q(language, text)} ${verb} ${q(language, title)}.`
        : `Punkti ${clause} sõnastus ${q(language, text)} ${verb} ${q(language, title)}.`;
    }
    if (language === "ru") {
      if (option.text.trim() === "") return `Исключение пункта ${clause} прекратило бы подрыв ценности ${q(language, title)}.`;
      // The verb agrees with its subject: "положение" is neuter, "пункт" masculine.
      return clause === null
        ? `Дополнительное положение ${q(language, text)} ${effect === "honour" ? "соблюдало бы" : "больше не подрывало бы"} ценность ${q(language, title)}.`
        : `Пункт ${clause} в редакции ${q(language, text)} ${effect === "honour" ? "соблюдал бы" : "больше не подрывал бы"} ценность ${q(language, title)}.`;
    }
    if (option.text.trim() === "") return `Striking clause ${clause} would end its erosion of ${q(language, title)}.`;
    const verb = effect === "honour" ? "would honour" : "would no longer erode";
    return clause === null
      ? `Adding ${q(language, text)} ${verb} ${q(language, title)}.`
      : `Clause ${clause} worded ${q(language, text)} ${verb} ${q(language, title)}.`;
  },

  /** A representative on one candidate. */
  /**
   * A representative on one candidate. `amend` without approval is "not as it stands", so the words agree
   * with the badge beside them ("asks for amendments"), not a flat refusal.
   */
  assessment(
    language: Language,
    counts: { honoured: number; eroded: number; of: number; share: number },
    approve: boolean,
    worst: string | null,
    stance: Stance = approve ? "support" : "oppose",
  ): string {
    const verdict = approve ? "accept" : stance === "amend" ? "amend" : "refuse";
    if (language === "et") {
      const head = `Austab meie ${counts.of} väärtusest ${counts.honoured} (${percent(counts.share, language)} kaalust)`;
      const tail = worst ? ` ${worst}` : "";
      return `${head}${counts.eroded ? `, kahjustab ${counts.eroded}` : ""}.${tail} ${{ accept: "Saame sellega nõustuda.", amend: "Praegusel kujul me sellega nõustuda ei saa; meie palutud muudatused muudaksid seda.", refuse: "Sellega me nõustuda ei saa." }[verdict]}`;
    }
    if (language === "ru") {
      const head = `Соблюдает ${counts.honoured} ${ofValues(counts.of, "наших")} (${percent(counts.share, language)} их веса)`;
      const tail = worst ? ` ${worst}` : "";
      return `${head}${counts.eroded ? `, подрывает ${counts.eroded}` : ""}.${tail} ${{ accept: "Мы можем это принять.", amend: "В нынешнем виде принять это мы не можем; изменения, о которых мы просим, это исправили бы.", refuse: "Принять это мы не можем." }[verdict]}`;
    }
    const head = `Honours ${counts.honoured} of our ${counts.of} values (${percent(counts.share, language)} of their weight)`;
    const tail = worst ? ` ${worst}` : "";
    return `${head}${counts.eroded ? `, erodes ${counts.eroded}` : ""}.${tail} ${{ accept: "We can accept it.", amend: "We cannot accept it as it stands; the amendments we ask for would change that.", refuse: "We cannot accept it." }[verdict]}`;
  },

  /** A candidate's name: what it changes in the clerk's text. */
  candidateTitle(language: Language, index: number, changes: { replaced: number[]; struck: number[]; added: number }): string {
    const parts: string[] = [];
    if (language === "et") {
      if (changes.replaced.length) parts.push(`${changes.replaced.length === 1 ? "punkt" : "punktid"} ${changes.replaced.join(", ")} uues sõnastuses`);
      if (changes.struck.length) parts.push(`${changes.struck.length === 1 ? "punkt" : "punktid"} ${changes.struck.join(", ")} välja jäetud`);
      if (changes.added) parts.push(changes.added === 1 ? "üks säte lisatud" : `${changes.added} sätet lisatud`);
      return `Kandidaat ${index}: ${parts.length ? parts.join("; ") : "ettepanek muutmata kujul"}`;
    }
    if (language === "ru") {
      if (changes.replaced.length) parts.push(`${changes.replaced.length === 1 ? "пункт" : "пункты"} ${changes.replaced.join(", ")} в новой редакции`);
      if (changes.struck.length)
        parts.push(
          `${changes.struck.length === 1 ? "пункт" : "пункты"} ${changes.struck.join(", ")} ${changes.struck.length === 1 ? "исключён" : "исключены"}`,
        );
      if (changes.added)
        parts.push(
          changes.added === 1
            ? "добавлено одно положение"
            : ru(changes.added, `добавлено ${changes.added} положение`, `добавлены ${changes.added} положения`, `добавлено ${changes.added} положений`),
        );
      return `Вариант ${index}: ${parts.length ? parts.join("; ") : "предложение без изменений"}`;
    }
    if (changes.replaced.length) parts.push(`clause${changes.replaced.length === 1 ? "" : "s"} ${changes.replaced.join(", ")} reworded`);
    if (changes.struck.length) parts.push(`clause${changes.struck.length === 1 ? "" : "s"} ${changes.struck.join(", ")} struck`);
    if (changes.added) parts.push(changes.added === 1 ? "one clause added" : `${changes.added} clauses added`);
    return `Candidate ${index}: ${parts.length ? parts.join("; ") : "the proposal as written"}`;
  },

  candidateRationale(language: Language, worstOff: number, clear: number, of: number): string {
    if (language === "et")
      return `Kõige kehvemas seisus valijaskond saab ${percent(worstOff, language)} oma mandaadi kaalust austatud; ${of} valijaskonnast ${clear} tähtsaimaid väärtusi ei kahjustata.`;
    if (language === "ru")
      return `У округа в самом невыгодном положении соблюдено ${percent(worstOff, language)} веса его мандата; у ${clear} ${RU_PLURAL.select(clear) === "one" ? "округа" : "округов"} из ${of} ни одна из главных ценностей не подорвана.`;
    return `The worst-off constituency has ${percent(worstOff, language)} of its mandate's weight honoured; ${clear} of ${of} constituencies have none of their top values eroded.`;
  },
};
