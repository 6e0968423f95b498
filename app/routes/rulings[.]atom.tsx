import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";
import { escapeXml } from "../utils/xml";

type Listed = Awaited<ReturnType<typeof listed>>[number];
const listed = (request: Request, context: LoaderFunctionArgs["context"]) => api(request, () => context.trpc.rulings.list({ limit: 50 }));

/** What an entry says of the ruling's standing: status, emergency, sunset, and a repeal's public reason. */
function summary(r: Listed): string {
  const parts = [r.status, ...(r.emergency ? ["emergency"] : []), ...(r.sunsetAt && r.status !== "repealed" ? [`sunset ${r.sunsetAt.slice(0, 10)}`] : [])];
  const repealed = r.status === "repealed" && r.repealReason ? `. Repealed${r.repealedAt ? ` on ${r.repealedAt.slice(0, 10)}` : ""}: ${r.repealReason}` : "";
  return `${parts.join(", ")}${repealed}`;
}

/** The registry's Atom feed: one entry per published ruling, updated when its standing changes. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const rulings = await listed(request, context);
  const origin = new URL(request.url).origin;
  const updatedOf = (r: Listed) => r.repealedAt ?? r.publishedAt;
  const updated = rulings.map(updatedOf).sort().at(-1) ?? new Date(0).toISOString();
  const entries = rulings
    .map(
      (r) => `  <entry>
    <id>${escapeXml(origin + r.eli)}</id>
    <title>${escapeXml(r.title)}</title>
    <link rel="alternate" href="${escapeXml(origin + r.eli)}"/>
    <link rel="related" type="application/json" href="${escapeXml(`${origin}/api/rulings/${r.id}/bundle.json`)}"/>
    <published>${escapeXml(r.publishedAt)}</published>
    <updated>${escapeXml(updatedOf(r))}</updated>
    <summary>${escapeXml(summary(r))}</summary>
  </entry>`,
    )
    .join("\n");
  const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(`${origin}/rulings`)}</id>
  <title>Agora: published rulings</title>
  <author><name>Agora registry</name></author>
  <link rel="self" href="${escapeXml(`${origin}/rulings.atom`)}"/>
  <link rel="alternate" href="${escapeXml(`${origin}/rulings`)}"/>
  <updated>${escapeXml(updated)}</updated>
${entries}
</feed>
`;
  return new Response(feed, { headers: { "content-type": "application/atom+xml; charset=utf-8" } });
}
