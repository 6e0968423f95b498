import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { contextTitle, ValueCard } from "../components/values";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const contexts = await api(request, () => context.trpc.values.contexts());
  const contextId = new URL(request.url).searchParams.get("context") ?? contexts[0]?.id ?? "";
  const current = contexts.find((c) => c.id === contextId);
  if (!current) throw new Response("There is no such choice context.", { status: 404 });
  const [pair] = await api(request, () => context.trpc.values.pairs({ contextId, limit: 1 }));
  return { context: current, pair: pair ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const answer = text(form, "answer");
  const result = await attempt(request, () =>
    context.trpc.values.judge({ pairId: text(form, "pairId"), answer: answer as "wiser" | "not_wiser" | "unsure", why: text(form, "why") || undefined }),
  );
  return result.ok ? { error: null, recorded: true } : { error: result.error, recorded: false };
}

export default function Judge() {
  const t = useT();
  const locale = useLocale();
  const { context, pair } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const title = contextTitle(context, locale);
  return (
    <div className="page">
      <h1>{t("values.judge.title")}</h1>
      <p>{t("values.judge.lead", { context: title })}</p>
      {result?.recorded ? (
        <p className="alert alert-ok" role="status">
          {t("values.judge.recorded")}
        </p>
      ) : null}
      <FormAlert error={result?.error} />
      {!pair ? (
        <p className="empty">{t("values.judge.none")}</p>
      ) : (
        <Form method="post" className="stack" key={pair.id}>
          <CsrfField />
          <input type="hidden" name="pairId" value={pair.id} />
          <div className="pair">
            <section aria-labelledby="pair-from">
              <h2 id="pair-from" className="pair-label">
                {t("values.judge.from")}
              </h2>
              <ValueCard card={pair.from} />
            </section>
            <section aria-labelledby="pair-to">
              <h2 id="pair-to" className="pair-label">
                {t("values.judge.to")}
              </h2>
              <ValueCard card={pair.to} />
            </section>
          </div>
          <section aria-labelledby="pair-story" className="story">
            <h2 id="pair-story">{t("values.judge.story")}</h2>
            <blockquote>{pair.story}</blockquote>
          </section>
          <fieldset className="answers">
            <legend>{t("values.judge.question", { from: pair.from.title, to: pair.to.title })}</legend>
            {(["wiser", "not_wiser", "unsure"] as const).map((answer) => (
              <label key={answer} className="check">
                <input type="radio" name="answer" value={answer} required /> {t(`values.judge.${answer}`)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="why">{t("values.judge.why")}</label>
            <textarea id="why" name="why" rows={2} maxLength={600} />
          </div>
          <button type="submit" disabled={busy}>
            {t("values.judge.submit")}
          </button>
        </Form>
      )}
      <p>
        <Link to={`/graph/${context.id}`}>{t("values.graph")}</Link>
      </p>
    </div>
  );
}
