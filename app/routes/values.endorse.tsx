import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useFetcher, useLoaderData } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { contextTitle, ValueCard } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const contexts = await api(request, () => context.trpc.values.contexts());
  const contextId = new URL(request.url).searchParams.get("context") ?? contexts[0]?.id ?? "";
  const current = contexts.find((c) => c.id === contextId);
  if (!current) throw new Response("There is no such choice context.", { status: 404 });
  const values = await api(request, () => context.trpc.values.toEndorse({ contextId, limit: 6 }));
  return { context: current, values };
}

/** Endorsing keeps the list as it is, so the card just endorsed stays in view, marked as such. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === "POST" ? false : defaultShouldRevalidate;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const result = await attempt(request, () => context.trpc.values.endorse({ canonicalId: text(form, "canonicalId") }));
  return result.ok ? { error: null, endorsed: result.data.canonicalId } : { error: result.error, endorsed: null };
}

function Endorse({ id, title }: { id: string; title: string }) {
  const t = useT();
  const fetcher = useFetcher<typeof action>();
  const done = fetcher.data?.endorsed === id || (fetcher.state !== "idle" && fetcher.formData?.get("canonicalId") === id);
  return (
    <fetcher.Form method="post">
      <CsrfField />
      <input type="hidden" name="canonicalId" value={id} />
      <FormAlert error={fetcher.data?.error} />
      <button type="submit" disabled={done} aria-label={`${done ? t("values.endorse.done") : t("values.endorse.button")}: ${title}`}>
        {done ? t("values.endorse.done") : t("values.endorse.button")}
      </button>
    </fetcher.Form>
  );
}

export default function EndorsePeers() {
  const t = useT();
  const locale = useLocale();
  const { context, values } = useLoaderData<typeof loader>();
  const title = contextTitle(context, locale);
  return (
    <div className="page">
      <h1>{t("values.endorse.title")}</h1>
      <p>{t("values.endorse.lead", { context: title })}</p>
      {values.length === 0 ? <p className="empty">{t("values.endorse.none")}</p> : null}
      <ul className="cards grid">
        {values.map((v) => (
          <li key={v.id}>
            <ValueCard card={v}>
              <Endorse id={v.id} title={v.title} />
            </ValueCard>
          </li>
        ))}
      </ul>
      <p>
        <Link to={`/values/judge?context=${context.id}`}>{t("values.judge")}</Link> · <Link to={`/graph/${context.id}`}>{t("values.graph")}</Link>
      </p>
    </div>
  );
}
