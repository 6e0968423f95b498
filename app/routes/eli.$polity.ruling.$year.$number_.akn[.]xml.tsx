import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";
import { escapeXml } from "../utils/xml";

/**
 * The ruling in Akoma Ntoso (OASIS LegalDocML): an <act> with its FRBR identification (work, expression
 * and manifestation, all under the ELI) and the text's numbered points as paragraphs.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const ruling = await api(request, () => context.trpc.rulings.get({ eli }));
  const origin = new URL(request.url).origin;
  const date = ruling.publishedAt.slice(0, 10);
  const points = ruling.text.split(/\n+/).filter((line) => line.trim() !== "");
  const body = points
    .map((line, i) => {
      const numbered = /^(\d+)\.\s+(.*)$/.exec(line.trim());
      return `      <paragraph eId="para_${i + 1}">${numbered ? `<num>${escapeXml(numbered[1]!)}.</num>` : ""}<content><p>${escapeXml(numbered ? numbered[2]! : line.trim())}</p></content></paragraph>`;
    })
    .join("\n");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <act name="ruling">
    <meta>
      <identification source="#agora">
        <FRBRWork>
          <FRBRthis value="${escapeXml(eli)}"/>
          <FRBRuri value="${escapeXml(eli)}"/>
          <FRBRdate date="${date}" name="publication"/>
          <FRBRauthor href="#agora"/>
          <FRBRcountry value="${escapeXml(params.polity ?? "")}"/>
        </FRBRWork>
        <FRBRExpression>
          <FRBRthis value="${escapeXml(`${eli}/en`)}"/>
          <FRBRuri value="${escapeXml(`${eli}/en`)}"/>
          <FRBRdate date="${date}" name="publication"/>
          <FRBRauthor href="#agora"/>
          <FRBRlanguage language="en"/>
        </FRBRExpression>
        <FRBRManifestation>
          <FRBRthis value="${escapeXml(`${eli}/akn.xml`)}"/>
          <FRBRuri value="${escapeXml(`${origin}${eli}/akn.xml`)}"/>
          <FRBRdate date="${date}" name="generation"/>
          <FRBRauthor href="#agora"/>
        </FRBRManifestation>
      </identification>
      <references source="#agora">
        <TLCOrganization eId="agora" href="${escapeXml(origin)}" showAs="Agora"/>
      </references>
    </meta>
    <preface>
      <p><docTitle>${escapeXml(ruling.title)}</docTitle></p>
    </preface>
    <body>
${body}
    </body>
  </act>
</akomaNtoso>
`;
  return new Response(xml, { headers: { "content-type": "application/akn+xml; charset=utf-8" } });
}
