import { z } from "zod";
import { LOCALES } from "../../../app/i18n/locales.js";
import { CARD_LIMITS } from "../../../deliberation/values/types.js";

/**
 * The inputs of the values procedures, shared with the pages (no server code here): the router
 * validates with them, and a page reads its fields' HTML constraints from them with `constraints()`.
 */

export const Id = z.string().trim().min(1).max(64);
export const ContextId = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9-]+$/, "A context id has lowercase letters, digits and - only.");

export const CardTitle = z.string().trim().min(CARD_LIMITS.title.min).max(CARD_LIMITS.title.max);
export const CardDescription = z.string().trim().min(CARD_LIMITS.description.min).max(CARD_LIMITS.description.max);
export const CardPolicy = z.string().trim().min(CARD_LIMITS.policy.min).max(CARD_LIMITS.policy.max);

export const SubmitCard = z.object({
  contextId: ContextId,
  title: CardTitle,
  description: CardDescription,
  policies: z.array(CardPolicy).min(CARD_LIMITS.policies.min).max(CARD_LIMITS.policies.max),
  revisionOf: Id.optional(),
});

export const GuidedAnswers = z.object({
  contextId: ContextId,
  choice: z.string().trim().min(10).max(1500),
  noticed: z.string().trim().min(5).max(1500),
  mattered: z.string().trim().min(3).max(600),
  /** The page's language: the draft's when her answers do not show which language she writes in (English for a Russian page). */
  locale: z.enum(LOCALES).optional(),
});

export const Endorse = z.object({ canonicalId: Id });

export const Judge = z.object({
  pairId: Id,
  answer: z.enum(["wiser", "not_wiser", "unsure"]),
  why: z.string().trim().max(600).optional(),
});
