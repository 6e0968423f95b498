import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { parse as parseCookies } from "cookie";
import { OIDC_FLOW_COOKIE } from "../../server/auth/oidc.server";
import { OidcRefusal, refusalStatus } from "../components/oidc-refusal";
import { attempt, safeNext } from "../utils/api.server";

export const meta: MetaFunction = () => [{ title: "Agora" }, { name: "robots", content: "noindex" }];

/**
 * The identity provider sends the person back here. The API checks its answer against this browser's
 * flow cookie and opens her session; a person the registry does not know, a tampered or replayed answer,
 * or a refusal at the provider gets a page that says so, and no session.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const flow = parseCookies(request.headers.get("cookie") ?? "")[OIDC_FLOW_COOKIE];
  const query = Object.fromEntries(url.searchParams);
  const done = await attempt(request, () => context.trpc.auth.oidcComplete({ query, ...(flow ? { flow } : {}) }));
  if (done.ok) throw redirect(safeNext(done.data.next));
  const { oidc } = await context.trpc.auth.signInOptions();
  return json({ error: done.error, provider: oidc?.name ?? "" }, { status: refusalStatus(done.error) });
}

export default function OidcCallback() {
  const { error, provider } = useLoaderData<typeof loader>();
  return <OidcRefusal error={error} provider={provider} />;
}
