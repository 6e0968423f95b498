import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { ContextSelect, ValueCard } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const contexts = await api(request, () => context.trpc.values.contexts());
  const contextId = new URL(request.url).searchParams.get("context") ?? contexts[0]?.id;
  const merges = await api(request, () => context.trpc.values.merges({ contextId, limit: 50 }));
  return { merges, contexts, contextId };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const result = await attempt(request, () => context.trpc.values.split({ cardId: text(form, "cardId"), reason: text(form, "reason") }));
  return result.ok ? { error: null, split: true } : { error: result.error, split: false };
}

/** The clerk reviews automatic merges of near-duplicate cards and splits a wrong one. */
export default function Merges() {
  const t = useT();
  const locale = useLocale();
  const { merges, contexts, contextId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page">
      <h1>{t("merges.title")}</h1>
      <p>{t("merges.lead")}</p>
      <Form method="get" className="search">
        <ContextSelect id="merges-context" name="context" contexts={contexts} locale={locale} defaultValue={contextId} />
        <button type="submit" className="button-secondary">
          {t("merges.show")}
        </button>
      </Form>
      <FormAlert error={result?.error} />
      {result?.split ? (
        <p className="alert alert-ok" role="status">
          {t("merges.done")}
        </p>
      ) : null}
      {merges.length === 0 ? <p className="empty">{t("merges.none")}</p> : null}
      <ul className="cards">
        {merges.map((m) => (
          <li key={m.cardId} className="card merge">
            <p className="card-meta">
              {formatTime(m.createdAt, locale)} · {t("merges.similarity", { value: (m.similarity ?? 0).toFixed(2) })}
            </p>
            <div className="pair">
              <section>
                <h2 className="pair-label">{t("merges.card")}</h2>
                <ValueCard card={m.card} />
              </section>
              <section>
                <h2 className="pair-label">{t("merges.into")}</h2>
                <ValueCard card={{ title: m.canonical.title, description: "", policies: m.canonical.policies }} />
              </section>
            </div>
            <Form method="post" className="row">
              <CsrfField />
              <input type="hidden" name="cardId" value={m.cardId} />
              <label htmlFor={`reason-${m.cardId}`} className="visually-hidden">
                {t("merges.reason")}
              </label>
              <input id={`reason-${m.cardId}`} name="reason" required minLength={3} maxLength={600} placeholder={t("merges.reason")} />
              <button type="submit" className="button-secondary" disabled={busy}>
                {t("merges.split")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
