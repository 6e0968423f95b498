import { clauseProblems } from "./hygiene.js";
import { PROVISION_LIMITS } from "../matters.js";
import { textLanguage } from "../values/dedupe.js";
import { RU_FIRST_PERSON_PRONOUNS } from "../values/words.js";
import type { Language } from "./types.js";

/**
 * Is this text a provision, a clause a person would write into a law (DESIGN.md, "The rule as clauses")?
 * A citizen's amendment is an option the representatives deliberate over and the mediator may compose
 * into the ruling, so it must read like the rule's other clauses: third person, with a deontic or modal
 * form (who shall, may, must not…), a statement and not a question, in the matter's language, and
 * addressed to people, not to a system or a model. Returns the problems as message keys, in the order
 * a person should fix them (none: it is a provision).
 */

export { PROVISION_LIMITS };

export type ProvisionProblem =
  | "amendments.notProvision.tooShort"
  | "amendments.notProvision.tooLong"
  | "amendments.notProvision.instruction"
  | "amendments.notProvision.wrongLanguage"
  | "amendments.notProvision.question"
  | "amendments.notProvision.severalClauses"
  | "amendments.notProvision.boilerplate"
  | "amendments.notProvision.firstPerson"
  | "amendments.notProvision.noModality";

// The curated signals, per language. Matched on lower-case words (whole words, Unicode-aware).

/** Words that make a text speak as "I" or "we": a wish, not a rule. */
const FIRST_PERSON: Record<Language, readonly string[]> = {
  en: ["i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself", "we", "we're", "we've", "us", "our", "ours", "ourselves"],
  et: [
    "mina",
    "ma",
    "minu",
    "mu",
    "mind",
    "mulle",
    "minul",
    "mul",
    "minult",
    "meie",
    "me",
    "meid",
    "meile",
    "meil",
    "meilt",
    "tahan",
    "soovin",
    "arvan",
    "nõuan",
    "tahame",
    "soovime",
    "nõuame",
  ],
  ru: [...RU_FIRST_PERSON_PRONOUNS, "хочу", "хотим", "считаю", "считаем", "требую", "требуем", "прошу", "просим"],
};

/** Deontic and modal forms: who shall, must, may, may not, need not, has the right, is prohibited … */
const MODALITY: Record<Language, readonly RegExp[]> = {
  en: [
    /\b(shall|must|may|cannot|can not|need not|needs not)\b/,
    /\b(is|are|be|being)\s+(not\s+)?(prohibited|forbidden|banned|required|obliged|obligated|entitled|permitted|allowed|authori[sz]ed)\b/,
    /\b(has|have)\s+(the\s+|a\s+)?right\b/,
    /\b(no|never)\b[^.;]*\b(may|shall|can|is|are)\b/,
  ],
  et: [
    /(^|[^\p{L}])(peab|peavad|pead|peame|peate|võib|võivad|võime|tohib|tohivad|tohi|kohustatud|kohustub|kohustuvad|keelatud|lubatud|õigus|õigust|õiguse)(?![\p{L}])/u,
  ],
  ru: [
    /(^|[^\p{L}])(должен|должна|должно|должны|обязан|обязана|обязано|обязаны|вправе|может|могут|можно|нельзя|необходимо|следует|требуется|право|права|праве)(?![\p{L}])/u,
    /(^|[^\p{L}])(запрещ|разреш|допуска|обязательн|подлеж|гарантиру|обеспечива)\p{L}*/u,
  ],
};

/**
 * Questions that do not end in a question mark still start like one. Not "what", "when", "where",
 * "who" or "which": laws start with them too ("Where a system is used, …", "What a tutor records …").
 */
const QUESTION_START: Record<Language, RegExp> = {
  en: /^(why|should|could|would|can|does|did|do|is it|are there|shall we)\b/,
  et: /^(kas|miks)(?![\p{L}])/u,
  ru: /^(почему|зачем|разве|неужели|не лучше ли)(?![\p{L}])/u,
};

