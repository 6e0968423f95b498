import { textLanguage } from "../values/dedupe.js";
import type { Language } from "./types.js";

/**
 * Whether a draft reads as law (DESIGN.md, "The rule as clauses"): a clean numbered rule in the
 * third person, in one language, no clause twice, nothing a person would not write into a law. The
 * benchmark counts these; the mediator's new wording is dropped when it has any of them.
 */

export type HygieneProblem = "first_person" | "mixed_language" | "repeated_clause" | "boilerplate";

const FIRST_PERSON: Record<Language, RegExp> = {
  // "I" in capitals only (a list's "(i)" is not a person); the rest in any case ("We shall…").
  en: /\bI\b|\b(me|my|mine|myself|we|us|our|ours|ourselves)\b/iu,
  et: /(?<![\p{L}])(ma|mina|mind|minu|mu|mulle|minult|minul|me|meie|meid|meile|meilt|meil|oma arust)(?![\p{L}])/iu,
  ru: /(?<![\p{L}])(я|меня|мне|мной|мною|мой|моя|моё|мое|мои|моего|моей|моих|моим|мы|нас|нам|нами|наш|наша|наше|наши|нашего|нашей|наших|нашим|по-моему)(?![\p{L}])/iu,
};

/** Words no law is written with: the old engine's filler, a value card's policy heads, prompt debris, placeholders. */
const BOILERPLATE: RegExp[] = [
  /\bshall attend to\b/iu,
  /\bthose who deploy or operate such a system\b/iu,
  /pööra(ma|vad) tähelepanu järgmisele/iu,
  /^\s*(MOMENTS|WAYS|CHANCES|SIGNS|SPACES|PLACES|FEELINGS|OPPORTUNITIES|HETKED|VIISID|VÕIMALUSED|MÄRGID)\b/u,
  /\blorem ipsum\b/iu,
  /<<<|>>>|```|\bAGORA_DATA\b/u,
  /\b(ignore (all |the )?(previous|prior) instructions|as an ai( language model)?)\b/iu,
  /\b(TODO|TBD|XXX)\b/u,
];

const words = (text: string) => text.match(/\p{L}+/gu) ?? [];

/** The clauses of a numbered rule ("1. …" lines), or its lines when it is not numbered. */
export function clausesOfText(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim().replace(/^\d+[.)]\s+/u, ""))
    .filter((l) => l !== "");
}

/** The problems of one clause written in `language`. */
export function clauseProblems(clause: string, language: Language): HygieneProblem[] {
  const problems: HygieneProblem[] = [];
  if (FIRST_PERSON[language].test(clause)) problems.push("first_person");
  // Language is told by function words; a clause of a few words cannot be told, and is not judged.
  if (words(clause).length >= 6 && textLanguage(clause) !== language) problems.push("mixed_language");
  if (BOILERPLATE.some((re) => re.test(clause))) problems.push("boilerplate");
  return problems;
}

/** Every problem of a draft, with the clause (1-based) it is in. */
export function draftHygiene(text: string, language: Language): { clause: number; problem: HygieneProblem }[] {
  const seen = new Map<string, number>();
  const out: { clause: number; problem: HygieneProblem }[] = [];
  clausesOfText(text).forEach((clause, i) => {
    for (const problem of clauseProblems(clause, language)) out.push({ clause: i + 1, problem });
    const key = clause.toLowerCase().replace(/\s+/g, " ").replace(/[.;]$/u, "");
    if (seen.has(key)) out.push({ clause: i + 1, problem: "repeated_clause" });
    else seen.set(key, i + 1);
  });
  return out;
}

/** Whether new wording (the mediator's) can stand as a clause: hygienic and a provision, 10–1000 characters. */
export function wordingProblems(text: string, language: Language): string[] {
  const t = text.trim();
  const problems: string[] = clauseProblems(t, language);
  if (t.length < 10 || t.length > 1_000) problems.push("length");
  if (t.includes("\n")) problems.push("several_clauses");
  return problems;
}
