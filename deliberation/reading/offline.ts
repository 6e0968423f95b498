import { textLanguage } from "../values/dedupe.js";
import {
  AFTER_THE_ACT,
  BURDENS,
  CONCEPTS,
  type Concept,
  DISCRETION,
  FEARING_CUES,
  FREEDOM_GATES,
  FREEDOM_THREATS,
  FREEDOMS,
  MODALITY,
  type ModalityCues,
  POWER_CONDITIONS,
  USE_CONCERNS,
  WHOLE_RULE,
} from "./lexicon.js";
import type { Language, OptionToRead, ReadableValue, Reading, Verdict } from "./types.js";
import { RU_CONDITION, RU_NOT_APPLY, RU_POWER_CONDITIONS, RU_PURPOSE, RU_TAKE_BACK } from "./lexicon-ru.js";

/**
 * The offline reader (DESIGN.md, "What a clause does to a value: the reading"): deterministic,
 * explainable, English, Estonian and Russian. It never counts shared words; it reads what a clause *does*.
 *
 * 1. The value. Its title (weight 2), description sentences and policies (weight 1 each; a policy's
 *    capitals head is skipped) are scanned for the lexicon's concepts (`lexicon.ts`). A safeguard it
 *    names it wants present. A power it names it guards against when a fearing word stands beside it
 *    ("might be identified", "without being recorded", "kept long after"); it asks for the power when
 *    the power serves a goal the value names (finding a missing child, catching fraud) and no fear is
 *    beside it; a power named without fear beside a safeguard is that safeguard's occasion ("MOMENTS
 *    when a person learns that a system has identified them"), not a concern. A power both asked for and
 *    feared is wanted only within bounds. A goal also makes the value ask, implicitly, for the powers
 *    that serve it, but only where a clause puts them to that goal. A power a "MOMENTS when …" policy
 *    names as missing ("ignored without any consequence", "jääb karistuseta") is asked for; a power
 *    counted in an account the value wants ("how often the fund punishes people") is its topic, not a
 *    concern. Scopes (protesters, children, elections …) say whom the value is about.
 * 2. The clause. It is cut into sentences and parts (";", ", and", ", but" …), and each part into its
 *    main words, its exception ("except …", "unless …", "välja arvatud …"), its conditions ("if …",
 *    "before …"), its purposes ("to protect …", "parandamiseks") and quoted words (named, not used).
 *    Each modal cue (shall/must/has the right to: required; may: allowed; may not/is prohibited:
 *    forbidden; need not/is not required/has no right: not required) governs its head: the first
 *    concept after it and what is coordinated with it ("may identify, track and store"); a concept
 *    after the head is its object ("shall publish how often face recognition was used"), and the
 *    concepts before a modal are governed only when it is their predicate ("… shall be prohibited",
 *    "… shall not be used"). A part without a modal is a statement of law (required); its finite verb
 *    is the head ("pildid kustutatakse", "images … are deleted"). A negation flips what it stands
 *    closely before ("no human review is required", "ei ole haldusakt"), "without"/"ilma" takes away
 *    what it governs, and a power allowed in a sentence that bounds it ("only", "at most", "no longer
 *    than", a judge's approval or consent that is asked for) is *limited*. Concepts in conditions and
 *    purposes set scope and goals only: "to protect freedom of assembly" protects nothing. A condition
 *    ends where the main words' modal begins; "provided that the image is destroyed" requires what it
 *    names; a safeguard offered only "if the agency considers it necessary" is not provided. Negated, an
 *    obligation stated by a modal verb or as a statement is a prohibition ("no data shall be kept",
 *    "kaamerad ei salvesta"), one stated as a predicate is excused ("no review is required"); "without",
 *    "instead of", "refuse" and the Estonian abessive ("nõusolekuta") and postpositions ("tõlgi asemel")
 *    take away the first concept they govern, wherever it stands. A power named after a verb of giving
 *    ("shall be shown the risk score") is what is given, not what is done; a participle after a noun
 *    ("travellers flagged by the system") describes who; "information about …", "… kohta" name a topic;
 *    the data of a power ("camera data") counts only where its use is forbidden or bounded. A bound of
 *    two years or more bounds nothing ("no longer than ten years"). A statement's head is its verb, never a
 *    participle describing its subject or that participle's agent ("advertising with video altered by AI
 *    carries a label": a label is required), and a second verb joined by "and" over a condition is done
 *    too ("is reviewed and, if generated, taken down or labelled"). An unnamed instrument put to a goal
 *    ("may use it only to find a missing child") is the power that serves the goal; a permission with
 *    "also" adds a power, and bounded it still adds. A gate that bounds an allowed power is asked for.
 *    What acts on a freedom, forbidden for it, protects it ("parody shall not be taken down"). Telling a
 *    person that it is a machine is that notice only, not a notice of what is done about them. A
 *    safeguard named as the only way out of a prohibition ("no system may be used unless it has been
 *    tested", "… until a clinician has examined") is required; a bound the power's holder sets for
 *    itself ("only where they consider it necessary") bounds nothing; a later part that takes back what
 *    the sentence provided ("may nonetheless be altered at any time", "it shall be sufficient to state")
 *    withholds it as much as it was given; a stand-in that "counts as" consent takes consent away; a
 *    power done "without any consequence" is ruled out; a form that spans the modal ("benefit shall be
 *    reduced", "andmeid võib amet küsida") is governed by it; an Estonian -mata verb ("nõusolekut
 *    küsimata") takes away what it follows.
 * 3. The verdict. A clause concept meets a value concept directly, through an opposite (keeping data is
 *    the opposite of deleting it) or through a related concept (half weight; only a guard carries over).
 *    A value fears what acts on its freedom ("an obvious parody taken down"), and a value that needs a
 *    power is eroded by a ban only where the ban reaches its own places ("not at demonstrations" does not
 *    reach a child lost at a station). A safeguard required or allowed, or a guarded power forbidden or limited, honours; a safeguard
 *    forbidden or not required, or a guarded power allowed or required, erodes; a power the value asks
 *    for honours when allowed (for its goal, when it asks implicitly) and erodes when forbidden. An
 *    exception is read with the opposite modality: at half weight when narrow ("unless they match a
 *    person sought under a warrant"), at double weight when it is about the value's own people or goal
 *    or leaves the decision to the power's holder ("except where the police consider it necessary":
 *    it swallows the rule); an exception only a judge or the person can open takes no safeguard away.
 *    A clause about another group of the same kind as the value's (upper-secondary pupils, not young
 *    children) is silent for it. Contributions are summed by weight and the sign decides; on a tie the
 *    clause honours only if it strictly limits a power ("may not monitor typing; may only log the
 *    copying of client files"), otherwise a clause that takes away as much as it gives erodes. The
 *    decisive words are those of the heaviest contribution on the winning side, from its modal word (or
 *    negation) to the end of its part.
 * What it cannot read (no concept the value attends to, done by the clause) is silent, never guessed.
 */

export const OFFLINE_READER = "offline";

// ───────────────────────────────────────── words ─────────────────────────────────────────

interface Token {
  /** Lower case, NFC. */
  w: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    tokens.push({ w: m[0].toLowerCase().normalize("NFC").replace(/’/g, "'").replace(/ё/g, "е"), start, end: start + m[0].length });
  }
  return tokens;
}

type Matcher = { kind: "prefix" | "exact"; s: string } | { kind: "gap" };
type Form = readonly Matcher[];

function compileForm(form: string): Form {
  const matchers: Matcher[] = [];
  for (const raw of form.trim().split(/\s+/)) {
    if (raw === "…") {
      matchers.push({ kind: "gap" });
      continue;
    }
    const exact = raw.startsWith("=");
    const word = (exact ? raw.slice(1) : raw)
      .toLowerCase()
      .normalize("NFC")
      .replace(/[,.;:]/g, "");
    if (word) matchers.push({ kind: exact ? "exact" : "prefix", s: word });
  }
  return matchers;
}

const MAX_GAP = 3;

/** The end (exclusive token index) of `form` matched at token `i`, or -1. */
function matchAt(tokens: readonly Token[], i: number, form: Form, f = 0): number {
  if (f === form.length) return i;
  const m = form[f]!;
  if (m.kind === "gap") {
    for (let skip = 0; skip <= MAX_GAP && i + skip <= tokens.length; skip++) {
      const end = matchAt(tokens, i + skip, form, f + 1);
      if (end >= 0) return end;
    }
    return -1;
  }
  const t = tokens[i];
  if (!t) return -1;
  if (m.kind === "exact" ? t.w !== m.s : !t.w.startsWith(m.s)) return -1;
  return matchAt(tokens, i + 1, form, f + 1);
}

interface Span {
  /** Token indices [from, to). */
  from: number;
  to: number;
}

/** Every match of any of `forms`, longest first where they overlap. */
function findAll(tokens: readonly Token[], forms: readonly Form[], from = 0, to = tokens.length): Span[] {
  const spans: Span[] = [];
  for (let i = from; i < to; i++) {
    let best = -1;
    for (const form of forms) {
      const end = matchAt(tokens, i, form);
      if (end > best && end <= to) best = end;
    }
    if (best > i) {
      spans.push({ from: i, to: best });
      i = best - 1;
    }
  }
  return spans;
}

// ─────────────────────────────────────── the lexicon, compiled ───────────────────────────────────────

/**
 * The languages a text is read in for concepts: a clause's and a value's (`Language`: English, Estonian
 * or Russian, decision 19 as amended). A value meets a clause in any language through its concepts.
 */
type ReadLanguage = Language;

interface CompiledConcept {
  concept: Concept;
  forms: Record<ReadLanguage, Form[]>;
  except: Record<ReadLanguage, Form[]>;
}

const COMPILED: readonly CompiledConcept[] = CONCEPTS.map((concept) => ({
  concept,
  forms: { en: concept.en.map(compileForm), et: concept.et.map(compileForm), ru: (concept.ru ?? []).map(compileForm) },
  except: {
    en: (concept.except?.en ?? []).map(compileForm),
    et: (concept.except?.et ?? []).map(compileForm),
    ru: (concept.except?.ru ?? []).map(compileForm),
  },
}));

const BY_KEY: ReadonlyMap<string, Concept> = new Map(CONCEPTS.map((c) => [c.key, c]));

type CueKind = keyof ModalityCues;
type ModalKind = "required" | "permitted" | "prohibited" | "excused";
const MODAL_KINDS: readonly ModalKind[] = ["required", "permitted", "prohibited", "excused"];

const CUES: Record<Language, { kind: CueKind; form: Form }[]> = { en: [], et: [], ru: [] };
for (const language of ["en", "et", "ru"] as const) {
  for (const [kind, forms] of Object.entries(MODALITY[language]) as [CueKind, readonly string[]][]) {
    for (const form of forms) CUES[language].push({ kind, form: compileForm(form) });
  }
}

/** Opens a condition: its concepts set scope and goals, and a safeguard in it gates the main words. */
const CONDITION: Record<Language, Form[]> = {
  en: ["=if", "=when", "=whenever", "=once", "=where", "provided that", "on condition", "=before", "=after", "=until", "if and only if"].map(compileForm),
  et: ["=kui", "=juhul", "=juhtudel", "tingimusel", "eeldusel", "=enne", "=pärast"].map(compileForm),
  ru: RU_CONDITION.map(compileForm),
};

/** Conditions that set what must hold for the power to be used ("provided that", "tingimusel"). */
const PROVISO: ReadonlySet<string> = new Set(["provided", "on", "tingimusel", "eeldusel", "при"]);
/** A purpose opener followed by these names the clause's own bound, not a goal ("for the purpose for which"). */
const NOT_PURPOSE_AFTER: ReadonlySet<string> = new Set(["for", "which", "milleks", "которых", "которой", "для"]);

/** Opens a purpose: "to protect freedom of assembly" protects nothing, it names a goal. */
const PURPOSE: Record<Language, Form[]> = {
  en: [
    "to protect",
    "to prevent",
    "to find",
    "to ensure",
    "to safeguard",
    "to search",
    "to locate",
    "to identify",
    "to improve",
    "to answer",
    "for the purpose",
    "for purposes",
    "in order to",
    "so that",
    "so as to",
    "in the interest",
  ].map(compileForm),
  et: ["eesmärgil", "eesmärgiga", "selleks et", "parandamiseks", "tagamiseks", "ennetamiseks", "leidmiseks", "vastamiseks", "huvides"].map(compileForm),
  ru: RU_PURPOSE.map(compileForm),
};

/** Conjunctions that start a new part of a sentence when a comma stands before them. */
const PART_CONJUNCTIONS: Record<Language, ReadonlySet<string>> = {
  en: new Set(["and", "but", "while", "whereas", "or", "yet", "however"]),
  et: new Set(["ja", "ning", "kuid", "aga", "ent", "või", "samas"]),
  ru: new Set(["и", "но", "а", "или", "либо", "однако", "тогда"]),
};

// ─────────────────────────────────────── finding concepts ───────────────────────────────────────

interface Mention {
  key: string;
  from: number;
  to: number;
}

