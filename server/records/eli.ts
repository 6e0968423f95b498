import { type PublicRuling, type RecordsSettings, absolute, day, iso639, rulingLinks } from "./types.js";
import { xmlSafe } from "./xml.js";

/**
 * ELI metadata of a ruling (European Legislation Identifier ontology, as JSON-LD), which its page
 * carries in a <script type="application/ld+json">: the ruling is an eli:LegalResource at its ELI URI,
 * realized by one eli:LegalExpression in its language (the EU's language authority, ISO 639-2), which
 * is embodied by its HTML page and its Akoma Ntoso file. Whether it is in force, and since and until
 * when, follow the log's acts: eli:date_no_longer_in_force is its repeal's or lapse's day, or the sunset
 * still ahead. A repeal here is an act of the clerk, not another legal resource, so eli:repealed_by
 * (whose range is a legal resource) is not used.
 */

const ELI = "http://data.europa.eu/eli/ontology#";
const LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/";
const MEDIA_TYPES = "http://www.iana.org/assignments/media-types/";

const date = (at: string) => ({ "@value": day(at), "@type": "xsd:date" });

/** The day it stopped, or will stop, being in force; null when nothing ends it. */
function endOfForce(ruling: PublicRuling): string | null {
  const ended = ruling.acts.find((a) => a.act === "repealed");
  if (ended) return ended.at;
  return ruling.sunsetAt;
}

export function eliMetadata(settings: RecordsSettings, ruling: PublicRuling) {
  const links = rulingLinks(settings, ruling);
  const language = iso639(settings, ruling.language);
  const inForce = ruling.status === "in-force" || ruling.status === "renewed";
  const end = endOfForce(ruling);
  return {
    "@context": { eli: ELI, xsd: "http://www.w3.org/2001/XMLSchema#", skos: "http://www.w3.org/2004/02/skos/core#" },
    "@id": links.page,
    "@type": "eli:LegalResource",
    "eli:id_local": `${ruling.year}/${ruling.number}`,
    "eli:number": String(ruling.number),
    // The registry's own list of document types (ELI leaves the vocabulary to each publisher).
    "eli:type_document": { "@id": absolute(settings, "/rulings#type-ruling"), "skos:prefLabel": settings.t("records.typeRuling") },
    "eli:date_document": date(ruling.publishedAt),
    "eli:date_publication": date(ruling.publishedAt),
    "eli:first_date_entry_in_force": date(ruling.publishedAt),
    ...(end ? { "eli:date_no_longer_in_force": date(end) } : {}),
    "eli:in_force": { "@id": `${ELI}${inForce ? "InForce-inForce" : "InForce-notInForce"}` },
    "eli:publisher": settings.polityName,
    "eli:is_realized_by": {
      "@id": `${links.page}/${language}`,
      "@type": "eli:LegalExpression",
      "eli:title": xmlSafe(ruling.title),
      "eli:language": { "@id": `${LANGUAGE_AUTHORITY}${language.toUpperCase()}` },
      "eli:is_embodied_by": [
        { "@id": links.page, "@type": "eli:Format", "eli:format": { "@id": `${MEDIA_TYPES}text/html` } },
        { "@id": links.akn, "@type": "eli:Format", "eli:format": { "@id": `${MEDIA_TYPES}application/akn+xml` } },
      ],
    },
  };
}
export type EliMetadata = ReturnType<typeof eliMetadata>;
