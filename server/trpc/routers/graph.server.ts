import { z } from "zod";
import { ContextId } from "../schemas/values.js";
import { graphView } from "../../services/graph.server.js";
import { publicProcedure, router } from "../init.server.js";

/** The moral graph is public: anyone can see what a context's citizens hold wise, and why (and a citizen, which values are hers). */
export const graphRouter = router({
  view: publicProcedure
    .input(
      z.object({
        contextId: ContextId,
      }),
    )
    .query(({ ctx, input }) => graphView(ctx.deps, input.contextId, ctx.user?.citizenId ?? null)),
});
