import { Link } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "../i18n";
import { formatTime } from "../utils/format";
import { contextTitle } from "./values";

export interface MatterSummary {
  id: string;
  title: string;
  status: string;
  emergency: boolean;
  contextTitle: string;
  contextTitleEt: string | null;
  intakeClosesAt: string | null;
  updatedAt: string;
}

export function MatterStatus({ status, emergency }: { status: string; emergency: boolean }) {
  const t = useT();
  return (
    <>
      <span className={`badge badge-status-${status}`}>{t(`matters.status.${status}` as MessageKey)}</span>
      {emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null}
    </>
  );
}

export function MatterList({ matters, headingLevel = 2 }: { matters: MatterSummary[]; headingLevel?: 2 | 3 }) {
  const Heading = `h${headingLevel}` as const;
  const t = useT();
  const locale = useLocale();
  if (matters.length === 0) return <p className="empty">{t("matters.none")}</p>;
  return (
    <ul className="cards">
      {matters.map((m) => (
        <li key={m.id} className="card">
          <p className="card-meta">
            <MatterStatus status={m.status} emergency={m.emergency} /> · {contextTitle({ id: "", title: m.contextTitle, titleEt: m.contextTitleEt }, locale)}
          </p>
          <Heading className="value-title">
            <Link to={`/matters/${m.id}`}>{m.title}</Link>
          </Heading>
          {m.status === "intake" && m.intakeClosesAt ? <p>{t("matters.intakeCloses", { when: formatTime(m.intakeClosesAt, locale) })}</p> : null}
        </li>
      ))}
    </ul>
  );
}
