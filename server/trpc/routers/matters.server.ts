import { z } from "zod";
import { MATTER_STATUSES } from "../../../deliberation/matters.js";
import { convene, convening } from "../../services/convening.server.js";
import { deliberationView, resumeDeliberation, startDeliberation } from "../../services/deliberation.server.js";
import { getMatter, listMatters, openIntake, openIntakes, openMatter } from "../../services/matters.server.js";
import { addAlternative, myAmendments, proposeAmendment, removeAlternative, withdrawAmendment } from "../../services/clauses.server.js";
import { citizenProcedure, clerkProcedure, publicProcedure, router } from "../init.server.js";
import {
  AddAlternativeInput,
  ConveneInput,
  MatterId,
  MyAmendmentsInput,
  OpenMatterInput,
  ProposeAmendmentInput,
  RemoveAlternativeInput,
  StartInput,
  WithdrawAmendmentInput,
} from "../schemas/matters.js";

/** Matters are public from their first draft: anyone can follow a rule from proposal to ruling. */
export const mattersRouter = router({
  list: publicProcedure
    .input(z.object({ status: z.array(z.enum(MATTER_STATUSES)).max(MATTER_STATUSES.length).optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listMatters(ctx.deps, input)),

  get: publicProcedure.input(MatterId).query(({ ctx, input }) => getMatter(ctx.deps, input.id, ctx.user)),

  openIntakes: publicProcedure.query(({ ctx }) => openIntakes(ctx.deps)),

  /** A new matter; with `amendsEli`, a renewal of that ruling with an amendment, linked both ways. */
  open: clerkProcedure.input(OpenMatterInput).mutation(({ ctx, input }) => openMatter(ctx.deps, ctx.user, input)),

  /** The clerk gives a clause another wording, while the matter is a draft or in intake. */
  addAlternative: clerkProcedure.input(AddAlternativeInput).mutation(({ ctx, input }) => addAlternative(ctx.deps, ctx.user, input)),

  removeAlternative: clerkProcedure.input(RemoveAlternativeInput).mutation(({ ctx, input }) => removeAlternative(ctx.deps, ctx.user, input)),

  /** During intake a citizen proposes to replace, strike or add a clause, tied to one of her own values. */
  proposeAmendment: citizenProcedure.input(ProposeAmendmentInput).mutation(({ ctx, input }) => proposeAmendment(ctx.deps, ctx.user, input)),

  withdrawAmendment: citizenProcedure.input(WithdrawAmendmentInput).mutation(({ ctx, input }) => withdrawAmendment(ctx.deps, ctx.user, input)),

  /** Her own amendments on a matter (the public view never says whose an amendment is). */
  myAmendments: citizenProcedure.input(MyAmendmentsInput).query(({ ctx, input }) => myAmendments(ctx.deps, ctx.user, input.matterId)),

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
