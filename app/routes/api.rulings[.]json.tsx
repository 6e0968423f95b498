import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/**
 * The registry as open data: every published ruling, newest first, a page at a time (`?limit=` up to
 * 200, default 50). Each page says how many rulings there are in all and links the next one (also as a
 * Link header), until the last.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor") ?? undefined;
  const limitParam = url.searchParams.get("limit");
  const limit = limitParam === null ? 50 : Number(limitParam);
  const page = await api(request, () => context.trpc.rulings.page({ ...(cursor ? { cursor } : {}), limit }));
  const base = page.listUrl;
  const pageUrl = (next: string | null) => (next === null ? null : `${base}?${new URLSearchParams({ cursor: next, limit: String(limit) })}`);
  const next = pageUrl(page.next);
  return Response.json(
    {
      total: page.total,
      count: page.rulings.length,
      links: { first: `${base}?limit=${limit}`, next },
      rulings: page.rulings,
    },
    { headers: { "cache-control": "public, max-age=60", ...(next ? { link: `<${next}>; rel="next"` } : {}) } },
  );
}
