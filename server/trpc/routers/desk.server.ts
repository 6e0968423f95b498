import { readLedger } from "../../../db/repos/ledger.js";
import { POLITY_STREAM } from "../../../deliberation/ledger.js";
import { describeEvents } from "../../services/ledger-view.server.js";
import { registrySummary } from "../../services/registry.server.js";
import { clerkProcedure, router } from "../init.server.js";

/** The clerk's desk: what a civil servant needs before opening and convening matters. */
export const deskRouter = router({
  overview: clerkProcedure.query(async ({ ctx }) => {
    const { districts, total } = await registrySummary(ctx.deps);
    const head = await ctx.deps.db
      .selectFrom("ledgerEvents")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("matterId", "=", POLITY_STREAM)
      .executeTakeFirst();
    const afterSeq = Math.max(0, Number(head?.seq ?? 0) - 20);
    const recent = (await readLedger(ctx.deps.db, POLITY_STREAM, { afterSeq })).reverse();
    return { districts, citizens: total, recent: await describeEvents(ctx.deps.db, recent) };
  }),
});
