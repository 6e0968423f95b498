import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { inferRouterOutputs } from "@trpc/server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ActionForm, Field, Submit } from "../components/forms";
import { ContextSelect, ValueCard } from "../components/values";
import { useLocale, useT } from "../i18n";
import { act, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { formatTime } from "../utils/format";
import { SplitReason } from "../../server/trpc/schemas/merges";
import type { AppRouter } from "../../server/trpc/router.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const contexts = await api(request, () => context.trpc.values.contexts());
  const contextId = new URL(request.url).searchParams.get("context") ?? contexts[0]?.id;
  const merges = await api(request, () => context.trpc.values.merges({ contextId, limit: 50 }));
  return { merges, contexts, contextId };
}

/** One form per merge; the intent names the card, so without JavaScript the answer still lands at its form. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  return act(request, text(form, "intent").slice(0, 100), () => context.trpc.values.split({ cardId: text(form, "cardId"), reason: text(form, "reason") }));
}

type Merge = inferRouterOutputs<AppRouter>["values"]["merges"][number];

/**
 * The merges seen on this visit, in the order first seen: a split card leaves the loader's list, but
 * stays on screen with its confirmation where the clerk acted.
 */
function useSeenMerges(contextId: string | undefined, merges: Merge[]): Merge[] {
  const seen = useRef({ contextId, merges: new Map<string, Merge>() });
  if (seen.current.contextId !== contextId) seen.current = { contextId, merges: new Map() };
  for (const m of merges) seen.current.merges.set(m.cardId, m);
  return [...seen.current.merges.values()];
}

/** Where the split form was: the confirmation, focused so the keyboard stays where the news is. */
function SplitDone() {
  const t = useT();
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p ref={ref} tabIndex={-1} className="alert alert-ok feedback" role="status">
      {t("merges.done")}
    </p>
  );
}

/** The clerk reviews automatic merges of near-duplicate cards and splits a wrong one. */
export default function Merges() {
  const t = useT();
  const locale = useLocale();
  const { merges, contexts, contextId } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const shown = useSeenMerges(contextId, merges);
  const reason = constraints(SplitReason);
  // Without JavaScript the page reloads after a split, and the card is no longer listed: say so here.
  const splitWithoutScript = posted?.ok && !shown.some((m) => `split:${m.cardId}` === posted.intent);
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
      {splitWithoutScript ? (
        <p className="alert alert-ok" role="status">
          {t("merges.done")}
        </p>
      ) : null}
      {shown.length === 0 ? <p className="empty">{t("merges.none")}</p> : null}
      <ul className="cards">
        {shown.map((m) => (
          <li key={m.cardId} className="card merge">
            <p className="card-meta">
              {formatTime(m.createdAt, locale)} · {t("merges.similarity", { value: m.similarity ?? 0 })}
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
            <ActionForm
              intent={`split:${m.cardId}`}
              hidden={{ cardId: m.cardId }}
              // Posted without JavaScript, the page comes back on the same context.
              action={contextId ? `/merges?context=${encodeURIComponent(contextId)}` : undefined}
              className="split-form"
              done={() => <SplitDone />}
            >
              <Field id={`reason-${m.cardId}`} name="reason" label={t("merges.reason")} help={t("merges.reasonHelp")} {...reason} />
              <Submit className="button-secondary" busyLabel={t("merges.splitting")}>
                {t("merges.split")}
              </Submit>
            </ActionForm>
          </li>
        ))}
      </ul>
    </div>
  );
}
