import { childrenNamed, only, type XmlTree } from "./xml.js";

/**
 * The standards' rules the public records must keep, checked by code: RFC 4287's required elements of
 * an Atom feed and its entries, and the parts of the Akoma Ntoso 3.0 schema our documents use (the
 * content models, in the schema's order, and the required attributes). No npm package ships the AKN
 * 3.0 XSD, and the registry is the only network here, so the content models below are transcribed
 * from the schema (akomantoso30.xsd) for the elements an Agora ruling uses; each returns its problems.
 */

const ATOM = "http://www.w3.org/2005/Atom";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isAbsoluteIri = (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value);

/** RFC 4287 §4.1.1 and §4.1.2: what a feed and each entry must carry. */
export function atomProblems(feed: XmlTree): string[] {
  const problems: string[] = [];
  const exactlyOne = (node: XmlTree, name: string, where: string) => {
    const n = childrenNamed(node, name).length;
    if (n !== 1) problems.push(`${where} has ${n} atom:${name}, must have exactly one`);
  };
  const dates = (node: XmlTree, where: string) => {
    for (const name of ["updated", "published"])
      for (const d of childrenNamed(node, name)) if (!RFC3339.test(d.text)) problems.push(`${where} atom:${name} "${d.text}" is not an RFC 3339 date-time`);
  };
  const authorsOk = (node: XmlTree) => childrenNamed(node, "author").every((a) => childrenNamed(a, "name").length === 1);
  if (feed.name !== "feed" || feed.namespace !== ATOM) return [`the root is ${feed.namespace} ${feed.name}, not atom:feed`];
  for (const name of ["id", "title", "updated"]) exactlyOne(feed, name, "the feed");
  dates(feed, "the feed");
  if (!isAbsoluteIri(only(feed, "id").text)) problems.push("the feed's atom:id is not an absolute IRI");
  if (!childrenNamed(feed, "link").some((l) => l.attributes.rel === "self")) problems.push("the feed has no link rel=self (RFC 4287 says it SHOULD)");
  const feedHasAuthor = childrenNamed(feed, "author").length > 0;
  if (!authorsOk(feed)) problems.push("a feed author has no atom:name");
  childrenNamed(feed, "entry").forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    for (const name of ["id", "title", "updated"]) exactlyOne(entry, name, where);
    dates(entry, where);
    if (childrenNamed(entry, "id").some((id) => !isAbsoluteIri(id.text))) problems.push(`${where}'s atom:id is not an absolute IRI`);
    if (!feedHasAuthor && childrenNamed(entry, "author").length === 0) problems.push(`${where} has no author and neither has the feed`);
    if (!authorsOk(entry)) problems.push(`${where} has an author with no atom:name`);
    const links = childrenNamed(entry, "link");
    const alternates = links.filter((l) => (l.attributes.rel ?? "alternate") === "alternate");
    if (childrenNamed(entry, "content").length === 0 && alternates.length === 0) problems.push(`${where} has neither atom:content nor a link rel=alternate`);
    const kinds = alternates.map((l) => `${l.attributes.type ?? ""}|${l.attributes.hreflang ?? ""}`);
    if (new Set(kinds).size !== kinds.length) problems.push(`${where} has two alternate links of the same type and hreflang`);
    if (links.some((l) => !l.attributes.href)) problems.push(`${where} has a link without href`);
  });
  return problems;
}

type Particle = [name: string, min: number, max: number];
const MANY = Number.POSITIVE_INFINITY;

/** Content models (xsd:sequence, in order) of the AKN 3.0 elements an Agora ruling uses. */
const SEQUENCES: Record<string, Particle[]> = {
  act: [
    ["meta", 1, 1],
    ["coverPage", 0, 1],
    ["preface", 0, 1],
    ["preamble", 0, 1],
    ["body", 1, 1],
    ["conclusions", 0, 1],
    ["attachments", 0, 1],
    ["components", 0, 1],
  ],
  meta: [
    ["identification", 1, 1],
    ["publication", 0, 1],
    ["classification", 0, MANY],
    ["lifecycle", 0, MANY],
    ["workflow", 0, MANY],
    ["analysis", 0, 1],
    ["temporalData", 0, MANY],
    ["references", 0, MANY],
    ["notes", 0, MANY],
    ["proprietary", 0, MANY],
    ["presentation", 0, MANY],
  ],
  identification: [
    ["FRBRWork", 1, 1],
    ["FRBRExpression", 1, 1],
    ["FRBRManifestation", 1, 1],
    ["FRBRItem", 0, 1],
  ],
  FRBRWork: [
    ["FRBRthis", 1, 1],
    ["FRBRuri", 1, 1],
    ["FRBRalias", 0, MANY],
    ["FRBRdate", 1, 1],
    ["FRBRauthor", 1, MANY],
    ["FRBRcountry", 1, 1],
    ["FRBRsubtype", 0, 1],
    ["FRBRnumber", 0, 1],
    ["FRBRname", 0, 1],
    ["FRBRprescriptive", 0, 1],
    ["FRBRauthoritative", 0, 1],
  ],
  FRBRExpression: [
    ["FRBRthis", 1, 1],
    ["FRBRuri", 1, 1],
    ["FRBRalias", 0, MANY],
    ["FRBRdate", 1, 1],
    ["FRBRauthor", 1, MANY],
    ["FRBRauthoritative", 0, 1],
    ["FRBRmasterExpression", 0, 1],
    ["FRBRversionNumber", 0, 1],
    ["FRBRlanguage", 1, MANY],
    ["FRBRtranslation", 0, MANY],
  ],
  FRBRManifestation: [
    ["FRBRthis", 1, 1],
    ["FRBRuri", 1, 1],
    ["FRBRalias", 0, MANY],
    ["FRBRdate", 1, 1],
    ["FRBRauthor", 1, MANY],
    ["FRBRportion", 0, 1],
    ["FRBRformat", 0, 1],
  ],
  lifecycle: [["eventRef", 1, MANY]],
  temporalData: [["temporalGroup", 1, MANY]],
  temporalGroup: [["timeInterval", 1, MANY]],
  body: [["paragraph", 1, MANY]],
  paragraph: [
    ["num", 0, 1],
    ["heading", 0, 1],
    ["subheading", 0, 1],
    ["content", 1, 1],
  ],
  content: [["p", 1, MANY]],
};