/** Which concepts could start at a word: their forms indexed by the first two letters of their first word. */
const FIRST_LETTERS: Record<ReadLanguage, Map<string, Set<CompiledConcept>>> = { en: new Map(), et: new Map(), ru: new Map() };
for (const c of COMPILED) {
  for (const language of ["en", "et", "ru"] as const) {
    for (const form of [...c.forms[language], ...c.except[language]]) {
      const first = form[0];
      const key = first && first.kind !== "gap" ? first.s.slice(0, 2) : "";
      const set = FIRST_LETTERS[language].get(key) ?? new Set();
      set.add(c);
      FIRST_LETTERS[language].set(key, set);
    }
  }
}

function candidates(tokens: readonly Token[], language: ReadLanguage, from: number, to: number): CompiledConcept[] {
  const found = new Set<CompiledConcept>(FIRST_LETTERS[language].get("") ?? []);
  for (let i = from; i < to; i++) {
    const w = tokens[i]!.w;
    for (const key of [w.slice(0, 2), w.slice(0, 1)]) for (const c of FIRST_LETTERS[language].get(key) ?? []) found.add(c);
  }
  return COMPILED.filter((c) => found.has(c));
}

function conceptMentions(tokens: readonly Token[], language: ReadLanguage, from = 0, to = tokens.length): Mention[] {
  const mentions: Mention[] = [];
  for (const c of candidates(tokens, language, from, to)) {
    const excluded = new Set<number>();
    for (const s of findAll(tokens, c.except[language], from, to)) for (let i = s.from; i < s.to; i++) excluded.add(i);
    for (const s of findAll(tokens, c.forms[language], from, to)) {
      let clash = false;
      for (let i = s.from; i < s.to; i++) if (excluded.has(i)) clash = true;
      if (!clash) mentions.push({ key: c.concept.key, from: s.from, to: s.to });
    }
  }
  mentions.sort((a, b) => a.from - b.from || b.to - a.to);
  // Where two concepts claim the same words, the longer form is the more specific reading.
  // A concept inside the gap of a longer form ("make the explanation available to") is still read.
  return mentions.filter(
    (m) =>
      !mentions.some(
        (o) => o !== m && o.key !== m.key && o.from <= m.from && o.to >= m.to && o.to - o.from > m.to - m.from && (o.from === m.from || o.to === m.to),
      ),
  );
}

// ─────────────────────────────────────── the value ───────────────────────────────────────

/** What a value asks of a concept: present (+1), absent (−1), or a power wanted only within bounds. */
export type Stance = "wants" | "guards" | "bounded";

export interface ValueConcern {
  key: string;
  stance: Stance;
  weight: number;
  /** Not named by the value: a power that serves its goal (read only where a clause names the goal). */
  implicit: boolean;
  /**
   * A power the value fears only in a particular use or condition, never as such (decision 0023): a
   * clause that merely permits or bans the power is silent for it; one that grants the use or the
   * condition is read as before.
   */
  conditional?: PowerCondition;
}

export type ConditionKind = "use" | "reach" | "absence";

export interface PowerCondition {
  kinds: Set<ConditionKind>;
  /** The other concerns the value names beside the power (a decision by the machine alone, a penalty …). */
  uses: Set<string>;
}

export interface ValueProfile {
  language: ReadLanguage;
  concerns: Map<string, ValueConcern>;
  scopes: Set<string>;
  goals: Set<string>;
}

function valueTexts(value: ReadableValue): { text: string; weight: number; policy: boolean }[] {
  return [
    { text: value.title, weight: 2, policy: false },
    ...value.description
      .split(/(?<=[.!?;])\s+/)
      .filter((s) => s.trim())
      .map((text) => ({ text, weight: 1, policy: false })),
    ...value.policies.map((text) => ({ text, weight: 1, policy: true })),
  ];
}

const PROFILE_CACHE = new Map<string, ValueProfile>();

/** A policy's capitals-first head ("MOMENTS when", "HETKED, mil") names no concern: skip it. */
function headLength(text: string, tokens: readonly Token[]): number {
  let n = 0;
  while (n < tokens.length && n < 3) {
    const word = text.slice(tokens[n]!.start, tokens[n]!.end);
    if (word.length < 2 || word !== word.toUpperCase() || word === word.toLowerCase()) break;
    n++;
  }
  return n;
}

const COUNTING: Record<ReadLanguage, Form[]> = {
  en: ["how often", "how many", "how much", "how frequently", "reports on"].map(compileForm),
  et: ["kui tihti", "kui sageli", "kui palju", "kui paljud", "kui suur osa", "aru oma"].map(compileForm),
  ru: ["как часто", "сколько", "какая доля", "как много", "отчитыва"].map(compileForm),
};

/** Is the power at `at` counted ("how often the fund punishes", "kui tihti mudel kahtlustab")? */
function countedAt(tokens: readonly Token[], at: number, language: ReadLanguage): boolean {
  return findAll(tokens, COUNTING[language], Math.max(0, at - 5), at).length > 0;
}

/** Words that name a power as missing: "unpunished", "karistuseta", "avastamata". */
const ABSENT_WORD: Record<ReadLanguage, RegExp> = { en: /^un\p{L}+(?:ed|ished)$/u, et: /\p{L}(?:useta|mata)$/u, ru: /^безнаказанн\p{L}*$/u };
const ABSENT_BEFORE: Record<ReadLanguage, ReadonlySet<string>> = { en: new Set(["without"]), et: new Set(["ilma"]), ru: new Set(["без"]) };
const ARTICLES_OR_ANY: ReadonlySet<string> = new Set(["a", "an", "any", "mingi", "mingisuguse"]);
/** Words for people that a "without" after them describes ("people without a credit history", "lapsed ilma …"). */
const PEOPLE: ReadonlySet<string> = new Set([
  "people",
  "persons",
  "those",
  "anyone",
  "someone",
  "everyone",
  "children",
  "pupils",
  "students",
  "families",
  "workers",
  "applicants",
  "households",
  "newcomers",
  "inimesed",
  "inimestel",
  "lapsed",
  "pered",
  "õpilased",
  "taotlejad",
]);

/** Does the value name the power as absent ("without any consequence", "jääb karistuseta")? */
function absent(tokens: readonly Token[], m: Mention, language: ReadLanguage): boolean {
  if (tokens.slice(m.from, m.to).some((t) => ABSENT_WORD[language].test(t.w))) return true;
  // "without any consequence", "ilma karistuseta"; not "without being punished" (what is feared is the punishing).
  const prev = tokens[m.from - 1]?.w ?? "";
  const prev2 = tokens[m.from - 2]?.w ?? "";
  if (/ing$/u.test(tokens[m.from]!.w)) return false;
  return ABSENT_BEFORE[language].has(prev) || (ARTICLES_OR_ANY.has(prev) && ABSENT_BEFORE[language].has(prev2));
}

const CONDITION_FORMS = {
  en: {
    use: POWER_CONDITIONS.en.use.map(compileForm),
    reach: POWER_CONDITIONS.en.reach.map(compileForm),
    grantUse: POWER_CONDITIONS.en.grantUse.map(compileForm),
    grantReach: POWER_CONDITIONS.en.grantReach.map(compileForm),
    single: POWER_CONDITIONS.en.single.map(compileForm),
    innocence: POWER_CONDITIONS.en.innocence.map(compileForm),
  },
  et: {
    use: POWER_CONDITIONS.et.use.map(compileForm),
    reach: POWER_CONDITIONS.et.reach.map(compileForm),
    grantUse: POWER_CONDITIONS.et.grantUse.map(compileForm),
    grantReach: POWER_CONDITIONS.et.grantReach.map(compileForm),
    single: POWER_CONDITIONS.et.single.map(compileForm),
    innocence: POWER_CONDITIONS.et.innocence.map(compileForm),
  },
  ru: {
    use: RU_POWER_CONDITIONS.use.map(compileForm),
    reach: RU_POWER_CONDITIONS.reach.map(compileForm),
    grantUse: RU_POWER_CONDITIONS.grantUse.map(compileForm),
    grantReach: RU_POWER_CONDITIONS.grantReach.map(compileForm),
    single: RU_POWER_CONDITIONS.single.map(compileForm),
    innocence: RU_POWER_CONDITIONS.innocence.map(compileForm),
  },
} as const;
const REACH_NEAR = 3;
const ABSENCE_NEAR = 3;
const WITHOUT_WORD: Record<ReadLanguage, RegExp> = { en: /^without$/u, et: /^ilma$|\p{L}mata$/u, ru: /^без$/u };

/**
 * In one of the value's texts, the use or condition under which it fears the power `key` (decision 0023),
 * or null when the text fears the power as such. The power is named beside another concern that is its
 * use ("a dismissal rests on tracking data": a decision resting on the data), or as the ground of what is
 * done ("a score becomes the real reason someone is detained"), beyond its purpose or more than once
 * ("the camera also records cars that keep the rules"), or without something ("trahv tuleb ilma ühegi
 * tõendita"). A concern that is itself a use is conditioned only by reach and absence.
 */
function powerCondition(tokens: readonly Token[], mentions: readonly Mention[], key: string, skip: number, language: ReadLanguage): PowerCondition | null {
  const at = mentions.filter((m) => m.key === key);
  if (at.length === 0) return null;
  const kinds = new Set<ConditionKind>();
  const uses = new Set<string>();
  const forms = CONDITION_FORMS[language];
  if (!USE_CONCERNS.includes(key)) {
    for (const m of mentions) {
      if (m.key === key || !USE_CONCERNS.includes(m.key)) continue;
      kinds.add("use");
      uses.add(m.key);
    }
    if (findAll(tokens, forms.use, skip).length > 0) kinds.add("use");
  }
  for (const s of findAll(tokens, forms.reach, skip)) {
    if (at.some((m) => (s.from >= m.to && s.from - m.to <= REACH_NEAR) || (m.from >= s.to && m.from - s.to <= REACH_NEAR))) kinds.add("reach");
  }
  // "without" after the power, governing something other than the power: the power used without it.
  const end = Math.max(...at.map((m) => m.to));
  for (let i = end; i < tokens.length; i++) {
    if (!WITHOUT_WORD[language].test(tokens[i]!.w)) continue;
    if (at.some((m) => m.from > i && m.from - i <= ABSENCE_NEAR)) continue;
    if (i - end <= 6) kinds.add("absence");
  }
  return kinds.size > 0 ? { kinds, uses } : null;
}

/** A clause's words and the concepts it names anywhere, remembered: a clause is read against many values. */
const GRANT_CACHE = new Map<string, { named: Set<string>; ground: boolean; all: boolean; single: boolean; without: boolean }>();

/**
 * Does the clause grant the use or condition the value fears of a power? "granted" when it names the
 * use (the power as a ground, or the concern the value names beside it), extends the power to all or
 * each, or also takes something away; "single" when it holds the power to one use; null when it merely
 * permits or bans the power.
 */
function grants(condition: PowerCondition, clause: ClauseReading, text: string): "granted" | "single" | null {
  const key = `${clause.language}\u0000${text}`;
  let words = GRANT_CACHE.get(key);
  if (!words) {
    const tokens = tokenize(text);
    const forms = CONDITION_FORMS[clause.language];
    words = {
      named: new Set(conceptMentions(tokens, clause.language).map((m) => m.key)),
      ground: findAll(tokens, forms.grantUse).length > 0,
      all: findAll(tokens, forms.grantReach).length > 0,
      single: findAll(tokens, forms.single).length > 0,
      without: tokens.some((t) => WITHOUT_WORD[clause.language].test(t.w)) || clause.mentions.some((m) => m.effect === "not-required"),
    };
    if (GRANT_CACHE.size > 10_000) GRANT_CACHE.clear();
    GRANT_CACHE.set(key, words);
  }
  // The use named anywhere in the clause, even as what the power works on ("a risk score that considers
  // the traveller's country of birth"), or the power named as a ground ("the sole ground for dismissing").
  if (condition.kinds.has("use") && (words.ground || [...condition.uses].some((u) => words.named.has(u)))) return "granted";
  if (condition.kinds.has("absence") && words.without) return "granted";
  if (condition.kinds.has("reach")) {
    if (words.all) return "granted";
    if (words.single) return "single";
  }
  return null;
}

