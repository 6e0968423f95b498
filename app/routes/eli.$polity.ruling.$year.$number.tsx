import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { VerifyPanel } from "../components/verify-panel";
import { CsrfField, useRootData } from "../root";
import { type MessageKey, useLocale, useT } from "../i18n";
import { api, attempt, readForm, text } from "../utils/api.server";
import { formatTime } from "../utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.ruling.title} · Agora` : "Agora" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const [ruling, harm, log] = await Promise.all([
    api(request, () => context.trpc.rulings.get({ eli })),
    api(request, () => context.trpc.rulings.harm({ eli })),
    api(request, () => context.trpc.rulings.checkpoint()),
  ]);
  return { ruling, harm, registryKey: log.publicKey, keyId: log.keyId };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const eli = `/eli/${params.polity}/ruling/${params.year}/${params.number}`;
  const intent = text(form, "intent");
  if (intent === "harm") {
    const valueIds = form.getAll("valueIds").map(String);
    const reported = await attempt(request, () => context.trpc.rulings.reportHarm({ eli, what: text(form, "what"), valueIds }));
    return reported.ok ? { error: null } : { error: reported.error };
  }
  const result =
    intent === "repeal"
      ? await attempt(request, () => context.trpc.rulings.repeal({ eli, reason: text(form, "reason") }))
      : await attempt(request, () => context.trpc.rulings.renew({ eli, days: Number(text(form, "days")) || 90 }));
  return result.ok ? { error: null } : { error: result.error };
}

/** A published ruling at its European Legislation Identifier. */
export default function RulingPage() {
  const t = useT();
  const locale = useLocale();
  const { ruling, harm, registryKey, keyId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const user = useRootData()?.user;
  const clerk = user?.roles.includes("clerk") ?? false;
  const inForce = ruling.status === "in-force" || ruling.status === "renewed";
  return (
    <div className="page">
      <p className="card-meta">
        <span className={`badge badge-status-${ruling.status}`}>{t(`rulings.status.${ruling.status}` as MessageKey)}</span>
        {ruling.emergency ? <span className="badge badge-emergency">{t("matters.emergency")}</span> : null} · <code>{ruling.eli}</code>
      </p>
      <h1>{ruling.title}</h1>
      <p>{t("rulings.published", { when: formatTime(ruling.publishedAt, locale) })}</p>
      <FormAlert error={result?.error} />
      {ruling.status === "lapsed" ? <p className="notice">{t("rulings.lapsed", { when: formatTime(ruling.sunsetAt ?? ruling.publishedAt, locale) })}</p> : null}
      {ruling.status === "repealed" ? <p className="notice">{t("rulings.repealed")}</p> : null}
      {inForce && ruling.sunsetAt ? <p className="notice">{t("rulings.sunset", { when: formatTime(ruling.sunsetAt, locale) })}</p> : null}
      {clerk && inForce ? (
        <div className="stack card">
          <Form method="post" className="inline-form">
            <CsrfField />
            <label>
              {t("rulings.renewDays")} <input name="days" type="number" min={1} max={1825} defaultValue={90} />
            </label>
            <button type="submit" name="intent" value="renew">
              {t("rulings.renew")}
            </button>
          </Form>
          <Form method="post" className="stack">
            <CsrfField />
            <label htmlFor="repeal-reason">{t("rulings.repealReason")}</label>
            <textarea id="repeal-reason" name="reason" rows={2} required minLength={5} maxLength={2000} />
            <button type="submit" name="intent" value="repeal">
              {t("rulings.repeal")}
            </button>
          </Form>
        </div>
      ) : null}
      <blockquote className="rule-text">{ruling.text}</blockquote>
      <section aria-labelledby="harm">
        <h2 id="harm">{t("harm.title")}</h2>
        <p>{t("harm.lead", { count: harm.reports.length, threshold: harm.threshold })}</p>
        {harm.reviewRequestedAt ? <p className="notice">{t("harm.review", { when: formatTime(harm.reviewRequestedAt, locale) })}</p> : null}
        <ul className="coverage">
          {harm.constituencies.map((c) => (
            <li key={c.label}>
              <strong>{c.label}</strong> ({t("deliberation.represents", { citizens: c.citizens })})
              <ul className="coverage-values">
                {c.values.map((v) => (
                  <li key={v.valueId} className={v.honoured ? "honoured" : "unhonoured"}>
                    {v.honoured ? t("deliberation.honoured") : t("deliberation.notHonoured")}: {v.title}
                    {v.reports ? <strong className="flag"> · {t("harm.touched", { count: v.reports })}</strong> : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        {harm.reports.length ? (
          <ul>
            {harm.reports.map((r) => (
              <li key={r.id}>
                <span className="card-meta">{formatTime(r.createdAt, locale)}:</span> {r.what}
              </li>
            ))}
          </ul>
        ) : null}
        {user ? (
          <Form method="post" className="stack card">
            <CsrfField />
            <label htmlFor="harm-what">{t("harm.what")}</label>
            <textarea id="harm-what" name="what" rows={3} required minLength={20} maxLength={4000} />
            <fieldset className="answers">
              <legend>{t("harm.values")}</legend>
              {[...new Map(harm.constituencies.flatMap((c) => c.values.map((v) => [v.valueId, v.title] as const))).entries()].map(([id, title]) => (
                <label key={id} className="check">
                  <input type="checkbox" name="valueIds" value={id} /> {title}
                </label>
              ))}
            </fieldset>
            <button type="submit" name="intent" value="harm">
              {t("harm.submit")}
            </button>
          </Form>
        ) : (
          <p>
            <Link to="/signin">{t("harm.signIn")}</Link>
          </p>
        )}
      </section>
      <section aria-labelledby="files">
        <h2 id="files">{t("rulings.files")}</h2>
        <ul>
          <li>
            <a href={`/api/rulings/${ruling.id}/bundle.json`} download>
              {t("rulings.bundle")}
            </a>
          </li>
          <li>
            <a href={`${ruling.eli}/akn.xml`}>{t("rulings.akn")}</a>
          </li>
          <li>
            <Link to={`/rooms/${ruling.matterId}`}>{t("rulings.room")}</Link> · <Link to={`/ledger/${ruling.matterId}`}>{t("matters.ledger")}</Link>
          </li>
        </ul>
        <p className="help">{t("rulings.verifyHow")}</p>
      </section>
      <VerifyPanel eli={ruling.eli} bundleUrl={`/api/rulings/${ruling.id}/bundle.json`} publicKey={registryKey} keyId={keyId} />
    </div>
  );
}
