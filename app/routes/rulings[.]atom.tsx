import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/** The registry's Atom feed (RFC 4287), built by server/records/atom.ts. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const feed = await api(request, () => context.trpc.rulings.atom());
  return new Response(feed, { headers: { "content-type": "application/atom+xml; charset=utf-8" } });
}
