import { Link } from "@remix-run/react";
import { useT } from "../i18n";
import { useRootData } from "../root";

export default function Home() {
  const t = useT();
  const data = useRootData();
  const user = data?.user;
  return (
    <div className="page">
      <h1>{t("home.title")}</h1>
      <p className="lead">{t("app.tagline")}</p>
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
