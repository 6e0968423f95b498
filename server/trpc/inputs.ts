import { z } from "zod";

/**
 * Inputs of the tRPC API that the browser builds too (no server code here, so a page can import it).
 */

/** A representative's id as convening makes it ("district:tartu", "community:3"): any letters, never blank. */
const RepresentativeId = z.string().trim().min(1).max(200);

/**
 * The statement a delegate overrides or strikes: a representative's position, or its assessment of one
 * candidate in one round of critiques. Structured, never a string to split: representative ids hold colons.
 */
export const StatementTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("position"), representativeId: RepresentativeId }).strict(),
  z
    .object({
      kind: z.literal("critique"),
      round: z.number().int().min(1).max(1_000),
      representativeId: RepresentativeId,
      candidateId: z
        .string()
        .trim()
        .regex(/^r\d{1,4}c\d{1,3}$/, "A candidate id looks like r2c3."),
    })
    .strict(),
]);
export type StatementTarget = z.infer<typeof StatementTarget>;
