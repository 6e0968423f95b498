import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readForm } from "../utils/api.server";

export async function loader() {
  throw redirect("/");
}

/** Ends the session here; one opened at an identity provider that can end its own goes there next, and back to our front page. */
export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrfToken);
  if (!context.user) throw redirect("/");
  const { providerSignOut } = await context.trpc.auth.signOut();
  throw redirect(providerSignOut ?? "/");
}
