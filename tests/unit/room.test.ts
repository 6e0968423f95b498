import { describe, expect, it } from "vitest";
import { tallyBallot } from "../../deliberation/ballot.js";
import { prng, shuffled } from "../../deliberation/random.js";
import { SeqTracker } from "../../server/realtime/contract.js";

describe("the ballot's tally", () => {
  const rules = { quorum: 0.5, majority: 0.5 };
  const eligible = ["a", "b", "c", "d", "e"];

  it("needs the quorum before it decides; abstaining counts towards it", () => {
    expect(tallyBallot(rules, eligible, [{ delegateId: "a", choice: "ratify" }, { delegateId: "b", choice: "ratify" }])).toMatchObject({ voted: 2, quorumMet: false, outcome: null });
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
    const allAbstain = tallyBallot(rules, eligible, ["a", "b", "c"].map((d) => ({ delegateId: d, choice: "abstain" as const })));
    expect(allAbstain.outcome).toBe("rejected");
    expect(tallyBallot({ quorum: 0.5, majority: 2 / 3 }, eligible, [
      { delegateId: "a", choice: "ratify" },
      { delegateId: "b", choice: "ratify" },
      { delegateId: "c", choice: "reject" },
    ]).outcome).toBe("rejected");
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
