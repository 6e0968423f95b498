import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { descriptionIn } from "../i18n/locales";
import { api } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { contexts: await api(request, () => context.trpc.values.contexts()) };
}

export default function Graphs() {
  const t = useT();
  const locale = useLocale();
  const { contexts } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("graph.title")}</h1>
      <p>{t("graph.lead")}</p>
      <ul className="cards">
        {contexts.map((c) => (
          <li key={c.id} className="card">
            <h2 className="value-title">
              <Link to={`/graph/${c.id}`}>{contextTitle(c, locale)}</Link>
            </h2>
            <p>{descriptionIn(locale, c)}</p>
            <p className="muted">{t("values.contextValues", { count: c.values })}</p>
          </li>
        ))}
      </ul>
      <h2>{t("graph.exports")}</h2>
      <ul className="actions">
        {["values.csv", "values.json", "endorsements.csv", "judgments.csv", "judgments.json"].map((f) => (
          <li key={f}>
            <a href={`/api/exports/${f}`} download>
              {f}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
