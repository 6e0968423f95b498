import { diffWords } from "diff";
import type { ReactNode } from "react";
import { useT } from "../i18n";

/**
 * A text with its changes against another, word by word, as a lawyer reads a marked-up bill: insertions
 * underlined, deletions struck through, each also said in words for screen readers.
 */
export function TrackedChanges({ before, after, caption }: { before: string; after: string; caption?: ReactNode }) {
  const t = useT();
  const parts = diffWords(before, after);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <figure className="tracked-figure">
      <figcaption className="help">{caption ?? t("tracked.caption")}</figcaption>
      {changed ? null : <p className="help">{t("tracked.unchanged")}</p>}
      <div className="rule-text tracked">
        {parts.map((part, i) =>
          part.added ? (
            <ins key={i}>
              <span className="visually-hidden">[{t("tracked.added")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </ins>
          ) : part.removed ? (
            <del key={i}>
              <span className="visually-hidden">[{t("tracked.removed")}] </span>
              {part.value}
              <span className="visually-hidden"> [/]</span>
            </del>
          ) : (
            <span key={i}>{part.value}</span>
          ),
        )}
      </div>
    </figure>
  );
}
