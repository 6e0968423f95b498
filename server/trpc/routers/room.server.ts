import { POLITY_STREAM } from "../../../deliberation/ledger.js";
import { delegateProcedure, router } from "../init.server.js";

/** Deliberation rooms a delegate can enter: every matter stream on the ledger, newest first. */
export const roomRouter = router({
  list: delegateProcedure.query(async ({ ctx }) => {
    const rows = await ctx.deps.db
      .selectFrom("ledgerEvents")
      .select((eb) => ["matterId", eb.fn.max("seq").as("headSeq"), eb.fn.max("createdAt").as("lastActivity")])
      .where("matterId", "<>", POLITY_STREAM)
      .groupBy("matterId")
      .orderBy("lastActivity", "desc")
      .limit(100)
      .execute();
    return rows.map((r) => ({ matterId: r.matterId, headSeq: Number(r.headSeq), lastActivity: String(r.lastActivity) }));
  }),
});
