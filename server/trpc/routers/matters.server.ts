import { z } from "zod";
import { MATTER_STATUSES, MatterDraft } from "../../../deliberation/matters.js";
import { convene, convening } from "../../services/convening.server.js";
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
});
