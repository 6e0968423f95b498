import { z } from "zod";
import { CLAUSE_LIMITS, MatterDraft, PROVISION_LIMITS } from "../../../deliberation/matters.js";
import { recordText } from "../../../deliberation/record-text.js";
import { Eli } from "./rulings.js";

/**
 * Inputs of the matters' procedures, shared with the pages that build them (no server code here, so a
 * page can read its HTML constraints from the same schema the router validates with).
 */

export { CLAUSE_LIMITS, MatterDraft, PROVISION_LIMITS };
export const MatterId = z.object({ id: z.string().trim().min(1).max(64) });
export const SCHEMES = ["districts", "value-communities"] as const;
export const TokenBudget = z.number().int().min(1_000).max(100_000_000);

/** A new matter; `amendsEli` when it renews a published ruling with an amendment. */
export const OpenMatterInput = MatterDraft.extend({ startIntake: z.boolean(), amendsEli: Eli.optional() });

/** Convening while intake is still open cuts citizens short: the clerk says she means it. */
export const ConveneInput = MatterId.extend({ scheme: z.enum(SCHEMES), confirmEarly: z.boolean().optional() });

export const StartInput = MatterId.extend({ tokenBudget: TokenBudget.optional() });

/** The rule as clauses: the clerk's alternatives and citizens' amendments (DESIGN.md, "The rule as clauses"). */
export const ClauseNumber = z.number().int().min(1).max(CLAUSE_LIMITS.count);
export const OptionId = z.string().trim().min(1).max(64);
export const AMENDMENT_ACTIONS = ["replace", "strike", "add"] as const;

export const AddAlternativeInput = z.object({
  matterId: MatterId.shape.id,
  clause: ClauseNumber,
  text: recordText(CLAUSE_LIMITS.text),
});

export const RemoveAlternativeInput = z.object({ matterId: MatterId.shape.id, optionId: OptionId });

/** `clause`: the clause it replaces or strikes; for "add", the clause it follows (0: before the first). `text` is not read for a strike. */
export const ProposeAmendmentInput = z.object({
  matterId: MatterId.shape.id,
  action: z.enum(AMENDMENT_ACTIONS),
  clause: z.number().int().min(0).max(CLAUSE_LIMITS.count),
  text: recordText({ max: PROVISION_LIMITS.max }).optional(),
  cardId: z.string().trim().min(1).max(64),
});

export const WithdrawAmendmentInput = z.object({ matterId: MatterId.shape.id, optionId: OptionId });

export const MyAmendmentsInput = z.object({ matterId: MatterId.shape.id });
