import { z } from "zod";
import {
  fileHarmReport,
  getRuling,
  harmOverview,
  listRulings,
  rulingsForReview,
  logCheckpoint,
  logConsistency,
  myCardProof,
  publishRuling,
  renewRuling,
  repealRuling,
  rulingEnvelope,
} from "../../services/registry-log.server.js";
import { rulingAkn, rulingEliMetadata, rulingsFeed, rulingsPage } from "../../services/records.server.js";
import { citizenProcedure, clerkProcedure, publicProcedure, router, signedInProcedure } from "../init.server.js";
import { Eli, HarmInput, PublishInput, RenewInput, RepealInput } from "../schemas/rulings.js";
const IsoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}/, "A date looks like 2026-11-25.");

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
  /** Every published ruling, a page at a time (newest first), with the total and the next page's cursor. */
  page: publicProcedure
    .input(z.object({ cursor: z.string().trim().min(1).max(400).optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => rulingsPage(ctx.deps, input)),
  /** The public records (server/records): the Atom feed, a ruling's Akoma Ntoso document and its ELI metadata (JSON-LD). */
  atom: publicProcedure.query(({ ctx }) => rulingsFeed(ctx.deps, ctx.locale)),
  akn: publicProcedure.input(z.object({ eli: Eli })).query(({ ctx, input }) => rulingAkn(ctx.deps, input.eli, ctx.locale)),
  eliMetadata: publicProcedure.input(z.object({ eli: Eli })).query(({ ctx, input }) => rulingEliMetadata(ctx.deps, input.eli, ctx.locale)),
  bundle: publicProcedure.input(z.object({ id: z.string().trim().min(1).max(200) })).query(({ ctx, input }) => rulingEnvelope(ctx.deps, input.id)),
  /** Her own card's proof against the root the ruling's bundle publishes (only for a card of hers). */
  cardProof: citizenProcedure
    .input(z.object({ id: z.string().trim().min(1).max(200), card: z.string().trim().min(1).max(100) }))
    .query(({ ctx, input }) => myCardProof(ctx.deps, ctx.user, input.id, input.card)),
  checkpoint: publicProcedure.query(({ ctx }) => logCheckpoint(ctx.deps)),
  consistency: publicProcedure
    .input(
      z.object({
        first: z
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1),
        second: z
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1),
      }),
    )
    .query(({ ctx, input }) => logConsistency(ctx.deps, input.first, input.second)),
  /** The clerk publishes the ballot's text, whose hash she read (PublishInput). */
  publish: clerkProcedure.input(PublishInput).mutation(({ ctx, input }) => publishRuling(ctx.deps, ctx.user, input.id, { textHash: input.textHash })),
  /** The sunset moves `days` later than it is now (never earlier); the ruling leaves the desk's review list. */
  renew: clerkProcedure.input(RenewInput).mutation(({ ctx, input }) => renewRuling(ctx.deps, ctx.user, input.eli, input.days)),
  /** Anyone signed in reports a harm: what happened, and which of the ruling's mandate values it harmed. */
  reportHarm: signedInProcedure
    .input(HarmInput)
    .mutation(({ ctx, input }) => fileHarmReport(ctx.deps, ctx.user, input.eli, input.what, [...new Set(input.valueIds)])),
  harm: publicProcedure.input(z.object({ eli: Eli })).query(({ ctx, input }) => harmOverview(ctx.deps, input.eli, ctx.user)),
  forReview: clerkProcedure.query(({ ctx }) => rulingsForReview(ctx.deps)),
  /** The reason is public: on the ruling's page, in the feed and in the JSON. */
  repeal: clerkProcedure.input(RepealInput).mutation(({ ctx, input }) => repealRuling(ctx.deps, ctx.user, input.eli, input.reason)),
});
