import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { type MessageKey, type Translate, useLocale, useT } from "../i18n";
import { en } from "../i18n/en";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.matter ? `${data.matter.title} · Agora` : "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const stream = params.stream ?? "";
  return api(request, () => context.trpc.ledger.page({ stream }));
}

type Line = ReturnType<typeof useLoaderData<typeof loader>>["lines"][number];

/** Who acted, as the public may know it: officials by name and role, a citizen only as a citizen, Agora's jobs by what they do. */
function actorName(t: Translate, actor: Line["actor"]): string {
  switch (actor.kind) {
    case "official":
      return t("ledger.actor.official", { name: actor.name, roles: actor.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ") });
    case "citizen":
      return t("ledger.actor.citizen");
    case "system":
      return ["runner", "sunset", "oversight"].includes(actor.job) ? t(`ledger.actor.${actor.job}` as MessageKey) : t("ledger.actor.system");
    default:
      return t("ledger.actor.unknown");
  }
}

/** What happened, in words; an event this page does not know yet is still listed, generically. */
function whatHappened(t: Translate, what: Line["what"]): string {
  const params = { ...what.params };
  if (typeof params.roles === "string") params.roles = params.roles.split(", ").filter(Boolean).map((r) => t(`role.${r}` as MessageKey)).join(", ");
  return what.key in en ? t(what.key as MessageKey, params) : t("event.other");
}

export default function Ledger() {
  const t = useT();
  const locale = useLocale();
  const { polity, matter, lines, verdict } = useLoaderData<typeof loader>();
  const title = matter || !polity ? t("ledger.matterTitle", { title: matter?.title ?? "—" }) : t("ledger.polityTitle");
  return (
    <div className="page">
      <h1 id="ledger-title">{title}</h1>
      {matter ? (
        <p>
          <Link to={`/matters/${matter.id}`}>{t("ledger.backToMatter")}</Link>
        </p>
      ) : null}
      <p>{t("ledger.lead")}</p>
      {lines.length === 0 ? (
        <p className="empty">{t("ledger.empty")}</p>
      ) : (
        <>
          <p className={verdict.ok ? "alert alert-ok" : "alert alert-error"} role="status">
            {verdict.ok ? t("ledger.verified", { length: verdict.length, head: `${verdict.head.slice(0, 16)}…` }) : t(verdict.reason === "stream_mismatch" ? "verify.ledger.otherMatter" : (`verify.ledger.${verdict.reason}` as MessageKey), { seq: verdict.seq })}
          </p>
          <ol className="ledger-lines">
            {lines.map((line) => (
              <li key={line.seq} id={`e${line.seq}`} className="ledger-line">
                <span className="ledger-seq" aria-hidden="true">
                  {line.seq}
                </span>
                <div>
                  <p className="ledger-what">{whatHappened(t, line.what)}</p>
                  <p className="card-meta">
                    {actorName(t, line.actor)} · <time dateTime={line.createdAt}>{formatTime(line.createdAt, locale)}</time> · {t("ledger.hash")}{" "}
                    <code title={line.hash}>{line.hash.slice(0, 12)}…</code>
                  </p>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
