import { z } from "zod";

/**
 * What a clause does to a value (DESIGN.md, "What a clause does to a value: the reading").
 *
 * A matter's rule is a numbered list of clauses; each clause is a *slot* with one or more *options*
 * (the clerk's wording, the clerk's alternatives, citizens' amendments, a delegate's amendment, a
 * model's new wording, or striking it). A citizen's "add a clause" amendment makes a slot of its own
 * whose options are that clause or nothing. A draft is one option per slot, numbered in order.
 *
 * A reading answers, for one option and one value: honours, erodes or silent, with the words of the
 * option that decide it and a one-line reason. Stances, rankings, coverage and the published figures
 * are computed from readings only.
 */

export const Language = z.enum(["en", "et", "ru"]);
export type Language = z.infer<typeof Language>;

export const Verdict = z.enum(["honours", "erodes", "silent"]);
export type Verdict = z.infer<typeof Verdict>;

/** Who wrote an option: what the room and the ruling page say of it (never which citizen). */
export const OptionSource = z.enum(["clerk", "alternative", "citizen", "delegate", "mediator"]);
export type OptionSource = z.infer<typeof OptionSource>;

export const Option = z.object({
  /** Stable within the matter: "c2" (the clerk's clause 2), "c2a1" (its first alternative), "m:<uuid>" … */
  id: z.string().min(1).max(200),
  /** The slot this option fills (index into the rule's slots). */
  slot: z.number().int().min(0),
  source: OptionSource,
  /** The clause's words; "" strikes the slot (nothing of it goes into the rule). */
  text: z.string().max(4_000),
  /** The value a citizen tied her amendment to (a canonical value id), when it is a citizen's. */
  valueId: z.string().max(200).nullable().default(null),
});
export type Option = z.infer<typeof Option>;

export const Slot = z.object({
  /** "clause" for the clerk's numbered clauses, "addition" for a clause citizens proposed to add. */
  kind: z.enum(["clause", "addition"]),
  /** The clerk's clause number (1-based) for a clause; for an addition, the clause it follows (0: at the start). */
  number: z.number().int().min(0),
});
export type Slot = z.infer<typeof Slot>;

/** The value as the reader sees it: a canonical value's card. */
export interface ReadableValue {
  valueId: string;
  title: string;
  description: string;
  policies: readonly string[];
}

export interface Reading {
  optionId: string;
  valueId: string;
  verdict: Verdict;
  /** Words of the option, verbatim, that decide the verdict ("" when silent). */
  quote: string;
  /** One line, in the matter's language, for a person. */
  reason: string;
  /** "offline" (the deterministic reader) or the model that read it. */
  engine: string;
}

/** The reader's interface: the offline reader implements it; a model does the same through a task. */
export interface OptionToRead {
  id: string;
  text: string;
  language: Language;
}
