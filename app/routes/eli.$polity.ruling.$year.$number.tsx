import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.ruling.title} · Agora` : "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const ruling = await api(request, () => context.trpc.rulings.get({ eli }));
  return { ruling };
}

/** A published ruling at its European Legislation Identifier. */
export default function RulingPage() {
  const t = useT();
  const locale = useLocale();
  const { ruling } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <p className="card-meta">
        <span className={`badge badge-status-${ruling.status}`}>{t(`rulings.status.${ruling.status}` as MessageKey)}</span>
        {ruling.emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null} · <code>{ruling.eli}</code>
      </p>
      <h1>{ruling.title}</h1>
      <p>{t("rulings.published", { when: formatTime(ruling.publishedAt, locale) })}</p>
      {ruling.sunsetAt ? <p className="notice">{t("rulings.sunset", { when: formatTime(ruling.sunsetAt, locale) })}</p> : null}
      <blockquote className="rule-text">{ruling.text}</blockquote>
      <section aria-labelledby="files">
        <h2 id="files">{t("rulings.files")}</h2>
        <ul>
          <li>
            <a href={`/api/rulings/${ruling.id}/bundle.json`} download>
              {t("rulings.bundle")}
            </a>
          </li>
          <li>
            <a href={`${ruling.eli}/akn.xml`}>{t("rulings.akn")}</a>
          </li>
          <li>
            <Link to={`/rooms/${ruling.matterId}`}>{t("rulings.room")}</Link> · <Link to={`/ledger/${ruling.matterId}`}>{t("matters.ledger")}</Link>
          </li>
        </ul>
        <p className="help">{t("rulings.verifyHow")}</p>
      </section>
    </div>
  );
}