export function valueProfile(value: ReadableValue): ValueProfile {
  const cacheKey = JSON.stringify([value.title, value.description, value.policies]);
  const cached = PROFILE_CACHE.get(cacheKey);
  if (cached) return cached;
  const language: ReadLanguage = textLanguage([value.title, value.description, ...value.policies].join(". "));
  const texts = valueTexts(value);
  const scopes = new Set<string>();
  const goals = new Set<string>();
  const fearing = FEARING_CUES[language].map(compileForm);
  const accountable = texts.some(({ text }) => conceptMentions(tokenize(text), language).some((m) => m.key === "oversight"));
  const read = texts.map(({ text, weight, policy }) => {
    const tokens = tokenize(text);
    const skip = policy ? headLength(text, tokens) : 0;
    const mentions = conceptMentions(tokens, language, skip);
    for (const m of mentions) {
      const v = BY_KEY.get(m.key)!.valence;
      if (v === "scope") scopes.add(m.key);
      if (v === "goal") goals.add(m.key);
    }
    // A fearing word that governs a safeguard ("without notice") fears its absence, not a power.
    const safeguardsAt = mentions.filter((m) => BY_KEY.get(m.key)!.valence === "safeguard").map((m) => m.from);
    // "people without a long credit history": "without" after a word for people says whom, it fears nothing.
    const fear = findAll(tokens, fearing, skip).some(
      (f) =>
        !safeguardsAt.some((at) => at >= f.to && at - f.to <= 2) &&
        !(ABSENT_BEFORE[language].has(tokens[f.from]!.w) && PEOPLE.has(tokens[f.from - 1]?.w ?? "")),
    );
    // "I want to know how well the state's algorithms work": the knowing is the public's, an account.
    let kept = mentions.some((m) => m.key === "oversight") ? mentions.filter((m) => m.key !== "notice") : mentions;
    // "I want to know how often the fund punishes people": a power counted in an account is its topic.
    if (accountable) kept = kept.filter((m) => BY_KEY.get(m.key)!.valence !== "intrusion" || !countedAt(tokens, m.from, language));
    // "an obvious parody is taken down as if it were a fake": what acts on the value's freedom is feared.
    // "a parody of a politician needs that politician's permission": a gate over the freedom is feared too.
    const threatened = new Set(
      kept
        .filter((m) => (FREEDOM_THREATS.includes(m.key) || FREEDOM_GATES.includes(m.key)) && kept.some((f) => FREEDOMS.includes(f.key) && f.to <= m.from))
        .map((m) => m.key),
    );
    // "MOMENTS when …" names what the value fears to see happen.
    const moments = policy && /^(?:MOMENTS|HETKED|МОМЕНТЫ)(?![\p{L}])/u.test(text.trim());
    // "CHANCES for people without a long credit history to be assessed": a chance the value wants for people.
    const chanceForPeople =
      policy &&
      /^(?:CHANCES|VÕIMALUSED|ВОЗМОЖНОСТИ)(?![\p{L}])/u.test(text.trim()) &&
      (tokens[skip]?.w === "for" ? PEOPLE.has(tokens[skip + 1]?.w ?? "") : PEOPLE.has(tokens[skip]?.w ?? ""));
    return { tokens, mentions: kept, weight, fear, policy, threatened, moments, skip, chanceForPeople };
  });
  const votes = new Map<string, { plus: number; minus: number; weight: number }>();
  // A power feared in some text as such, and the conditions under which the other texts fear it.
  const asSuch = new Set<string>();
  const conditions = new Map<string, PowerCondition>();
  // "… kui ma reegleid ei riku": the value is about people who keep the rules, and fears a power as it reaches them.
  const innocent = read.some((r) => findAll(r.tokens, CONDITION_FORMS[language].innocence).length > 0);
  const fearPower = (r: (typeof read)[number], key: string) => {
    vote(key, r.weight, false);
    const condition = innocent
      ? { kinds: new Set<ConditionKind>(["reach"]), uses: new Set<string>() }
      : powerCondition(r.tokens, r.mentions, key, r.skip, language);
    if (!condition) {
      asSuch.add(key);
      return;
    }
    const merged = conditions.get(key) ?? { kinds: new Set<ConditionKind>(), uses: new Set<string>() };
    for (const k of condition.kinds) merged.kinds.add(k);
    for (const u of condition.uses) merged.uses.add(u);
    conditions.set(key, merged);
  };
  const vote = (key: string, weight: number, plus: boolean) => {
    const v = votes.get(key) ?? { plus: 0, minus: 0, weight: 0 };
    v.weight = Math.max(v.weight, weight);
    if (plus) v.plus += weight;
    else v.minus += weight;
    votes.set(key, v);
  };
  const anySafeguard = read.some((r) => r.mentions.some((m) => BY_KEY.get(m.key)!.valence === "safeguard"));
  for (const r of read) {
    const keys = r.mentions.map((m) => m.key);
    const withSafeguard = keys.some((k) => BY_KEY.get(k)!.valence === "safeguard");
    for (const key of new Set(keys)) {
      const c = BY_KEY.get(key)!;
      if (c.valence === "safeguard") vote(key, r.weight, !r.threatened.has(key));
      if (c.valence !== "intrusion") continue;
      // A burden on the person (a fee) is feared wherever it is named: "a second look I can afford".
      if (BURDENS.includes(key)) {
        vote(key, r.weight, false);
        asSuch.add(key);
        continue;
      }
      // "obligations ignored without any consequence", "kiiruseületaja jääb karistuseta", "tulu jääb
      // avastamata": what the value fears is the power's absence, so it asks for the power.
      if (r.moments && r.mentions.some((m) => m.key === key && absent(r.tokens, m, language))) vote(key, r.weight, true);
      else if (r.chanceForPeople && !r.fear) vote(key, r.weight, true);
      else if (r.fear) fearPower(r, key);
      else if ((c.serves ?? []).some((g) => goals.has(g))) vote(key, r.weight, true);
      // A power named without fear beside a safeguard is the safeguard's occasion ("MOMENTS when a
      // person learns that a system has identified them"), and so is one named in passing by a value
      // that looks for safeguards ("a system that identifies people to work as well for my dark skin");
      // a policy that attends to the power alone guards against it.
      else if (!withSafeguard && (r.policy || !anySafeguard)) fearPower(r, key);
    }
  }
  const concerns = new Map<string, ValueConcern>();
  for (const [key, v] of votes) {
    const c = BY_KEY.get(key)!;
    const stance: Stance =
      c.valence === "safeguard" ? (v.plus > 0 ? "wants" : "guards") : v.plus > 0 && v.minus > 0 ? "bounded" : v.plus > 0 ? "wants" : "guards";
    const condition = stance === "guards" && c.valence === "intrusion" && !asSuch.has(key) ? conditions.get(key) : undefined;
    concerns.set(key, { key, stance, weight: v.weight, implicit: false, ...(condition ? { conditional: condition } : {}) });
  }
  // A value about a goal asks for the powers that serve it, when a clause puts them to that goal.
  for (const g of goals) {
    for (const c of CONCEPTS) {
      if (c.valence === "intrusion" && (c.serves ?? []).includes(g) && !concerns.has(c.key))
        concerns.set(c.key, { key: c.key, stance: "wants", weight: 1, implicit: true });
    }
  }
  const profile: ValueProfile = { language, concerns, scopes, goals };
  if (PROFILE_CACHE.size > 10_000) PROFILE_CACHE.clear();
  PROFILE_CACHE.set(cacheKey, profile);
  return profile;
}

// ─────────────────────────────────────── the clause ───────────────────────────────────────

/** What a clause does to a concept it names. */
export type Effect = "required" | "allowed" | "forbidden" | "not-required" | "limited";

export interface ClauseMention {
  key: string;
  effect: Effect;
  /** "main" words, or an "exception" (read with the opposite modality). */
  segment: "main" | "exception";
  /** Scopes and goals of the exception it sits in (empty in main words). */
  exceptionScopes: string[];
  /** The exception leaves it to the power's holder ("where the police consider it necessary"). */
  discretionary: boolean;
  /** Characters of the option's text that decide it. */
  quoteStart: number;
  quoteEnd: number;
  /** The cue that gave the modality, for explanations ("may", "need not", "(statement)"). */
  cue: string;
  /** A power added to those already given ("may also use it"): bounded, it is still more of the power. */
  extension?: boolean;
}

export interface ClauseReading {
  language: Language;
  mentions: ClauseMention[];
  scopes: Set<string>;
  goals: Set<string>;
  /**
   * An exemption from the whole rule ("Parody shall be exempt from this regulation"): the words that say
   * so, and the freedoms it exempts (decision 0025).
   */
  wholeRule?: { quoteStart: number; quoteEnd: number; exempted: string[] };
}

interface Part {
  from: number;
  to: number;
  /** The sentence it belongs to (token indices). */
  sentenceFrom: number;
  sentenceTo: number;
  /** Joined to the part before it by a conjunction (", and …"): inherits its modality when it has none. */
  joined: boolean;
}

function splitParts(text: string, tokens: readonly Token[], language: Language): Part[] {
  const parts: Part[] = [];
  let sentenceFrom = 0;
  let partFrom = 0;
  let joined = false;
  const sentences: { from: number; to: number }[] = [];
  const cut: { at: number; kind: "sentence" | "part"; joined: boolean }[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const between = text.slice(tokens[i - 1]!.end, tokens[i]!.start);
    if (/[.!?]/.test(between) && !/^\.\w/.test(between)) cut.push({ at: i, kind: "sentence", joined: false });
    else if (/[;:]/.test(between)) cut.push({ at: i, kind: "part", joined: false });
    else if (/,/.test(between) && PART_CONJUNCTIONS[language].has(tokens[i]!.w)) cut.push({ at: i, kind: "part", joined: true });
  }
  cut.push({ at: tokens.length, kind: "sentence", joined: false });
  for (const c of cut) {
    parts.push({ from: partFrom, to: c.at, sentenceFrom, sentenceTo: -1, joined });
    partFrom = c.at;
    joined = c.joined;
    if (c.kind === "sentence") {
      sentences.push({ from: sentenceFrom, to: c.at });
      sentenceFrom = c.at;
      joined = false;
    }
  }
  for (const p of parts) p.sentenceTo = sentences.find((s) => s.from === p.sentenceFrom)?.to ?? tokens.length;
  return parts.filter((p) => p.to > p.from);
}

interface Cue extends Span {
  kind: CueKind;
}

function cuesIn(tokens: readonly Token[], language: Language, from: number, to: number): Cue[] {
  const cues: Cue[] = [];
  for (let i = from; i < to; i++) {
    let best: Cue | null = null;
    for (const { kind, form } of CUES[language]) {
      const end = matchAt(tokens, i, form);
      if (end > i && end <= to && (!best || end > best.to)) best = { from: i, to: end, kind };
    }
    // "who authorised it", "which is allowed": a relative clause describes; its verb is no modal of the clause.
    if (best && (best.kind === "permitted" || best.kind === "required") && RELATIVES.has(tokens[i - 1]?.w ?? "") && PREDICATE_VERB.test(tokens[best.to - 1]!.w))
      best = null;
    if (best) {
      cues.push(best);
      i = best.to - 1;
    }
  }
  return cues;
}

const RELATIVES: ReadonlySet<string> = new Set(["who", "which", "that", "kes", "mis"]);
/** A cue that is a past participle or finite verb ("authorised", "allowed"), not a modal auxiliary ("may", "must"). */
const PREDICATE_VERB = /(?:ed|sed|zed|tud|nud)$/u;

/** Where a comma closes a segment that opened at `from` (or the part's end). */
function segmentEnd(text: string, tokens: readonly Token[], from: number, to: number): number {
  for (let i = from + 1; i < to; i++) if (text.slice(tokens[i - 1]!.end, tokens[i]!.start).includes(",")) return i;
  return to;
}

/** "no", "never": negate what follows within a few words, or the modal they stand before ("no data may …"). */
const DETERMINER_NEGATIONS: ReadonlySet<string> = new Set([
  "no",
  "never",
  "none",
  "neither",
  "nobody",
  "nothing",
  "kunagi",
  "ükski",
  "mitte ükski",
  "ни",
  "никогда",
  "никакой",
  "никакая",
  "никакое",
  "никакие",
  "никакого",
  "никаких",
  "никто",
  "ничто",
]);
const NEGATION_REACH = 3;
/** Modal verbs: negated, an obligation they state becomes a prohibition ("shall never be kept"). */
const MODAL_VERBS: ReadonlySet<string> = new Set([
  "shall",
  "must",
  "will",
  "should",
  "be",
  "tuleb",
  "peab",
  "peavad",
  "должен",
  "должна",
  "должно",
  "должны",
  "обязан",
  "обязана",
  "обязаны",
  "следует",
  "быть",
]);
/** Estonian postpositions that take away what stands before them ("tõlgi asemel", "nõusoleku puudumisel"). */
const NOT_BEFORE: ReadonlySet<string> = new Set(["not", "mitte", "не"]);
/** Cues that put one thing in another's place ("instead of", "in place of", "rather than", "count as"). */
const SUBSTITUTES: ReadonlySet<string> = new Set(["instead", "in", "rather", "count", "counts", "deemed", "вместо", "считается", "считаются", "признается"]);
/** A later part that takes back what the sentence provided ("may nonetheless", "it shall be sufficient to"). */
const TAKE_BACK: Record<Language, Form[]> = {
  en: ["=nonetheless", "=nevertheless", "=notwithstanding", "sufficient to", "=suffice", "=suffices"].map(compileForm),
  et: ["=sellegipoolest", "=siiski", "sellest hoolimata", "=piisab"].map(compileForm),
  ru: RU_TAKE_BACK.map(compileForm),
};
/** "… may not … until": what must happen first. */
const UNTIL: ReadonlySet<string> = new Set(["until", "till", "пока"]);
const POSTPOSITIONS: ReadonlySet<string> = new Set(["asemel", "puudumisel", "küsimata", "saamata", "andmata", "teatamata", "teavitamata", "arvestamata"]);
/** The Estonian abessive of a noun ("nõusolekuta", "põhjenduseta", "sekkumiseta"): "without" it. */
const ABESSIVE = /(?:use|mise|ku|loa|tuse)ta$/u;
const WITHOUT_REACH = 5;
const ET_INFINITIVE = /(?:ma|da|ta)$/u;
/** Mentions this close after a head are read with it ("may identify, track and store …"). */
const COORDINATION_GAP = 2;

function flip(kind: ModalKind): ModalKind {
  return kind === "required" ? "excused" : kind === "permitted" ? "prohibited" : kind === "prohibited" ? "permitted" : "required";
}

