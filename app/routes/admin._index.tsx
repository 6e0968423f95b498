import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm, text } from "../utils/api.server";
import { ROLES, type Role } from "../../deliberation/roles";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams.get("q")?.slice(0, 100) ?? "";
  const users = await api(request, () => context.trpc.admin.users({ query: query || undefined, limit: 100, offset: 0 }));
  return { users, query };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const roles = form.getAll("roles").filter((r): r is Role => typeof r === "string" && (ROLES as readonly string[]).includes(r));
  const result = await attempt(request, () => context.trpc.admin.setRoles({ userId: text(form, "userId"), roles }));
  if (!result.ok) return { error: result.error, saved: null };
  return { error: null, saved: { name: text(form, "name"), roles: result.data.roles } };
}

export default function Users() {
  const t = useT();
  const { users, query } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page">
      <h1>{t("admin.users.title")}</h1>
      <Form method="get" className="search" role="search">
        <label htmlFor="user-search">{t("admin.users.search")}</label>
        <input id="user-search" name="q" type="search" defaultValue={query} maxLength={100} />
        <button type="submit" className="button-secondary">
          {t("admin.users.searchSubmit")}
        </button>
      </Form>
      <FormAlert error={result?.error} />
      {result?.saved ? (
        <p className="alert alert-ok" role="status">
          {t("admin.users.saved", { name: result.saved.name, roles: result.saved.roles.map((r) => t(`role.${r}`)).join(", ") || "—" })}
        </p>
      ) : null}
      {users.length === 0 ? <p className="empty">{t("admin.users.none")}</p> : null}
      <ul className="cards">
        {users.map((user) => (
          <li key={user.id} className="card">
            <Form method="post" className="user-roles">
              <CsrfField />
              <input type="hidden" name="userId" value={user.id} />
              <input type="hidden" name="name" value={user.displayName} />
              <fieldset>
                <legend>
                  <strong>{user.displayName}</strong> <span className="muted">{user.email}</span>
                  {user.district ? <span className="muted"> · {user.district}</span> : null}
                </legend>
                <div className="checks">
                  {ROLES.map((role) => (
                    <label key={role} className="check">
                      <input type="checkbox" name="roles" value={role} defaultChecked={user.roles.includes(role)} /> {t(`role.${role}`)}
                    </label>
                  ))}
                </div>
                <button type="submit" className="button-secondary" disabled={busy}>
                  {t("admin.users.save")}
                </button>
              </fieldset>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
