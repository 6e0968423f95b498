import { z } from "zod";
import { CARD_LIMITS } from "../../../deliberation/values/types.js";
import {
  draftFromGuided,
  endorse,
  judge,
  listContexts,
  myValues,
  pairsToJudge,
  recentMerges,
  splitFromCanonical,
  submitCard,
  valuesToEndorse,
  withdrawCard,
} from "../../services/values.server.js";
import { citizenProcedure, clerkProcedure, publicProcedure, router } from "../init.server.js";

const Id = z.string().trim().min(1).max(64);
const ContextId = z.string().trim().min(1).max(80).regex(/^[a-z0-9-]+$/, "A context id has lowercase letters, digits and - only.");
const Title = z.string().trim().min(CARD_LIMITS.title.min).max(CARD_LIMITS.title.max);
const Description = z.string().trim().min(CARD_LIMITS.description.min).max(CARD_LIMITS.description.max);
const Policy = z.string().trim().min(CARD_LIMITS.policy.min).max(CARD_LIMITS.policy.max);

export const valuesRouter = router({
  contexts: publicProcedure.query(({ ctx }) => listContexts(ctx.deps)),

  submit: citizenProcedure
    .input(
      z.object({
        contextId: ContextId,
        title: Title,
        description: Description,
        policies: z.array(Policy).min(CARD_LIMITS.policies.min).max(CARD_LIMITS.policies.max),
        revisionOf: Id.optional(),
      }),
    )
    .mutation(({ ctx, input }) => submitCard(ctx.deps, ctx.user, input)),

  draft: citizenProcedure
    .input(
      z.object({
        contextId: ContextId,
        choice: z.string().trim().min(10).max(1500),
        noticed: z.string().trim().min(5).max(1500),
        mattered: z.string().trim().min(3).max(600),
      }),
    )
    .mutation(({ ctx, input }) => draftFromGuided(ctx.deps, ctx.user, input)),

  withdraw: citizenProcedure.input(z.object({ cardId: Id })).mutation(({ ctx, input }) => withdrawCard(ctx.deps, ctx.user, input.cardId)),

  mine: citizenProcedure.query(({ ctx }) => myValues(ctx.deps, ctx.user)),

  toEndorse: citizenProcedure
    .input(z.object({ contextId: ContextId, limit: z.number().int().min(1).max(20).default(6) }))
    .query(({ ctx, input }) => valuesToEndorse(ctx.deps, ctx.user, input.contextId, input.limit)),

  endorse: citizenProcedure.input(z.object({ canonicalId: Id })).mutation(({ ctx, input }) => endorse(ctx.deps, ctx.user, input.canonicalId)),

  pairs: citizenProcedure
    .input(z.object({ contextId: ContextId, limit: z.number().int().min(1).max(10).default(3) }))
    .query(({ ctx, input }) => pairsToJudge(ctx.deps, ctx.user, input.contextId, input.limit)),

  judge: citizenProcedure
    .input(z.object({ pairId: Id, answer: z.enum(["wiser", "not_wiser", "unsure"]), why: z.string().trim().max(600).optional() }))
    .mutation(({ ctx, input }) => judge(ctx.deps, ctx.user, input)),

  merges: clerkProcedure
    .input(z.object({ contextId: ContextId.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => recentMerges(ctx.deps, input)),

  split: clerkProcedure
    .input(z.object({ cardId: Id, reason: z.string().trim().min(3).max(600) }))
    .mutation(({ ctx, input }) => splitFromCanonical(ctx.deps, ctx.user, input.cardId, input.reason)),
});
