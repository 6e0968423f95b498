import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { WithWritten } from "../components/written";
import { useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

type ProgressEntry = inferRouterOutputs<AppRouter>["values"]["progress"][number];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const profile = await api(request, () => context.trpc.auth.profile());
  // Only a citizen holds values, so only she has matters she took part in.
  const progress = profile.roles.includes("citizen") && profile.citizen ? await api(request, () => context.trpc.values.progress()) : null;
  return { profile, progress };
}

export default function Account() {
  const t = useT();
  const { profile, progress } = useLoaderData<typeof loader>();
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
      {progress ? (
        <section aria-labelledby="progress-heading" className="progress">
          <h2 id="progress-heading">{t("account.progress")}</h2>
          <p className="help">{t("account.progressLead")}</p>
          {progress.length === 0 ? (
            <p className="empty">{t("account.progressEmpty")}</p>
          ) : (
            <ol className="timeline">
              {progress.map((entry) => (
                <ProgressItem key={entry.key} entry={entry} />
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </div>
  );
}

/** One thing that happened to a matter she took part in, with what it meant for her values. */
function ProgressItem({ entry }: { entry: ProgressEntry }) {
  const t = useT();
  const locale = useLocale();
  const { representation: rep, ruling } = entry;
  return (
    <li className={`timeline-entry timeline-${entry.kind}`}>
      <p className="card-meta">
        <time dateTime={entry.at}>{formatTime(entry.at, locale)}</time>
      </p>
      <p className="timeline-what">
        <strong>{t(`progress.${entry.kind}`, { matter: entry.matterTitle })}</strong>
      </p>
      {rep ? (
        rep.values.length > 0 ? (
          <>
            <p>{t("progress.represented", { constituency: rep.constituency, size: rep.size })}</p>
            <ul>
              {rep.values.map((v) => (
                <li key={v.valueId}>
                  <WithWritten text={t("values.weightOf", { title: v.title, weight: v.percent })} parts={[v.title]} />
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t("progress.notRepresented", { constituency: rep.constituency, size: rep.size })}</p>
        )
      ) : null}
      {ruling && entry.kind === "published" ? (
        ruling.values.length > 0 ? (
          <ul className="honoured">
            {ruling.values.map((v) => (
              <li key={v.title} className={v.honoured ? "check-pass" : "check-fail"}>
                <span aria-hidden="true">{v.honoured ? "✓ " : "✗ "}</span>
                <WithWritten text={t(v.honoured ? "progress.honoured" : "progress.notHonoured", { title: v.title })} parts={[v.title]} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("progress.noFigures")}</p>
        )
      ) : null}
      <ul className="actions">
        <li>
          <Link to={`/matters/${entry.matterId}`}>
            {t("progress.matter")}
            <span className="visually-hidden">: {entry.matterTitle}</span>
          </Link>
        </li>
        {ruling ? (
          <li>
            <Link to={ruling.eli}>
              {t("progress.readRuling")}
              <span className="visually-hidden">: {entry.matterTitle}</span>
            </Link>
          </li>
        ) : null}
        {ruling && entry.kind === "published" ? (
          <li>
            <Link to={`${ruling.eli}${ruling.verifyCardId ? `?card=${encodeURIComponent(ruling.verifyCardId)}` : ""}#verify`}>{t("values.verifyRuling")}</Link>
          </li>
        ) : null}
      </ul>
    </li>
  );
}
