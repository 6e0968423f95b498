import { z } from "zod";
import { fileHarmReport, getRuling, harmOverview, listRulings, rulingsForReview, logCheckpoint, logConsistency, publishRuling, renewRuling, repealRuling, rulingEnvelope } from "../../services/registry-log.server.js";
import { clerkProcedure, publicProcedure, router, signedInProcedure } from "../init.server.js";

const Eli = z.string().trim().regex(/^\/eli\/[a-z0-9-]+\/ruling\/\d{4}\/\d{1,6}$/, "An ELI looks like /eli/<polity>/ruling/<year>/<number>.");
const IsoDate = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}/, "A date looks like 2026-11-25.");

/** The public registry of published rulings and its transparency log; the clerk publishes. */
export const rulingsRouter = router({
  list: publicProcedure
    .input(
      z.object({
        q: z.string().trim().max(200).optional(),
        status: z.enum(["in-force", "lapsed", "renewed", "repealed"]).optional(),
        contextId: z.string().trim().max(80).optional(),
        emergency: z.boolean().optional(),
        from: IsoDate.optional(),
        to: IsoDate.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listRulings(ctx.deps, input)),
  get: publicProcedure.input(z.object({ eli: Eli })).query(({ ctx, input }) => getRuling(ctx.deps, input.eli)),
  bundle: publicProcedure.input(z.object({ id: z.string().trim().min(1).max(200) })).query(({ ctx, input }) => rulingEnvelope(ctx.deps, input.id)),
  checkpoint: publicProcedure.query(({ ctx }) => logCheckpoint(ctx.deps)),
  consistency: publicProcedure
    .input(z.object({ first: z.number().int().min(1).max(2 ** 31 - 1), second: z.number().int().min(1).max(2 ** 31 - 1) }))
    .query(({ ctx, input }) => logConsistency(ctx.deps, input.first, input.second)),
  publish: clerkProcedure.input(z.object({ id: z.string().trim().min(1).max(64) })).mutation(({ ctx, input }) => publishRuling(ctx.deps, ctx.user, input.id)),
  renew: clerkProcedure
    .input(z.object({ eli: Eli, days: z.number().int().min(1).max(365 * 5).default(90) }))
    .mutation(({ ctx, input }) => renewRuling(ctx.deps, ctx.user, input.eli, input.days)),
  /** Anyone signed in reports a harm: what happened, and which of the ruling's mandate values it harmed. */
  reportHarm: signedInProcedure
    .input(z.object({ eli: Eli, what: z.string().trim().min(20).max(4_000), valueIds: z.array(z.string().trim().min(1).max(200)).min(1).max(16) }))
    .mutation(({ ctx, input }) => fileHarmReport(ctx.deps, ctx.user, input.eli, input.what, [...new Set(input.valueIds)])),
  harm: publicProcedure.input(z.object({ eli: Eli })).query(({ ctx, input }) => harmOverview(ctx.deps, input.eli)),
  forReview: clerkProcedure.query(({ ctx }) => rulingsForReview(ctx.deps)),
  repeal: clerkProcedure
    .input(z.object({ eli: Eli, reason: z.string().trim().min(5).max(2_000) }))
    .mutation(({ ctx, input }) => repealRuling(ctx.deps, ctx.user, input.eli, input.reason)),
});
