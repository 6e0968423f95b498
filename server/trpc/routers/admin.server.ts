import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "../../../deliberation/errors.js";
import { importRegistry, registryImport, registrySummary, startRegistryImport } from "../../services/registry.server.js";
import { listUsers, setRoles } from "../../services/roles.server.js";
import { adminProcedure, router } from "../init.server.js";
import { ImportRegistryInput, RegistryImportInput, SetRolesInput, StartRegistryImportInput, UsersInput } from "../schemas/admin.js";

export { REGISTRY_MAX_BYTES, REGISTRY_UPLOAD_MAX_BYTES } from "../schemas/admin.js";

/**
 * Where the census page streams an uploaded file before its import starts. The procedure that starts
 * the import names the file by its base name in this folder only, so its input is plain JSON (and an
 * admin can start an import only of a file the page received).
 */
export const REGISTRY_UPLOAD_DIR = join(tmpdir(), "agora-registry-uploads");

export const adminRouter = router({
  users: adminProcedure.input(UsersInput).query(({ ctx, input }) => listUsers(ctx.deps, input)),

  setRoles: adminProcedure.input(SetRolesInput).mutation(({ ctx, input }) => setRoles(ctx.deps, ctx.user.id, input.userId, input.roles)),

  importRegistry: adminProcedure.input(ImportRegistryInput).mutation(({ ctx, input }) => importRegistry(ctx.deps, ctx.user.id, input.fileName, input.csv)),

  /** Starts importing an uploaded census and returns its id at once; `registryImport` follows it. */
  startRegistryImport: adminProcedure.input(StartRegistryImportInput).mutation(async ({ ctx, input }) => {
    const path = join(REGISTRY_UPLOAD_DIR, input.upload);
    if (!(await stat(path).catch(() => null))?.isFile())
      throw new DomainError("not_found", "registry.uploadNotFound", "That upload is not on the server (any more): upload the file again.");
    return startRegistryImport(ctx.deps, ctx.user.id, input.fileName, path);
  }),

  registryImport: adminProcedure.input(RegistryImportInput).query(({ ctx, input }) => registryImport(ctx.deps, input.id)),

  registry: adminProcedure.query(({ ctx }) => registrySummary(ctx.deps)),
});
