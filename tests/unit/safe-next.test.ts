import { describe, expect, it } from "vitest";
import { safeNext } from "../../app/utils/api.server.js";

/** Where a browser goes when a page on this site answers `Location: <location>`. */
const SITE = "https://agora.example.ee";
const landsOn = (location: string) => new URL(location, `${SITE}/signin?next=x`);

/**
 * The usual ways past an open-redirect check (OWASP's and PortSwigger's lists): each must come out as a
 * path on this site, which is "/" unless the string was an ordinary path all along.
 */
const BYPASSES = [
  "//evil.example",
  "//evil.example/x",
  "///evil.example",
  "////evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\\\evil.example",
  "/..//evil.example/x",
  "/../..//evil.example/x",
  "/.//evil.example",
  "/%2e%2e//evil.example/x",
  "/%2E%2E//evil.example/x",
  "/.%2e//evil.example",
  "/%2e//evil.example",
  "https://evil.example",
  "https:evil.example",
  "http:/evil.example",
  "https:/\\evil.example",
  "javascript:alert(document.domain)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "evil.example",
  "@evil.example",
  "",
  null,
];

/** Encoded forms: a browser takes them as characters of a path on this site, never as a host. */
const ENCODED = [
  "/%2F%2Fevil.example",
  "/%2f%2fevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/..%2F/evil.example",
  "/%09/evil.example",
  "/%2e%2e%2f%2fevil.example",
];

describe("safeNext: a destination after sign-in is a path on this site", () => {
  it("keeps this site's paths, with their query and fragment", () => {
    expect(safeNext("/desk")).toBe("/desk");
    expect(safeNext("/values?context=a#x")).toBe("/values?context=a#x");
    expect(safeNext("/matters/abc?tab=ledger")).toBe("/matters/abc?tab=ledger");
    // What a parser would resolve anyway comes out resolved, and still on the site.
    expect(safeNext("/a/../b")).toBe("/b");
  });

  it.each(BYPASSES.map((b) => [JSON.stringify(b), b] as const))("sends %s home", (_, hostile) => {
    expect(safeNext(hostile)).toBe("/");
  });

  it.each(ENCODED)("keeps %s on this site (a path, however odd)", (encoded) => {
    const location = safeNext(encoded);
    expect(location.startsWith("/") && !location.startsWith("//")).toBe(true);
    expect(landsOn(location).origin).toBe(SITE);
  });

  it("never answers a location that takes a browser elsewhere, whatever it is given", () => {
    for (const hostile of [...BYPASSES, ...ENCODED]) expect(landsOn(safeNext(hostile)).origin, JSON.stringify(hostile)).toBe(SITE);
  });
});
