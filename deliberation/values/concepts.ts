import { CONCEPTS as READER_CONCEPTS } from "../reading/lexicon.js";
import { ANTONYM_TRAPS, DEDUPE_CONCEPTS } from "./synonyms.js";

/**
 * Reads which concepts of the dedupe lexicon (synonyms.ts) a card's words name, in English, Estonian
 * or Russian (words given lower case, NFC, ё read as е). Deterministic and
 * free of I/O; the lexicon is compiled once, and a word list is read left to right: at each word the
 * longest form of any concept that starts there wins (ties: the concept listed first), its words are
 * the concept's, and the scan goes on after them.
 */

export type ConceptLanguage = "en" | "et" | "ru";
const LANGUAGES: readonly ConceptLanguage[] = ["en", "et", "ru"];

type Matcher = { exact: boolean; s: string } | null; // null: up to MAX_GAP words
type Form = readonly Matcher[];

const MAX_GAP = 3;

function compileForm(form: string): Form {
  const matchers: Matcher[] = [];
  for (const raw of form.trim().split(/\s+/)) {
    if (raw === "…") {
      matchers.push(null);
      continue;
    }
    const exact = raw.startsWith("=");
    const word = (exact ? raw.slice(1) : raw)
      .toLowerCase()
      .normalize("NFC")
      .replace(/ё/g, "е")
      .replace(/[,.;:]/g, "");
    if (word) matchers.push({ exact, s: word });
  }
  return matchers;
}

interface CompiledForm {
  concept: number;
  form: Form;
  except: boolean;
}

/** The concept ids, in the lexicon's order (the order breaks ties). */
export const CONCEPT_IDS: readonly string[] = DEDUPE_CONCEPTS.map((c) => c.id);

/** Forms per language, indexed by the first two letters of their first word. */
const BY_START: Record<ConceptLanguage, Map<string, CompiledForm[]>> = { en: new Map(), et: new Map(), ru: new Map() };

{
  const reader = new Map(READER_CONCEPTS.map((c) => [c.key, c]));
  for (const [i, concept] of DEDUPE_CONCEPTS.entries()) {
    for (const language of LANGUAGES) {
      const forms: string[] = [...(concept[language] ?? [])];
      const except: string[] = [...(concept.except?.[language] ?? [])];
      for (const key of concept.reader ?? []) {
        const source = reader.get(key);
        if (!source) throw new Error(`dedupe concept ${concept.id} names no reader concept ${key}`);
        forms.push(...(source[language] ?? []));
        except.push(...(source.except?.[language] ?? []));
      }
      const add = (text: string, isExcept: boolean) => {
        const form = compileForm(text);
        const first = form[0];
        if (!first) return;
        const key = first.s.slice(0, 2);
        const list = BY_START[language].get(key) ?? [];
        list.push({ concept: i, form, except: isExcept });
        BY_START[language].set(key, list);
      };
      for (const form of forms) add(form, false);
      for (const form of except) add(form, true);
    }
  }
}

/** Concepts that name a topic, not a concern: the dedupe's own topics and the reader's scopes. */
export const TOPIC_CONCEPTS: ReadonlySet<string> = new Set(
  DEDUPE_CONCEPTS.filter(
    (c) =>
      c.topic === true || ((c.reader ?? []).length > 0 && (c.reader ?? []).every((key) => READER_CONCEPTS.find((r) => r.key === key)?.valence === "scope")),
  ).map((c) => c.id),
);

const TRAP_CONCEPTS = new Set(ANTONYM_TRAPS.flatMap((t) => [...t.a, ...t.b]));
for (const id of TRAP_CONCEPTS) if (!CONCEPT_IDS.includes(id)) throw new Error(`antonym trap names no concept ${id}`);

/** The indices of the words `form` covers when matched at `i` (gaps excluded), or null. */
function matchAt(words: readonly string[], i: number, form: Form): number[] | null {
  const covered: number[] = [];
  return matchFrom(words, i, form, 0, covered) ? covered : null;
}

