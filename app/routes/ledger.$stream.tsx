import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const stream = params.stream ?? "";
  const [events, verdict] = await Promise.all([
    api(request, () => context.trpc.ledger.read({ stream, afterSeq: 0, limit: 1000 })),
    api(request, () => context.trpc.ledger.verify({ stream })),
  ]);
  return { stream, events, verdict };
}

export default function Ledger() {
  const t = useT();
  const locale = useLocale();
  const { stream, events, verdict } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1 id="ledger-title">{t("ledger.title", { stream })}</h1>
      <p>{t("ledger.lead")}</p>
      {events.length === 0 ? (
        <p className="empty">{t("ledger.empty")}</p>
      ) : (
        <>
          <p className={verdict.ok ? "alert alert-ok" : "alert alert-error"} role="status">
            {verdict.ok ? t("ledger.verified", { length: verdict.length, head: verdict.head.slice(0, 16) + "…" }) : t("ledger.broken", { seq: verdict.seq, reason: verdict.reason })}
          </p>
          <div className="table-wrap" role="region" aria-labelledby="ledger-title" tabIndex={0}>
            <table className="ledger">
              <thead>
                <tr>
                  <th scope="col">{t("ledger.seq")}</th>
                  <th scope="col">{t("ledger.type")}</th>
                  <th scope="col">{t("ledger.actor")}</th>
                  <th scope="col">{t("ledger.when")}</th>
                  <th scope="col">{t("ledger.hash")}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.seq} id={`e${e.seq}`}>
                    <td>{e.seq}</td>
                    <td>
                      <code>{e.type}</code>
                    </td>
                    <td className="break">{e.actor}</td>
                    <td>{formatTime(e.createdAt, locale)}</td>
                    <td>
                      <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
