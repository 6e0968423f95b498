/**
 * Text made safe for XML 1.0: characters XML cannot hold even escaped (most C0 controls, U+FFFE, U+FFFF,
 * lone surrogates) are dropped, so a pasted control character never breaks a feed or a document; the
 * five markup characters are written as references.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
