/**
 * Validation errors as the app says them: a zod issue becomes a message key with its bounds, which the
 * page translates and shows at the field. Shared by server and browser; no imports.
 */

export interface FieldError {
  key: string;
  params: Record<string, string | number>;
}

export interface FormError {
  key: string | null;
  message: string;
  params: Record<string, string | number>;
  /** By field name (a nested field as "a.b"), the first problem found with it. */
  fields: Record<string, FieldError>;
}

/** The part of a zod 4 issue we read. */
export interface ZodIssueLike {
  code: string;
  path?: PropertyKey[];
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  format?: string;
  input?: unknown;
  /** A custom check's own message key and parameters (deliberation/record-text.ts). */
  params?: Record<string, unknown>;
}

const bound = (n: number | bigint | undefined) => (n === undefined ? 0 : Number(n));

export function fieldError(issue: ZodIssueLike): FieldError {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string")
        return bound(issue.minimum) <= 1
          ? { key: "errors.field.required", params: {} }
          : { key: "errors.field.tooShort", params: { minimum: bound(issue.minimum) } };
      if (issue.origin === "array" || issue.origin === "set") return { key: "errors.field.tooFew", params: { minimum: bound(issue.minimum) } };
      return { key: "errors.field.tooSmall", params: { minimum: bound(issue.minimum) } };
    case "too_big":
      if (issue.origin === "string") return { key: "errors.field.tooLong", params: { maximum: bound(issue.maximum) } };
      if (issue.origin === "array" || issue.origin === "set") return { key: "errors.field.tooMany", params: { maximum: bound(issue.maximum) } };
      return { key: "errors.field.tooLarge", params: { maximum: bound(issue.maximum) } };
    case "invalid_type":
      return issue.input === undefined || issue.input === "" ? { key: "errors.field.required", params: {} } : { key: "errors.field.invalid", params: {} };
    case "invalid_format":
      return issue.format === "email" ? { key: "errors.field.email", params: {} } : { key: "errors.field.format", params: {} };
    case "invalid_value":
      return { key: "errors.field.choice", params: {} };
    case "custom":
      return typeof issue.params?.key === "string"
        ? {
            key: issue.params.key,
            params: Object.fromEntries(
              Object.entries(issue.params).filter(
                (e): e is [string, string | number] => e[0] !== "key" && (typeof e[1] === "string" || typeof e[1] === "number"),
              ),
            ),
          }
        : { key: "errors.field.invalid", params: {} };
    default:
      return { key: "errors.field.invalid", params: {} };
  }
}

export function fieldErrors(issues: readonly ZodIssueLike[]): Record<string, FieldError> {
  const fields: Record<string, FieldError> = {};
  for (const issue of issues) fields[(issue.path ?? []).map(String).join(".")] ??= fieldError(issue);
  return fields;
}
