import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { translator } from "../../app/i18n/translate.js";
import { aknDocument } from "../../server/records/akoma-ntoso.js";
import { atomFeed } from "../../server/records/atom.js";
import { eliMetadata } from "../../server/records/eli.js";
import type { PublicRuling, RecordsSettings } from "../../server/records/types.js";
import { aknProblems, atomProblems } from "../support/record-standards.js";
import { childrenNamed, only, parseXml, type XmlTree } from "../support/xml.js";

/**
 * The public records against golden files (tests/fixtures/records; `UPDATE_GOLDEN=1` writes them anew,
 * to be read and committed) and against their standards' rules, for a ruling with a fixed clock and ids
 * that was published, renewed and repealed.
 */

const GOLDEN = join(import.meta.dirname, "../fixtures/records");

function golden(name: string, actual: string) {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const settings: RecordsSettings = {
  publicUrl: "https://agora.example.ee",
  polityName: "Republic of Estonia",
  country: "ee",
  languages: { et: "est", en: "eng", ru: "rus" },
  t: translator("en"),
};

const repealed: PublicRuling = {
  id: "0b6f3d0e-5a1c-4c53-9d57-3f1b8a2e7c10",
  matterId: "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09",
  eli: "/eli/ee/ruling/2026/7",
  year: 2026,
  number: 7,
  title: "AI tutors that talk with children",
  text: "1. An AI tutor shall tell a child, in words the child understands, that it is a machine.\n2. A parent may read every conversation & stop it at any time.",
  language: "en",
  emergency: true,
  status: "repealed",
  publishedAt: "2026-12-01T10:00:00.000Z",
  sunsetAt: null,
  acts: [
    { act: "published", at: "2026-12-01T10:00:00.000Z", sunsetAt: "2027-03-01T10:00:00.000Z", leafIndex: 4 },
    { act: "renewed", at: "2027-02-20T09:30:00.000Z", sunsetAt: "2027-05-30T10:00:00.000Z", leafIndex: 9 },
    { act: "repealed", at: "2027-03-03T08:15:00.000Z", sunsetAt: null, reason: "Harm reports showed it failed children <under 10>.", leafIndex: 12 },
  ],
};

const inForce: PublicRuling = {
  ...repealed,
  id: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  matterId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  eli: "/eli/ee/ruling/2026/8",
  number: 8,
  title: "Järelevalve avalikes kohtades",
  text: "1. Politsei ei tohi avalikus kohas inimesi reaalajas biomeetriliselt tuvastada.",
  language: "et",
  emergency: false,
  status: "in-force",
  publishedAt: "2026-12-02T12:00:00.000Z",
  sunsetAt: null,
  acts: [{ act: "published", at: "2026-12-02T12:00:00.000Z", sunsetAt: null, leafIndex: 5 }],
};

/** A ruling of a matter written in Russian (decision 19 as amended). */
const inRussian: PublicRuling = {
  ...inForce,
  id: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a",
  matterId: "2b3c4d5e-6f70-4819-9a2b-3c4d5e6f7081",
  eli: "/eli/ee/ruling/2026/9",
  number: 9,
  title: "Камеры в городских автобусах",
  text: "1. Записи камер удаляются через 72 часа.\n2. Полиция может применять распознавание лиц только с предварительного разрешения суда.",
  language: "ru",
  publishedAt: "2026-12-03T09:00:00.000Z",
  acts: [{ act: "published", at: "2026-12-03T09:00:00.000Z", sunsetAt: null, leafIndex: 6 }],
};

const NOW = "2027-03-04T00:00:00.000Z";

/** Every control character, U+FFFE, U+FFFF and lone surrogates: what XML 1.0 cannot carry, and what it can. */
const HOSTILE = `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("")}\u007f\u0085\uFFFE\uFFFF\uD800\uDC00`;

describe("the public records", () => {
  it("match their golden files: the Atom feed, the Akoma Ntoso document and the ELI metadata", () => {
    golden("feed.atom", atomFeed(settings, [repealed, inForce], NOW));
    golden("ruling.akn.xml", aknDocument(settings, repealed, "ee"));
    golden("ruling.eli.jsonld", `${JSON.stringify(eliMetadata(settings, repealed), null, 2)}\n`);
    golden("ruling-ru.akn.xml", aknDocument(settings, inRussian, "ee"));
  });

  it("name a ruling written in Russian in Russian: ISO 639-2 rus in Akoma Ntoso and ELI, xml:lang ru in the feed", () => {
    const act = only(parseXml(aknDocument(settings, inRussian, "ee")), "act");
    expect(aknProblems(parseXml(aknDocument(settings, inRussian, "ee")))).toEqual([]);
    const expression = only(only(only(act, "meta"), "identification"), "FRBRExpression");
    expect(only(expression, "FRBRlanguage").attributes.language).toBe("rus");
    expect(only(expression, "FRBRuri").attributes.value).toBe("/akn/ee/act/ruling/ee/2026-12-03/9/rus@");
    const paragraphs = childrenNamed(only(act, "body"), "paragraph");
    expect(only(only(paragraphs[1]!, "content"), "p").text).toBe("Полиция может применять распознавание лиц только с предварительного разрешения суда.");
    const entries = childrenNamed(parseXml(atomFeed(settings, [inRussian, inForce], NOW)), "entry");
    expect(entries.map((e) => e.attributes["xml:lang"])).toEqual(["ru", "et"]);
    expect(only(entries[0]!, "title").text).toBe("Камеры в городских автобусах");
    expect(eliMetadata(settings, inRussian)["eli:is_realized_by"]).toMatchObject({
      "eli:title": "Камеры в городских автобусах",
      "eli:language": { "@id": "http://publications.europa.eu/resource/authority/language/RUS" },
    });
  });

  it("make an Atom feed with RFC 4287's required elements, the polity as author, updated at the last act and the status in each entry", () => {
    const feed = parseXml(atomFeed(settings, [repealed, inForce], NOW));
    expect(atomProblems(feed)).toEqual([]);
    expect(only(only(feed, "author"), "name").text).toBe("Republic of Estonia");
    expect(only(feed, "updated").text).toBe("2027-03-03T08:15:00.000Z");
    const [first, second] = childrenNamed(feed, "entry") as [XmlTree, XmlTree];
    expect(only(first, "id").text).toBe("https://agora.example.ee/eli/ee/ruling/2026/7");
    expect(only(first, "updated").text).toBe("2027-03-03T08:15:00.000Z");
    expect(only(first, "published").text).toBe("2026-12-01T10:00:00.000Z");
    expect(only(first, "category").attributes).toMatchObject({ term: "repealed", label: "repealed" });
    expect(only(first, "summary").text).toBe("Repealed on 2027-03-03. The clerk's reason: Harm reports showed it failed children <under 10>.");
    expect(only(only(first, "author"), "name").text).toBe("Republic of Estonia");
    expect(only(second, "updated").text).toBe("2026-12-02T12:00:00.000Z");
    expect(only(second, "category").attributes.term).toBe("in-force");
    // Every absolute URI starts with the configured public URL.
    const hrefs = [feed, first, second].flatMap((n) => childrenNamed(n, "link").map((l) => l.attributes.href!));
    expect(hrefs.every((h) => h.startsWith("https://agora.example.ee/"))).toBe(true);
    // An empty feed is updated now.
    expect(only(parseXml(atomFeed(settings, [], NOW)), "updated").text).toBe(NOW);
  });

  it("make an Akoma Ntoso 3.0 act: FRBR names from the polity's ISO codes at /akn/ IRIs, and a lifecycle of publication, renewal and repeal", () => {
    const root = parseXml(aknDocument(settings, repealed, "ee"));
    expect(aknProblems(root)).toEqual([]);
    const act = only(root, "act");
    const identification = only(only(act, "meta"), "identification");
    const work = only(identification, "FRBRWork");
    const expression = only(identification, "FRBRExpression");
    const manifestation = only(identification, "FRBRManifestation");
    expect(only(work, "FRBRcountry").attributes.value).toBe("ee");
    expect(only(expression, "FRBRlanguage").attributes.language).toBe("eng");
    const iri = "/akn/ee/act/ruling/ee/2026-12-01/7";
    expect([work, expression, manifestation].map((level) => [only(level, "FRBRuri").attributes.value, only(level, "FRBRthis").attributes.value])).toEqual([
      [iri, `${iri}/!main`],
      [`${iri}/eng@`, `${iri}/eng@/!main`],
      [`${iri}/eng@.akn`, `${iri}/eng@/!main.xml`],
    ]);
    expect(childrenNamed(work, "FRBRalias").map((a) => a.attributes)).toEqual([{ value: "https://agora.example.ee/eli/ee/ruling/2026/7", name: "eli" }]);
    const events = childrenNamed(only(only(act, "meta"), "lifecycle"), "eventRef").map((e) => [e.attributes.date, e.attributes.type]);
    expect(events).toEqual([
      ["2026-12-01", "generation"],
      ["2027-02-20", "amendment"],
      ["2027-03-03", "repeal"],
    ]);
    const paragraphs = childrenNamed(only(act, "body"), "paragraph");
    expect(paragraphs.map((p) => [p.attributes.eId, only(p, "num").text])).toEqual([
      ["para_1", "1."],
      ["para_2", "2."],
    ]);
    expect(only(only(paragraphs[1]!, "content"), "p").text).toBe("A parent may read every conversation & stop it at any time.");
    // The same ruling in Estonian, in force: its language is the polity's code for Estonian, and its force has no end yet.
    const estonian = parseXml(aknDocument(settings, inForce, "ee"));
    expect(aknProblems(estonian)).toEqual([]);
    expect(only(only(only(only(only(estonian, "act"), "meta"), "identification"), "FRBRExpression"), "FRBRlanguage").attributes.language).toBe("est");
  });

  it("describe the ruling in the ELI ontology: a legal resource realized by an expression in its language, in force or not, until when", () => {
    const metadata = eliMetadata(settings, repealed);
    expect(metadata).toMatchObject({
      "@id": "https://agora.example.ee/eli/ee/ruling/2026/7",
      "@type": "eli:LegalResource",
      "eli:id_local": "2026/7",
      "eli:date_document": { "@value": "2026-12-01", "@type": "xsd:date" },
      "eli:first_date_entry_in_force": { "@value": "2026-12-01" },
      "eli:date_no_longer_in_force": { "@value": "2027-03-03" },
      "eli:in_force": { "@id": "http://data.europa.eu/eli/ontology#InForce-notInForce" },
      "eli:is_realized_by": {
        "@type": "eli:LegalExpression",
        "eli:title": "AI tutors that talk with children",
        "eli:language": { "@id": "http://publications.europa.eu/resource/authority/language/ENG" },
      },
    });
    const current = eliMetadata(settings, inForce);
    expect(current["eli:in_force"]["@id"]).toBe("http://data.europa.eu/eli/ontology#InForce-inForce");
    expect(current).not.toHaveProperty("eli:date_no_longer_in_force");
    expect(eliMetadata(settings, { ...inForce, sunsetAt: "2027-03-02T12:00:00.000Z" })["eli:date_no_longer_in_force"]).toEqual({
      "@value": "2027-03-02",
      "@type": "xsd:date",
    });
  });

  it("stay well-formed XML whatever characters the ruling's title, text and repeal reason hold", () => {
    const hostile: PublicRuling = {
      ...repealed,
      title: `Title ${HOSTILE} end`,
      text: `1. Clause ${HOSTILE} end\n2. ${HOSTILE}`,
      acts: repealed.acts.map((a) => (a.act === "repealed" ? { ...a, reason: `Reason ${HOSTILE}` } : a)),
    };
    const documents = [atomFeed(settings, [hostile], NOW), aknDocument(settings, hostile, "ee")];
    for (const document of documents) {
      expect(() => parseXml(document)).not.toThrow();
      expect(document).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    }
    expect(only(parseXml(documents[0]!), "entry").children.find((c) => c.name === "title")!.text).toBe("Title \t\n\r\u007f\u0085\uD800\uDC00 end");
    expect(JSON.stringify(eliMetadata(settings, hostile))).not.toMatch(/\\u000[0-8bcBC]|\\u001|\uFFFE/);
  });
});
