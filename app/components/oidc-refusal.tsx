import { Link } from "@remix-run/react";
import { translateError, useT } from "../i18n";
import type { FormError } from "../utils/form-errors";

/**
 * Why OpenID Connect sign-in ended without a session: a person the registry does not know is told so
 * plainly (she proved who she is, and nothing was made for her); any other failure says what to do next.
 */
export function OidcRefusal({ error, provider }: { error: FormError; provider: string }) {
  const t = useT();
  const unknown = error.key === "auth.oidcUnknownPerson";
  return (
    <div className="page narrow">
      <h1>{unknown ? t("oidc.unknownTitle") : t("oidc.failedTitle")}</h1>
      <div role="alert">
        {unknown ? (
          <>
            <p>{t("oidc.unknownLead", { provider })}</p>
            <p>{t("oidc.unknownHelp")}</p>
          </>
        ) : (
          <p>{error.key === "errors.invalidInput" ? t("auth.oidcFailed") : translateError(t, error)}</p>
        )}
      </div>
      <p className="button-row">
        <Link to="/signin" className="button">
          {t("oidc.backToSignIn")}
        </Link>
        <Link to="/" className="button button-secondary">
          {t("oidc.home")}
        </Link>
      </p>
    </div>
  );
}

/** The HTTP status of a refusal page: who it is (403), the provider away (503), too many tries (429), else 400. */
export function refusalStatus(error: FormError): number {
  if (error.key === "auth.oidcUnknownPerson") return 403;
  if (error.key === "auth.oidcUnavailable") return 503;
  if (error.key === "auth.tooManyAttempts") return 429;
  if (error.key === "auth.oidcOff") return 404;
  return 400;
}
