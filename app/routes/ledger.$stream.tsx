import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { actorName, whatHappened } from "../components/ledger-lines";
import { type MessageKey, useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.matter ? `${data.matter.title} · Agora` : "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const stream = params.stream ?? "";
  return api(request, () => context.trpc.ledger.page({ stream }));
}

export default function Ledger() {
  const t = useT();
  const locale = useLocale();
  const { polity, matter, lines, verdict } = useLoaderData<typeof loader>();
  const title = matter || !polity ? t("ledger.matterTitle", { title: matter?.title ?? "—" }) : t("ledger.polityTitle");
  return (
    <div className="page">
      <h1 id="ledger-title">{title}</h1>
      {matter ? (
        <p>
          <Link to={`/matters/${matter.id}`}>{t("ledger.backToMatter")}</Link>
        </p>
      ) : null}
      <p>{t("ledger.lead")}</p>
      {lines.length === 0 ? (
        <p className="empty">{t("ledger.empty")}</p>
      ) : (
        <>
          <p className={verdict.ok ? "alert alert-ok" : "alert alert-error"} role="status">
            {verdict.ok
              ? t("ledger.verified", { length: verdict.length, head: verdict.head.slice(0, 16) })
              : t(verdict.reason === "stream_mismatch" ? "verify.ledger.otherMatter" : (`verify.ledger.${verdict.reason}` as MessageKey), { seq: verdict.seq })}
          </p>
          <ol className="ledger-lines">
            {lines.map((line) => (
              <li key={line.seq} id={`e${line.seq}`} className="ledger-line">
                <span className="ledger-seq" aria-hidden="true">
                  {line.seq}
                </span>
                <div>
                  <p className="ledger-what">{whatHappened(t, line.what)}</p>
                  <p className="card-meta">
                    {actorName(t, line.actor)} · <time dateTime={line.createdAt}>{formatTime(line.createdAt, locale)}</time> · {t("ledger.hash")}{" "}
                    <code title={line.hash}>{line.hash.slice(0, 12)}…</code>
                  </p>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