function effectOf(kind: ModalKind, without: boolean): Effect {
  if (without) return kind === "prohibited" || kind === "excused" ? "required" : "not-required";
  return kind === "required" ? "required" : kind === "permitted" ? "allowed" : kind === "prohibited" ? "forbidden" : "not-required";
}

const QUOTED = /(?<=^|[\s(])(?:"[^"]{1,300}"|“[^”]{1,300}”|„[^“”]{1,300}[“”]|'[^']{1,300}'(?=[\s.,;:!?)]|$)|‘[^’]{1,300}’|«[^»]{1,300}»)/gu;

/** Token spans inside quotation marks. */
function quotedSpans(text: string, tokens: readonly Token[]): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(QUOTED)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const from = tokens.findIndex((t) => t.start >= start);
    if (from < 0) continue;
    let to = from;
    while (to < tokens.length && tokens[to]!.end <= end) to++;
    if (to > from) spans.push({ from, to });
  }
  return spans;
}

/** Words that, ending a modal cue, make it the predicate of its subject ("… is prohibited", "on keelatud"). */
const PREDICATES: ReadonlySet<string> = new Set([
  "prohibited",
  "forbidden",
  "banned",
  "permitted",
  "allowed",
  "required",
  "mandatory",
  "exempt",
  "optional",
  "authorised",
  "authorized",
  "possible",
  "keelatud",
  "lubatud",
  "kohustuslik",
  "vabastatud",
  "vabatahtlik",
  "запрещено",
  "запрещена",
  "запрещены",
  "запрещен",
  "запрещается",
  "запрещаются",
  "разрешено",
  "разрешена",
  "разрешены",
  "разрешается",
  "разрешаются",
  "допускается",
  "допускаются",
  "допустимо",
  "недопустимо",
  "обязательно",
  "обязательна",
  "обязательны",
  "обязателен",
  "необязательно",
  "освобождается",
  "освобождаются",
]);
/** Verbs after a modal that apply its subject ("face recognition shall not be used"). */
const USE_VERBS: ReadonlySet<string> = new Set([
  "used",
  "use",
  "deployed",
  "deploy",
  "applied",
  "apply",
  "employed",
  "operated",
  "operate",
  "installed",
  "run",
  "carried",
  "performed",
  "kasutada",
  "kasutatakse",
  "rakendada",
  "rakendatakse",
  "paigaldada",
  "decide",
  "decides",
  "determine",
  "determines",
  "direct",
  "directs",
  "guide",
  "guides",
  "influence",
  "combined",
  "использовать",
  "использоваться",
  "используется",
  "используются",
  "применять",
  "применяться",
  "применяется",
  "применяются",
  "устанавливать",
  "устанавливаться",
  "внедрять",
  "эксплуатировать",
]);
const FILLERS: ReadonlySet<string> = new Set([
  "be",
  "only",
  "not",
  "ever",
  "never",
  "ainult",
  "üksnes",
  "mitte",
  "kunagi",
  "olla",
  "быть",
  "только",
  "лишь",
  "не",
  "никогда",
]);
const PARTICIPLES: ReadonlySet<string> = new Set([
  "given",
  "made",
  "kept",
  "sent",
  "shown",
  "taken",
  "done",
  "held",
  "told",
  "run",
  "set",
  "put",
  "built",
  "sold",
]);
const ET_AUXILIARY_VERBS: ReadonlySet<string> = new Set(["saama", "saada", "olema", "olla", "pidama", "võima", "tohtima"]);
const EXEMPT: ReadonlySet<string> = new Set([
  "exempt",
  "exempted",
  "vabastatud",
  "vabastatakse",
  "освобождается",
  "освобождаются",
  "освобожден",
  "освобождена",
  "освобождено",
  "освобождены",
]);

/**
 * Does a modal with no concept after it govern the concepts before it? Only when it is their predicate
 * ("The use of face recognition … shall be prohibited") or applies them ("… shall not be used"), not
 * when a description stands before it ("A person stopped because of a face match must be able to …").
 */
function governsSubject(tokens: readonly Token[], cue: Cue, language: Language): boolean {
  if (PREDICATES.has(tokens[cue.to - 1]!.w)) return true;
  let i = cue.to;
  const passive = tokens[i]?.w === "be";
  while (i < tokens.length && FILLERS.has(tokens[i]!.w)) i++;
  const next = tokens[i]?.w ?? "";
  if (USE_VERBS.has(next)) return true;
  // "The reasons … need not be given", "Põhjendusi ei pea esitama": the subject is what is done.
  if (language === "en") return passive && (/ed$/u.test(next) || PARTICIPLES.has(next));
  // "Причины могут не указываться", "… не обязан объяснять": an infinitive after the modal, not "быть".
  if (language === "ru") return RU_INFINITIVE.test(next) && next !== "быть";
  return /(?:da|ta|ma)$/u.test(next) && !ET_AUXILIARY_VERBS.has(next);
}

/** A modal that applies its subject by a use verb or is its predicate ("… may be used", "… is prohibited"). */
function appliesItsSubject(tokens: readonly Token[], cue: Cue): boolean {
  if (PREDICATES.has(tokens[cue.to - 1]!.w)) return true;
  let i = cue.to;
  while (i < tokens.length && FILLERS.has(tokens[i]!.w)) i++;
  return USE_VERBS.has(tokens[i]?.w ?? "");
}

const TEMPORAL: ReadonlySet<string> = new Set(["before", "after", "enne", "pärast", "до", "после"]);
/** An instrument a clause uses without naming it ("may use it to find …"). */
const INSTRUMENT_PRONOUNS: ReadonlySet<string> = new Set(["it", "them"]);
/** After a permission, these make it an addition to the powers already given ("may also use it"). */
const EXTENSIONS: ReadonlySet<string> = new Set(["also", "additionally", "further", "ka", "samuti", "также", "тоже", "дополнительно"]);
const TEMPORAL_REACH = 4;

const AUXILIARIES: ReadonlySet<string> = new Set(["is", "are", "was", "were", "be", "been", "gets", "get"]);
const ET_FINITE = /(?:takse|dakse|akse|tatakse|vad|b)$/u;
/** A Russian present-tense verb, the form a statement of law takes ("удаляются", "хранятся", "публикует"). */
const RU_FINITE = /\p{L}{2}(?:ется|ются|ится|ятся|ает|яет|еет|ует|ают|яют|еют|уют|ит|ят)$/u;
/** The reflexive present of a statement ("данные удаляются", "решение принимается"): its verb when no concept is. */
const RU_STATEMENT_VERB = /\p{L}{2}(?:ется|ются|ится|ятся)$/u;
const RU_INFINITIVE = /\p{L}(?:ть|ться|ти|тись|чь)$/u;

/** Does the mention look like the finite verb of its sentence ("are deleted", "kustutatakse")? */
function looksFinite(tokens: readonly Token[], m: Mention, language: Language): boolean {
  if (language === "et") return ET_FINITE.test(tokens[m.from]!.w) || tokens[m.from - 1]?.w === "ei";
  if (language === "ru") return RU_FINITE.test(tokens[m.from]!.w) || tokens[m.from - 1]?.w === "не";
  return AUXILIARIES.has(tokens[m.from - 1]?.w ?? "");
}

/** Verbs that hand a thing to someone or show it: a power named after them is what is given ("shall be shown the risk score"). */
const OBJECT_VERBS: ReadonlySet<string> = new Set([
  "give",
  "given",
  "show",
  "shown",
  "receive",
  "sent",
  "send",
  "provide",
  "provided",
  "offer",
  "offered",
  "report",
  "see",
  "access",
  "count",
  "counted",
  "describe",
  "list",
  "disclose",
  "explain",
  "state",
  "challenge",
  "contest",
  "appeal",
  "know",
  "learn",
  "показывать",
  "показать",
  "показываются",
  "предоставлять",
  "предоставить",
  "предоставляется",
  "предоставляются",
  "сообщать",
  "сообщить",
  "получать",
  "получить",
  "объяснить",
  "объяснять",
  "знать",
  "узнать",
  "видеть",
  "обжаловать",
  "оспорить",
  "оспаривать",
  "выдавать",
  "выдать",
]);

const DETERMINERS: ReadonlySet<string> = new Set(["the", "a", "an", "any", "their", "its", "his", "her", "every", "each", "all", "no"]);

/** "travellers flagged by", "images recorded at": a participle that describes the noun before it. */
function postnominalParticiple(tokens: readonly Token[], m: Mention, language: Language): boolean {
  if (language !== "en" || m.to - m.from !== 1) return false;
  const w = tokens[m.from]!.w;
  const prev = tokens[m.from - 1]?.w ?? "";
  return (/ed$/u.test(w) || PARTICIPLES.has(w)) && prev !== "" && !AUXILIARIES.has(prev) && !MODAL_VERBS.has(prev) && !FILLERS.has(prev);
}

/** Words that open the agent of a participle ("altered by a machine", "made with AI"). */
const AGENT_WORDS: ReadonlySet<string> = new Set(["by", "with", "using"]);

const CONJUNCTIONS: ReadonlySet<string> = new Set(["and", "or", "ja", "ning", "või", "ega", "nor", "и", "или", "либо", "ни"]);

/** Words that make a power's name a description of data ("monitoring data", "data from monitoring"). */
const DATA_AFTER: ReadonlySet<string> = new Set([
  "data",
  "results",
  "result",
  "tulemusi",
  "tulemused",
  "tulemuste",
  "andmeid",
  "andmed",
  "andmete",
  "andmetest",
]);
/** Russian names the data first and its origin after it, in the genitive ("данные видеонаблюдения", "записи камер"). */
const RU_DATA_BEFORE: ReadonlySet<string> = new Set(["данные", "данных", "данным", "данными", "результаты", "результатов", "записи", "записей"]);
const DATA_BEFORE: readonly (readonly string[])[] = [
  ["data", "from"],
  ["results", "of"],
  ["data", "of"],
];

/** Words that make what follows (or, in Estonian, what precedes) a topic, not an act ("information about deletion"). */
const TOPIC_BEFORE: ReadonlySet<string> = new Set(["about", "concerning", "regarding", "о", "об", "относительно", "касательно"]);
const TOPIC_AFTER: ReadonlySet<string> = new Set(["kohta"]);

const PREPOSITIONS: ReadonlySet<string> = new Set(["with", "to", "of", "for", "from", "by", "against"]);

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twenty: 20,
  kaks: 2,
  kolm: 3,
  neli: 4,
  viis: 5,
  kuus: 6,
  seitse: 7,
  kaheksa: 8,
  üheksa: 9,
  kümme: 10,
  два: 2,
  две: 2,
  двух: 2,
  три: 3,
  трех: 3,
  четыре: 4,
  четырех: 4,
  пять: 5,
  пяти: 5,
  шесть: 6,
  шести: 6,
  семь: 7,
  семи: 7,
  восемь: 8,
  восьми: 8,
  девять: 9,
  девяти: 9,
  десять: 10,
  десяти: 10,
};

/** Does the sentence name a period of two years or more ("for five years", "kümme aastat")? */
function longDuration(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) {
    if (!/^(?:years?|aasta|год|лет$)/u.test(tokens[i]!.w)) continue;
    const n = tokens[i - 1]!.w;
    const value = /^\d+$/u.test(n) ? Number(n) : (NUMBER_WORDS[n] ?? 0);
    if (value >= 2) return true;
  }
  return false;
}

/** Is this mention the topic of what is done ("information about deletion", "kursuste kohta")? */
function isTopic(tokens: readonly Token[], m: Mention): boolean {
  // "teave tasuta eesti keele kursuste kohta": the topic may be a noun phrase a word longer than the concept.
  return TOPIC_BEFORE.has(tokens[m.from - 1]?.w ?? "") || TOPIC_AFTER.has(tokens[m.to]?.w ?? "") || TOPIC_AFTER.has(tokens[m.to + 1]?.w ?? "");
}

/** Is this mention only the origin of some data, which is what the clause is really about? */
function isDataOf(tokens: readonly Token[], m: Mention): boolean {
  if (BY_KEY.get(m.key)!.valence !== "intrusion") return false;
  // "combined with data", "passed to data brokers": a form that ends in a preposition takes the data as its object.
  if (PREPOSITIONS.has(tokens[m.to - 1]!.w)) return false;
  if (DATA_AFTER.has(tokens[m.to]?.w ?? "") || RU_DATA_BEFORE.has(tokens[m.from - 1]?.w ?? "")) return true;
  return DATA_BEFORE.some((pair) => tokens[m.from - 2]?.w === pair[0] && tokens[m.from - 1]?.w === pair[1]);
}

/** Concepts that, named in a sentence, bound a power it allows: a judge's approval, consent. */
const GATES: ReadonlySet<string> = new Set(["court", "consent"]);
/** Words before a gate that make it a condition, not an actor ("with a judge's approval", "authorised by a court"). */
const GATE_PREPOSITIONS: ReadonlySet<string> = new Set(["with", "by", "from", "after", "upon", "without", "of"]);
/** Named as the only way in ("only after a caseworker has heard them"), these are required too. */
const CONDITION_GATES: ReadonlySet<string> = new Set(["court", "consent", "human"]);

