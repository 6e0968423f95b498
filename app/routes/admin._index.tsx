import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { ActionForm, fieldMessage, Submit, useFormErrors } from "../components/forms";
import { useT } from "../i18n";
import { act, api, readForm, text } from "../utils/api.server";
import { constraints } from "../utils/constraints";
import { ROLES, type Role } from "../../deliberation/roles";
import { UserQuery } from "../../server/trpc/schemas/admin";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams.get("q")?.slice(0, 100) ?? "";
  const users = await api(request, () => context.trpc.admin.users({ query: query || undefined, limit: 100, offset: 0 }));
  return { users, query };
}

/** One form per user; the intent names the user, so without JavaScript the answer still lands at that user's form. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  // Unknown roles go to the procedure as posted: it refuses them, rather than the page quietly dropping them.
  const roles = form.getAll("roles").map(String) as Role[];
  return act(request, text(form, "intent").slice(0, 100), () => context.trpc.admin.setRoles({ userId: text(form, "userId"), roles }));
}

/** The roles' error, at the checkboxes: a role that does not exist, or too many. */
function RolesError({ id }: { id: string }) {
  const t = useT();
  const fields = useFormErrors();
  const error = fields.roles ?? Object.entries(fields).find(([name]) => name.startsWith("roles."))?.[1];
  if (!error) return null;
  return (
    <p id={id} className="field-error">
      {fieldMessage(t, error)}
    </p>
  );
}

export default function Users() {
  const t = useT();
  const { users, query } = useLoaderData<typeof loader>();
  const rolesSaid = (roles: readonly Role[]) => roles.map((r) => t(`role.${r}`)).join(", ") || "—";
  return (
    <div className="page">
      <h1>{t("admin.users.title")}</h1>
      <Form method="get" className="search" role="search">
        <label htmlFor="user-search">{t("admin.users.search")}</label>
        <input id="user-search" name="q" type="search" defaultValue={query} {...constraints(UserQuery.optional())} />
        <button type="submit" className="button-secondary">
          {t("admin.users.searchSubmit")}
        </button>
      </Form>
      {users.length === 0 ? <p className="empty">{t("admin.users.none")}</p> : null}
      <ul className="cards">
        {users.map((user) => (
          <li key={user.id} className="card">
            <ActionForm<{ roles: Role[] }>
              intent={`roles:${user.id}`}
              hidden={{ userId: user.id }}
              className="user-roles"
              success={(saved) => t("admin.users.saved", { name: user.displayName, roles: rolesSaid(saved.roles) })}
            >
              <fieldset aria-describedby={`roles-error-${user.id}`}>
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
                <RolesError id={`roles-error-${user.id}`} />
                <Submit className="button-secondary">{t("admin.users.save")}</Submit>
              </fieldset>
            </ActionForm>
          </li>
        ))}
      </ul>
    </div>
  );
}
