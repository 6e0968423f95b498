import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { contextTitle } from "../components/values";
import { type MessageKey, useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [mine, contexts] = await Promise.all([api(request, () => context.trpc.values.mine()), api(request, () => context.trpc.values.contexts())]);
  return { ...mine, contexts };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const result = await attempt(request, () => context.trpc.values.withdraw({ cardId: text(form, "cardId") }));
  return result.ok ? { error: null, withdrawn: true } : { error: result.error, withdrawn: false };
}

export default function MyValues() {
  const t = useT();
  const locale = useLocale();
  const { cards, endorsed, judgments, contexts, mandates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="page">
      <h1>{t("values.title")}</h1>
      <p>{t("values.lead")}</p>
      <FormAlert error={result?.error} />
      {result?.withdrawn ? (
        <p className="alert alert-ok" role="status">
          {t("values.withdrawn")}
        </p>
      ) : null}

      {mandates.length > 0 ? (
        <section aria-labelledby="mandates-heading">
          <h2 id="mandates-heading">{t("values.mandates")}</h2>
          <ul>
            {mandates.map((m) => (
              <li key={m.matterId}>
                <Link to={`/matters/${m.matterId}`}>
                  {m.valueIds.length > 0
                    ? t("values.inMandate", { matter: m.matterTitle, constituency: m.constituency, weight: Math.round(m.weight * 100), size: m.size })
                    : t("values.notInThisMandate", { matter: m.matterTitle, constituency: m.constituency, size: m.size })}
                </Link>
                {m.eli ? (
                  <>
                    {" "}
                    <Link to={`${m.eli}#verify`}>{t("values.verifyRuling")}</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="contexts-heading">
        <h2 id="contexts-heading">{t("values.contexts")}</h2>
        <ul className="context-list">
          {contexts.map((c) => (
            <li key={c.id} className="card">
              <h3>{contextTitle(c, locale)}</h3>
              <p className="muted">{t("values.contextValues", { count: c.values })}</p>
              <ul className="actions">
                <li>
                  <Link to={`/values/new?context=${c.id}`}>{t("values.write")}</Link>
                </li>
                <li>
                  <Link to={`/values/endorse?context=${c.id}`}>{t("values.endorse")}</Link>
                </li>
                <li>
                  <Link to={`/values/judge?context=${c.id}`}>{t("values.judge")}</Link>
                </li>
                <li>
                  <Link to={`/graph/${c.id}`}>{t("values.graph")}</Link>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="cards-heading">
        <h2 id="cards-heading">{t("nav.values")}</h2>
        <p>{t("values.endorsedCount", { count: endorsed.length, judgments })}</p>
        {cards.length === 0 ? <p className="empty">{t("values.none")}</p> : null}
        <ul className="cards">
          {cards.map((card) => (
            <li key={card.id} className={`card card-${card.status}`}>
              <p className="card-meta">
                <span className={`badge badge-${card.verdict}`}>{t(`values.verdict.${card.verdict}` as MessageKey)}</span>{" "}
                <span className="badge">{t(`values.status.${card.status}` as MessageKey)}</span> · {card.contextTitle} · {formatTime(card.createdAt, locale)}
              </p>
              <h3 className="value-title">{card.title}</h3>
              <p>{card.description}</p>
              <ul className="policies">
                {card.policies.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
              {card.verdict !== "value" ? <p className="muted">{card.verdictReason}</p> : null}
              <p className="help">
                {t("values.cardId")} <code className="card-id">{card.id}</code>
              </p>
              {card.canonical ? (
                <div className="where">
                  <h4>{t("values.whereItWent")}</h4>
                  <p>
                    <Link to={`/graph/${card.contextId}#v-${card.canonical.id}`}>
                      {card.canonical.founded ? t("values.founded", { title: card.canonical.title }) : t("values.joined", { title: card.canonical.title })}
                    </Link>
                  </p>
                  <CardMandates mandates={mandates.filter((m) => m.valueIds.includes(card.canonical!.id))} />
                </div>
              ) : null}
              {card.status === "active" ? (
                <div className="row">
                  <Link to={`/values/new?revise=${card.id}`} className="button button-secondary">
                    {t("values.revise")}
                  </Link>
                  <Form method="post">
                    <CsrfField />
                    <input type="hidden" name="cardId" value={card.id} />
                    <button type="submit" className="button-secondary" aria-label={`${t("values.withdraw")}: ${card.title}`}>
                      {t("values.withdraw")}
                    </button>
                  </Form>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** Which mandates a card's value went into, or that it is in none yet. */
function CardMandates({ mandates }: { mandates: { matterId: string; matterTitle: string; constituency: string }[] }) {
  const t = useT();
  if (mandates.length === 0) return <p className="muted">{t("values.notInMandate")}</p>;
  return (
    <ul>
      {mandates.map((m) => (
        <li key={m.matterId}>{t("values.cardInMandate", { matter: m.matterTitle, constituency: m.constituency })}</li>
      ))}
    </ul>
  );
}
