import { z } from "zod";
import { MATTER_STATUSES } from "../../../deliberation/matters.js";
import { convene, convening } from "../../services/convening.server.js";
import { deliberationView, resumeDeliberation, startDeliberation } from "../../services/deliberation.server.js";
import { getMatter, listMatters, openIntake, openIntakes, openMatter } from "../../services/matters.server.js";
import { clerkProcedure, publicProcedure, router } from "../init.server.js";
import { ConveneInput, MatterId, OpenMatterInput, StartInput } from "../schemas/matters.js";

/** Matters are public from their first draft: anyone can follow a rule from proposal to ruling. */
export const mattersRouter = router({
  list: publicProcedure
    .input(z.object({ status: z.array(z.enum(MATTER_STATUSES)).max(MATTER_STATUSES.length).optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listMatters(ctx.deps, input)),

  get: publicProcedure.input(MatterId).query(({ ctx, input }) => getMatter(ctx.deps, input.id, ctx.user)),

  openIntakes: publicProcedure.query(({ ctx }) => openIntakes(ctx.deps)),

  /** A new matter; with `amendsEli`, a renewal of that ruling with an amendment, linked both ways. */
  open: clerkProcedure.input(OpenMatterInput).mutation(({ ctx, input }) => openMatter(ctx.deps, ctx.user, input)),

  openIntake: clerkProcedure.input(MatterId).mutation(({ ctx, input }) => openIntake(ctx.deps, ctx.user, input.id)),

  /** While intake is open only with `confirmEarly` (otherwise 409 with the values gathered so far). */
  convene: clerkProcedure
    .input(ConveneInput)
    .mutation(({ ctx, input }) => convene(ctx.deps, ctx.user, input.id, input.scheme, { confirmEarly: input.confirmEarly })),

  convening: publicProcedure.input(MatterId).query(({ ctx, input }) => convening(ctx.deps, input.id)),

  /** The clerk starts the protocol on a convened matter; the runner takes it from there. */
  start: clerkProcedure.input(StartInput).mutation(({ ctx, input }) => startDeliberation(ctx.deps, ctx.user, input.id, { tokenBudget: input.tokenBudget })),

  /** The clerk resumes a halted deliberation, with a larger token budget if it ran out. */
  resume: clerkProcedure.input(StartInput).mutation(({ ctx, input }) => resumeDeliberation(ctx.deps, ctx.user, input.id, { tokenBudget: input.tokenBudget })),

  /** Where a deliberation is and what it has produced so far; null before it starts. Public, like the transcript. */
  deliberation: publicProcedure.input(MatterId).query(({ ctx, input }) => deliberationView(ctx.deps, input.id)),
});
