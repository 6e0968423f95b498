import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GraphPicture } from "../components/graph-picture";
import { contextTitle } from "../components/values";
import { useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return api(request, () => context.trpc.graph.view({ contextId: params.context ?? "" }));
}

export default function ContextGraph() {
  const t = useT();
  const locale = useLocale();
  const { context, values, edges, judgments } = useLoaderData<typeof loader>();
  const title = contextTitle(context, locale);
  return (
    <div className="page">
      <p>
        <Link to="/graph">{t("graph.title")}</Link>
      </p>
      <h1>{t("graph.contextTitle", { context: title })}</h1>
      <p>{context.description}</p>
      {values.length === 0 ? (
        <p className="empty">{t("graph.empty")}</p>
      ) : (
        <>
          <p>{t("graph.summary", { values: values.length, edges: edges.length, judgments })}</p>
          <div className="graph-layout">
            <figure className="graph-figure">
              <GraphPicture nodes={values} edges={edges} label={`${t("graph.picture")}: ${title}`} />
              <figcaption className="help">{t("graph.pictureHelp")}</figcaption>
            </figure>
            <section aria-labelledby="ranking" className="ranking">
              <h2 id="ranking">{t("graph.ranking")}</h2>
              <p className="help">{t("graph.supportHelp")}</p>
              <div className="table-wrap" role="region" aria-labelledby="ranking" tabIndex={0}>
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
                      <tr key={v.id} id={`v-${v.id}`}>
                        <td className="num">{v.rank ?? t("graph.unranked")}</td>
                        <th scope="row">
                          <details>
                            <summary>{v.title}</summary>
                            <p>{v.description}</p>
                            <ul className="policies">
                              {v.policies.map((p, i) => (
                                <li key={i}>{p}</li>
                              ))}
                            </ul>
                          </details>
                        </th>
                        <td className="num">{(v.score * 100).toFixed(1)}</td>
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
