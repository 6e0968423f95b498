import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useT } from "../../i18n";

/**
 * What arrived since the delegate last looked. The last ledger seq she has seen is kept in this
 * browser per matter; a statement after it carries a "New" mark until it has been on her screen for
 * a moment. The stored seq only moves past a statement once it has been seen, so nothing is skipped.
 */

interface Seen {
  isNew(seq: number | null): boolean;
  saw(seq: number): void;
  count: number;
  markAll(): void;
}
const SeenContext = createContext<Seen | null>(null);

const storageKey = (matterId: string) => `agora.room.seen.${matterId}`;
/** How long a statement stays on screen before it counts as seen. */
const DWELL_MS = 1_500;

export function SeenProvider({
  matterId,
  lastSeq,
  statementSeqs,
  children,
}: {
  matterId: string;
  lastSeq: number;
  statementSeqs: readonly number[];
  children: ReactNode;
}) {
  // Until the browser has read its storage nothing is new (the server renders without it).
  const [since, setSince] = useState<number | null>(null);
  const [saw, setSaw] = useState<ReadonlySet<number>>(new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per matter; lastSeq moves as she watches and must not reset what she has seen
  useEffect(() => {
    const stored = Number(window.localStorage.getItem(storageKey(matterId)));
    // A first visit starts from now: what is already here is the room she walked into.
    setSince(Number.isInteger(stored) && stored > 0 ? stored : lastSeq);
    setSaw(new Set());
  }, [matterId]);
  const unseen = useMemo(
    () => (since === null ? [] : statementSeqs.filter((s) => s > since && !saw.has(s)).sort((a, b) => a - b)),
    [since, saw, statementSeqs],
  );
  useEffect(() => {
    if (since === null) return;
    const upTo = unseen.length ? unseen[0]! - 1 : lastSeq;
    const stored = Number(window.localStorage.getItem(storageKey(matterId))) || 0;
    if (upTo > stored) window.localStorage.setItem(storageKey(matterId), String(upTo));
  }, [since, unseen, lastSeq, matterId]);
  const markSeen = useCallback((seq: number) => setSaw((all) => (all.has(seq) ? all : new Set([...all, seq]))), []);
  const value = useMemo<Seen>(
    () => ({
      isNew: (seq) => seq !== null && since !== null && seq > since && !saw.has(seq),
      saw: markSeen,
      count: unseen.length,
      markAll: () => setSaw(new Set(statementSeqs)),
    }),
    [since, saw, markSeen, unseen.length, statementSeqs],
  );
  return <SeenContext.Provider value={value}>{children}</SeenContext.Provider>;
}

/** The "New" mark of a statement (said to screen readers as well), gone once it has been on screen. */
export function NewMark({ seq }: { seq: number | null }) {
  const t = useT();
  const seen = useContext(SeenContext);
  const ref = useRef<HTMLSpanElement>(null);
  const fresh = seen?.isNew(seq) ?? false;
  useEffect(() => {
    const element = ref.current;
    if (!fresh || !element || seq === null || typeof IntersectionObserver === "undefined") return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const observer = new IntersectionObserver(([entry]) => {
      if (entry?.isIntersecting) timer ??= setTimeout(() => seen?.saw(seq), DWELL_MS);
      else if (timer) {
        clearTimeout(timer);
        timer = null;
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    };
  }, [fresh, seq, seen]);
  if (!fresh) return null;
  return (
    <span ref={ref} className="badge badge-new">
      {t("room.new")}
    </span>
  );
}

/** How many statements are new to her, with a way to mark them all as read. */
export function NewSummary() {
  const t = useT();
  const seen = useContext(SeenContext);
  return (
    <p className="new-summary" role="status">
      {seen && seen.count > 0 ? (
        <>
          {t("room.newCount", { count: seen.count })}{" "}
          <button type="button" className="button-secondary button-small" onClick={seen.markAll}>
            {t("room.markSeen")}
          </button>
        </>
      ) : null}
    </p>
  );
}