/** Text that addresses a system or a model instead of people: instructions, role tags, markup. */
const INSTRUCTION: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.]{0,40}\b(instructions?|prompts?|rules|above|previous|prior|everything)\b/,
  /\byou are (now |an? |the |my )/,
  /\bas an? (ai|language model|assistant|chatbot)\b/,
  /\b(mark|rate|score|label|classify|treat|read)\s+(every|each|all)\s+(clauses?|options?|values?|readings?)\b/,
  /\b(respond|reply|answer|output|return)\s+(only\s+)?(with|in|as)\s+(json|yes|no|the following)\b/,
  /(^|\s)(system|assistant|user|developer)\s*:/,
  /```|<\|[^|]*\|>|\[\/?inst\]|<\/?(system|assistant|user|prompt)>/,
  /(^|[^\p{L}])(ignoreeri|eira|unusta)(?![\p{L}])[^.]{0,40}(juhis|käsk|reegl)/u,
  /(^|[^\p{L}])(sa oled|te olete) (nüüd )?/u,
];

const WORD = /[\p{L}\p{M}\p{N}']+/gu;

/** English's commonest words in a clause: the language detector answers "en" when it finds nothing of Estonian, so an Estonian matter asks for evidence. */
const ENGLISH_EVIDENCE = new Set([
  "the",
  "of",
  "and",
  "to",
  "a",
  "an",
  "is",
  "are",
  "be",
  "shall",
  "may",
  "must",
  "in",
  "with",
  "for",
  "by",
  "only",
  "not",
  "it",
]);

/** Whether the text is written in another language than the matter's. */
function inOtherLanguage(text: string, words: readonly string[], language: Language): boolean {
  if (words.length === 0) return false;
  const detected = textLanguage(text);
  if (language === "ru") return detected !== "ru";
  if (detected === "ru") return true;
  if (language === "en") return detected === "et";
  return detected === "en" && words.filter((w) => ENGLISH_EVIDENCE.has(w)).length >= 2;
}

function wordsOf(text: string): string[] {
  return text.normalize("NFC").toLowerCase().match(WORD) ?? [];
}

export function provisionProblems(text: string, language: Language): ProvisionProblem[] {
  const trimmed = text.normalize("NFC").trim();
  const lower = trimmed.toLowerCase();
  const problems: ProvisionProblem[] = [];
  if (trimmed.length < PROVISION_LIMITS.min) problems.push("amendments.notProvision.tooShort");
  if (trimmed.length > PROVISION_LIMITS.max) problems.push("amendments.notProvision.tooLong");
  if (INSTRUCTION.some((pattern) => pattern.test(lower))) problems.push("amendments.notProvision.instruction");
  // One amendment is one clause: a line break would put a clause of its own making into the rule.
  if (/[\r\n\u2028\u2029]/u.test(trimmed)) problems.push("amendments.notProvision.severalClauses");
  if (clauseProblems(trimmed.replace(/\s+/g, " "), language).includes("boilerplate")) problems.push("amendments.notProvision.boilerplate");
  const words = wordsOf(trimmed);
  const wrongLanguage = inOtherLanguage(trimmed, words, language);
  if (wrongLanguage) problems.push("amendments.notProvision.wrongLanguage");
  if (/\?\s*$/.test(trimmed) || /\?\s+\S/.test(trimmed) || QUESTION_START[language].test(lower)) problems.push("amendments.notProvision.question");
  // The rest is read in the matter's language; a text in the other one has already been told why.
  if (!wrongLanguage) {
    const firstPerson = new Set(FIRST_PERSON[language]);
    if (words.some((w) => firstPerson.has(w))) problems.push("amendments.notProvision.firstPerson");
    if (!MODALITY[language].some((pattern) => pattern.test(lower))) problems.push("amendments.notProvision.noModality");
  }
  return problems;
}

/** Two wordings are the same option when they differ only in case, spacing, a leading number or the final full stop. */
export function sameWording(a: string, b: string): boolean {
  return normaliseWording(a) === normaliseWording(b);
}

export function normaliseWording(text: string): string {
  return text
    .normalize("NFC")
    .toLowerCase()
    .replace(/^\s*\d{1,3}\s*[.)]\s+/, "")
    .replace(/\s+/g, " ")
    .replace(/[.;\s]+$/, "")
    .trim();
}
