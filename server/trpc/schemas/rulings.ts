import { z } from "zod";
import { recordText } from "../../../deliberation/record-text.js";

/**
 * Inputs of the registry's procedures, shared with the pages that build them (no server code here, so
 * a page can read its HTML constraints from the same schema the router validates with).
 */

export const Eli = z
  .string()
  .trim()
  .regex(/^\/eli\/[a-z0-9-]+\/ruling\/\d{4}\/\d{1,6}$/, "An ELI looks like /eli/<polity>/ruling/<year>/<number>.");

/** Days a renewal adds to a ruling's sunset. */
export const RenewDays = z
  .number()
  .int()
  .min(1)
  .max(365 * 5);
/** Public: on the ruling's page, in the feed and in its Akoma Ntoso lifecycle. */
export const RepealReason = recordText({ min: 10, max: 2_000 });
export const HarmWhat = z.string().trim().min(20).max(4_000);
export const HarmValueIds = z.array(z.string().trim().min(1).max(200)).min(1).max(16);

/**
 * The clerk publishes the text she read: its hash must be the ballot's, so a text that changed under her
 * (a new ballot) is never published unseen.
 */
export const PublishInput = z.object({
  id: z.string().trim().min(1).max(64),
  textHash: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{64}$/, "A text hash is 64 hexadecimal digits."),
});
export const RenewInput = z.object({ eli: Eli, days: RenewDays.default(90) });
export const RepealInput = z.object({ eli: Eli, reason: RepealReason });
export const HarmInput = z.object({ eli: Eli, what: HarmWhat, valueIds: HarmValueIds });
