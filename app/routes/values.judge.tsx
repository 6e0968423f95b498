import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ActionForm, Submit, TextField, useFormErrors, fieldMessage } from "../components/forms";
import { contextTitle, ValueCard } from "../components/values";
import { WithWritten } from "../components/written";
import { useLocale, useT } from "../i18n";
import { Judge as JudgeInput } from "../../server/trpc/schemas/values";
import { storyLanguage } from "../../deliberation/values/stories";
import { act, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const contexts = await api(request, () => context.trpc.values.contexts());
  const contextId = new URL(request.url).searchParams.get("context") ?? contexts[0]?.id ?? "";
  const current = contexts.find((c) => c.id === contextId);
  if (!current) throw new Response("There is no such choice context.", { status: 404 });
  const [pair] = await api(request, () => context.trpc.values.pairs({ contextId, limit: 1 }));
  // The story is told in the cards' language, which may not be the page's: it is marked so it is read aloud right.
  return { context: current, pair: pair ?? null, storyLanguage: pair ? storyLanguage(pair.from, pair.to) : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  return act(request, "judge", () =>
    context.trpc.values.judge({
      pairId: text(form, "pairId"),
      answer: text(form, "answer") as "wiser" | "not_wiser" | "unsure",
      why: text(form, "why") || undefined,
    }),
  );
}

const ANSWERS = ["wiser", "not_wiser", "unsure"] as const;

/** The three answers; a missing one is said at the question. */
function Answers({ from, to }: { from: string; to: string }) {
  const t = useT();
  const error = fieldMessage(t, useFormErrors().answer);
  return (
    <fieldset className="answers" aria-describedby={error ? "answer-error" : undefined}>
      <legend>
        <WithWritten text={t("values.judge.question", { from, to })} parts={[from, to]} />
      </legend>
      {ANSWERS.map((answer) => (
        <label key={answer} className="check">
          <input type="radio" name="answer" value={answer} required aria-invalid={error ? true : undefined} /> {t(`values.judge.${answer}`)}
        </label>
      ))}
      {error ? (
        <p id="answer-error" className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export default function Judge() {
  const t = useT();
  const locale = useLocale();
  const { context, pair, storyLanguage: storyLang } = useLoaderData<typeof loader>();
  const title = contextTitle(context, locale);
  return (
    <div className="page">
      <h1>{t("values.judge.title")}</h1>
      <p>{t("values.judge.lead", { context: title })}</p>
      {!pair ? (
        <p className="empty" role="status">
          {t("values.judge.none")}
        </p>
      ) : (
        // One form for every pair: after a judgment the next pair comes in place, and the confirmation stays by the button.
        <ActionForm intent="judge" className="stack" hidden={{ pairId: pair.id }} success={t("values.judge.recorded")} resetOnSuccess>
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
            <blockquote lang={storyLang && storyLang !== locale ? storyLang : undefined}>
              {/* The titles it quotes are in their cards' languages, which may not be the story's. */}
              <WithWritten text={pair.story} parts={[pair.from.title, pair.to.title]} base={storyLang} />
            </blockquote>
          </section>
          <Answers from={pair.from.title} to={pair.to.title} />
          <TextField name="why" id="why" label={t("values.judge.why")} rows={2} {...constraints(JudgeInput.shape.why)} />
          <Submit>{t("values.judge.submit")}</Submit>
        </ActionForm>
      )}
      <p>
        <Link to={`/graph/${context.id}`}>{t("values.graph")}</Link>
      </p>
    </div>
  );
}