const DISCRETION_FORMS: Record<Language, Form[]> = {
  en: DISCRETION.en.map(compileForm),
  et: DISCRETION.et.map(compileForm),
  ru: DISCRETION.ru.map(compileForm),
};

/** "shall be prohibited", "peab olema keelatud": a modal followed closely by a stronger one is that one. */
function mergeCues(cues: Cue[], tokens: readonly Token[]): Cue[] {
  const out: Cue[] = [];
  for (const cue of cues) {
    const prev = out[out.length - 1];
    if (prev && (prev.kind === "required" || prev.kind === "permitted") && (cue.kind === "prohibited" || cue.kind === "excused") && cue.from - prev.to <= 2) {
      out[out.length - 1] = { from: prev.from, to: cue.to, kind: cue.kind };
      continue;
    }
    // "shall not require the user to show an ID", "may not require": a demand forbidden is the thing forbidden.
    if (prev && prev.kind === "prohibited" && cue.kind === "required" && cue.from - prev.to <= 1 && /^requir/u.test(tokens[cue.from]!.w)) {
      out[out.length - 1] = { from: prev.from, to: cue.to, kind: "prohibited" };
      continue;
    }
    out.push(cue);
  }
  return out;
}

const CLAUSE_CACHE = new Map<string, ClauseReading>();

/** What a clause does to every concept it names (remembered: a clause is read against many values). */
export function readClause(text: string, language: Language): ClauseReading {
  const key = `${language}\u0000${text}`;
  const cached = CLAUSE_CACHE.get(key);
  if (cached) return cached;
  const reading = readClauseUncached(text, language);
  if (CLAUSE_CACHE.size > 10_000) CLAUSE_CACHE.clear();
  CLAUSE_CACHE.set(key, reading);
  return reading;
}

