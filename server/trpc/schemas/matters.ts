import { z } from "zod";
import { MatterDraft } from "../../../deliberation/matters.js";
import { Eli } from "./rulings.js";

/**
 * Inputs of the matters' procedures, shared with the pages that build them (no server code here, so a
 * page can read its HTML constraints from the same schema the router validates with).
 */

export { MatterDraft };
export const MatterId = z.object({ id: z.string().trim().min(1).max(64) });
export const SCHEMES = ["districts", "value-communities"] as const;
export const TokenBudget = z.number().int().min(1_000).max(100_000_000);

/** A new matter; `amendsEli` when it renews a published ruling with an amendment. */
export const OpenMatterInput = MatterDraft.extend({ startIntake: z.boolean(), amendsEli: Eli.optional() });

/** Convening while intake is still open cuts citizens short: the clerk says she means it. */
export const ConveneInput = MatterId.extend({ scheme: z.enum(SCHEMES), confirmEarly: z.boolean().optional() });

export const StartInput = MatterId.extend({ tokenBudget: TokenBudget.optional() });
