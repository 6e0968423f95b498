import { Link } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { type MessageKey, useLocale, useT } from "../i18n";
import { writtenLang } from "../i18n/written";
import { formatTime } from "../utils/format";
import { useFieldError } from "./forms";
import { contextTitle } from "./values";

type Out = inferRouterOutputs<AppRouter>;
export type MatterSummary = Out["matters"]["list"][number];

export function MatterStatus({ status, emergency }: { status: string; emergency: boolean }) {
  const t = useT();
  return (
    <>
      <span className={`badge badge-status-${status}`}>{t(`matters.status.${status}` as MessageKey)}</span>
      {emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null}
    </>
  );
}

/**
 * A box the clerk ticks to say she means it (publish the text she read, convene before intake closes,
 * repeal). Inside an ActionForm, the action's complaint about it is said at the box.
 */
export function ConfirmBox({ name, label, required }: { name: string; label: string; required?: boolean }) {
  const error = useFieldError(name, undefined);
  const id = `confirm-${name}`;
  return (
    <div className="field confirm">
      <label className="check" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          name={name}
          required={required}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />{" "}
        {label}
      </label>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
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
            <MatterStatus status={m.status} emergency={m.emergency} /> ·{" "}
            {contextTitle({ id: "", title: m.contextTitle, titleEt: m.contextTitleEt, titleRu: m.contextTitleRu }, locale)}
          </p>
          <Heading className="value-title">
            <Link to={`/matters/${m.id}`} lang={writtenLang(locale, m.title)}>
              {m.title}
            </Link>
          </Heading>
          {m.status === "intake" && m.intakeClosesAt ? <p>{t("matters.intakeCloses", { when: formatTime(m.intakeClosesAt, locale) })}</p> : null}
        </li>
      ))}
    </ul>
  );
}
