import { z } from "zod";
import { ROLES } from "../../../deliberation/roles.js";

/**
 * Inputs of the admin area, shared by the admin router (validation) and its pages (HTML constraints
 * through `constraints()`). Plain zod, nothing server-only: the browser bundle imports it.
 */

/** 10 MB of CSV, about 150,000 citizens per file. */
export const REGISTRY_MAX_BYTES = 10_000_000;

export const UserQuery = z.string().trim().max(100);

export const UsersInput = z.object({
  query: UserQuery.optional(),
  limit: z.number().int().min(1).max(100).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const SetRolesInput = z.object({ userId: z.string().min(1).max(64), roles: z.array(z.enum(ROLES)).max(ROLES.length) });

export const RegistryFileName = z.string().trim().min(1).max(200);

export const ImportRegistryInput = z.object({ fileName: RegistryFileName, csv: z.string().min(1).max(REGISTRY_MAX_BYTES) });

/** An uploaded census file (the page's way): 200 MB, room for 2 million citizens. */
export const REGISTRY_UPLOAD_MAX_BYTES = 200_000_000;

/** The census page's upload, named by its file name in the server's upload folder (admin.server.ts). */
export const StartRegistryImportInput = z.object({
  fileName: RegistryFileName,
  upload: z
    .string()
    .regex(/^[\w.-]{1,200}$/u, "An upload is named by its file name only.")
    .refine((name) => !name.startsWith("."), "An upload is named by its file name only."),
});

export const RegistryImportInput = z.object({ id: z.string().min(1).max(64) });
