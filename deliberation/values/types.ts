import { z } from "zod";

/**
 * Thick values (DESIGN.md, "Why thick values"): a value card names what a person pays attention to
 * when choosing, as 2–6 attentional policies, in one choice context.
 */
export const VERDICTS = ["value", "preference", "slogan", "goal", "rule", "other"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CARD_LIMITS = {
  title: { min: 3, max: 80 },
  description: { min: 10, max: 600 },
  policy: { min: 5, max: 160 },
  policies: { min: 2, max: 6 },
} as const;

export const ValueCardDraft = z.object({
  title: z.string().trim().min(CARD_LIMITS.title.min).max(CARD_LIMITS.title.max),
  description: z.string().trim().min(CARD_LIMITS.description.min).max(CARD_LIMITS.description.max),
  policies: z.array(z.string().trim().min(CARD_LIMITS.policy.min).max(CARD_LIMITS.policy.max)).min(CARD_LIMITS.policies.min).max(CARD_LIMITS.policies.max),
});
export type ValueCardDraft = z.infer<typeof ValueCardDraft>;

/** What the quality gate says of a submission, in words a citizen can act on. */
export const GateVerdict = z.object({
  verdict: z.enum(VERDICTS),
  /** Addressed to the citizen, in her language: why this is (not) a value, which policies name nothing, what to say instead. */
  reason: z.string().min(1).max(1200),
  /** Machine-readable signals that led there (for the offline engine: the rules that fired). */
  signals: z.array(z.string().max(80)).max(20),
});
export type GateVerdict = z.infer<typeof GateVerdict>;

/** A choice context, e.g. "AI systems that make decisions about people". */
export interface ChoiceContext {
  id: string;
  title: string;
}

export type Answer = "wiser" | "not_wiser" | "unsure";
