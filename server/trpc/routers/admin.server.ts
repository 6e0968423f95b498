import { importRegistry, registrySummary } from "../../services/registry.server.js";
import { listUsers, setRoles } from "../../services/roles.server.js";
import { adminProcedure, router } from "../init.server.js";
import { ImportRegistryInput, SetRolesInput, UsersInput } from "../schemas/admin.js";

export { REGISTRY_MAX_BYTES } from "../schemas/admin.js";

export const adminRouter = router({
  users: adminProcedure.input(UsersInput).query(({ ctx, input }) => listUsers(ctx.deps, input)),

  setRoles: adminProcedure.input(SetRolesInput).mutation(({ ctx, input }) => setRoles(ctx.deps, ctx.user.id, input.userId, input.roles)),

  importRegistry: adminProcedure.input(ImportRegistryInput).mutation(({ ctx, input }) => importRegistry(ctx.deps, ctx.user.id, input.fileName, input.csv)),

  registry: adminProcedure.query(({ ctx }) => registrySummary(ctx.deps)),
});
