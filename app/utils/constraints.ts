import { z } from "zod";

/**
 * The HTML constraints (`required`, `minLength`, `maxLength`, `min`, `max`) of a field, read from the
 * zod schema the procedure validates it with, so the browser's checks and the server's never disagree.
 */
export function constraints(schema: z.ZodType): { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number } {
  let inner: z.ZodType = schema;
  let optional = false;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
    optional = true;
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodString) {
    const min = inner.minLength ?? 0;
    return {
      ...(optional ? {} : { required: true }),
      ...(min > 1 ? { minLength: min } : {}),
      ...(inner.maxLength !== null ? { maxLength: inner.maxLength } : {}),
    };
  }
  if (inner instanceof z.ZodNumber) {
    return {
      ...(optional ? {} : { required: true }),
      ...(inner.minValue !== null && Number.isFinite(inner.minValue) ? { min: inner.minValue } : {}),
      ...(inner.maxValue !== null && Number.isFinite(inner.maxValue) ? { max: inner.maxValue } : {}),
    };
  }
  return optional ? {} : { required: true };
}