function readClauseUncached(text: string, language: Language): ClauseReading {
  const tokens = tokenize(text);
  const mentions: ClauseMention[] = [];
  const scopes = new Set<string>();
  const goals = new Set<string>();
  // "tells the child … that it is a machine": what is told is the machine's nature, not what it does about the child.
  // A Russian form that carries its own "без" ("без разрешения", read so in a value) names, in a clause,
  // what the "без" takes away: the concept is the words after it, and "без" is the clause's own cue.
  // Only where the words after it name the concept alone ("без интернета", "без участия человека" are
  // concepts of their own).
  const namesAlone = (m: Mention) =>
    COMPILED.some((c) => c.concept.key === m.key && c.forms[language].some((f) => matchAt(tokens, m.from + 1, f) > m.from + 1));
  const found = conceptMentions(tokens, language).map((m) =>
    language === "ru" && m.to - m.from > 1 && ABSENT_BEFORE.ru.has(tokens[m.from]!.w) && namesAlone(m) ? { ...m, from: m.from + 1 } : m,
  );
  const all = found.filter(
    (m) =>
      m.key !== "notice" ||
      !found.some((o) => o.key === "machine-nature" && o.from >= m.to && !/[.!?;]/.test(text.slice(tokens[m.to - 1]!.end, tokens[o.from]!.start))),
  );
  for (const m of all) {
    const v = BY_KEY.get(m.key)!.valence;
    if (v === "scope") scopes.add(m.key);
    if (v === "goal") goals.add(m.key);
  }
  // "The police may use it only to find a named missing child": read alone, a clause that puts an unnamed
  // instrument to a goal names the power that serves that goal (the first the lexicon lists for it).
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!USE_VERBS.has(tokens[i]!.w) || !INSTRUMENT_PRONOUNS.has(tokens[i + 1]!.w)) continue;
    const goal = all.find(
      (g) => g.from > i + 1 && BY_KEY.get(g.key)!.valence === "goal" && !/[.!?;]/.test(text.slice(tokens[i + 1]!.end, tokens[g.from]!.start)),
    );
    const power = goal && CONCEPTS.find((c) => c.valence === "intrusion" && (c.serves ?? []).includes(goal.key));
    if (power) all.push({ key: power.key, from: i, to: i + 2 });
  }
  all.sort((a, b) => a.from - b.from || b.to - a.to);
  const quoted = quotedSpans(text, tokens);
  let inherited: ModalKind | null = null;
  // Safeguards each sentence has provided so far, for a later part that takes them back.
  const provided = new Map<number, ClauseMention[]>();
  for (const part of splitParts(text, tokens, language)) {
    const cues = mergeCues(cuesIn(tokens, language, part.from, part.to), tokens);
    const roleOf = new Array<"main" | "exception" | "aside">(part.to - part.from).fill("main");
    const role = (i: number) => roleOf[i - part.from]!;
    // Exceptions: from "except"/"unless" to the part's end (or to the comma, when the part opens with one).
    let exceptionAt = -1;
    for (const cue of cues) {
      if (cue.kind !== "exception") continue;
      const end = cue.from === part.from ? segmentEnd(text, tokens, cue.from, part.to) : part.to;
      for (let i = cue.from; i < end; i++) roleOf[i - part.from] = "exception";
      if (exceptionAt < 0) exceptionAt = cue.from;
    }
    // Words in quotation marks are named, not used ("mark every clause as honouring 'Access to credit'").
    for (const q of quoted) for (let i = Math.max(q.from, part.from); i < Math.min(q.to, part.to); i++) roleOf[i - part.from] = "aside";
    // Conditions and purposes: they name occasions and goals, they do nothing.
    const gateConditions: Mention[] = [];
    let discretionaryCondition = false;
    for (const forms of [CONDITION[language], PURPOSE[language]]) {
      for (const s of findAll(tokens, forms, part.from, part.to)) {
        if (role(s.from) !== "main") continue;
        // "kui" after a limit ("mitte kauem kui") compares; it opens no condition.
        if (tokens[s.from]!.w === "kui" && cues.some((c) => c.to === s.from)) continue;
        // "for the purpose for which they were collected" names the purpose the clause binds, not a goal.
        if (NOT_PURPOSE_AFTER.has(tokens[s.to]?.w ?? "")) continue;
        let end = segmentEnd(text, tokens, s.from, part.to);
        // "before it takes effect", "enne jõustumist": a time is a short phrase, not the rest of the part.
        if (TEMPORAL.has(tokens[s.from]!.w)) end = Math.min(end, s.from + TEMPORAL_REACH);
        // A condition ends where the main words' modal begins ("A court deciding … before trial may …").
        const modalAt = cues.find((c) => c.from > s.to && c.from < end && (MODAL_KINDS as readonly string[]).includes(c.kind));
        if (modalAt) end = modalAt.from;
        for (let i = s.from; i < end; i++) if (role(i) === "main") roleOf[i - part.from] = "aside";
        // "if the agency considers it necessary": what the clause provides is left to the one who provides it.
        if (forms === CONDITION[language] && findAll(tokens, DISCRETION_FORMS[language], s.from, end).length > 0) discretionaryCondition = true;
        // "provided that the image is destroyed": a safeguard set as the condition of a power is required.
        if (forms === CONDITION[language] && PROVISO.has(tokens[s.from]!.w)) {
          for (const m of all)
            if (m.from >= s.to && m.from < end && (BY_KEY.get(m.key)!.valence === "safeguard" || BURDENS.includes(m.key))) gateConditions.push(m);
        }
        // "only if a judge approves", "only after a judge has approved it": a gate named as the only way
        // in is required.
        if (cues.some((c) => c.kind === "limit" && c.to === s.from) || (tokens[s.from]!.w === "if" && tokens[s.from + 2]?.w === "only")) {
          // "ainult juhul, kui …": the condition is what follows "kui".
          const gateEnd = tokens[end]?.w === "kui" && tokens[s.from]!.w === "juhul" ? segmentEnd(text, tokens, end, part.to) : end;
          for (const m of all) if (m.from >= s.from && m.from < gateEnd && (CONDITION_GATES.has(m.key) || BURDENS.includes(m.key))) gateConditions.push(m);
        }
      }
    }
    // "as a supplement to, and not in place of, …": a negated "instead of" takes nothing away.
    const mainCues = cues.filter(
      (c) => role(c.from) === "main" && !(c.kind === "without" && SUBSTITUTES.has(tokens[c.from]!.w) && NOT_BEFORE.has(tokens[c.from - 1]?.w ?? "")),
    );
    for (const m of gateConditions) {
      mentions.push({
        key: m.key,
        effect: "required",
        segment: "main",
        exceptionScopes: [],
        discretionary: false,
        quoteStart: tokens[Math.max(part.from, m.from - 4)]!.start,
        quoteEnd: tokens[m.to - 1]!.end,
        cue: "(condition)",
      });
    }
    const modal = mainCues.filter((c) => (MODAL_KINDS as readonly string[]).includes(c.kind));
    const negations = mainCues.filter((c) => c.kind === "negation");
    const withouts = mainCues.filter((c) => c.kind === "without");
    const sentenceCues = cuesIn(tokens, language, part.sentenceFrom, part.sentenceTo);
    // A bound of years is no bound on a power ("kept for no longer than ten years", "kuni kümme aastat").
    // A bound the power's holder sets for itself ("only where the police consider it necessary") bounds nothing.
    const limitedHere =
      sentenceCues.some((c) => c.kind === "limit" && findAll(tokens, DISCRETION_FORMS[language], c.to, Math.min(part.sentenceTo, c.to + 12)).length === 0) &&
      !longDuration(tokens, part.sentenceFrom, part.sentenceTo);
    const partKind: ModalKind | null = modal[0] ? (modal[0].kind as ModalKind) : part.joined ? inherited : null;
    if (modal.length > 0) inherited = modal[modal.length - 1]!.kind as ModalKind;
    else if (!part.joined) inherited = null;
    const sentenceMentions = all.filter((m) => m.from >= part.sentenceFrom && m.from < part.sentenceTo);
    // A gate counts only where it is asked for, not where it is waived ("without their consent").
    const sentenceNegators = sentenceCues.filter((c) => c.kind === "without" || c.kind === "negation");
    // A court that is the clause's subject ("A court deciding … may take into account …") acts; it does not gate.
    const firstModal = cuesIn(tokens, language, part.sentenceFrom, part.sentenceTo).find((c) => (MODAL_KINDS as readonly string[]).includes(c.kind));
    const isSubject = (m: Mention) =>
      language === "en" &&
      firstModal !== undefined &&
      m.to <= firstModal.from &&
      !tokens.slice(Math.max(part.sentenceFrom, m.from - 3), m.from).some((t) => GATE_PREPOSITIONS.has(t.w));
    // "juhi nõusolekut küsimata", "kohtu loa puudumisel", "nõusolekuta": a gate taken away after it, or in its own ending, is not held.
    const gateHeld = (m: Mention) =>
      GATES.has(m.key) &&
      !isSubject(m) &&
      !sentenceNegators.some((n) => n.to <= m.from && m.from - n.to <= WITHOUT_REACH) &&
      !sentenceNegators.some((n) => POSTPOSITIONS.has(tokens[n.from]!.w) && n.from >= m.to && n.from - m.to <= 1) &&
      !(language === "et" && ABESSIVE.test(tokens[m.to - 1]!.w));
    const gated = sentenceMentions.some(gateHeld);
    const exceptionMentions = all.filter((m) => m.from >= part.from && m.from < part.to && role(m.from) === "exception");
    const exceptionScopes = exceptionMentions.map((m) => m.key).filter((k) => ["scope", "goal"].includes(BY_KEY.get(k)!.valence));
    const exceptionGated = exceptionMentions.some(gateHeld);
    const exceptionEnd = exceptionAt < 0 ? -1 : roleOf.lastIndexOf("exception") + part.from + 1;
    const discretionary = exceptionAt >= 0 && findAll(tokens, DISCRETION_FORMS[language], exceptionAt, exceptionEnd).length > 0;
    // What the part does: the concept each modal governs (its head, and what is coordinated with it);
    // a modal with no concept after it governs the concepts before it (the subject: "The use of face
    // recognition … shall be prohibited"). Everything else is an argument ("publish how many times face
    // recognition was used") and does nothing.
    const doing = all.filter(
      (m) =>
        m.from >= part.from &&
        m.from < part.to &&
        role(m.from) === "main" &&
        ["safeguard", "intrusion"].includes(BY_KEY.get(m.key)!.valence) &&
        !isTopic(tokens, m),
    );
    // "Data from monitoring", "emotsioonituvastuse tulemusi": the power is only where the data came from.
    // A clause that forbids or bounds the data's use limits it; one that merely uses the data does nothing to it.
    const dataOf = new Set(doing.filter((m) => isDataOf(tokens, m)));
    const coordinated = (prev: Mention, next: Mention) => {
      if (next.from < prev.to) return true;
      const between = tokens.slice(prev.to, next.from);
      return (
        between.length <= COORDINATION_GAP &&
        (between.length > 0 || /,/.test(text.slice(tokens[prev.to - 1]!.end, tokens[next.from]!.start))) &&
        between.every((t) => CONJUNCTIONS.has(t.w))
      );
    };
    const governed: { m: Mention; cue: Cue | null; quoteFrom?: number }[] = [];
    const freed: { m: Mention; cue: Cue }[] = [];
    if (modal.length === 0) {
      // A plain statement of law ("Images … are deleted within 24 hours"): its verb is the head, not a
      // participle describing the subject ("images recorded at a demonstration").
      let head = doing.find((m) => looksFinite(tokens, m, language));
      // Else the statement's verb is not a concept ("is examined", "määratakse trahv"): what follows it is what it does.
      const inMention = (i: number) => all.some((m) => i >= m.from && i < m.to);
      let verbAt = head ? head.from : -1;
      if (!head) {
        for (let i = part.from; i < part.to && verbAt < 0; i++) {
          if (role(i) !== "main" || inMention(i)) continue;
          const w = tokens[i]!.w;
          if (
            language === "et"
              ? /(?:takse|dakse|akse)$/u.test(w)
              : language === "ru"
                ? RU_STATEMENT_VERB.test(w)
                : AUXILIARIES.has(tokens[i - 1]?.w ?? "") && (/ed$/u.test(w) || PARTICIPLES.has(w))
          )
            verbAt = i;
        }
      }
      // "Advertising that contains video altered by a machine carries a label": a participle describing the
      // subject, and its agent, are not what is done.
      const described = new Set<Mention>();
      for (const m of doing) {
        const after = [...described].some((d) => d.to <= m.from && m.from - d.to <= 1);
        if (postnominalParticiple(tokens, m, language) || (after && AGENT_WORDS.has(tokens[m.from]!.w))) described.add(m);
      }
      if (!head) {
        const first = doing.find((m) => !described.has(m));
        head = verbAt >= 0 && doing[0] && doing[0].from < verbAt ? doing.find((m) => m.from > verbAt) : first;
      }
      if (head) {
        governed.push({ m: head, cue: null });
        let last = head;
        let lastFrom: number | undefined;
        for (const m of doing.filter((d) => d.from > head.from)) {
          if (coordinated(last, m)) {
            governed.push({ m, cue: null, ...(lastFrom === undefined ? {} : { quoteFrom: lastFrom }) });
            last = m;
            continue;
          }
          // "is reviewed within 24 hours and, if generated, taken down or labelled": a second verb joined by
          // "and"/"or" (over a condition set off by commas) is done too, and what is coordinated with it.
          if (last === head || governed.some((g) => g.m === last)) {
            let j = m.from - 1;
            while (j > head.to && role(j) !== "main") j--;
            const w = tokens[m.from]!.w;
            const verb = language === "en" ? /ed$/u.test(w) || PARTICIPLES.has(w) : language === "ru" ? RU_FINITE.test(w) : ET_FINITE.test(w);
            if (j >= head.to && CONJUNCTIONS.has(tokens[j]!.w) && verb && verbAt >= 0 && verbAt <= head.from) {
              governed.push({ m, cue: null, quoteFrom: head.from });
              lastFrom = head.from;
              last = m;
              continue;
            }
          }
          break;
        }
      }
    } else {
      modal.forEach((cue, k) => {
        // A modal's words run to the next modal, and not into a condition, a purpose or an exception
        // ("is required before a loan application is refused on the basis of the score").
        let regionEnd = modal[k + 1]?.from ?? part.to;
        for (let i = cue.to; i < regionEnd; i++) {
          if (role(i) === "main") continue;
          // A phrase set off by commas ("may publish, within 30 days before an election, a …") is stepped over.
          let j = i;
          while (j < regionEnd && role(j) !== "main") j++;
          if (j < regionEnd && text.slice(tokens[j - 1]!.end, tokens[j]!.start).includes(",")) {
            i = j - 1;
            continue;
          }
          regionEnd = i;
          break;
        }
        // A form that spans the modal ("benefit … reduced", "andmeid … küsida") has its verb after it.
        const after = doing.filter(
          (m) =>
            (m.from >= cue.to || (m.from < cue.from && m.to > cue.to && m.from >= (k === 0 ? part.from : modal[k - 1]!.to))) &&
            m.from < regionEnd &&
            !(BY_KEY.get(m.key)!.valence === "intrusion" && tokens.slice(cue.to, m.from).some((t) => OBJECT_VERBS.has(t.w))),
        );
        if (after.length > 0) {
          // The head and what is coordinated with it ("may identify, track and store"); a concept after
          // them is their object ("publish how often face recognition was used", "keep the ranking").
          // Estonian puts the infinitive last ("ei pea automaatset keeldumist põhjendama"): it is the head.
          const infinitive = language === "et" ? after.find((m) => ET_INFINITIVE.test(tokens[m.from]!.w) && !ABESSIVE.test(tokens[m.to - 1]!.w)) : undefined;
          const head = infinitive ?? after[0]!;
          governed.push({ m: head, cue });
          let last = head;
          for (const m of after.slice(after.indexOf(head) + 1)) {
            if (!coordinated(last, m)) break;
            governed.push({ m, cue });
            last = m;
          }
        } else if (k === 0 || !governed.some((g) => g.cue === modal[k - 1])) {
          // A safeguard before the modal is its subject ("The teacher must be able to …"); a power before
          // it only when the modal applies it (see governsSubject).
          const regionStart = k === 0 ? part.from : modal[k - 1]!.to;
          const appliesSubject = governsSubject(tokens, cue, language);
          // "That judge shall not be shown the score": the subject of a verb of giving, with an object after it, receives.
          let v = cue.to;
          while (v < regionEnd && FILLERS.has(tokens[v]!.w)) v++;
          const recipient = OBJECT_VERBS.has(tokens[v]?.w ?? "") && DETERMINERS.has(tokens[v + 1]?.w ?? "");
          for (const m of doing.filter((d) => d.from >= regionStart && d.to <= cue.from)) {
            if (BY_KEY.get(m.key)!.valence === "safeguard") {
              if (!recipient) governed.push({ m, cue });
            }
            // "Travellers flagged by the system shall be interviewed": a participle after a noun describes who.
            else if (appliesSubject && !postnominalParticiple(tokens, m, language)) governed.push({ m, cue });
          }
        }
        // "Face recognition may be used only …, with a court's approval": a power the modal applies is what it
        // governs even when a safeguard follows.
        if (after.length > 0 && !after.some((m) => BY_KEY.get(m.key)!.valence === "intrusion") && appliesItsSubject(tokens, cue)) {
          const regionStart = k === 0 ? part.from : modal[k - 1]!.to;
          for (const m of doing.filter((d) => d.from >= regionStart && d.to <= cue.from && BY_KEY.get(d.key)!.valence === "intrusion")) {
            if (!postnominalParticiple(tokens, m, language) && !governed.some((g) => g.m === m)) governed.push({ m, cue });
          }
        }
        // "Parody is exempt from …": an exemption frees a freedom named before it.
        if (cue.kind === "excused" && EXEMPT.has(tokens[cue.to - 1]!.w)) {
          const regionStart = k === 0 ? part.from : modal[k - 1]!.to;
          for (const m of all) {
            if (m.from >= regionStart && m.to <= cue.from && FREEDOMS.includes(m.key) && role(m.from) === "main") freed.push({ m, cue });
          }
        }
      });
    }
    // What "without" (or "instead of", an abessive) takes away is read with the modal that governs the
    // words, wherever it stands in them ("võib koguda ilma vanema nõusolekuta", "may decide without review").
    const withoutCues = mainCues.filter((c) => c.kind === "without");
    for (const m of doing) {
      if (governed.some((g) => g.m === m)) continue;
      const post = withoutCues.some((w) => POSTPOSITIONS.has(tokens[w.from]!.w) && m.to <= w.from && w.from - m.to <= 1);
      // "Without" takes the first concept after it, not every one within reach.
      const pre = withoutCues.some(
        (w) =>
          !POSTPOSITIONS.has(tokens[w.from]!.w) && w.to <= m.from && m.from - w.to < WITHOUT_REACH && !doing.some((d) => d.from >= w.to && d.from < m.from),
      );
      const abessive = language === "et" && BY_KEY.get(m.key)!.valence === "safeguard" && ABESSIVE.test(tokens[m.to - 1]!.w);
      if (!post && !pre && !abessive) continue;
      const cue = [...modal].reverse().find((c) => c.to <= m.from) ?? null;
      if (modal.length > 0 && !cue) continue;
      governed.push({ m, cue });
    }
    for (const { m, cue } of freed) {
      mentions.push({
        key: m.key,
        effect: "allowed",
        segment: "main",
        exceptionScopes: [],
        discretionary: false,
        quoteStart: tokens[m.from]!.start,
        quoteEnd: quoteEnd(tokens, part, m, roleOf),
        cue: text.slice(tokens[cue.from]!.start, tokens[cue.to - 1]!.end),
      });
    }
    for (const { m, cue: governing, quoteFrom: from } of governed) {
      const c = BY_KEY.get(m.key)!;
      let kind: ModalKind = governing ? (governing.kind as ModalKind) : (partKind ?? "required");
      let quoteFrom = governing ? Math.min(governing.from, m.from) : (from ?? m.from);
      // An obligation stated with a modal verb or as a statement, negated, is a prohibition ("no data shall
      // be kept", "kaamerad ei salvesta"); one stated as a predicate is excused ("no review is required").
      const verbal = governing === null || MODAL_VERBS.has(tokens[governing.to - 1]!.w);
      for (const n of negations) {
        // A negation inside a form's gap belongs to it ("hold no record").
        const inside = n.from > m.from && n.to < m.to;
        if (!inside && (n.from >= m.from || text.slice(tokens[n.from]!.end, tokens[m.from]!.start).includes(","))) continue;
        const determiner = DETERMINER_NEGATIONS.has(tokens[n.from]!.w);
        // Russian negates twice and means it once ("никакие данные не должны храниться", "никогда не
        // хранятся"): a determiner before a "не" of its verb agrees with it and flips nothing itself.
        if (language === "ru" && determiner && tokens.slice(n.to, m.from).some((t) => t.w === "не")) continue;
        const close = inside || m.from - n.to <= (determiner ? NEGATION_REACH : 1);
        const beforeModal = determiner && governing !== null && governing.from >= n.to && governing.from - n.to <= NEGATION_REACH && governing.to <= m.from;
        if (close || beforeModal) {
          kind = kind === "required" && verbal ? "prohibited" : flip(kind);
          quoteFrom = Math.min(quoteFrom, n.from);
        }
      }
      // "jätta kustutamata" (leave undeleted), "nõusolekuta" (without consent): Estonian abessives are their own "without".
      let without = language === "et" && (/mata$/u.test(tokens[m.from]!.w) || (c.valence === "safeguard" && ABESSIVE.test(tokens[m.to - 1]!.w)));
      for (const w of withouts) {
        // "elava tõlgi asemel" (instead of a live interpreter): an Estonian postposition takes what stands before it.
        const post = POSTPOSITIONS.has(tokens[w.from]!.w);
        const first = !all.some((d) => d !== m && d.from >= w.to && d.from < m.from && ["safeguard", "intrusion"].includes(BY_KEY.get(d.key)!.valence));
        if (post ? m.to <= w.from && w.from - m.to <= 1 : w.to <= m.from && m.from - w.to < WITHOUT_REACH && first) {
          without = true;
          quoteFrom = Math.min(quoteFrom, post ? m.from : w.from);
        }
      }
      // What a clause offers only where its holder sees fit, it does not provide.
      if (discretionaryCondition && c.valence === "safeguard" && !without && (kind === "required" || kind === "permitted")) continue;
      let effect = effectOf(kind, without);
      if (FREEDOMS.includes(m.key) && effect === "not-required") effect = "allowed";
      // "may refuse the change without any consequence": a power done without is ruled out, not merely not required.
      if (without && c.valence === "intrusion" && effect === "not-required" && (kind === "permitted" || kind === "required")) effect = "forbidden";
      // "An item marked as parody shall not be taken down": what the clause does is to the freedom, which it
      // protects (or, required, takes away); the takedown of anything else is not in it.
      const freedom = FREEDOM_THREATS.includes(m.key)
        ? all.find((f) => FREEDOMS.includes(f.key) && f.from >= part.from && f.from < part.to && role(f.from) !== "exception")
        : undefined;
      if (freedom) {
        if (effect === "limited") continue;
        mentions.push({
          key: freedom.key,
          effect: presence(effect) === 1 ? "forbidden" : "allowed",
          segment: "main",
          exceptionScopes: [],
          discretionary: false,
          quoteStart: tokens[Math.min(quoteFrom, freedom.from)]!.start,
          quoteEnd: quoteEnd(tokens, part, m, roleOf),
          cue: governing ? text.slice(tokens[governing.from]!.start, tokens[governing.to - 1]!.end) : "(statement)",
        });
        continue;
      }
      if (dataOf.has(m)) {
        if (effect === "forbidden" || ((effect === "allowed" || effect === "required") && limitedHere)) effect = "limited";
        else continue;
      }
      if (c.exclusive && effect === "required" && sentenceCues.some((l) => l.kind === "limit" && l.to <= m.from && m.from - l.to <= 2)) effect = "not-required";
      // "The police may also use it …": a power added to those already given is allowed, however it is bounded.
      const extension = governing !== null && governing.kind === "permitted" && EXTENSIONS.has(tokens[governing.to]?.w ?? "");
      if (c.valence === "intrusion" && (effect === "allowed" || effect === "required") && (limitedHere || gated)) effect = "limited";
      mentions.push({
        key: m.key,
        effect,
        segment: "main",
        exceptionScopes: [],
        discretionary: false,
        quoteStart: tokens[quoteFrom]!.start,
        quoteEnd: quoteEnd(tokens, part, m, roleOf),
        cue: governing ? text.slice(tokens[governing.from]!.start, tokens[governing.to - 1]!.end) : "(statement)",
        ...(extension && c.valence === "intrusion" ? { extension: true } : {}),
      });
      // The exception re-reads these words with the opposite modality, for its own occasions.
      // An exception that only a judge or the person themselves can open takes no safeguard away.
      if (exceptionAt >= 0 && !(exceptionGated && c.valence === "safeguard")) {
        let exEffect = effectOf(flip(kind), without);
        if (FREEDOMS.includes(m.key) && exEffect === "not-required") exEffect = "allowed";
        if (c.valence === "intrusion" && (exEffect === "allowed" || exEffect === "required") && (exceptionGated || (limitedHere && !discretionary)))
          exEffect = "limited";
        mentions.push({
          key: m.key,
          effect: exEffect,
          segment: "exception",
          exceptionScopes,
          discretionary,
          quoteStart: tokens[Math.min(quoteFrom, exceptionAt)]!.start,
          quoteEnd: tokens[exceptionEnd - 1]!.end,
          cue: text.slice(tokens[exceptionAt]!.start, tokens[exceptionAt]!.end),
        });
      }
    }
    // "No marking system may be used unless it has been tested on a sample …": a safeguard named as the
    // only way out of a prohibition is required (unless the power's holder may waive it).
    const prohibitive =
      modal[0] !== undefined &&
      (modal[0].kind === "prohibited" || (modal[0].kind === "permitted" && negations.some((n) => n.from < modal[0]!.from && modal[0]!.from - n.to <= 4)));
    // "No diagnosis may be entered until the clinician has examined the images": the same, by a time.
    const untilAt = prohibitive ? tokens.findIndex((t, i) => i >= part.from && i < part.to && UNTIL.has(t.w)) : -1;
    const untilEnd = untilAt < 0 ? -1 : segmentEnd(text, tokens, untilAt, part.to);
    const untilMentions = untilAt < 0 ? [] : all.filter((m) => m.from > untilAt && m.from < untilEnd);
    if (untilAt >= 0 && findAll(tokens, DISCRETION_FORMS[language], untilAt, untilEnd).length === 0) {
      for (const m of untilMentions) {
        if (BY_KEY.get(m.key)!.valence !== "safeguard" || GATES.has(m.key) || mentions.some((x) => x.key === m.key && x.quoteStart >= tokens[part.from]!.start))
          continue;
        mentions.push({
          key: m.key,
          effect: "required",
          segment: "main",
          exceptionScopes: [],
          discretionary: false,
          quoteStart: tokens[untilAt]!.start,
          quoteEnd: tokens[Math.min(untilEnd, untilAt + 24) - 1]!.end,
          cue: "(condition)",
        });
      }
    }
    if (exceptionAt >= 0 && prohibitive && !discretionary) {
      for (const m of exceptionMentions) {
        // A judge or the person opening the exception is read as a gate (above), not as a safeguard provided.
        if (BY_KEY.get(m.key)!.valence !== "safeguard" || GATES.has(m.key) || mentions.some((x) => x.key === m.key && x.quoteStart >= tokens[part.from]!.start))
          continue;
        if (sentenceNegators.some((n) => n.to <= m.from && m.from - n.to <= WITHOUT_REACH && n.from >= exceptionAt)) continue;
        mentions.push({
          key: m.key,
          effect: "required",
          segment: "main",
          exceptionScopes: [],
          discretionary: false,
          quoteStart: tokens[exceptionAt]!.start,
          quoteEnd: tokens[Math.min(exceptionEnd, exceptionAt + 24) - 1]!.end,
          cue: "(condition)",
        });
      }
    }
    // "may use it …, with a court's approval given for that search": the gate that bounds a power the part
    // allows is asked for, as much as the power is bounded by it.
    const partStart = tokens[part.from]!.start;
    const partEnd = tokens[part.to - 1]!.end;
    const inPart = (x: ClauseMention) => x.quoteStart >= partStart && x.quoteStart < partEnd;
    if (mentions.some((x) => inPart(x) && x.segment === "main" && x.effect === "limited" && BY_KEY.get(x.key)!.valence === "intrusion")) {
      for (const g of all) {
        if (g.from < part.from || g.from >= part.to || role(g.from) !== "main" || !gateHeld(g)) continue;
        if (mentions.some((x) => inPart(x) && x.key === g.key)) continue;
        mentions.push({
          key: g.key,
          effect: "required",
          segment: "main",
          exceptionScopes: [],
          discretionary: false,
          quoteStart: tokens[gateQuoteFrom(text, tokens, part.from, g.from)]!.start,
          quoteEnd: quoteEnd(tokens, part, g, roleOf),
          cue: "(gate)",
        });
      }
    }
    // "shall state the grounds …, and where software recommended it, it shall be sufficient to state that
    // fact"; "shall be notified 14 days before …; the schedule may nonetheless be altered at any time": a
    // later part that takes back what the sentence provided leaves the safeguard as much withheld as given.
    // "may have the script re-marked on payment of a fee": a burden named beside a safeguard the part gives,
    // and not itself forbidden or excused, is the safeguard's price, and so is required of the person.
    const given = mentions.some((x) => inPart(x) && x.segment === "main" && presence(x.effect) === 1 && BY_KEY.get(x.key)!.valence === "safeguard");
    for (const b of all) {
      if (!given || !BURDENS.includes(b.key) || b.from < part.from || b.from >= part.to || role(b.from) !== "main") continue;
      if (mentions.some((x) => x.key === b.key && inPart(x))) continue;
      mentions.push({
        key: b.key,
        effect: "required",
        segment: "main",
        exceptionScopes: [],
        discretionary: false,
        quoteStart: tokens[Math.max(part.from, b.from - 3)]!.start,
        quoteEnd: tokens[Math.min(part.to, b.to + 4) - 1]!.end,
        cue: "(price)",
      });
    }
    const earlier = provided.get(part.sentenceFrom) ?? [];
    const takeBack = findAll(tokens, TAKE_BACK[language], part.from, part.to).find((t) => role(t.from) === "main");
    if (takeBack && earlier.length > 0) {
      for (const x of earlier) {
        if (mentions.some((y) => y.key === x.key && y.effect === "not-required" && y.quoteStart >= partStart)) continue;
        mentions.push({ ...x, effect: "not-required", quoteStart: tokens[takeBack.from]!.start, quoteEnd: partEnd, cue: "(taken back)" });
      }
    }
    provided.set(part.sentenceFrom, [
      ...earlier,
      ...mentions.filter((x) => inPart(x) && x.segment === "main" && x.effect === "required" && BY_KEY.get(x.key)!.valence === "safeguard"),
    ]);
  }
  const wholeRule = wholeRuleExemption(text, tokens, language, all);
  return { language, mentions, scopes, goals, ...(wholeRule ? { wholeRule } : {}) };
}

