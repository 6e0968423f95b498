import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Feedback, Field } from "../components/forms";
import { useT } from "../i18n";
import { CsrfField } from "../root";
import { act, api, readForm, safeNext, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { SignInEmail, SignInPassword } from "../../server/trpc/schemas/auth";

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  return api(request, () => context.trpc.auth.signInOptions(), context.locale);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const email = text(form, "email");
  const result = await act(request, "signIn", () => context.trpc.auth.signIn({ email, password: text(form, "password") }));
  if (!result.ok) return { result, email };
  throw redirect(safeNext(text(form, "next")));
}

/** Signing in navigates on success, so it is a page form; its answer sits under the button. */
export default function SignIn() {
  const t = useT();
  const { oidc } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const fields = data?.result.error.fields ?? {};
  return (
    <div className="page narrow">
      <h1>{t("signIn.title")}</h1>
      {oidc ? <ProviderSignIn provider={oidc.name} next={params.get("next") ?? "/"} /> : null}
      {oidc ? <h2>{t("signIn.orPassword")}</h2> : null}
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="next" value={params.get("next") ?? "/"} />
        <Field
          name="email"
          type="email"
          label={t("signIn.email")}
          autoComplete="username"
          {...constraints(SignInEmail)}
          defaultValue={data?.email}
          error={fields.email}
        />
        <Field
          name="password"
          type="password"
          label={t("signIn.password")}
          autoComplete="current-password"
          {...constraints(SignInPassword)}
          error={fields.password}
        />
        <button type="submit" disabled={busy}>
          {t("signIn.submit")}
        </button>
        <Feedback result={data?.result} />
      </Form>
      <p className="help">{t("signIn.demoHint")}</p>
      <p>
        {t("signIn.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </div>
  );
}

/** The way in for citizens of a real deployment: the polity's identity provider (TARA in Estonia). */
function ProviderSignIn({ provider, next }: { provider: string; next: string }) {
  const t = useT();
  return (
    <div className="stack">
      <p className="help">{t("signIn.providerHint", { provider })}</p>
      <p>
        {/* A document navigation, not a client fetch: it ends at the provider's own pages. */}
        <Link to={`/signin/oidc?next=${encodeURIComponent(next)}`} className="button" reloadDocument>
          {t("signIn.withProvider", { provider })}
        </Link>
      </p>
    </div>
  );
}
