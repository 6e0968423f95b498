import { z } from "zod";
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
import { citizenProgress } from "../../services/progress.server.js";
import { citizenProcedure, clerkProcedure, modelBacked, publicProcedure, router } from "../init.server.js";
import { SplitInput } from "../schemas/merges.js";
import { ContextId, Endorse, GuidedAnswers, Id, Judge, SubmitCard } from "../schemas/values.js";

export const valuesRouter = router({
  contexts: publicProcedure.query(({ ctx }) => listContexts(ctx.deps)),

  submit: citizenProcedure
    .input(SubmitCard)
    .use(modelBacked("values.submit"))
    .mutation(({ ctx, input }) => submitCard(ctx.deps, ctx.user, input, ctx.locale)),

  draft: citizenProcedure
    .input(GuidedAnswers)
    .use(modelBacked("values.draft"))
    .mutation(({ ctx, input }) => draftFromGuided(ctx.deps, ctx.user, input)),

  withdraw: citizenProcedure.input(z.object({ cardId: Id })).mutation(({ ctx, input }) => withdrawCard(ctx.deps, ctx.user, input.cardId)),

  mine: citizenProcedure.query(({ ctx }) => myValues(ctx.deps, ctx.user)),

  /** What happened to the matters she took part in, newest first (her account page). */
  progress: citizenProcedure.query(({ ctx }) => citizenProgress(ctx.deps, ctx.user)),

  toEndorse: citizenProcedure
    .input(z.object({ contextId: ContextId, limit: z.number().int().min(1).max(20).default(6) }))
    .query(({ ctx, input }) => valuesToEndorse(ctx.deps, ctx.user, input.contextId, input.limit)),

  endorse: citizenProcedure.input(Endorse).mutation(({ ctx, input }) => endorse(ctx.deps, ctx.user, input.canonicalId)),

  pairs: citizenProcedure
    .input(z.object({ contextId: ContextId, limit: z.number().int().min(1).max(10).default(3) }))
    .query(({ ctx, input }) => pairsToJudge(ctx.deps, ctx.user, input.contextId, input.limit)),

  judge: citizenProcedure.input(Judge).mutation(({ ctx, input }) => judge(ctx.deps, ctx.user, input)),

  merges: clerkProcedure
    .input(z.object({ contextId: ContextId.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => recentMerges(ctx.deps, input)),

  split: clerkProcedure
    .input(SplitInput)
    .use(modelBacked("values.split"))
    .mutation(({ ctx, input }) => splitFromCanonical(ctx.deps, ctx.user, input.cardId, input.reason)),
});
