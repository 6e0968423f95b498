import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/router.server";
import { type MessageKey, useT } from "../../i18n";
import type { DeliberationView, Round } from "../deliberation";

/**
 * Strongest paths of the Schulze method from the pairwise preferences d (Floyd–Warshall on widest
 * paths): p[i][j] is the strength of the strongest path from candidate i to candidate j.
 */
export function strongestPaths(d: readonly (readonly number[])[]): number[][] {
  const n = d.length;
  const p = d.map((row, i) => row.map((x, j) => (i !== j && x > (d[j]?.[i] ?? 0) ? x : 0)));
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && i !== k && j !== k) p[i]![j] = Math.max(p[i]![j]!, Math.min(p[i]![k]!, p[k]![j]!));
  return p;
}

/** Citizens whose representatives put each candidate first (a tie for first counts for each). */
export function firstPreferences(view: DeliberationView, round: Round): Map<string, number> {
  const firsts = new Map<string, number>();
  for (const k of round.critiques) {
    const citizens = view.representatives.find((r) => r.id === k.representativeId)?.citizens ?? 0;
    for (const id of k.ranking[0] ?? []) firsts.set(id, (firsts.get(id) ?? 0) + citizens);
  }
  return firsts;
}

/** One bar of a chart: its label, its share of `max`, and the figure written beside it. */
export function BarRow({ label, value, max, winner, suffix }: { label: string; value: number; max: number; winner?: boolean; suffix: string }) {
  return (
    <div className={winner ? "bar-row bar-winner" : "bar-row"}>
      <span className="bar-label">{label}</span>
      <span className="bar-track">
        <span className="bar-area">
          <span className="bar-fill" style={{ width: `${max > 0 ? Math.max(1, (value / max) * 100) : 1}%` }} />
        </span>
        <span className="bar-value">{suffix}</span>
      </span>
    </div>
  );
}

/**
 * A round's Schulze result: candidates in the Schulze order, each bar the citizens whose representatives
 * ranked it first, with a table that also says how many rivals each beats by its strongest paths.
 */
export function SchulzeChart({ view, round, name }: { view: DeliberationView; round: Round; name: (round: number, id: string) => string }) {
  const t = useT();
  const tally = round.tally;
  if (!tally) return null;
  const firsts = firstPreferences(view, round);
  const order = tally.tiers.flat();
  const place = new Map(tally.tiers.flatMap((tier, i) => tier.map((id) => [id, i + 1] as const)));
  const index = new Map(tally.candidates.map((id, i) => [id, i] as const));
  const p = strongestPaths(tally.d);
  const beats = (id: string) => {
    const i = index.get(id);
    if (i === undefined) return 0;
    return tally.candidates.filter((_, j) => j !== i && (p[i]?.[j] ?? 0) > (p[j]?.[i] ?? 0)).length;
  };
  const total = view.representatives.reduce((sum, r) => sum + r.citizens, 0);
  const summary = t("room.schulze.summary", {
    round: round.round,
    order: order.map((id) => t("room.schulze.entry", { place: place.get(id) ?? 0, name: name(round.round, id), citizens: firsts.get(id) ?? 0 })).join("; "),
  });
  return (
    <figure className="chart">
      <figcaption>
        <strong>{t("room.schulze.title", { round: round.round })}</strong>
        <span className="help"> {t("room.schulze.caption")}</span>
      </figcaption>
      <div className="bars" role="img" aria-label={summary}>
        {order.map((id) => (
          <BarRow
            key={id}
            label={`${place.get(id)}. ${name(round.round, id)}`}
            value={firsts.get(id) ?? 0}
            max={total}
            winner={id === tally.winner}
            suffix={t("room.citizens", { count: firsts.get(id) ?? 0 })}
          />
        ))}
      </div>
      <details>
        <summary>{t("room.asTable")}</summary>
        <div className="table-wrap" role="region" aria-label={t("room.schulze.title", { round: round.round })} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("room.schulze.place")}</th>
                <th scope="col">{t("room.schulze.candidate")}</th>
                <th scope="col">{t("room.schulze.firsts")}</th>
                <th scope="col">{t("room.schulze.beats")}</th>
              </tr>
            </thead>
            <tbody>
              {order.map((id) => (
                <tr key={id}>
                  <td>{place.get(id)}</td>
                  <th scope="row">
                    {name(round.round, id)} {id === tally.winner ? <span className="badge badge-value">{t("deliberation.winner")}</span> : null}
                  </th>
                  <td>{firsts.get(id) ?? 0}</td>
                  <td>{t("room.schulze.beatsOf", { wins: beats(id), of: order.length - 1 })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export type BallotTally = NonNullable<inferRouterOutputs<AppRouter>["room"]["ballot"]>["tally"];

/** The ballot's tally as bars against the delegates who may vote, with its table. */
export function BallotChart({ tally }: { tally: BallotTally }) {
  const t = useT();
  const choices = ["ratify", "reject", "abstain"] as const;
  const summary = choices.map((c) => `${t(`ballot.choice.${c}` as MessageKey)}: ${tally[c]}`).join("; ");
  return (
    <figure className="chart">
      <div className="bars" role="img" aria-label={t("ballot.chartLabel", { summary, eligible: tally.eligible })}>
        {choices.map((c) => (
          <BarRow key={c} label={t(`ballot.choice.${c}` as MessageKey)} value={tally[c]} max={tally.eligible} suffix={String(tally[c])} />
        ))}
      </div>
      <figcaption className="help">{t("ballot.chartCaption", { eligible: tally.eligible })}</figcaption>
      <details>
        <summary>{t("room.asTable")}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("ballot.choice")}</th>
              <th scope="col">{t("ballot.votes")}</th>
            </tr>
          </thead>
          <tbody>
            {choices.map((c) => (
              <tr key={c}>
                <th scope="row">{t(`ballot.choice.${c}` as MessageKey)}</th>
                <td>{tally[c]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
