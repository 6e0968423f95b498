import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo, useState } from "react";
import { ActionForm, Feedback, Submit, TextField } from "../components/forms";
import { type ContextOption, ContextSelect, ValueForm } from "../components/values";
import { type Translate, translator, useLocale, useT } from "../i18n";
import { GuidedAnswers } from "../../server/trpc/schemas/values";
import { act, api, readForm, requireRole, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context.user, "citizen");
  const contexts = await api(request, () => context.trpc.values.contexts());
  return { contexts, contextId: new URL(request.url).searchParams.get("context") ?? contexts[0]?.id };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const answers = {
    contextId: text(form, "contextId"),
    choice: text(form, "choice"),
    noticed: text(form, "noticed"),
    mattered: text(form, "mattered"),
    locale: context.locale,
  };
  return act(request, "draft", async () => ({ ...(await context.trpc.values.draft(answers)), contextId: answers.contextId }));
}

type Drafted = inferRouterOutputs<AppRouter>["values"]["draft"] & { contextId: string };

const QUESTIONS = ["choice", "noticed", "mattered"] as const;

function adviceText(t: Translate, advice: Drafted["guidance"][number]): string {
  switch (advice.code) {
    case "add_policies":
      return t("values.guided.advice.addPolicies", { count: advice.count });
    case "name_value":
      return t("values.guided.advice.nameValue");
    case "shorten_title":
      return t("values.guided.advice.shortenTitle");
    case "describe":
      return t("values.guided.advice.describe");
  }
}

/** What her answers left out of the draft, said in the language she wrote in, like the draft itself. */
function DraftAdvice({ drafted }: { drafted: Drafted }) {
  const page = useLocale();
  if (drafted.guidance.length === 0) return null;
  const t = translator(drafted.language);
  return (
    <section className="notice draft-advice" aria-labelledby="draft-advice" lang={drafted.language === page ? undefined : drafted.language}>
      <h2 id="draft-advice">{t("values.guided.advice.title")}</h2>
      <ul>
        {drafted.guidance.map((advice) => (
          <li key={advice.code}>{adviceText(t, advice)}</li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The drafted card, to edit and submit. "Here is your draft" is said (and focused) once, when the draft
 * comes; once the card is taken as a value it goes, so the focus stays on the answer to the card.
 */
function GuidedDraft({ drafted, contexts }: { drafted: Drafted; contexts: ContextOption[] }) {
  const t = useT();
  // One result for the draft: a new object on every render would take the focus back to this message.
  const result = useMemo(() => ({ intent: "draft", ok: true as const, data: drafted }), [drafted]);
  const [accepted, setAccepted] = useState(false);
  return (
    <>
      {accepted ? null : (
        <>
          <Feedback result={result} success={t("values.guided.draftReady")} />
          <DraftAdvice drafted={drafted} />
        </>
      )}
      <ValueForm contexts={contexts} contextId={drafted.contextId} initial={drafted.draft} onAccepted={() => setAccepted(true)} />
    </>
  );
}

export default function Guided() {
  const t = useT();
  const locale = useLocale();
  const { contexts, contextId } = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{t("values.guided.title")}</h1>
      <p>{t("values.guided.lead")}</p>
      <ActionForm<Drafted> intent="draft" className="stack" done={(drafted) => <GuidedDraft drafted={drafted} contexts={contexts} />}>
        <ContextSelect id="g-context" contexts={contexts} locale={locale} defaultValue={contextId} />
        {QUESTIONS.map((name) => (
          <TextField
            key={name}
            name={name}
            id={`g-${name}`}
            label={t(`values.guided.${name}`)}
            rows={name === "mattered" ? 2 : 4}
            {...constraints(GuidedAnswers.shape[name])}
          />
        ))}
        <Submit>{t("values.guided.submit")}</Submit>
      </ActionForm>
    </div>
  );
}
