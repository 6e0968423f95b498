import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/** The registry as open data: every published ruling, newest first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const rulings = await api(request, () => context.trpc.rulings.list({ limit: 200 }));
  const origin = new URL(request.url).origin;
  return Response.json(
    { rulings: rulings.map((r) => ({ ...r, uri: `${origin}${r.eli}`, bundle: `${origin}/api/rulings/${r.id}/bundle.json` })) },
    { headers: { "cache-control": "public, max-age=60" } },
  );
}
