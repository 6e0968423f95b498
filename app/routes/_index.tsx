import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useLocale, useT } from "../i18n";
import { useRootData } from "../root";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { intakes: await api(request, () => context.trpc.matters.openIntakes()) };
}

export default function Home() {
  const t = useT();
  const locale = useLocale();
  const data = useRootData();
  const { intakes } = useLoaderData<typeof loader>();
  const user = data?.user;
  return (
    <div className="page">
      <h1>{t("home.title")}</h1>
      <p className="lead">{t("app.tagline")}</p>
      {intakes.length > 0 ? (
        <section aria-labelledby="notices" className="notices">
          <h2 id="notices">{t("home.notices")}</h2>
          <ul className="cards">
            {intakes.map((m) => (
              <li key={m.id} className="card notice">
                <p className="card-meta">{m.emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null}</p>
                <h3 className="value-title">
                  <Link to={`/matters/${m.id}`}>{m.title}</Link>
                </h3>
                <p>{t("home.notice", { when: formatTime(m.intakeClosesAt!, locale) })}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>{t("home.lead")}</p>
      {user ? (
        <p className="notice">
          {t("home.signedInAs", { name: user.displayName })} {t("home.yourRoles", { roles: user.roles.map((r) => t(`role.${r}`)).join(", ") })}
        </p>
      ) : (
        <p>
          <Link to="/signin" className="button">
            {t("home.getStarted")}
          </Link>
        </p>
      )}
      <h2>{t("home.how")}</h2>
      <ol className="steps">
        <li>{t("home.step1")}</li>
        <li>{t("home.step2")}</li>
        <li>{t("home.step3")}</li>
        <li>{t("home.step4")}</li>
      </ol>
    </div>
  );
}
