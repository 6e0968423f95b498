import { z } from "zod";
import { MATTER_STATUSES, MatterDraft } from "../../../deliberation/matters.js";
import { convene, convening } from "../../services/convening.server.js";
import { deliberationView, resumeDeliberation, startDeliberation } from "../../services/deliberation.server.js";
import { getMatter, listMatters, openIntake, openIntakes, openMatter } from "../../services/matters.server.js";
import { clerkProcedure, publicProcedure, router } from "../init.server.js";

const MatterId = z.object({ id: z.string().trim().min(1).max(64) });

/** Matters are public from their first draft: anyone can follow a rule from proposal to ruling. */
export const mattersRouter = router({
  list: publicProcedure
    .input(z.object({ status: z.array(z.enum(MATTER_STATUSES)).max(MATTER_STATUSES.length).optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listMatters(ctx.deps, input)),

  get: publicProcedure.input(MatterId).query(({ ctx, input }) => getMatter(ctx.deps, input.id)),

  openIntakes: publicProcedure.query(({ ctx }) => openIntakes(ctx.deps)),

  open: clerkProcedure
    .input(MatterDraft.extend({ startIntake: z.boolean() }))
    .mutation(({ ctx, input }) => openMatter(ctx.deps, ctx.user, input)),

  openIntake: clerkProcedure.input(MatterId).mutation(({ ctx, input }) => openIntake(ctx.deps, ctx.user, input.id)),

  convene: clerkProcedure
    .input(MatterId.extend({ scheme: z.enum(["districts", "value-communities"]) }))
    .mutation(({ ctx, input }) => convene(ctx.deps, ctx.user, input.id, input.scheme)),

  convening: publicProcedure.input(MatterId).query(({ ctx, input }) => convening(ctx.deps, input.id)),

  /** The clerk starts the protocol on a convened matter; the runner takes it from there. */
  start: clerkProcedure
    .input(MatterId.extend({ tokenBudget: z.number().int().min(1_000).max(100_000_000).optional() }))
    .mutation(({ ctx, input }) => startDeliberation(ctx.deps, ctx.user, input.id, { tokenBudget: input.tokenBudget })),

  /** The clerk resumes a halted deliberation, with a larger token budget if it ran out. */
  resume: clerkProcedure
    .input(MatterId.extend({ tokenBudget: z.number().int().min(1_000).max(100_000_000).optional() }))
    .mutation(({ ctx, input }) => resumeDeliberation(ctx.deps, ctx.user, input.id, { tokenBudget: input.tokenBudget })),

  /** Where a deliberation is and what it has produced so far; null before it starts. Public, like the transcript. */
  deliberation: publicProcedure.input(MatterId).query(({ ctx, input }) => deliberationView(ctx.deps, input.id)),
});
