import { describe, expect, it } from "vitest";
import { tallyBallot } from "../../deliberation/ballot.js";
import { prng, shuffled } from "../../deliberation/random.js";
import { statementRef } from "../../deliberation/protocol/index.js";
import { SeqTracker } from "../../server/realtime/contract.js";
import { StatementTarget } from "../../server/trpc/inputs.js";

describe("the ballot's tally", () => {
  const rules = { quorum: 0.5, majority: 0.5 };
  const eligible = ["a", "b", "c", "d", "e"];

  it("needs the quorum before it decides; abstaining counts towards it", () => {
    expect(
      tallyBallot(rules, eligible, [
        { delegateId: "a", choice: "ratify" },
        { delegateId: "b", choice: "ratify" },
      ]),
    ).toMatchObject({ voted: 2, quorumMet: false, outcome: null });
    const three = tallyBallot(rules, eligible, [
      { delegateId: "a", choice: "ratify" },
      { delegateId: "b", choice: "ratify" },
      { delegateId: "c", choice: "abstain" },
    ]);
    expect(three).toMatchObject({ eligible: 5, voted: 3, ratify: 2, reject: 0, abstain: 1, quorumMet: true, outcome: "ratified" });
  });

  it("ratifies only with more than the majority of ratify and reject votes", () => {
    const tie = tallyBallot(rules, eligible, [
      { delegateId: "a", choice: "ratify" },
      { delegateId: "b", choice: "reject" },
      { delegateId: "c", choice: "abstain" },
    ]);
    expect(tie.outcome).toBe("rejected");
    const allAbstain = tallyBallot(
      rules,
      eligible,
      ["a", "b", "c"].map((d) => ({ delegateId: d, choice: "abstain" as const })),
    );
    expect(allAbstain.outcome).toBe("rejected");
    expect(
      tallyBallot({ quorum: 0.5, majority: 2 / 3 }, eligible, [
        { delegateId: "a", choice: "ratify" },
        { delegateId: "b", choice: "ratify" },
        { delegateId: "c", choice: "reject" },
      ]).outcome,
    ).toBe("rejected");
  });

  it("counts one vote per eligible delegate, the first", () => {
    const tally = tallyBallot(rules, eligible, [
      { delegateId: "a", choice: "ratify" },
      { delegateId: "a", choice: "reject" },
      { delegateId: "stranger", choice: "reject" },
      { delegateId: "b", choice: "ratify" },
      { delegateId: "c", choice: "ratify" },
    ]);
    expect(tally).toMatchObject({ voted: 3, ratify: 3, reject: 0 });
  });
});

describe("a client's hold on a stream", () => {
  it("advances its head only over contiguous events, whatever order they come in, each once", () => {
    const random = prng(7);
    for (let run = 0; run < 20; run++) {
      const tracker = new SeqTracker(3);
      const seqs = shuffled([...Array.from({ length: 40 }, (_, i) => i + 1), ...Array.from({ length: 40 }, (_, i) => i + 1)], random);
      let fresh = 0;
      for (const seq of seqs) if (tracker.add(seq)) fresh++;
      expect(fresh).toBe(37); // 4..40, each once; 1..3 were already held
      expect(tracker.head).toBe(40);
      expect(tracker.waiting).toBe(0);
    }
    const gap = new SeqTracker();
    [1, 2, 4, 5].forEach((s) => gap.add(s));
    expect(gap.head).toBe(2);
    expect(gap.waiting).toBe(2);
    gap.add(3);
    expect(gap.head).toBe(5);
  });
});

describe("a statement a delegate acts on", () => {
  it("is named by a structured target, with representative ids as convening makes them", () => {
    for (const target of [
      { kind: "position", representativeId: "district:tartu" },
      { kind: "position", representativeId: "district:ida-viru" },
      { kind: "critique", round: 2, representativeId: "community:10", candidateId: "r2c3" },
    ]) {
      expect(StatementTarget.parse(target)).toEqual(target);
    }
    for (const bad of [
      "position:district:tartu",
      { kind: "position" },
      { kind: "position", representativeId: " " },
      { kind: "position", representativeId: "district:tartu", extra: 1 },
      { kind: "critique", round: 0, representativeId: "community:1", candidateId: "r1c1" },
      { kind: "critique", round: 1, representativeId: "community:1", candidateId: "c1" },
      { kind: "critique", round: 1, representativeId: "community:1", candidateId: "r1c1:community:2" },
      { kind: "strike", representativeId: "community:1" },
    ]) {
      expect(StatementTarget.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("has a ledger key that no other statement shares, though representative ids hold colons", () => {
    const keys = [
      statementRef.position("community:1"),
      statementRef.position("community:1:r1c1"),
      statementRef.critique(1, "community", "r1c1"),
      statementRef.critique(1, "community:1", "r1c1"),
      statementRef.critique(11, "community", "r1c1"),
      statementRef.critique(1, "1:community", "r1c1"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
