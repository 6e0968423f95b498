import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/**
 * A signed-in citizen's own card proof (`?card=<id>`): her card's commitment and its path to the root the
 * ruling's bundle publishes for her constituency's value. `agora verify BUNDLE --card-proof FILE` and the
 * verify panel check it; nobody else gets it, so nothing public ties a card to a constituency and a value.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const card = new URL(request.url).searchParams.get("card") ?? "";
  const proof = await api(request, () => context.trpc.rulings.cardProof({ id: params.id ?? "", card }));
  return new Response(JSON.stringify(proof, null, 1), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="agora-card-proof-${params.id}.json"`,
      "cache-control": "private, no-store",
    },
  });
}
