/**
 * XML 1.0 for the public records, built as a tree so that every text and attribute value passes through
 * one escape. Characters XML 1.0 cannot hold even escaped (most C0 controls, U+FFFE, U+FFFF, lone
 * surrogates) are dropped here, whatever let them into the database: the input boundary refuses them
 * (deliberation/record-text.ts), and this is the last line, so a record is always well-formed.
 */

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text XML 1.0 can carry: its forbidden characters dropped. Also for text a record puts in JSON, so every format says the same. */
export function xmlSafe(text: string): string {
  return text.replace(FORBIDDEN, "");
}

/** Character data: forbidden characters dropped, the markup characters (and carriage returns, which a parser would turn into newlines) written as references. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[<>&"'\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An attribute value: as character data, and tab, newline and carriage return as references, which attribute normalisation would otherwise turn into spaces. */
function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string | number>;
  children: XmlNode[];
  /** Written on one line whatever its children: an inline container (Akoma Ntoso's <p>), where added whitespace would be content. */
  inline?: boolean;
}
export type XmlNode = XmlElement | string;

type Attributes = Record<string, string | number | null | undefined>;
type Child = XmlNode | null | undefined | false | readonly Child[];

/** An element: attributes that are null or undefined are left out, and so are children that are null, undefined or false. */
export function el(name: string, attributes: Attributes = {}, ...children: Child[]): XmlElement {
  const kept = Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined));
  const flat: XmlNode[] = [];
  const add = (child: Child) => {
    if (Array.isArray(child)) for (const c of child) add(c);
    else if (child !== null && child !== undefined && child !== false) flat.push(child as XmlNode);
  };
  for (const child of children) add(child);
  return { name, attributes: kept, children: flat };
}

function serialize(node: XmlNode, indent: string, oneLine = false): string {
  if (typeof node === "string") return escapeXml(node);
  const attributes = Object.entries(node.attributes)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join("");
  if (node.children.length === 0) return `${indent}<${node.name}${attributes}/>`;
  // Mixed content (any text among the children) is written on one line: whitespace added there would be content.
  if (oneLine || node.inline || node.children.some((c) => typeof c === "string")) {
    return `${indent}<${node.name}${attributes}>${node.children.map((c) => serialize(c, "", true)).join("")}</${node.name}>`;
  }
  const inner = node.children.map((c) => serialize(c, `${indent}  `)).join("\n");
  return `${indent}<${node.name}${attributes}>\n${inner}\n${indent}</${node.name}>`;
}

/** An element written on one line, its children too (see XmlElement.inline). */
export function inlineEl(name: string, attributes: Attributes = {}, ...children: Child[]): XmlElement {
  return { ...el(name, attributes, ...children), inline: true };
}

/** A whole document: the XML declaration, the root element indented by two spaces a level, and a final newline. */
export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root, "")}\n`;
}
