import { z } from "zod";
import { importRegistry, registryImport, registrySummary, startRegistryImport } from "../../services/registry.server.js";
import { listUsers, setRoles } from "../../services/roles.server.js";
import { adminProcedure, router } from "../init.server.js";
import { ImportRegistryInput, RegistryFileName, RegistryImportInput, SetRolesInput, UsersInput } from "../schemas/admin.js";

export { REGISTRY_MAX_BYTES, REGISTRY_UPLOAD_MAX_BYTES } from "../schemas/admin.js";

/** A file the server's page already received and stored (Remix's on-disk upload): never JSON, so never over HTTP. */
interface StoredUpload {
  getFilePath(): string;
}
const StoredUploadInput = z.object({
  fileName: RegistryFileName,
  file: z.custom<StoredUpload>((v) => typeof (v as StoredUpload | null)?.getFilePath === "function", "An uploaded file is required."),
});

export const adminRouter = router({
  users: adminProcedure.input(UsersInput).query(({ ctx, input }) => listUsers(ctx.deps, input)),

  setRoles: adminProcedure.input(SetRolesInput).mutation(({ ctx, input }) => setRoles(ctx.deps, ctx.user.id, input.userId, input.roles)),

  importRegistry: adminProcedure.input(ImportRegistryInput).mutation(({ ctx, input }) => importRegistry(ctx.deps, ctx.user.id, input.fileName, input.csv)),

  /** Starts importing an uploaded census and returns its id at once; `registryImport` follows it. */
  startRegistryImport: adminProcedure
    .input(StoredUploadInput)
    .mutation(({ ctx, input }) => startRegistryImport(ctx.deps, ctx.user.id, input.fileName, input.file.getFilePath())),

  registryImport: adminProcedure.input(RegistryImportInput).query(({ ctx, input }) => registryImport(ctx.deps, input.id)),

  registry: adminProcedure.query(({ ctx }) => registrySummary(ctx.deps)),
});
