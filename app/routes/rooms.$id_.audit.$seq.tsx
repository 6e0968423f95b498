import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { engineName, optionSource, slotName } from "../components/room/readings";
import { WithWritten } from "../components/written";
import { type MessageKey, useLocale, useT } from "../i18n";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const seq = Number(params.seq);
  const audit = await api(request, () => context.trpc.room.audit({ id, seq: Number.isInteger(seq) && seq > 0 ? seq : -1 }));
  return { id, audit };
}

/** Prompts are the messages sent (a model) or the task input (the offline engine): shown as they were. */
function show(value: unknown): string {
  if (Array.isArray(value)) return value.map((m: { role?: string; content?: string }) => `[${m.role ?? "?"}]\n${m.content ?? JSON.stringify(m)}`).join("\n\n");
  return JSON.stringify(value, null, 2);
}

function pretty(response: string | null): string {
  if (response === null) return "—";
  try {
    return JSON.stringify(JSON.parse(response), null, 2);
  } catch {
    return response;
  }
}

/** Statements a delegate audits, and the model tasks behind them, as the page names them. */
const AUDIT_KINDS = new Set(["deliberation.position", "deliberation.candidate", "deliberation.critique", "deliberation.reading", "deliberation.wording"]);
const CALL_PURPOSES = new Set(["deliberation.position", "deliberation.mediate", "deliberation.critique", "deliberation.read", "deliberation.word"]);

type AuditView = Awaited<ReturnType<typeof loader>>["audit"];

