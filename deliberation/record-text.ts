import { z } from "zod";

/**
 * Text that ends up in a public record (a ruling's title and text, its clauses and the amendments to
 * them, a repeal's reason). XML 1.0 cannot carry most control characters even escaped, so one pasted
 * character would break the Atom feed and the Akoma Ntoso document for good. At the input boundary a
 * manual line break (U+000B, what a word processor's Shift+Enter pastes) becomes a newline; any other
 * control character, a noncharacter U+FFFE/U+FFFF or half of a surrogate pair is refused with a reason
 * the person can act on. The serializers drop the same characters again on output (server/records/xml.ts),
 * for text that reached the database another way. Browser-safe: pages read constraints from these schemas.
 */

/** Control characters other than tab, newline and carriage return; DEL and the C1 controls; U+FFFE, U+FFFF; lone surrogates. */
const UNPUBLISHABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A manual line break pasted from a word processor means a new line. */
export function normaliseBreaks(text: string): string {
  return text.replace(/\u000B/g, "\n");
}

/** The first character a public record cannot carry, as U+XXXX, or null when there is none. */
export function unpublishableCharacter(text: string): string | null {
  const found = UNPUBLISHABLE.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : null;
}

/**
 * A string for a public record: manual line breaks made newlines, trimmed, within bounds, and refused
 * with `errors.field.controlCharacter` (naming the character) when it holds one a record cannot carry.
 */
export function recordText(bounds: { min?: number; max: number }) {
  let text = z.string().overwrite(normaliseBreaks).trim();
  if (bounds.min !== undefined) text = text.min(bounds.min);
  return text.max(bounds.max).check((ctx) => {
    const character = unpublishableCharacter(ctx.value);
    if (character)
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `This text holds a control character (${character}) that a published record cannot carry: delete it and type that part again.`,
        params: { key: "errors.field.controlCharacter", character },
      });
  });
}
