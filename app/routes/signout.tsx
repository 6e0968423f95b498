import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readForm } from "../utils/api.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrfToken);
  if (context.user) await context.trpc.auth.signOut();
  throw redirect("/");
}
