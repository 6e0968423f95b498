import { describe, expect, it } from "vitest";
import { DomainError } from "../../deliberation/errors.js";
import { MATTER_STATUSES, MATTER_TRANSITIONS, MatterDraft, canMove, intakeClosesAt, requireMove, sunsetDaysOf } from "../../deliberation/matters.js";

describe("a matter's life", () => {
  it("follows DESIGN.md from draft to publication and after", () => {
    const path = ["draft", "intake", "convened", "deliberating", "ratification", "ratified", "published", "sunset"] as const;
    for (let i = 1; i < path.length; i++) expect(canMove(path[i - 1]!, path[i]!)).toBe(true);
    expect(canMove("ratification", "returned")).toBe(true);
    expect(canMove("returned", "deliberating")).toBe(true);
    expect(canMove("published", "repealed")).toBe(true);
    expect(canMove("published", "renewed")).toBe(true);
  });

  it("refuses every other move with a conflict the clerk can read", () => {
    expect(canMove("draft", "deliberating")).toBe(false);
    expect(canMove("rejected", "published")).toBe(false);
    expect(canMove("repealed", "published")).toBe(false);
    expect(() => requireMove("intake", "published")).toThrow(DomainError);
    try {
      requireMove("intake", "published");
    } catch (error) {
      expect((error as DomainError).kind).toBe("conflict");
      expect((error as DomainError).message).toBe("A matter in intake cannot move to published.");
    }
  });

  it("names only known statuses, and every status is reachable from draft", () => {
    const reached = new Set<string>(["draft"]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const from of reached)
        for (const to of MATTER_TRANSITIONS[from as keyof typeof MATTER_TRANSITIONS]) if (!reached.has(to)) reached.add(to), (changed = true);
    }
    expect([...reached].sort()).toEqual([...MATTER_STATUSES].sort());
  });

  it("gives emergency matters a 90-day sunset unless the clerk sets one", () => {
    expect(sunsetDaysOf({ emergency: true })).toBe(90);
    expect(sunsetDaysOf({ emergency: true, sunsetDays: 30 })).toBe(30);
    expect(sunsetDaysOf({ emergency: false })).toBeNull();
    expect(intakeClosesAt(new Date("2026-11-24T10:00:00Z"), 48).toISOString()).toBe("2026-11-26T10:00:00.000Z");
  });

  it("bounds the clerk's settings", () => {
    const good = {
      title: "Real-time biometric identification in public spaces",
      clauses: ["Real-time remote biometric identification in publicly accessible spaces is prohibited, except ..."],
      language: "en",
      contextId: "biometric-identification-public-spaces",
      rationale: "Cameras with face recognition are being installed in two cities.",
      emergency: true,
      intakeHours: 48,
      rounds: 3,
      candidates: 4,
      approvalThreshold: 0.6,
    };
    expect(MatterDraft.safeParse(good).success).toBe(true);
    // A matter may be written in Russian as in English or Estonian (decision 19 as amended).
    expect(MatterDraft.safeParse({ ...good, language: "ru" }).success).toBe(true);
    for (const bad of [
      { rounds: 0 },
      { rounds: 9 },
      { candidates: 1 },
      { approvalThreshold: 0.4 },
      { intakeHours: 0 },
      { contextId: "Bad Id" },
      { title: "" },
      { clauses: [] },
      { clauses: ["Too short"] },
      { clauses: Array.from({ length: 41 }, (_, i) => `Clause number ${i + 1} of the rule.`) },
      { language: "fr" },
    ]) {
      expect(MatterDraft.safeParse({ ...good, ...bad }).success).toBe(false);
    }
  });
});
