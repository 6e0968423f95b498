import { exportData } from "../../services/exports.server.js";
import { publicProcedure, router } from "../init.server.js";

/** Open data: anonymised values, endorsements and judgments of every context. */
export const exportsRouter = router({
  moralGraph: publicProcedure.query(({ ctx }) => exportData(ctx.deps)),
});
