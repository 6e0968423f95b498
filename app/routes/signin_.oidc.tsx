import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { OidcRefusal, refusalStatus } from "../components/oidc-refusal";
import { attempt, safeNext } from "../utils/api.server";

export const meta: MetaFunction = () => [{ title: "Agora" }, { name: "robots", content: "noindex" }];

/** Leaves for the identity provider (with state, nonce and PKCE sealed in a cookie), or says why not. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const next = safeNext(url.searchParams.get("next"));
  if (context.user) throw redirect(next);
  const begun = await attempt(request, () => context.trpc.auth.oidcBegin({ origin: url.origin, next }));
  if (begun.ok) throw redirect(begun.data.url);
  const { oidc } = await context.trpc.auth.signInOptions();
  return json({ error: begun.error, provider: oidc?.name ?? "" }, { status: refusalStatus(begun.error) });
}

export default function OidcStart() {
  const { error, provider } = useLoaderData<typeof loader>();
  return <OidcRefusal error={error} provider={provider} />;
}
