import { type PublicRuling, type RecordAct, type RecordsSettings, absolute, day, iso639 } from "./types.js";
import { el, inlineEl, xmlDocument } from "./xml.js";

/**
 * A ruling as an Akoma Ntoso 3.0 act (OASIS LegalDocML). FRBR identification after the AKN naming
 * convention: the work is /akn/{country}/act/ruling/{polity}/{date}/{number} (the country ISO 3166-1
 * alpha-2, the date its publication's), the expression adds the ISO 639-2 language and "@" (the
 * original version: renewals and repeals never change a ruling's text), the manifestation the XML
 * file; each level's FRBRthis names its main component (!main) and FRBRuri the level itself. The
 * ELI is an alias of the work. The lifecycle lists its publication (generation), each renewal
 * (amendment of its period of force) and its repeal or lapse (repeal), each act a leaf of the log.
 * Elements are written in the order the 3.0 schema requires (tests/unit/records.test.ts checks it).
 */

export const AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/** The ruling's IRIs at the three FRBR levels. */
export function aknIris(settings: RecordsSettings, ruling: PublicRuling, polity: string) {
  const work = `/akn/${settings.country}/act/ruling/${polity}/${day(ruling.publishedAt)}/${ruling.number}`;
  const expression = `${work}/${iso639(settings, ruling.language)}@`;
  return {
    work,
    workThis: `${work}/!main`,
    expression,
    expressionThis: `${expression}/!main`,
    manifestation: `${expression}.akn`,
    manifestationThis: `${expression}/!main.xml`,
  };
}

const EVENT_TYPE: Record<RecordAct["act"], "generation" | "amendment" | "repeal"> = {
  published: "generation",
  renewed: "amendment",
  repealed: "repeal",
  lapsed: "repeal",
};

/** The ruling's acts as lifecycle events, each with the reference that is its source. */
function lifecycle(settings: RecordsSettings, ruling: PublicRuling, expression: string) {
  const events = ruling.acts.map((act, i) => ({ act, eId: `eref_${i + 1}`, source: act.act === "published" ? "original" : `act_${i + 1}` }));
  const ledger = absolute(settings, `/ledger/${ruling.matterId}`);
  const references = events
    .filter((e) => e.act.act !== "published")
    .map((e) =>
      el("passiveRef", {
        eId: e.source,
        href: ledger,
        showAs: settings.t(`records.act.${e.act.act as "renewed" | "repealed" | "lapsed"}`, { date: day(e.act.at) }),
      }),
    );
  return {
    events,
    element: el(
      "lifecycle",
      { source: "#registry" },
      events.map((e) => el("eventRef", { eId: e.eId, date: day(e.act.at), source: `#${e.source}`, type: EVENT_TYPE[e.act.act], refersTo: `#${e.act.act}` })),
    ),
    references: [el("original", { eId: "original", href: expression, showAs: ruling.title }), ...references],
  };
}

/** The period it was in force: from its publication to its repeal or lapse, if it came. */
function temporalData(events: { act: RecordAct; eId: string }[]) {
  const start = events.find((e) => e.act.act === "published");
  const end = events.find((e) => e.act.act === "repealed" || e.act.act === "lapsed");
  if (!start) return null;
  return el(
    "temporalData",
    { source: "#registry" },
    el("temporalGroup", { eId: "tmpg_1" }, el("timeInterval", { refersTo: "#inForce", start: `#${start.eId}`, end: end ? `#${end.eId}` : null })),
  );
}

/**
 * The text's lines as numbered paragraphs ("1. …"); a line without a number is a paragraph of its own.
 * A paragraph's eId is its number (the naming convention's), or its place when that number was taken.
 */
function paragraphs(text: string) {
  const taken = new Set<string>();
  return text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line, i) => {
      const numbered = /^(\d+)\.\s+(.*)$/.exec(line);
      let eId = numbered && !taken.has(`para_${numbered[1]}`) ? `para_${numbered[1]}` : `para_${i + 1}`;
      while (taken.has(eId)) eId = `${eId}-${i + 1}`;
      taken.add(eId);
      return el("paragraph", { eId }, numbered ? el("num", {}, `${numbered[1]}.`) : null, el("content", {}, inlineEl("p", {}, numbered ? numbered[2]! : line)));
    });
}

export function aknDocument(settings: RecordsSettings, ruling: PublicRuling, polity: string): string {
  const iris = aknIris(settings, ruling, polity);
  const date = day(ruling.publishedAt);
  const language = iso639(settings, ruling.language);
  const life = lifecycle(settings, ruling, iris.expression);
  const concepts = (["published", "renewed", "repealed", "lapsed", "inForce"] as const).map((id) =>
    el("TLCConcept", { eId: id, href: `/akn/ontology/concept/agora.${id}`, showAs: settings.t(`records.concept.${id}`) }),
  );
  const author = { href: "#registry", as: "#author" };
  return xmlDocument(
    el(
      "akomaNtoso",
      { xmlns: AKN_NAMESPACE },
      el(
        "act",
        { name: "ruling", contains: "originalVersion" },
        el(
          "meta",
          {},
          el(
            "identification",
            { source: "#registry" },
            el(
              "FRBRWork",
              {},
              el("FRBRthis", { value: iris.workThis }),
              el("FRBRuri", { value: iris.work }),
              el("FRBRalias", { value: absolute(settings, ruling.eli), name: "eli" }),
              el("FRBRdate", { date, name: "publication" }),
              el("FRBRauthor", author),
              el("FRBRcountry", { value: settings.country }),
              el("FRBRsubtype", { value: "ruling" }),
              el("FRBRnumber", { value: String(ruling.number) }),
              el("FRBRname", { value: "ruling" }),
            ),
            el(
              "FRBRExpression",
              {},
              el("FRBRthis", { value: iris.expressionThis }),
              el("FRBRuri", { value: iris.expression }),
              el("FRBRdate", { date, name: "publication" }),
              el("FRBRauthor", author),
              el("FRBRlanguage", { language }),
            ),
            el(
              "FRBRManifestation",
              {},
              el("FRBRthis", { value: iris.manifestationThis }),
              el("FRBRuri", { value: iris.manifestation }),
              el("FRBRalias", { value: absolute(settings, `${ruling.eli}/akn.xml`), name: "url" }),
              el("FRBRdate", { date, name: "publication" }),
              el("FRBRauthor", author),
              el("FRBRformat", { value: "application/akn+xml" }),
            ),
          ),
          el("publication", {
            date,
            name: "registry",
            showAs: settings.t("records.publication", { polity: settings.polityName }),
            number: String(ruling.number),
          }),
          life.element,
          temporalData(life.events),
          el(
            "references",
            { source: "#registry" },
            life.references,
            el("TLCOrganization", { eId: "registry", href: absolute(settings, "/"), showAs: settings.polityName }),
            el("TLCRole", { eId: "author", href: "/akn/ontology/role/agora.author", showAs: settings.t("records.role.author") }),
            concepts,
          ),
        ),
        el(
          "preface",
          {},
          inlineEl("p", { class: "title" }, el("docTitle", {}, ruling.title)),
          inlineEl("p", { class: "number" }, el("docNumber", {}, `${ruling.year}/${ruling.number}`)),
        ),
        el("body", {}, paragraphs(ruling.text)),
      ),
    ),
  );
}
