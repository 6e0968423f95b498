import type { Page } from "playwright-core";

/**
 * What a person must never read on a page: the model's raw JSON, a uuid, or one of the protocol's
 * internal keys (ledger keys, candidate ids, representative ids). Returns each offending snippet with
 * where it was found (the page's text, its hidden-but-present text, or an aria-label).
 */
export async function unreadable(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const patterns: [string, RegExp][] = [
      ["raw JSON", /\{\s*"/g],
      ["uuid", /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi],
      ["ledger key", /\b(position|critique|candidate|mediate):[\w:.-]+/g],
      ["candidate id", /\br\d{1,4}c\d{1,3}\b/g],
      ["representative id", /\b(district|community):[\w-]+/g],
      // (A file name such as demo-registry.csv is not an event type.)
      ["event type", /\b(deliberation|room|ballot|ruling|matter|roles|registry)\.(?!(csv|json|xml|atom)\b)[a-z][a-zA-Z]+\b/g],
    ];
    // The audit page's recorded evidence (the exact prompt, answer and event, in collapsed blocks) is
    // what a delegate opens on purpose to check the record: everything around it must read as text.
    const identifiers = new Set([...document.querySelectorAll("[data-identifier]")].map((el) => (el.textContent ?? "").trim()));
    const main = document.querySelector("main")?.cloneNode(true) as HTMLElement | undefined;
    for (const evidence of main?.querySelectorAll("pre.code") ?? []) evidence.remove();
    // An identifier a person copies on purpose (her card's id, to check it in a verify panel) is marked so.
    for (const identifier of main?.querySelectorAll("[data-identifier]") ?? []) identifier.remove();
    const places: [string, string][] = [
      ["text", document.body.innerText.replace(/\S*/g, (word) => (identifiers.has(word) ? "" : word))],
      // Closed <details> and visually hidden text are still read by screen readers and after a click.
      ["hidden text", main?.textContent ?? ""],
      ...[...document.querySelectorAll("[aria-label]")].map((el): [string, string] => ["aria-label", el.getAttribute("aria-label") ?? ""]),
      ...[...document.querySelectorAll("[title]")].map((el): [string, string] => ["title", el.getAttribute("title") ?? ""]),
    ];
    const found: string[] = [];
    for (const [where, text] of places) {
      for (const [what, pattern] of patterns) {
        for (const match of text.matchAll(pattern)) {
          const at = match.index ?? 0;
          found.push(`${what} in ${where}: …${text.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, " ")}…`);
        }
      }
    }
    return [...new Set(found)];
  });
}