/** A reading, as a person checks it: the option's words and, per value, the verdict, the quoted words and the reason. */
function ReadingRecord({ reading }: { reading: NonNullable<AuditView["reading"]> }) {
  const t = useT();
  const engines = [...new Set(reading.readings.map((r) => r.engine))];
  const order = { erodes: 0, honours: 1, silent: 2 } as const;
  const rows = [...reading.readings].sort((a, b) => order[a.verdict] - order[b.verdict]);
  return (
    <section aria-labelledby="read" className="stack">
      <h2 id="read">{t("audit.read")}</h2>
      {reading.where ? (
        <p className="card-meta">
          {slotName(t, reading.where)}
          {reading.source ? (
            <>
              {" · "}
              <WithWritten text={optionSource(t, { source: reading.source, valueTitle: reading.valueTitle })} parts={[reading.valueTitle]} />
            </>
          ) : (
            ""
          )}
        </p>
      ) : null}
      {reading.text === "" ? <p>{t("rule.strike")}</p> : reading.text ? <blockquote className="rule-text">{reading.text}</blockquote> : null}
      {engines.length ? <p>{t("reading.readBy", { engine: engines.map((e) => engineName(t, e)).join(", ") })}</p> : null}
      <div className="table-wrap" role="region" aria-label={t("audit.read")} tabIndex={0}>
        <table className="reading-table">
          <thead>
            <tr>
              <th scope="col">{t("audit.reading.value")}</th>
              <th scope="col">{t("audit.reading.verdict")}</th>
              <th scope="col">{t("audit.reading.quote")}</th>
              <th scope="col">{t("audit.reading.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.valueId} className={`reading-row-${r.verdict}`}>
                <th scope="row">
                  {r.title ?? t("audit.unknownValue")}
                  {r.heldBy.length ? <span className="card-meta reading-held">{t("audit.reading.heldBy", { labels: r.heldBy.join("; ") })}</span> : null}
                </th>
                <td>
                  <span aria-hidden="true">{r.verdict === "honours" ? "✓ " : r.verdict === "erodes" ? "✗ " : "– "}</span>
                  {t(`reading.${r.verdict}`)}
                </td>
                <td>{r.quote ? <q>{r.quote}</q> : "—"}</td>
                <td>{r.reason || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function Audit() {
  const t = useT();
  const locale = useLocale();
  const { id, audit } = useLoaderData<typeof loader>();
  return (
    <div className="page audit">
      <p>
        <Link to={`/rooms/${id}`}>{t("audit.back")}</Link>
      </p>
      <h1>{t("audit.title", { seq: audit.seq })}</h1>
      <p>{audit.reading ? t("audit.readingLead") : audit.wording ? t("audit.wordingLead") : t("audit.lead")}</p>
      <p className="card-meta">
        {t(AUDIT_KINDS.has(audit.type) ? (`audit.kind.${audit.type}` as MessageKey) : "audit.kind.other")} · {formatTime(audit.createdAt, locale)} ·{" "}
        <code>{audit.hash.slice(0, 24)}…</code>
      </p>
      {audit.representative ? (
        <p>
          <strong>{t("audit.representative")}:</strong> {audit.representative.label} (
          {t("deliberation.represents", { citizens: audit.representative.citizens })}) · {t("convening.hash")}{" "}
          <code>{audit.representative.mandateHash.slice(0, 16)}…</code>
        </p>
      ) : null}
      {audit.reading ? <ReadingRecord reading={audit.reading} /> : null}
      {audit.wording ? (
        <section aria-labelledby="wording">
          <h2 id="wording">{t("audit.wording", { round: audit.wording.round })}</h2>
          {audit.wording.options.length ? (
            <ul>
              {audit.wording.options.map((o, i) => (
                <li key={i}>
                  {o.where ? <strong>{slotName(t, o.where)}: </strong> : null}
                  {o.text}
                </li>
              ))}
            </ul>
          ) : (
            <p className="card-meta">{t("audit.wordingNone")}</p>
          )}
        </section>
      ) : null}
      <section aria-labelledby="values">
        <h2 id="values">{audit.reading ? t("audit.valuesRead") : t("audit.values")}</h2>
        <ul className="cards">
          {audit.values.map((v) => (
            <li key={v.valueId} className="card">
              <h3 className="value-title">{v.title ?? t("audit.unknownValue")}</h3>
              <p className="card-meta">
                {v.inMandate && v.weight !== null ? (
                  t("audit.weight", { weight: Math.round(v.weight * 1000) / 10 })
                ) : (
                  <span className="flag">{t("audit.outside")}</span>
                )}{" "}
                · {t("audit.cards", { count: v.cardCount, endorsements: v.endorsements })}
              </p>
              {v.description ? <p>{v.description}</p> : null}
              <ul>
                {v.policies.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
              {v.cards.length ? (
                <details>
                  <summary>{t("audit.cards", { count: v.cardCount, endorsements: v.endorsements })}</summary>
                  <ul>
                    {v.cards.map((c, i) => (
                      <li key={i}>
                        <strong>{c.title}</strong> — {c.description} <span className="card-meta">({c.policies.join("; ")})</span>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="calls">
        <h2 id="calls">{t("audit.calls")}</h2>
        {audit.calls.length === 0 ? <p className="card-meta">{t("audit.noCalls")}</p> : null}
        {audit.calls.map((c) => (
          <article key={c.id} className="card stack">
            <h3 className="value-title">
              {t("audit.call", {
                purpose: t(CALL_PURPOSES.has(c.purpose) ? (`audit.purpose.${c.purpose}` as MessageKey) : "audit.purpose.other"),
                engine: c.engine,
                model: c.model,
                tokensIn: c.tokensIn,
                tokensOut: c.tokensOut,
                latency: c.latencyMs,
                status: t(c.status === "ok" ? "audit.status.ok" : "audit.status.error"),
              })}
            </h3>
            {c.error ? <p className="flag">{c.error}</p> : null}
            <details>
              <summary>{t("audit.prompt")}</summary>
              <pre className="code">{show(c.prompt)}</pre>
            </details>
            <details>
              <summary>{t("audit.response")}</summary>
              <pre className="code">{pretty(c.response)}</pre>
            </details>
          </article>
        ))}
      </section>
      <details>
        <summary>{t("audit.event")}</summary>
        <pre className="code">{JSON.stringify(audit.payload, null, 2)}</pre>
      </details>
    </div>
  );
}