function matchFrom(words: readonly string[], i: number, form: Form, f: number, covered: number[]): boolean {
  if (f === form.length) return true;
  const m = form[f];
  if (m === null) {
    for (let skip = 0; skip <= MAX_GAP && i + skip <= words.length; skip++) {
      if (matchFrom(words, i + skip, form, f + 1, covered)) return true;
    }
    return false;
  }
  const w = words[i];
  if (w === undefined || m === undefined) return false;
  if (m.exact ? w !== m.s : !w.startsWith(m.s)) return false;
  covered.push(i);
  if (matchFrom(words, i + 1, form, f + 1, covered)) return true;
  covered.pop();
  return false;
}

export interface ConceptMention {
  id: string;
  /** Indices of the words that name it. */
  words: number[];
}

/** Forms whose first word matches `word`, remembered per word (a polity's vocabulary is small). */
const FORMS_AT: Record<ConceptLanguage, Map<string, CompiledForm[]>> = { en: new Map(), et: new Map(), ru: new Map() };
const FORMS_AT_LIMIT = 50_000;

function formsAt(word: string, language: ConceptLanguage): CompiledForm[] {
  const memo = FORMS_AT[language];
  let forms = memo.get(word);
  if (forms === undefined) {
    const buckets = [BY_START[language].get(word.slice(0, 2)) ?? [], word.length > 1 ? (BY_START[language].get(word.slice(0, 1)) ?? []) : []];
    forms = buckets.flat().filter(({ form }) => {
      const first = form[0];
      return first != null && (first.exact ? word === first.s : word.startsWith(first.s));
    });
    if (memo.size >= FORMS_AT_LIMIT) memo.clear();
    memo.set(word, forms);
  }
  return forms;
}

/**
 * The concepts named in `words` (lower case, NFC) from word `from` on, left to right. An `except`
 * form of a concept keeps that concept off the words it covers ("find out" is not finding anyone).
 */
export function conceptMentions(words: readonly string[], language: ConceptLanguage, from = 0): ConceptMention[] {
  // Concept index × word position, as one number: (concept, word) pairs an except form covers.
  const blocked = new Set<number>();
  const key = (concept: number, word: number) => concept * (words.length + 1) + word;
  for (let i = from; i < words.length; i++) {
    for (const c of formsAt(words[i]!, language)) {
      if (!c.except) continue;
      const covered = matchAt(words, i, c.form);
      if (covered && covered.length > 0) for (let k = i; k <= covered[covered.length - 1]!; k++) blocked.add(key(c.concept, k));
    }
  }
  const taken = new Set<number>();
  const mentions: ConceptMention[] = [];
  for (let i = from; i < words.length; i++) {
    if (taken.has(i)) continue;
    let best: { concept: number; covered: number[]; span: number } | null = null;
    for (const c of formsAt(words[i]!, language)) {
      if (c.except) continue;
      const covered = matchAt(words, i, c.form);
      if (!covered || covered.some((k) => taken.has(k) || blocked.has(key(c.concept, k)))) continue;
      const span = covered.length;
      if (best === null || span > best.span || (span === best.span && c.concept < best.concept)) best = { concept: c.concept, covered, span };
    }
    if (best === null) continue;
    for (const k of best.covered) taken.add(k);
    mentions.push({ id: CONCEPT_IDS[best.concept]!, words: best.covered });
  }
  return mentions;
}

/**
 * The traps two cards fall into: for each trap, a card leans to side a when its concepts of side a
 * weigh more than those of side b. Cards that lean to opposite sides of any trap are not one value.
 * `weights` maps a concept id to its weight in a card.
 */
export function trapsBetween(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  const lean = (weights: ReadonlyMap<string, number>, sideA: readonly string[], sideB: readonly string[]) => {
    let sum = 0;
    for (const id of sideA) sum += weights.get(id) ?? 0;
    for (const id of sideB) sum -= weights.get(id) ?? 0;
    return Math.sign(sum);
  };
  const traps: string[] = [];
  for (const trap of ANTONYM_TRAPS) {
    const la = lean(a, trap.a, trap.b);
    const lb = lean(b, trap.a, trap.b);
    if (la * lb < 0) traps.push(trap.id);
  }
  return traps;
}