const WHOLE_RULE_FORMS: Record<Language, Form[]> = {
  en: WHOLE_RULE.en.map(compileForm),
  et: WHOLE_RULE.et.map(compileForm),
  ru: WHOLE_RULE.ru.map(compileForm),
};
const NOT_APPLY: Record<Language, Form[]> = {
  en: ["does not apply", "do not apply", "shall not apply", "is not subject", "are not subject"].map(compileForm),
  et: ["ei kohaldata", "ei kohaldu", "ei laiene"].map(compileForm),
  ru: RU_NOT_APPLY.map(compileForm),
};

/** "X shall be exempt from this regulation", "käesolevat määrust ei kohaldata X-le": an exemption from the whole rule. */
function wholeRuleExemption(text: string, tokens: readonly Token[], language: Language, all: readonly Mention[]): ClauseReading["wholeRule"] | null {
  const whole = findAll(tokens, WHOLE_RULE_FORMS[language])[0];
  if (!whole) return null;
  const exempt = tokens.some((t) => EXEMPT.has(t.w)) || findAll(tokens, NOT_APPLY[language]).length > 0;
  if (!exempt) return null;
  const exempted = [...new Set(all.filter((m) => FREEDOMS.includes(m.key)).map((m) => m.key))];
  return { quoteStart: tokens[0]!.start, quoteEnd: tokens[whole.to - 1]!.end, exempted };
}

const MAX_QUOTE = 220;

/** A gate is quoted from the few words that introduce it ("with a court's approval"), not across a comma. */
function gateQuoteFrom(text: string, tokens: readonly Token[], partFrom: number, at: number): number {
  let q = at;
  while (q > partFrom && at - q < 3 && !/,/.test(text.slice(tokens[q - 1]!.end, tokens[q]!.start))) q--;
  return q;
}

/** The decisive words end with their part, or soon after the concept when the part runs long. */
function quoteEnd(tokens: readonly Token[], part: Part, m: Mention, roleOf: readonly string[]): number {
  let last = part.to - 1;
  // Do not run on into an exception: it is quoted on its own.
  for (let i = m.to; i < part.to; i++) {
    if (roleOf[i - part.from] === "exception") {
      last = i - 1;
      break;
    }
  }
  if (tokens[last]!.end - tokens[m.from]!.start > MAX_QUOTE) last = Math.min(last, m.to - 1 + 6);
  return tokens[Math.max(last, m.to - 1)]!.end;
}

// ─────────────────────────────────────── the verdict ───────────────────────────────────────

export interface Contribution {
  key: string;
  /** The value's concern it meets, and how. */
  concern: string;
  via: "direct" | "opposite" | "related";
  effect: Effect;
  segment: "main" | "exception";
  verdict: "honours" | "erodes";
  weight: number;
  quote: string;
  /** How the reason ends: what the value is to the concept. */
  tail: Tail;
  /** A bounded power added to those already given. */
  extension?: boolean;
  /** Taken away or allowed by an exemption from the whole rule (decision 0025). */
  wholeRule?: boolean;
}

type Tail = "looks-for" | "guards-against" | "needs";

export interface Explanation {
  reading: Reading;
  profile: ValueProfile;
  clause: ClauseReading;
  contributions: Contribution[];
  /** Why it is silent, when it is. */
  silentBecause?: "struck" | "no-concern" | "other-scope" | "nothing-decided";
}

function scopeClosure(keys: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const add = (k: string) => {
    if (out.has(k)) return;
    out.add(k);
    for (const w of BY_KEY.get(k)?.within ?? []) add(w);
  };
  for (const k of keys) add(k);
  return out;
}

/** The most specific of a set of scopes ("young children" rather than "children"). */
function specific(keys: readonly string[]): string[] {
  return keys.filter((k) => !keys.some((o) => o !== k && scopeClosure([o]).has(k)));
}

/**
 * Do two sets of scopes meet? Only scopes (groups, places, domains) count, not goals. Each side is taken
 * at its most specific. They fail to meet only when they name different groups of one kind
 * ("primary-school children" and "upper-secondary pupils", both children) and nothing that meets: a
 * value about protesters and a clause about public spaces meet (one lies within the other), and a
 * value that mentions a city and a clause about elections speak of different things, not of
 * different groups.
 */
function scopesMeet(a: Iterable<string>, b: Iterable<string>): boolean {
  const aa = specific([...a].filter((k) => BY_KEY.get(k)?.valence === "scope"));
  const bb = specific([...b].filter((k) => BY_KEY.get(k)?.valence === "scope"));
  if (aa.length === 0 || bb.length === 0) return true;
  if (aa.some((x) => bb.some((y) => scopeClosure([x]).has(y) || scopeClosure([y]).has(x)))) return true;
  const parents = (k: string) => BY_KEY.get(k)?.within ?? [];
  return !aa.some((x) => bb.some((y) => parents(x).some((p) => parents(y).includes(p))));
}

function meet(profile: ValueProfile, key: string): { concern: ValueConcern; via: "direct" | "opposite" | "related"; sign: 1 | -1 } | null {
  const direct = profile.concerns.get(key);
  if (direct) return { concern: direct, via: "direct", sign: 1 };
  const c = BY_KEY.get(key)!;
  for (const o of c.opposites ?? []) {
    const concern = profile.concerns.get(o);
    if (concern) return { concern, via: "opposite", sign: -1 };
  }
  // A related concept carries a value's guard (guarding against watching is guarding against keeping
  // the images), never its wish: a value that asks for cameras to find a child does not ask for archives.
  for (const r of c.related ?? []) {
    const concern = profile.concerns.get(r);
    if (concern && BY_KEY.get(r)!.valence === c.valence && (c.valence === "safeguard" || concern.stance === "guards"))
      return { concern, via: "related", sign: 1 };
  }
  return null;
}

/** +1 when the clause makes the concept present (required, allowed), −1 absent (forbidden, not required), 0 limited. */
function presence(effect: Effect): 1 | -1 | 0 {
  return effect === "required" || effect === "allowed" ? 1 : effect === "limited" ? 0 : -1;
}

