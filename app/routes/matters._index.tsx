import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MatterList } from "../components/matters";
import { useT } from "../i18n";
import { useRootData } from "../root";
import { api } from "../utils/api.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { matters: await api(request, () => context.trpc.matters.list({ limit: 50 })) };
}

export default function Matters() {
  const t = useT();
  const { matters } = useLoaderData<typeof loader>();
  const clerk = useRootData()?.user?.roles.includes("clerk");
  return (
    <div className="page">
      <h1>{t("matters.title")}</h1>
      <p>{t("matters.lead")}</p>
      {clerk ? (
        <p>
          <Link to="/matters/new" className="button">
            {t("matters.new")}
          </Link>
        </p>
      ) : null}
      <MatterList matters={matters} />
    </div>
  );
}
