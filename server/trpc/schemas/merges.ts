import { z } from "zod";

/**
 * The clerk's review of value merges: the split's input, shared by the values router (validation) and
 * the merges page (HTML constraints through `constraints()`). Plain zod: the browser bundle imports it.
 */

export const SplitReason = z.string().trim().min(3).max(600);

export const SplitInput = z.object({ cardId: z.string().trim().min(1).max(64), reason: SplitReason });
