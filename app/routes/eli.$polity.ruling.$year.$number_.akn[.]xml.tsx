import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/** The ruling in Akoma Ntoso 3.0, built by server/records/akoma-ntoso.ts. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const xml = await api(request, () => context.trpc.rulings.akn({ eli }));
  return new Response(xml, { headers: { "content-type": "application/akn+xml; charset=utf-8" } });
}
