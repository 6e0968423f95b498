/**
 * Ratification (DESIGN.md, roles and "A matter's life"): the clerk opens a ballot on the draft ruling,
 * each delegate votes ratify, reject or abstain, and the polity's quorum and majority decide. Pure: the
 * tally can be recomputed from the ballot's events by anyone.
 */

export const CHOICES = ["ratify", "reject", "abstain"] as const;
export type Choice = (typeof CHOICES)[number];

export interface BallotRules {
  /** Share of the eligible delegates who must vote (abstentions count as voting), 0..1. */
  quorum: number;
  /** Ratified when ratify / (ratify + reject) is MORE than this share; with no ratify or reject vote, rejected. */
  majority: number;
}

export interface BallotTally {
  eligible: number;
  voted: number;
  ratify: number;
  reject: number;
  abstain: number;
  quorumMet: boolean;
  /** What closing the ballot now would decide; null while the quorum is not met. */
  outcome: "ratified" | "rejected" | null;
}

/** Counts the votes of eligible delegates only, one per delegate (the first one counts). */
export function tallyBallot(rules: BallotRules, eligible: readonly string[], votes: readonly { delegateId: string; choice: Choice }[]): BallotTally {
  const allowed = new Set(eligible);
  const seen = new Set<string>();
  const counts = { ratify: 0, reject: 0, abstain: 0 };
  for (const vote of votes) {
    if (!allowed.has(vote.delegateId) || seen.has(vote.delegateId)) continue;
    seen.add(vote.delegateId);
    counts[vote.choice] += 1;
  }
  const voted = seen.size;
  // At least one vote, whatever the quorum: a ballot nobody voted in decides nothing.
  const quorumMet = allowed.size > 0 && voted > 0 && voted / allowed.size >= rules.quorum;
  const decided = counts.ratify + counts.reject;
  const outcome = !quorumMet ? null : decided > 0 && counts.ratify / decided > rules.majority ? "ratified" : "rejected";
  return { eligible: allowed.size, voted, ...counts, quorumMet, outcome };
}
