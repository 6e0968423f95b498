import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ValueForm } from "../components/values";
import { useT } from "../i18n";
import { act, type ActionResult, api, readForm, requireRole, text } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  requireRole(request, context.user, "citizen");
  const contexts = await api(request, () => context.trpc.values.contexts());
  const reviseId = url.searchParams.get("revise");
  const revising = reviseId
    ? ((await api(request, () => context.trpc.values.mine())).cards.find((c) => c.id === reviseId && c.status === "active") ?? null)
    : null;
  return { contexts, contextId: revising?.contextId ?? url.searchParams.get("context") ?? undefined, revising };
}

/** Serves every value form (this page's, a guided draft's, a revision's): the gate's answer, with the draft it judged. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  // A policy is one line (a line break pasted into its box becomes a space). Blank policy inputs are left out; an error at the n-th one sent is shown at the input it came from.
  const written = form
    .getAll("policies")
    .map((p, input) => ({ text: typeof p === "string" ? p.replace(/\s+/g, " ").trim() : "", input }))
    .filter((p) => p.text);
  const draft = {
    contextId: text(form, "contextId"),
    title: text(form, "title"),
    description: text(form, "description"),
    policies: written.map((p) => p.text),
    revisionOf: text(form, "revisionOf") || undefined,
  };
  const result: ActionResult = await act(request, "submit", async () => ({ ...(await context.trpc.values.submit(draft)), draft }));
  if (result.ok) return result;
  const fields = Object.fromEntries(
    Object.entries(result.error.fields).map(([name, error]) => {
      const [field, index] = name.split(".");
      return [field === "policies" && index !== undefined ? `policies.${written[Number(index)]?.input ?? index}` : name, error];
    }),
  );
  return { ...result, error: { ...result.error, fields } };
}

export default function WriteValue() {
  const t = useT();
  const { contexts, contextId, revising } = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{revising ? t("values.revise") : t("values.write")}</h1>
      <p>{t("values.lead")}</p>
      <ValueForm contexts={contexts} contextId={contextId} initial={revising ?? undefined} revisionOf={revising?.id} />
      <p>
        <Link to={`/values/guided${contextId ? `?context=${contextId}` : ""}`}>{t("values.guided")}</Link>
      </p>
    </div>
  );
}
