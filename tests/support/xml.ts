import { SaxesParser } from "saxes";

/**
 * A real XML 1.0 parser (saxes, which checks well-formedness in full, the characters XML allows
 * included) turned into a small tree for tests: a document that is not well-formed throws.
 */

export interface XmlTree {
  /** Local name. */
  name: string;
  namespace: string;
  attributes: Record<string, string>;
  children: XmlTree[];
  /** The element's own character data, concatenated. */
  text: string;
}

export function parseXml(document: string): XmlTree {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlTree[] = [];
  let root: XmlTree | null = null;
  const errors: string[] = [];
  parser.on("error", (error) => void errors.push(error.message));
  parser.on("opentag", (tag) => {
    const node: XmlTree = {
      name: tag.local ?? tag.name,
      namespace: tag.uri ?? "",
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [typeof a === "string" ? a : a.name, typeof a === "string" ? a : a.value])),
      children: [],
      text: "",
    };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.write(document).close();
  if (errors.length) throw new Error(`Not well-formed XML: ${errors.join("; ")}`);
  if (!root) throw new Error("No root element.");
  return root;
}

/** The children of `node` named `name`. */
export const childrenNamed = (node: XmlTree, name: string) => node.children.filter((c) => c.name === name);

/** The one child named `name`; throws when there is none or more than one. */
export function only(node: XmlTree, name: string): XmlTree {
  const found = childrenNamed(node, name);
  if (found.length !== 1) throw new Error(`<${node.name}> has ${found.length} <${name}>, not one.`);
  return found[0]!;
}
