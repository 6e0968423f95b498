import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";
import { bundleFileName } from "../utils/format";

/** A ruling's provenance bundle with its inclusion proof under the newest signed checkpoint: what `agora verify` reads. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const envelope = await api(request, () => context.trpc.rulings.bundle({ id: params.id ?? "" }));
  return new Response(JSON.stringify(envelope, null, 1), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      // Saved under the name the ruling page tells her to run the verifier on.
      "content-disposition": `attachment; filename="${bundleFileName(envelope.bundle.ruling.eli)}"`,
      // The same for everyone; its inclusion proof follows the newest checkpoint, so not for long.
      "cache-control": "public, max-age=60",
    },
  });
}
