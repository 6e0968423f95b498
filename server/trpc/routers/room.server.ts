import { z } from "zod";
import { CHOICES } from "../../../deliberation/ballot.js";
import { POLITY_STREAM } from "../../../deliberation/ledger.js";
import { auditStatement } from "../../services/audit.server.js";
import { ballotView, castVote, closeBallot, openBallot, returnFromBallot, roomAction, voteReceipt } from "../../services/room.server.js";
import { clerkProcedure, delegateProcedure, publicProcedure, router } from "../init.server.js";
import { StatementTarget } from "../inputs.js";
import { roomInputs } from "../schemas/room.js";

const MatterId = z.object({ id: z.string().trim().min(1).max(64) });
const Text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The deliberation room: anyone watches (the matter's deliberation view and ballot are public);
 * delegates act on the deliberation and vote; the clerk opens and closes the ballot.
 */
export const roomRouter = router({
  /** Deliberation rooms a delegate can enter: every matter that has been deliberated, most recent activity first. */
  list: delegateProcedure.query(async ({ ctx }) => {
    const rows = await ctx.deps.db
      .selectFrom("ledgerEvents as e")
      .innerJoin("matters as m", "m.id", "e.matterId")
      .select((eb) => ["e.matterId", "m.title", "m.status", eb.fn.max("e.seq").as("headSeq"), eb.fn.max("e.createdAt").as("lastActivity")])
      .where("e.matterId", "<>", POLITY_STREAM)
      .where("m.status", "in", ["deliberating", "ratification", "ratified", "rejected", "returned", "published", "sunset", "renewed", "repealed"])
      .groupBy(["e.matterId", "m.title", "m.status"])
      .orderBy("lastActivity", "desc")
      .limit(100)
      .execute();
    return rows.map((r) => ({ matterId: r.matterId, title: r.title, status: r.status, headSeq: Number(r.headSeq), lastActivity: String(r.lastActivity) }));
  }),

  pause: delegateProcedure
    .input(MatterId.extend({ reason: Text(1_000).optional() }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "pause", reason: input.reason })),
  resume: delegateProcedure.input(MatterId).mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "resume" })),
  guide: delegateProcedure
    .input(MatterId.extend({ text: Text(2_000) }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "guide", text: input.text })),
  override: delegateProcedure
    .input(MatterId.extend({ statement: StatementTarget, text: Text(1_500) }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "override", statement: input.statement, text: input.text })),
  strike: delegateProcedure
    .input(MatterId.extend({ statement: StatementTarget, reason: Text(1_000) }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "strike", statement: input.statement, reason: input.reason })),
  amend: delegateProcedure
    .input(MatterId.extend({ slot: roomInputs.amendSlot, text: roomInputs.amendText }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "amend", slot: input.slot, text: input.text })),
  returnDraft: delegateProcedure
    .input(MatterId.extend({ guidance: Text(2_000).optional() }))
    .mutation(({ ctx, input }) => roomAction(ctx.deps, ctx.user, input.id, { kind: "return", guidance: input.guidance })),

  /** From a statement (the ledger event that carries it) to the values it cites, the cards behind them, and the exact model call. */
  audit: delegateProcedure
    .input(
      MatterId.extend({
        seq: z
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1),
      }),
    )
    .query(({ ctx, input }) => auditStatement(ctx.deps, input.id, input.seq)),

  ballot: publicProcedure.input(MatterId).query(({ ctx, input }) => ballotView(ctx.deps, input.id, ctx.user)),
  openBallot: clerkProcedure.input(MatterId).mutation(({ ctx, input }) => openBallot(ctx.deps, ctx.user, input.id)),
  vote: delegateProcedure
    .input(MatterId.extend({ choice: z.enum(CHOICES), reason: Text(1_000).optional() }))
    .mutation(({ ctx, input }) => castVote(ctx.deps, ctx.user, input.id, input.choice, input.reason)),
  /** The signed-in delegate's receipt for her vote on the current ballot, to download and check. */
  receipt: delegateProcedure.input(MatterId).query(({ ctx, input }) => voteReceipt(ctx.deps, ctx.user, input.id)),
  closeBallot: clerkProcedure.input(MatterId).mutation(({ ctx, input }) => closeBallot(ctx.deps, ctx.user, input.id)),
  returnBallot: clerkProcedure
    .input(MatterId.extend({ guidance: Text(2_000).optional() }))
    .mutation(({ ctx, input }) => returnFromBallot(ctx.deps, ctx.user, input.id, input.guidance)),
});
