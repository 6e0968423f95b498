import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useT } from "../i18n";
import { api } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return api(request, () => context.trpc.auth.profile());
}

export default function Account() {
  const t = useT();
  const profile = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{t("account.title")}</h1>
      <dl className="facts">
        <dt>{t("signUp.displayName")}</dt>
        <dd>{profile.displayName}</dd>
        <dt>{t("account.email")}</dt>
        <dd>{profile.email}</dd>
        <dt>{t("account.roles")}</dt>
        <dd>{profile.roles.map((r) => t(`role.${r}`)).join(", ")}</dd>
        <dt>{t("account.citizen")}</dt>
        <dd>{profile.citizen ? `${profile.citizen.fullName}, ${t("account.district")}: ${profile.citizen.district}` : t("account.notLinked")}</dd>
      </dl>
    </div>
  );
}