function judge(profile: ValueProfile, clause: ClauseReading, m: ClauseMention, text: string): Contribution | null {
  const found = meet(profile, m.key);
  if (!found) return null;
  const c = BY_KEY.get(m.key)!;
  const stance = found.concern.stance;
  // Permitting a power does not take away a safeguard that can follow it (decision 0023): a mark given
  // by a machine can still be looked at again by a person.
  if (found.via === "opposite" && c.valence === "intrusion" && m.effect === "allowed" && AFTER_THE_ACT.includes(found.concern.key)) return null;
  // A power the value fears only in a use or condition: a clause that merely permits or bans it is
  // silent (decision 0023); one that bounds it, or grants the use or condition, is read as before.
  let effect = m.effect;
  // A bound on the power is about its reach, not about a use the power's holder makes of what it finds.
  const conditional = found.concern.conditional;
  const boundIsUse = conditional !== undefined && !conditional.kinds.has("reach") && !conditional.kinds.has("absence");
  if (conditional && c.valence === "intrusion" && (effect !== "limited" || boundIsUse)) {
    const granted = grants(conditional, clause, text);
    if (granted === null) return null;
    if (granted === "single" && (effect === "allowed" || effect === "required")) effect = "limited";
  }
  // What the value wishes for the clause's concept: present (+1), absent (−1), within bounds (0).
  // Through an opposite the wish turns round: wanting deletion is guarding against keeping.
  const wish = stance === "bounded" ? (found.sign === 1 ? 0 : 1) : (stance === "wants" ? 1 : -1) * found.sign;
  const p = presence(effect);
  let verdict: "honours" | "erodes" | null = null;
  if (wish === 1 && c.valence === "intrusion") {
    // A power the value asks for. One it never named (it serves the value's goal) counts only where the
    // clause puts it to that goal, and only for: "restricts rather than provides" is silent.
    const forGoal = [...profile.goals].some((g) => clause.goals.has(g) || m.exceptionScopes.includes(g));
    if (found.concern.implicit) {
      if ((p === 1 || effect === "limited") && forGoal && m.segment === "main") verdict = "honours";
    } else if (effect === "forbidden") {
      // A ban on a power the value needs erodes it where the ban reaches: not at demonstrations for a child lost at a station.
      if (banReaches(clause.scopes, profile.scopes)) verdict = "erodes";
    } else if ((p === 1 || effect === "limited") && (forGoal || (!otherGoal(c, clause, profile) && coversValue(clause.scopes, profile.scopes))))
      verdict = "honours";
  } else if (wish === 1) {
    verdict = p === -1 ? "erodes" : "honours";
  } else if (wish === -1) {
    if (p === 1 || (effect === "limited" && m.extension)) verdict = "erodes";
    else if (effect === "limited" || effect === "forbidden") verdict = "honours";
  } else {
    if (p === 1) verdict = "erodes";
    else if (effect === "limited") verdict = "honours";
  }
  if (verdict === null) return null;
  const tail: Tail = c.valence === "intrusion" ? (wish === 1 ? "needs" : "guards-against") : wish === -1 ? "guards-against" : "looks-for";
  let weight = found.concern.weight * (found.via === "related" ? 0.5 : 1);
  // An exception weighs half, unless it swallows the rule (left to the power's holder) or is about
  // the value's own people or goal: then it weighs double.
  if (m.segment === "exception") weight *= m.discretionary || touchesValue(profile, m.exceptionScopes) ? 2 : 0.5;
  return {
    key: m.key,
    concern: found.concern.key,
    via: found.via,
    effect: effect,
    segment: m.segment,
    verdict,
    weight,
    quote: text.slice(m.quoteStart, m.quoteEnd),
    tail,
    ...(m.extension ? { extension: true } : {}),
  };
}

/**
 * Does a clause that allows a power reach the people or places the value asks it for? Yes when it names
 * no group, or only the value's own or broader ones: cameras allowed at demonstrations do not find a
 * child lost at a station.
 */
function coversValue(clauseScopes: Iterable<string>, valueScopes: Iterable<string>): boolean {
  const cs = specific([...clauseScopes].filter((k) => BY_KEY.get(k)?.valence === "scope"));
  const vs = [...valueScopes].filter((k) => BY_KEY.get(k)?.valence === "scope");
  if (cs.length === 0 || vs.length === 0) return true;
  return cs.every((c) => vs.some((v) => scopeClosure([v]).has(c)));
}

/** Does a ban reach the value's own places and people? Yes unless it names only narrower ones than the value's. */
function banReaches(clauseScopes: Iterable<string>, valueScopes: Iterable<string>): boolean {
  const cs = specific([...clauseScopes].filter((k) => BY_KEY.get(k)?.valence === "scope"));
  const vs = [...valueScopes].filter((k) => BY_KEY.get(k)?.valence === "scope");
  if (cs.length === 0 || vs.length === 0) return true;
  return vs.some((v) => cs.some((c) => scopeClosure([v]).has(c)));
}

/** Does the clause put the power to a goal it serves that is not the value's ("to find a person carrying a weapon")? */
function otherGoal(c: Concept, clause: ClauseReading, profile: ValueProfile): boolean {
  const served = [...clause.goals].filter((g) => (c.serves ?? []).includes(g));
  return served.length > 0 && !served.some((g) => profile.goals.has(g));
}

/** Does an exception name one of the value's own scopes or goals? */
function touchesValue(profile: ValueProfile, keys: readonly string[]): boolean {
  return keys.some((k) => profile.scopes.has(k) || profile.goals.has(k));
}

// ─────────────────────────────────────── reasons ───────────────────────────────────────

function label(key: string, language: Language): string {
  return BY_KEY.get(key)!.label[language];
}

function reasonFor(effect: Effect, key: string, tail: Tail, title: string, language: Language, extension = false): string {
  const l = label(key, language);
  const safeguard = BY_KEY.get(key)!.valence === "safeguard";
  if (language === "et") {
    if (extension && effect === "limited")
      return `Lisab piiratult ${l}, ${tail === "needs" ? "mida väärtus" : "mille eest väärtus"} „${title}“ ${tail === "needs" ? "vajab" : "kaitseb"}.`;
    const verb = {
      required: "Nõuab",
      allowed: FREEDOMS.includes(key) ? "Kaitseb" : safeguard ? "Võimaldab" : "Lubab",
      forbidden: "Keelab",
      "not-required": "Ei nõua",
      limited: tail === "needs" ? "Lubab piiratult" : "Piirab",
    }[effect];
    const end = { "looks-for": "mida väärtus", "guards-against": "mille eest väärtus", needs: "mida väärtus" }[tail];
    const verbEnd = { "looks-for": "hoiab", "guards-against": "kaitseb", needs: "vajab" }[tail];
    return `${verb} ${l}, ${end} „${title}“ ${verbEnd}.`;
  }
  if (language === "ru") {
    // The label is in the accusative; "то, …" refers back to it whatever its gender.
    const end = { "looks-for": "то, чего добивается ценность", "guards-against": "то, от чего оберегает ценность", needs: "то, что нужно ценности" }[tail];
    if (extension && effect === "limited") return `Дополнительно разрешает в определённых пределах ${l} — ${end} «${title}».`;
    const verb = {
      required: "Предписывает",
      allowed: FREEDOMS.includes(key) ? "Защищает" : safeguard ? "Предусматривает" : "Разрешает",
      forbidden: "Запрещает",
      "not-required": "Не предписывает",
      limited: tail === "needs" ? "Разрешает в определённых пределах" : "Ограничивает",
    }[effect];
    return `${verb} ${l} — ${end} «${title}».`;
  }
  const verb = {
    required: "Requires",
    // A freedom allowed is protected: exempted from a rule, or kept from being taken down.
    allowed: FREEDOMS.includes(key) ? "Protects" : safeguard ? "Provides for" : "Allows",
    forbidden: "Forbids",
    "not-required": "Does not require",
    // A power the value needs, allowed within bounds, is allowed; one it guards against is limited.
    limited: tail === "needs" ? "Allows, within limits," : "Limits",
  }[effect];
  const end = { "looks-for": "looks for", "guards-against": "guards against", needs: "needs" }[tail];
  if (extension && effect === "limited") return `Adds, within limits, ${l}, which “${title}” ${end}.`;
  return `${verb} ${l}, which “${title}” ${end}.`;
}

/**
 * An exemption from the whole rule swallows it for what it exempts (decision 0025): it takes away every
 * safeguard the value wants before or at the act (a label, consent, a notice; not a review or an appeal,
 * which can follow it) and allows every power the value fears as such. A freedom it exempts is read as
 * before (protected); a value that wants only remedies, or fears a power only in a use, is not touched.
 */
function wholeRuleContributions(profile: ValueProfile, whole: NonNullable<ClauseReading["wholeRule"]>, text: string): Contribution[] {
  const out: Contribution[] = [];
  for (const concern of profile.concerns.values()) {
    if (concern.implicit || whole.exempted.includes(concern.key)) continue;
    const c = BY_KEY.get(concern.key)!;
    const wanted = c.valence === "safeguard" && concern.stance === "wants" && !AFTER_THE_ACT.includes(concern.key);
    const feared = c.valence === "intrusion" && concern.stance === "guards" && !concern.conditional;
    if (!wanted && !feared) continue;
    out.push({
      key: concern.key,
      concern: concern.key,
      via: "direct",
      effect: wanted ? "not-required" : "allowed",
      segment: "main",
      verdict: "erodes",
      weight: concern.weight,
      quote: text.slice(whole.quoteStart, whole.quoteEnd),
      tail: wanted ? "looks-for" : "guards-against",
      wholeRule: true,
    });
  }
  return out;
}

function wholeRuleReason(effect: Effect, key: string, title: string, language: Language): string {
  const l = label(key, language);
  if (language === "et")
    return effect === "allowed"
      ? `Vabastab kogu määrusest ja lubab sellega ${l}, mille eest väärtus „${title}“ kaitseb.`
      : `Vabastab kogu määrusest, nii et enam ei nõuta ${l}, mida väärtus „${title}“ hoiab.`;
  if (language === "ru")
    return effect === "allowed"
      ? `Освобождает от действия всего правила и тем самым разрешает ${l} — то, от чего оберегает ценность «${title}».`
      : `Освобождает от действия всего правила и тем самым больше не предписывает ${l} — то, чего добивается ценность «${title}».`;
  return effect === "allowed"
    ? `Exempts it from the whole rule, and so allows ${l}, which “${title}” guards against.`
    : `Exempts it from the whole rule, and so no longer requires ${l}, which “${title}” looks for.`;
}

// ─────────────────────────────────────── the API ───────────────────────────────────────

function silent(option: OptionToRead, value: ReadableValue): Reading {
  return { optionId: option.id, valueId: value.valueId, verdict: "silent", quote: "", reason: "", engine: OFFLINE_READER };
}

/** The reading with its trace: the value's concerns, what the clause does, and every contribution. */
export function explainOffline(option: OptionToRead, value: ReadableValue): Explanation {
  const profile = valueProfile(value);
  const clause = readClause(option.text, option.language);
  const none = (silentBecause: Explanation["silentBecause"], contributions: Contribution[] = []): Explanation => ({
    reading: silent(option, value),
    profile,
    clause,
    contributions,
    silentBecause,
  });
  if (option.text.trim() === "") return none("struck");
  if (profile.concerns.size === 0) return none("no-concern");
  if (!scopesMeet(profile.scopes, clause.scopes)) return none("other-scope");
  let contributions: Contribution[] = [];
  for (const m of clause.mentions) {
    const c = judge(profile, clause, m, option.text);
    if (c) contributions.push(c);
  }
  // A safeguard offered against a burden the value fears is hollow for it (decision 0025): "may have the
  // script re-marked … on payment of a fee" gives nothing to "a second look I can afford".
  if (contributions.some((c) => BURDENS.includes(c.key) && c.verdict === "erodes" && c.segment === "main"))
    contributions = contributions.filter((c) => c.verdict !== "honours" || BY_KEY.get(c.key)!.valence !== "safeguard");
  if (clause.wholeRule) contributions.push(...wholeRuleContributions(profile, clause.wholeRule, option.text));
  if (contributions.length === 0) return none("nothing-decided");
  let total = 0;
  for (const c of contributions) total += c.verdict === "honours" ? c.weight : -c.weight;
  // A tie goes to the side that bounds: a clause that forbids one use and strictly limits another
  // provides; one that gives and takes on equal terms otherwise does not protect the value.
  const verdict: Verdict = total > 0 || (total === 0 && contributions.some((c) => c.verdict === "honours" && c.effect === "limited")) ? "honours" : "erodes";
  const decisive = contributions.filter((c) => c.verdict === verdict).sort((a, b) => b.weight - a.weight)[0]!;
  const reading: Reading = {
    optionId: option.id,
    valueId: value.valueId,
    verdict,
    quote: decisive.quote,
    reason: decisive.wholeRule
      ? wholeRuleReason(decisive.effect, decisive.key, value.title, option.language)
      : reasonFor(decisive.effect, decisive.key, decisive.tail, value.title, option.language, decisive.extension),
    engine: OFFLINE_READER,
  };
  if (!reading.quote || !option.text.includes(reading.quote)) return none("nothing-decided", contributions);
  return { reading, profile, clause, contributions };
}

export function readOffline(option: OptionToRead, value: ReadableValue): Reading {
  return explainOffline(option, value).reading;
}

/** Every option with text × every value, in order (options outer). A struck option has no readings. */
export function readAllOffline(options: readonly OptionToRead[], values: readonly ReadableValue[]): Reading[] {
  const readings: Reading[] = [];
  for (const option of options) {
    if (option.text.trim() === "") continue;
    for (const value of values) readings.push(readOffline(option, value));
  }
  return readings;
}
