import { z } from "zod";
import { ROLES } from "../../../deliberation/roles.js";
import { importRegistry, registrySummary } from "../../services/registry.server.js";
import { listUsers, setRoles } from "../../services/roles.server.js";
import { adminProcedure, router } from "../init.server.js";

/** 10 MB of CSV, about 150,000 citizens per file. */
export const REGISTRY_MAX_BYTES = 10_000_000;

export const adminRouter = router({
  users: adminProcedure
    .input(
      z.object({
        query: z.string().trim().max(100).optional(),
        limit: z.number().int().min(1).max(100).default(50),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(({ ctx, input }) => listUsers(ctx.deps, input)),

  setRoles: adminProcedure
    .input(z.object({ userId: z.string().min(1).max(64), roles: z.array(z.enum(ROLES)).max(ROLES.length) }))
    .mutation(({ ctx, input }) => setRoles(ctx.deps, ctx.user.id, input.userId, input.roles)),

  importRegistry: adminProcedure
    .input(z.object({ fileName: z.string().trim().min(1).max(200), csv: z.string().min(1).max(REGISTRY_MAX_BYTES) }))
    .mutation(({ ctx, input }) => importRegistry(ctx.deps, ctx.user.id, input.fileName, input.csv)),

  registry: adminProcedure.query(({ ctx }) => registrySummary(ctx.deps)),
});
