import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Field, FormAlert } from "../components/forms";
import { useT } from "../i18n";
import { CsrfField } from "../root";
import { attempt, readForm, text } from "../utils/api.server";

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.user) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const values = {
    displayName: text(form, "displayName"),
    email: text(form, "email"),
    personalCode: text(form, "personalCode"),
    password: text(form, "password"),
  };
  const result = await attempt(request, () => context.trpc.auth.signUp(values));
  if (!result.ok) return { error: result.error, values: { ...values, password: "" } };
  throw redirect("/account");
}

export default function SignUp() {
  const t = useT();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields = data?.error.fields ?? {};
  return (
    <div className="page narrow">
      <h1>{t("signUp.title")}</h1>
      <p>{t("signUp.lead")}</p>
      <FormAlert error={data?.error} />
      <Form method="post" className="stack">
        <CsrfField />
        <Field name="displayName" label={t("signUp.displayName")} autoComplete="name" required maxLength={100} defaultValue={data?.values.displayName} error={fields.displayName} />
        <Field name="email" type="email" label={t("signUp.email")} autoComplete="email" required maxLength={254} defaultValue={data?.values.email} error={fields.email} />
        <Field
          name="personalCode"
          label={t("signUp.personalCode")}
          help={t("signUp.personalCodeHelp")}
          inputMode="numeric"
          maxLength={20}
          defaultValue={data?.values.personalCode}
          error={fields.personalCode}
        />
        <Field
          name="password"
          type="password"
          label={t("signUp.password")}
          help={t("signUp.passwordHelp")}
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={200}
          error={fields.password}
        />
        <button type="submit" disabled={busy}>
          {t("signUp.submit")}
        </button>
      </Form>
      <p>
        {t("signUp.haveAccount")} <Link to="/signin">{t("nav.signIn")}</Link>
      </p>
    </div>
  );
}
