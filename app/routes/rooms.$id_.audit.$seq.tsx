import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
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
const AUDIT_KINDS = new Set(["deliberation.position", "deliberation.candidate", "deliberation.critique"]);
const CALL_PURPOSES = new Set(["deliberation.position", "deliberation.mediate", "deliberation.critique"]);

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
      <p>{t("audit.lead")}</p>
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
      <section aria-labelledby="values">
        <h2 id="values">{t("audit.values")}</h2>
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
