import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/** The transparency log's newest signed checkpoint and the registry's public key. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return Response.json(await api(request, () => context.trpc.rulings.checkpoint()), { headers: { "cache-control": "no-cache" } });
}
