import type { LoaderFunctionArgs } from "@remix-run/node";
import { actorName, whatHappened } from "../components/ledger-lines";
import { Link, useLoaderData } from "@remix-run/react";
import { useLocale, useT } from "../i18n";
import { MatterList } from "../components/matters";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const overview = await api(request, () => context.trpc.desk.overview());
  const [matters, review] = await Promise.all([
    api(request, () => context.trpc.matters.list({ limit: 20 })),
    api(request, () => context.trpc.rulings.forReview()),
  ]);
  return { ...overview, matters, review };
}

export default function Desk() {
  const t = useT();
  const locale = useLocale();
  const { districts, citizens, recent, matters, review } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("desk.title")}</h1>
      {review.length ? (
        <section aria-labelledby="desk-review" className="notice">
          <h2 id="desk-review">{t("desk.review")}</h2>
          <p>{t("desk.reviewLeadActs")}</p>
          <ul>
            {review.map((r) => (
              <li key={r.eli}>
                <Link to={r.eli}>{r.title}</Link> · {t("harm.review", { when: formatTime(r.reviewRequestedAt, locale) })}
                {r.amendedBy.length ? (
                  <>
                    {" "}
                    {t("desk.amendmentUnderway")}{" "}
                    {r.amendedBy.map((m, i) => (
                      <span key={m.id}>
                        {i ? ", " : ""}
                        <Link to={`/matters/${m.id}`}>{m.title}</Link>
                      </span>
                    ))}
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="desk-matters">
        <h2 id="desk-matters">{t("desk.matters")}</h2>
        <p>
          <Link to="/matters/new" className="button">
            {t("matters.new")}
          </Link>
        </p>
        <MatterList matters={matters} headingLevel={3} />
      </section>
      <section aria-labelledby="desk-registry">
        <h2 id="desk-registry">{t("desk.registry")}</h2>
        <div className="table-wrap" role="region" aria-labelledby="desk-registry" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("desk.district")}</th>
                <th scope="col" className="num">
                  {t("desk.citizens")}
                </th>
                <th scope="col" className="num">
                  {t("desk.accounts")}
                </th>
              </tr>
            </thead>
            <tbody>
              {districts.map((d) => (
                <tr key={d.district}>
                  <th scope="row">{d.district}</th>
                  <td className="num">{d.citizens}</td>
                  <td className="num">{d.accounts}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t("desk.total")}</th>
                <td className="num">{citizens}</td>
                <td className="num">{districts.reduce((sum, d) => sum + d.accounts, 0)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
      <section aria-labelledby="desk-recent">
        <h2 id="desk-recent">{t("desk.recent")}</h2>
        {recent.length === 0 ? (
          <p className="empty">{t("desk.noEvents")}</p>
        ) : (
          <ul className="events">
            {recent.map((e) => (
              <li key={e.seq}>
                <Link to={`/ledger/polity#e${e.seq}`}>{whatHappened(t, e.what)}</Link> · {actorName(t, e.actor)} · {formatTime(e.createdAt, locale)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
