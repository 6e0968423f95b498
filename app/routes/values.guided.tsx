import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActionForm, Feedback, Submit, TextField } from "../components/forms";
import { ContextSelect, ValueForm } from "../components/values";
import { useLocale, useT } from "../i18n";
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
  const answers = { contextId: text(form, "contextId"), choice: text(form, "choice"), noticed: text(form, "noticed"), mattered: text(form, "mattered") };
  return act(request, "draft", async () => ({ ...(await context.trpc.values.draft(answers)), contextId: answers.contextId }));
}

type Drafted = inferRouterOutputs<AppRouter>["values"]["draft"] & { contextId: string };

const QUESTIONS = ["choice", "noticed", "mattered"] as const;

export default function Guided() {
  const t = useT();
  const locale = useLocale();
  const { contexts, contextId } = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{t("values.guided.title")}</h1>
      <p>{t("values.guided.lead")}</p>
      <ActionForm<Drafted>
        intent="draft"
        className="stack"
        done={(drafted) => (
          <>
            <Feedback result={{ intent: "draft", ok: true, data: drafted }} success={t("values.guided.draftReady")} />
            <ValueForm contexts={contexts} contextId={drafted.contextId} initial={drafted.draft} />
          </>
        )}
      >
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
