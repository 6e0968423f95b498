import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale } from "../i18n/locales";
import { readForm, safeNext, text } from "../utils/api.server";

export async function loader() {
  throw redirect("/");
}

/** The language switch: remembered in a cookie, and on the account when signed in. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const locale = text(form, "locale");
  if (isLocale(locale)) await context.trpc.auth.setLocale({ locale });
  throw redirect(safeNext(text(form, "next")));
}
