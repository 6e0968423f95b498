import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "../i18n";
import { titleIn } from "../i18n/locales";
import { writtenLang } from "../i18n/written";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

const STATUSES = ["in-force", "lapsed", "renewed", "repealed"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const status = STATUSES.find((s) => s === get("status"));
  const date = (name: string) => (/^\d{4}-\d{2}-\d{2}$/.test(get(name) ?? "") ? get(name) : undefined);
  const filters = {
    q: get("q")?.slice(0, 200),
    status,
    contextId: get("context")?.slice(0, 80),
    emergency: get("emergency") === "1" ? true : undefined,
    from: date("from"),
    to: date("to"),
  };
  const [rulings, contexts] = await Promise.all([
    api(request, () => context.trpc.rulings.list({ ...filters, limit: 100 })),
    api(request, () => context.trpc.values.contexts()),
  ]);
  return { rulings, contexts, filters };
}

export default function Rulings() {
  const t = useT();
  const locale = useLocale();
  const { rulings, contexts, filters } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("rulings.title")}</h1>
      <p>{t("rulings.lead")}</p>
      <Form method="get" className="filters" role="search">
        <label>
          {t("rulings.q")} <input type="search" name="q" defaultValue={filters.q ?? ""} maxLength={200} />
        </label>
        <label>
          {t("rulings.status")}{" "}
          <select name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("rulings.status.any")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`rulings.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("rulings.context")}{" "}
          <select name="context" defaultValue={filters.contextId ?? ""}>
            <option value="">{t("rulings.context.any")}</option>
            {contexts.map((c) => (
              <option key={c.id} value={c.id}>
                {titleIn(locale, c)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="emergency" value="1" defaultChecked={filters.emergency === true} /> {t("rulings.emergencyOnly")}
        </label>
        <label>
          {t("rulings.from")} <input type="date" name="from" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          {t("rulings.to")} <input type="date" name="to" defaultValue={filters.to ?? ""} />
        </label>
        <button type="submit">{t("rulings.search")}</button>
      </Form>
      {rulings.length === 0 ? (
        <p className="empty">{t("rulings.none")}</p>
      ) : (
        <ul className="cards">
          {rulings.map((r) => (
            <li key={r.id} className="card">
              <p className="card-meta">
                <span className={`badge badge-status-${r.status}`}>{t(`rulings.status.${r.status}` as MessageKey)}</span>
                {r.emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null} ·{" "}
                {t("rulings.published", { when: formatTime(r.publishedAt, locale) })}
              </p>
              <h2 className="value-title">
                <Link to={r.eli} lang={writtenLang(locale, r.title)}>
                  {r.title}
                </Link>
              </h2>
              <p className="card-meta">
                <code>{r.eli}</code>
              </p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/rulings.atom">{t("rulings.feed")}</a> · <a href="/api/rulings.json">JSON</a>
      </p>
    </div>
  );
}
