import { describe, expect, it } from "vitest";
import { el, escapeXml, inlineEl, xmlDocument } from "../../server/records/xml.js";

describe("escapeXml", () => {
  it("drops what XML 1.0 cannot hold, even escaped, and keeps tabs, newlines and every real character", () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("");
    expect(escapeXml(`a${controls}b\uFFFE\uFFFFc`)).toBe("a\t\n&#13;bc");
    expect(escapeXml("Õigus 🇪🇪 ютф")).toBe("Õigus 🇪🇪 ютф");
    expect(escapeXml("x\uD800y\uDC00z")).toBe("xyz");
  });

  it("writes the markup characters as references", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;Tom &#38; Jerry&#39;s&#60;/a&#62;");
  });

  it("writes a tree with every value escaped: attributes keep their tabs and newlines, mixed content stays on one line", () => {
    const doc = xmlDocument(
      el("root", { a: 'x"\ty\n', skipped: undefined, gone: null }, el("empty"), el("text", {}, "1 < 2"), inlineEl("p", {}, el("b", {}, "bold"), null, false)),
    );
    expect(doc).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<root a="x&#34;&#9;y&#10;">\n  <empty/>\n  <text>1 &#60; 2</text>\n  <p><b>bold</b></p>\n</root>\n',
    );
  });
});
