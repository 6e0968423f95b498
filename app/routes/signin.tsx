import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, FormAlert } from "../components/forms";
import { useT } from "../i18n";
import { CsrfField } from "../root";
import { attempt, readForm, safeNext, text } from "../utils/api.server";

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const result = await attempt(request, () => context.trpc.auth.signIn({ email: text(form, "email"), password: text(form, "password") }));
  if (!result.ok) return { error: result.error, email: text(form, "email") };
  throw redirect(safeNext(text(form, "next")));
}

export default function SignIn() {
  const t = useT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <h1>{t("signIn.title")}</h1>
      <FormAlert error={data?.error} />
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="next" value={params.get("next") ?? "/"} />
        <Field name="email" type="email" label={t("signIn.email")} autoComplete="username" required maxLength={254} defaultValue={data?.email} />
        <Field name="password" type="password" label={t("signIn.password")} autoComplete="current-password" required maxLength={200} />
        <button type="submit" disabled={busy}>
          {t("signIn.submit")}
        </button>
      </Form>
      <p className="help">{t("signIn.demoHint")}</p>
      <p>
        {t("signIn.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </div>
  );
}
