import { describe, expect, it } from "vitest";
import { escapeXml } from "../../app/utils/xml.js";

describe("escapeXml", () => {
  it("drops what XML 1.0 cannot hold, even escaped, and keeps tabs, newlines and every real character", () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("");
    expect(escapeXml(`a${controls}b\uFFFE\uFFFFc`)).toBe("a\t\n\rbc");
    expect(escapeXml("Õigus 🇪🇪 ютф")).toBe("Õigus 🇪🇪 ютф");
    expect(escapeXml("x\uD800y\uDC00z")).toBe("xyz");
  });

  it("writes the markup characters as references", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;Tom &#38; Jerry&#39;s&#60;/a&#62;");
  });
});
