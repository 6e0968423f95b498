import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Feedback, Field } from "../components/forms";
import { useT } from "../i18n";
import { CsrfField } from "../root";
import { act, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { DisplayName, EmailText, NewPassword, PersonalCodeText } from "../../server/trpc/schemas/auth";

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
  const result = await act(request, "signUp", () => context.trpc.auth.signUp(values));
  // The password is never sent back into the page.
  if (!result.ok) return { result, values: { ...values, password: "" } };
  throw redirect("/account");
}

/** Signing up navigates on success, so it is a page form; errors sit at their fields and under the button. */
export default function SignUp() {
  const t = useT();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields = data?.result.error.fields ?? {};
  const password = constraints(NewPassword);
  return (
    <div className="page narrow">
      <h1>{t("signUp.title")}</h1>
      <p>{t("signUp.lead")}</p>
      <Form method="post" className="stack">
        <CsrfField />
        <Field
          name="displayName"
          label={t("signUp.displayName")}
          autoComplete="name"
          {...constraints(DisplayName)}
          defaultValue={data?.values.displayName}
          error={fields.displayName}
        />
        <Field
          name="email"
          type="email"
          label={t("signUp.email")}
          autoComplete="email"
          {...constraints(EmailText)}
          defaultValue={data?.values.email}
          error={fields.email}
        />
        <Field
          name="personalCode"
          label={t("signUp.personalCode")}
          help={t("signUp.personalCodeHelp")}
          inputMode="numeric"
          autoComplete="off"
          {...constraints(PersonalCodeText.optional())}
          defaultValue={data?.values.personalCode}
          error={fields.personalCode}
        />
        <Field
          name="password"
          type="password"
          label={t("signUp.password")}
          help={t("signUp.passwordHelp", { minimum: password.minLength ?? 0 })}
          autoComplete="new-password"
          {...password}
          error={fields.password}
        />
        <button type="submit" disabled={busy}>
          {t("signUp.submit")}
        </button>
        <Feedback result={data?.result} />
      </Form>
      <p>
        {t("signUp.haveAccount")} <Link to="/signin">{t("nav.signIn")}</Link>
      </p>
    </div>
  );
}
