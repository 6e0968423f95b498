import { z } from "zod";
import { readLedger } from "../../../db/repos/ledger.js";
import { verifyChain } from "../../../deliberation/ledger.js";
import { ledgerPage } from "../../services/ledger-view.server.js";
import { publicProcedure, router } from "../init.server.js";

const Stream = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "A stream id has letters, digits, _ and - only.");

/** The ledger is public: anyone can read a stream and check its chain. */
export const ledgerRouter = router({
  read: publicProcedure
    .input(z.object({ stream: Stream, afterSeq: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }))
    .query(({ ctx, input }) => readLedger(ctx.deps.db, input.stream, { afterSeq: input.afterSeq, limit: input.limit })),

  /** The ledger as a person reads it: each event in words, officials by name, citizens never, and the chain's verdict. */
  page: publicProcedure.input(z.object({ stream: Stream })).query(({ ctx, input }) => ledgerPage(ctx.deps.db, input.stream)),

  verify: publicProcedure.input(z.object({ stream: Stream })).query(async ({ ctx, input }) => verifyChain(await readLedger(ctx.deps.db, input.stream))),
});