/** Elements whose children are a choice, any number in any order, of these. */
const CHOICES: Record<string, string[]> = {
  akomaNtoso: ["act"],
  references: ["original", "passiveRef", "activeRef", "TLCOrganization", "TLCPerson", "TLCConcept", "TLCRole", "TLCEvent", "TLCObject", "TLCReference"],
  preface: ["p", "longTitle", "container", "block"],
};

const REQUIRED_ATTRIBUTES: Record<string, string[]> = {
  act: ["name"],
  identification: ["source"],
  FRBRthis: ["value"],
  FRBRuri: ["value"],
  FRBRalias: ["value", "name"],
  FRBRdate: ["date", "name"],
  FRBRauthor: ["href"],
  FRBRcountry: ["value"],
  FRBRsubtype: ["value"],
  FRBRnumber: ["value"],
  FRBRname: ["value"],
  FRBRlanguage: ["language"],
  FRBRformat: ["value"],
  publication: ["date", "name", "showAs"],
  lifecycle: ["source"],
  eventRef: ["date", "source"],
  temporalData: ["source"],
  temporalGroup: ["eId"],
  timeInterval: ["refersTo"],
  references: ["source"],
  original: ["href", "showAs"],
  passiveRef: ["href", "showAs"],
  TLCOrganization: ["eId", "href", "showAs"],
  TLCConcept: ["eId", "href", "showAs"],
  TLCRole: ["eId", "href", "showAs"],
  paragraph: ["eId"],
};

const EVENT_TYPES = new Set(["generation", "amendment", "repeal"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function sequenceProblems(node: XmlTree, model: Particle[]): string[] {
  const names = node.children.map((c) => c.name);
  let at = 0;
  const problems: string[] = [];
  for (const [name, min, max] of model) {
    let count = 0;
    while (at < names.length && names[at] === name) {
      at++;
      count++;
    }
    if (count < min) problems.push(`<${node.name}> needs ${min} <${name}> at position ${at + 1}, has ${count}`);
    if (count > max) problems.push(`<${node.name}> allows ${max} <${name}>, has ${count}`);
  }
  if (at < names.length) problems.push(`<${node.name}> has <${names[at]}> where the schema allows none (after ${names.slice(0, at).join(", ") || "nothing"})`);
  return problems;
}

/** The AKN 3.0 structure of the elements above, the attributes they require, and that every #reference names an eId of the document. */
export function aknProblems(root: XmlTree): string[] {
  const problems: string[] = [];
  if (root.name !== "akomaNtoso" || root.namespace !== "http://docs.oasis-open.org/legaldocml/ns/akn/3.0")
    return [`the root is ${root.namespace} ${root.name}`];
  const eIds = new Set<string>();
  const references: string[] = [];
  const walk = (node: XmlTree) => {
    const sequence = SEQUENCES[node.name];
    if (sequence) problems.push(...sequenceProblems(node, sequence));
    const choice = CHOICES[node.name];
    if (choice) for (const c of node.children) if (!choice.includes(c.name)) problems.push(`<${node.name}> may not hold <${c.name}>`);
    for (const attribute of REQUIRED_ATTRIBUTES[node.name] ?? [])
      if (!node.attributes[attribute]) problems.push(`<${node.name}> lacks its required @${attribute}`);
    if (node.attributes.eId) {
      if (eIds.has(node.attributes.eId)) problems.push(`eId ${node.attributes.eId} is used twice`);
      eIds.add(node.attributes.eId);
    }
    for (const name of ["source", "refersTo", "start", "end", "href", "as"]) {
      const value = node.attributes[name];
      if (value?.startsWith("#")) references.push(value.slice(1));
    }
    if (node.name === "eventRef" && node.attributes.type && !EVENT_TYPES.has(node.attributes.type))
      problems.push(`eventRef type ${node.attributes.type} is not an AKN event type`);
    for (const name of ["date"])
      if (node.attributes[name] !== undefined && !DATE.test(node.attributes[name]!))
        problems.push(`<${node.name}> @date ${node.attributes[name]} is not a date`);
    node.children.forEach(walk);
  };
  walk(root);
  for (const id of references) if (!eIds.has(id)) problems.push(`#${id} names no element of the document`);
  return problems;
}
