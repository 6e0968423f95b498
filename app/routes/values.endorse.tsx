import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ActionForm, Submit } from "../components/forms";
import { contextTitle, ValueCard } from "../components/values";
import { WithWritten } from "../components/written";
import { useLocale, useT } from "../i18n";
import { act, api, readForm, text } from "../utils/api.server";

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
  return act(request, "endorse", () => context.trpc.values.endorse({ canonicalId: text(form, "canonicalId") }));
}

/** Where the button was: that she holds it too, announced and focused. */
function Endorsed({ title }: { title: string }) {
  const t = useT();
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p ref={ref} tabIndex={-1} className="alert alert-ok feedback" role="status">
      <WithWritten text={t("values.endorse.recorded", { title })} parts={[title]} />
    </p>
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
              <ActionForm intent="endorse" hidden={{ canonicalId: v.id }} done={() => <Endorsed title={v.title} />}>
                <Submit aria-label={`${t("values.endorse.button")}: ${v.title}`}>{t("values.endorse.button")}</Submit>
              </ActionForm>
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
