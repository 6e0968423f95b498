import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

const escape = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The registry's Atom feed: one entry per published ruling. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const rulings = await api(request, () => context.trpc.rulings.list({ limit: 50 }));
  const origin = new URL(request.url).origin;
  const updated = rulings[0]?.publishedAt ?? new Date(0).toISOString();
  const entries = rulings
    .map(
      (r) => `  <entry>
    <id>${escape(origin + r.eli)}</id>
    <title>${escape(r.title)}</title>
    <link rel="alternate" href="${escape(origin + r.eli)}"/>
    <link rel="related" type="application/json" href="${escape(`${origin}/api/rulings/${r.id}/bundle.json`)}"/>
    <updated>${escape(r.publishedAt)}</updated>
    <summary>${escape(`${r.status}${r.emergency ? ", emergency" : ""}${r.sunsetAt ? `, sunset ${r.sunsetAt.slice(0, 10)}` : ""}`)}</summary>
  </entry>`,
    )
    .join("\n");
  const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escape(`${origin}/rulings`)}</id>
  <title>Agora: published rulings</title>
  <link rel="self" href="${escape(`${origin}/rulings.atom`)}"/>
  <link rel="alternate" href="${escape(`${origin}/rulings`)}"/>
  <updated>${escape(updated)}</updated>
${entries}
</feed>
`;
  return new Response(feed, { headers: { "content-type": "application/atom+xml; charset=utf-8" } });
}
