import { type FormEvent, useEffect, useRef, useState } from "react";
import { type Verdict, verifyEnvelope } from "../../deliberation/provenance";
import { type MessageKey, useT } from "../i18n";
import { WithCommands } from "./written";
import { bundleFileName } from "../utils/format";

type Outcome = { verdict: Verdict; proofUrl?: string } | { problem: string } | null;

/** A JSON file the visitor chose, parsed; undefined when none was chosen. Throws on a file that is not JSON. */
async function chosenJson(file: FormDataEntryValue | null): Promise<unknown> {
  return file instanceof File && file.size > 0 ? JSON.parse(await file.text()) : undefined;
}

/**
 * The ruling page's verify panel: the browser runs `verifyEnvelope`, the very function `agora verify`
 * runs (its hashing and Ed25519 come from `#crypto`, which Vite resolves to the pure-JavaScript side),
 * on the bundle the registry serves or on a file the visitor downloaded earlier. The checkpoint's
 * signature is checked against the key the registry publishes, not the one the bundle brings along.
 * A version 2 bundle counts the cards behind each mandate value without listing them: her card is checked
 * with its proof, a file she downloaded or, signed in, the one the registry gives her for her card.
 */
export function VerifyPanel({
  eli,
  bundleUrl,
  publicKey,
  keyId,
  cardProofUrl = bundleUrl.replace(/\/bundle\.json$/, "/card-proof.json"),
}: {
  eli: string;
  bundleUrl: string;
  publicKey: string;
  keyId: string | null;
  /** Where a signed-in citizen gets her card's proof (`?card=<id>` is added). */
  cardProofUrl?: string;
}) {
  const t = useT();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [running, setRunning] = useState(false);
  // Finished runs, on the result's element: a new verdict is told from the last one even when it reads the same.
  const [runs, setRuns] = useState(0);
  // A link from her Values page or account brings her card (…?card=<id>#verify): the field starts filled in.
  const cardField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const card = new URLSearchParams(window.location.search).get("card");
    if (card && cardField.current && !cardField.current.value) cardField.current.value = card.slice(0, 100);
  }, []);

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const cardId = String(form.get("card") ?? "").trim();
    setRunning(true);
    setOutcome(null);
    try {
      let raw: unknown;
      let cardProof: unknown;
      try {
        raw = await chosenJson(form.get("bundle"));
        cardProof = await chosenJson(form.get("proof"));
      } catch (error) {
        setOutcome({ problem: t("verify.unreadable", { reason: error instanceof Error ? error.message : String(error) }) });
        return;
      }
      if (raw === undefined) {
        const response = await fetch(bundleUrl, { headers: { accept: "application/json" } }).catch(() => null);
        if (!response?.ok) {
          setOutcome({ problem: t("verify.fetchFailed") });
          return;
        }
        raw = await response.json().catch(() => undefined);
        if (raw === undefined) {
          setOutcome({ problem: t("verify.fetchFailed") });
          return;
        }
      }
      // Her card in a bundle that lists no cards: the proof she gave, or (signed in) the one the registry keeps for her card.
      let proofUrl: string | undefined;
      const listsCards = (raw as { bundle?: { version?: number } } | null)?.bundle?.version === 1;
      if (cardId && cardProof === undefined && !listsCards) {
        const url = `${cardProofUrl}?card=${encodeURIComponent(cardId)}`;
        const response = await fetch(url, { headers: { accept: "application/json" } }).catch(() => null);
        if (response?.ok && response.headers.get("content-type")?.startsWith("application/json")) {
          cardProof = await response.json().catch(() => undefined);
          if (cardProof !== undefined) proofUrl = url;
        }
      }
      // The bundle must be this page's ruling: any other ruling's bundle would pass every other check.
      const verdict = verifyEnvelope(raw, {
        publicKey,
        eli,
        now: new Date(),
        ...(cardId ? { cardId } : {}),
        ...(cardProof !== undefined ? { cardProof } : {}),
      });
      setOutcome({ verdict, ...(proofUrl ? { proofUrl } : {}) });
    } finally {
      setRunning(false);
      setRuns((n) => n + 1);
    }
  }

  return (
    <section aria-labelledby="verify" className="verify">
      <h2 id="verify">{t("verify.title")}</h2>
      <p>{t("verify.lead")}</p>
      <form className="stack card" onSubmit={verify} noValidate>
        <div className="field">
          <label htmlFor="verify-bundle">{t("verify.file")}</label>
          <input id="verify-bundle" name="bundle" type="file" accept="application/json,.json" />
        </div>
        <div className="field">
          <label htmlFor="verify-card">{t("verify.card")}</label>
          <input ref={cardField} id="verify-card" name="card" type="text" autoComplete="off" spellCheck={false} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="verify-proof">{t("verify.proofFile")}</label>
          <input id="verify-proof" name="proof" type="file" accept="application/json,.json" />
        </div>
        {keyId ? <p className="help">{t("verify.key", { keyId })}</p> : null}
        <button type="submit" disabled={running}>
          {running ? t("verify.running") : t("verify.run")}
        </button>
      </form>
      <div role="status" aria-live="polite" className="verify-result" data-runs={runs}>
        {outcome && "problem" in outcome ? <p className="alert alert-error verify-problem">{outcome.problem}</p> : null}
        {outcome && "verdict" in outcome ? (
          <>
            <p className={`alert ${outcome.verdict.ok ? "alert-ok" : "alert-error"}`}>
              <strong>{t(outcome.verdict.ok ? "verify.verified" : "verify.notVerified")}</strong>
            </p>
            <ul className="verify-checks">
              {outcome.verdict.checks.map((check) => (
                <li key={check.name} className={check.ok ? "check-pass" : "check-fail"}>
                  <span aria-hidden="true" className="check-mark">
                    {check.ok ? "✓" : "✗"}
                  </span>
                  <span className="visually-hidden">{t(check.ok ? "verify.passed" : "verify.failed")}: </span>{" "}
                  <strong className="check-name">{t(`verify.check.${check.name}` as MessageKey)}</strong>:{" "}
                  <span className="check-detail">{t(check.code, check.params)}</span>
                </li>
              ))}
            </ul>
            {outcome.proofUrl ? (
              <p>
                <a href={outcome.proofUrl} download>
                  {t("verify.proofDownload")}
                </a>
              </p>
            ) : null}
          </>
        ) : null}
      </div>
      <p className="help">
        <WithCommands text={t("verify.cli", { file: bundleFileName(eli) })} />
      </p>
    </section>
  );
}
