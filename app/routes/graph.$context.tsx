import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { GraphPicture } from "../components/graph-picture";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { descriptionIn } from "../i18n/locales";
import { writtenLang } from "../i18n/written";
import { formatPercent } from "../utils/format";
import { api } from "../utils/api.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return api(request, () => context.trpc.graph.view({ contextId: params.context ?? "" }));
}

/** Values the picture can name legibly on its circle: the best ranked up to here, and hers; the list has them all. */
const PICTURE_LIMIT = 12;

/** Wide enough for the picture beside the table; below it the ranked list is the page and the picture waits behind a disclosure. */
const WIDE = "(min-width: 48em)";

function useWide(): boolean {
  // Narrow until the browser says otherwise: a phone never flashes the picture open before it folds.
  const [wide, setWide] = useState(false);
  useEffect(() => {
    const query = window.matchMedia(WIDE);
    setWide(query.matches);
    const change = () => setWide(query.matches);
    query.addEventListener("change", change);
    return () => query.removeEventListener("change", change);
  }, []);
  return wide;
}

export default function ContextGraph() {
  const t = useT();
  const locale = useLocale();
  const { context, values, edges, judgments, total, limit } = useLoaderData<typeof loader>();
  // The best ranked fill the limit; what follows them is hers, wherever it ranks.
  const top = Math.min(limit, total);
  const yours = Math.max(0, values.length - top);
  const pictured = values.filter((v, i) => i < PICTURE_LIMIT || v.mine);
  const picturedIds = new Set(pictured.map((v) => v.id));
  const picturedEdges = edges.filter((e) => picturedIds.has(e.from) && picturedIds.has(e.to));
  const picturedTop = Math.min(PICTURE_LIMIT, values.length);
  const title = contextTitle(context, locale);
  const wide = useWide();
  const [pictureOpen, setPictureOpen] = useState<boolean | null>(null);
  return (
    <div className="page">
      <p>
        <Link to="/graph">{t("graph.title")}</Link>
      </p>
      <h1>{t("graph.contextTitle", { context: title })}</h1>
      <p>{descriptionIn(locale, context)}</p>
      {values.length === 0 ? (
        <p className="empty">{t("graph.empty")}</p>
      ) : (
        <>
          <p>
            {total > limit
              ? `${t("graph.shown", { shown: top, total, yours })} ${t("graph.shownEdges", { edges: edges.length, judgments })}`
              : t("graph.summary", { values: total, edges: edges.length, judgments })}
          </p>
          <div className="graph-layout">
            <details className="graph-disclosure" open={pictureOpen ?? wide} onToggle={(e) => setPictureOpen(e.currentTarget.open)}>
              <summary>{t("graph.showPicture")}</summary>
              <figure className="graph-figure">
                <GraphPicture nodes={pictured} edges={picturedEdges} label={`${t("graph.picture")}: ${title}`} compact={!wide} yours={t("graph.yours")} />
                <figcaption className="help">
                  {pictured.length < values.length
                    ? `${t("graph.pictured", { shown: picturedTop, yours: pictured.length - picturedTop })} ${t("graph.pictureHelp")}`
                    : t("graph.pictureHelp")}
                </figcaption>
              </figure>
            </details>
            <section aria-labelledby="ranking" className="ranking">
              <h2 id="ranking">{t("graph.ranking")}</h2>
              <p className="help">
                {t("graph.listHelp")} {t("graph.supportHelp")}
              </p>
              <ol className="graph-list">
                {values.map((v) => (
                  <li key={v.id} id={wide ? undefined : `v-${v.id}`} className={v.mine ? "graph-entry mine" : "graph-entry"}>
                    <p className="graph-entry-head">
                      <span className="graph-rank">{v.rank ?? t("graph.unranked")}</span>
                      <strong className="value-title" lang={writtenLang(locale, v.title, v.description, ...v.policies)}>
                        {v.title}
                      </strong>
                      {v.mine ? <span className="badge badge-mine">{t("graph.yours")}</span> : null}
                    </p>
                    <dl className="graph-figures">
                      <div>
                        <dt>{t("graph.score")}</dt>
                        <dd>{formatPercent(v.score, locale, 1)}</dd>
                      </div>
                      <div>
                        <dt>{t("graph.support")}</dt>
                        <dd>{v.support}</dd>
                      </div>
                      <div>
                        <dt>{t("graph.dissent")}</dt>
                        <dd>{v.dissent}</dd>
                      </div>
                    </dl>
                    <details>
                      <summary>{t("graph.details")}</summary>
                      <div lang={writtenLang(locale, v.title, v.description, ...v.policies)}>
                        <p>{v.description}</p>
                        <ul className="policies">
                          {v.policies.map((p, i) => (
                            <li key={i}>{p}</li>
                          ))}
                        </ul>
                      </div>
                    </details>
                  </li>
                ))}
              </ol>
              <div className="table-wrap graph-table" role="region" aria-labelledby="ranking" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        {t("graph.rank")}
                      </th>
                      <th scope="col">{t("graph.value")}</th>
                      <th scope="col" className="num">
                        {t("graph.score")}
                      </th>
                      <th scope="col" className="num">
                        {t("graph.support")}
                      </th>
                      <th scope="col" className="num">
                        {t("graph.dissent")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {values.map((v) => (
                      <tr key={v.id} id={wide ? `v-${v.id}` : undefined} className={v.mine ? "mine" : undefined}>
                        <td className="num">{v.rank ?? t("graph.unranked")}</td>
                        <th scope="row">
                          <details>
                            <summary>
                              <span lang={writtenLang(locale, v.title, v.description, ...v.policies)}>{v.title}</span>
                              {v.mine ? <span className="badge badge-mine">{t("graph.yours")}</span> : null}
                            </summary>
                            <div lang={writtenLang(locale, v.title, v.description, ...v.policies)}>
                              <p>{v.description}</p>
                              <ul className="policies">
                                {v.policies.map((p, i) => (
                                  <li key={i}>{p}</li>
                                ))}
                              </ul>
                            </div>
                          </details>
                        </th>
                        <td className="num">{formatPercent(v.score, locale, 1)}</td>
                        <td className="num">{v.support}</td>
                        <td className="num">{v.dissent}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </div>
        </>
      )}
    </div>
  );
}
