import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { contextTitle, GateReason } from "../components/values";
import { type MessageKey, useLocale, useT } from "../i18n";
import { titleIn } from "../i18n/locales";
import { writtenLang } from "../i18n/written";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";
import { formatTime } from "../utils/format";
import { GATE_REASON_KEYS } from "../../deliberation/values/gate";
import { reasonLanguage } from "../../deliberation/values/gate-reasons";
import type { Verdict } from "../../deliberation/values/types";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { SentenceWith, WithWritten } from "../components/written";

type Representation = inferRouterOutputs<AppRouter>["values"]["mine"]["mandates"][number];

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
  // Only an active value is a card to verify with; what the gate refused, or she revised or withdrew, is history.
  const active = cards.filter((c) => c.status === "active" && c.verdict === "value");
  const earlier = cards.filter((c) => !(c.status === "active" && c.verdict === "value"));
  // Contexts she wrote or endorsed a value in: elsewhere no value of hers could have made a mandate.
  const heldIn = new Set([...cards.filter((c) => c.verdict === "value").map((c) => c.contextId), ...endorsed.map((e) => e.contextId)]);
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
          <ul className="representations">
            {mandates.map((m) => {
              const card = m.values.find((v) => v.cardId)?.cardId;
              return (
                <li key={m.matterId}>
                  <Link to={`/matters/${m.matterId}`}>{t("values.represented", { matter: m.matterTitle, constituency: m.constituency, size: m.size })}</Link>
                  {m.values.length > 0 ? (
                    <ul>
                      {m.values.map((v) => (
                        <li key={v.valueId}>
                          <WithWritten text={t("values.weightOf", { title: v.title, weight: v.percent })} parts={[v.title]} />
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">{t(heldIn.has(m.contextId) ? "values.noValueInMandate" : "values.noValueInContext")}</p>
                  )}
                  {/* Only a card of hers in the mandate can be checked with its id. */}
                  {m.eli && card ? <Link to={`${m.eli}?card=${encodeURIComponent(card)}#verify`}>{t("values.verifyRuling")}</Link> : null}
                </li>
              );
            })}
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
        {active.length === 0 ? <p className="empty">{t("values.none")}</p> : null}
        <ul className="cards">
          {active.map((card) => (
            <li key={card.id} className="card card-active">
              <p className="card-meta">
                {titleIn(locale, { title: card.contextTitle, titleEt: card.contextTitleEt, titleRu: card.contextTitleRu })} ·{" "}
                {formatTime(card.createdAt, locale)}
              </p>
              <div lang={writtenLang(locale, card.title, card.description, ...card.policies)}>
                <h3 className="value-title">{card.title}</h3>
                <p>{card.description}</p>
                <ul className="policies">
                  {card.policies.map((p, i) => (
                    <li key={i}>{p}</li>
                  ))}
                </ul>
              </div>
              <p className="help">
                {t("values.cardId")}{" "}
                <code className="card-id" data-identifier>
                  {card.id}
                </code>
              </p>
              {card.canonical ? (
                <div className="where">
                  <h4>{t("values.whereItWent")}</h4>
                  <p>
                    <Link to={`/graph/${card.contextId}#v-${card.canonical.id}`}>
                      <SentenceWith say={(title) => t(card.canonical?.founded ? "values.founded" : "values.joined", { title })} text={card.canonical.title} />
                    </Link>
                  </p>
                  <CardMandates valueId={card.canonical.id} mandates={mandates} />
                </div>
              ) : null}
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
            </li>
          ))}
        </ul>
        {earlier.length > 0 ? (
          <details className="earlier">
            <summary>{t("values.earlier", { count: earlier.length })}</summary>
            <p className="help">{t("values.earlierHelp")}</p>
            <ul className="attempts">
              {earlier.map((card) => (
                <li key={card.id}>
                  <p className="card-meta">
                    <span className={`badge badge-${card.verdict}`}>{t(`values.verdict.${card.verdict}` as MessageKey)}</span>{" "}
                    {card.status !== "active" ? <span className="badge">{t(`values.status.${card.status}` as MessageKey)}</span> : null} ·{" "}
                    {titleIn(locale, { title: card.contextTitle, titleEt: card.contextTitleEt, titleRu: card.contextTitleRu })} ·{" "}
                    {formatTime(card.createdAt, locale)}
                  </p>
                  <p className="value-title" lang={writtenLang(locale, card.title)}>
                    {card.title}
                  </p>
                  {card.verdict !== "value" ? (
                    // The reason is in the language she wrote it in; on a page in another language, the verdict's own words.
                    reasonLanguage(card.verdictReason) === locale ? (
                      <GateReason reason={card.verdictReason} className="muted" />
                    ) : (
                      <p className="muted">{t(GATE_REASON_KEYS[card.verdict as Verdict])}</p>
                    )
                  ) : null}
                  {card.status === "active" ? (
                    <Link to={`/values/new?revise=${card.id}`}>
                      {t("values.reviseAttempt")}
                      <span className="visually-hidden">: {card.title}</span>
                    </Link>
                  ) : card.status === "revised" ? (
                    <p className="help">{t("values.revisedAlready")}</p>
                  ) : null}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
    </div>
  );
}

/** Which mandates a card's value went into, with its weight there, or that it is in none yet. */
function CardMandates({ valueId, mandates }: { valueId: string; mandates: Representation[] }) {
  const t = useT();
  const holding = mandates.flatMap((m) => m.values.filter((v) => v.valueId === valueId).map((v) => ({ m, v })));
  if (holding.length === 0) return <p className="muted">{t("values.notInMandate")}</p>;
  return (
    <ul>
      {holding.map(({ m, v }) => (
        <li key={m.matterId}>{t("values.cardInMandate", { matter: m.matterTitle, constituency: m.constituency, weight: v.percent })}</li>
      ))}
    </ul>
  );
}
