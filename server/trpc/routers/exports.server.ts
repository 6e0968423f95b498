import { z } from "zod";
import { exportPages } from "../../services/exports.server.js";
import { publicProcedure, router } from "../init.server.js";

/**
 * Open data: anonymised values, endorsements and judgments of every context. There is no query that
 * answers a whole file at once: at a nation's participation that is millions of rows in one answer.
 * The files are /api/exports/{values,endorsements,judgments}.{csv,json}, streamed from these pages.
 */
export const exportsRouter = router({
  /** One file's rows a page at a time (an async iterable): what the downloads stream. */
  pages: publicProcedure.input(z.object({ kind: z.enum(["values", "endorsements", "judgments"]) })).query(async function* ({ ctx, input }) {
    // Each kind by itself, so the pages keep their row type.
    if (input.kind === "values") yield* exportPages(ctx.deps, "values");
    else if (input.kind === "endorsements") yield* exportPages(ctx.deps, "endorsements");
    else yield* exportPages(ctx.deps, "judgments");
  }),
});
