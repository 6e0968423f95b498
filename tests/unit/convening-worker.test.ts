import { describe, expect, it } from "vitest";
import { apportion, byDistrict, byValueCommunities, type CitizenHoldings } from "../../deliberation/constituencies.js";
import { buildMandate } from "../../deliberation/mandates.js";
import { computeConvening } from "../../server/services/convening-worker.server.js";

/**
 * The convening worker computes what convening computed in the event loop before: the same
 * constituencies, weights and mandates, with members given back as indices into the citizens.
 */
function polity(n: number): CitizenHoldings[] {
  const values = Array.from({ length: 12 }, (_, v) => `value-${v}`);
  return Array.from({ length: n }, (_, i) => ({
    id: `citizen-${(i * 7919) % n}`.padEnd(16, "x"),
    district: ["Harju", "Tartu", "Ida-Viru", "Pärnu"][i % 4]!,
    // Four planted groups of three values each; every fifth citizen holds nothing.
    holds: i % 5 === 0 ? [] : values.slice((i % 4) * 3, (i % 4) * 3 + 2 + (i % 2)),
  }));
}

describe("the convening computation, as the worker runs it", () => {
  const citizens = polity(3_000);
  const scores: [string, number][] = Array.from({ length: 12 }, (_, v) => [`value-${v}`, (v + 1) / 78]);
  const dissent: [string, number][] = scores.map(([id], v) => [id, v % 3 === 0 ? 0.25 : 0]);

  for (const scheme of ["districts", "value-communities"] as const) {
    it(`draws the same ${scheme} constituencies, weights and mandates as drawn directly`, () => {
      const computed = computeConvening(citizens, { scheme, scores, dissent });
      const direct = scheme === "districts" ? byDistrict(citizens) : byValueCommunities(citizens).constituencies;
      expect(computed.map((c) => c.id)).toEqual(direct.map((c) => c.id));
      const weights = new Map(apportion(direct).map((a) => [a.id, a.weight]));
      const byId = new Map(citizens.map((c) => [c.id, c]));
      for (const [k, c] of computed.entries()) {
        const d = direct[k]!;
        expect(Array.from(c.members, (i) => citizens[i]!.id)).toEqual(d.members);
        expect({ label: c.label, size: c.size, weight: c.weight }).toEqual({ label: d.label, size: d.size, weight: weights.get(d.id) });
        const mandate = buildMandate({
          constituencyId: d.id,
          members: d.members.map((id) => byId.get(id)!),
          scores: new Map(scores),
          dissent: new Map(dissent),
        });
        expect(c.mandate).toEqual(mandate);
      }
      // Everyone has a district; a value community holds only those who hold a value (four in five here).
      expect(computed.reduce((n, c) => n + c.size, 0)).toBe(scheme === "districts" ? citizens.length : (citizens.length * 4) / 5);
    });
  }

  it("keeps the domain's refusals: a citizen given twice is refused by name", () => {
    expect(() => computeConvening([...citizens.slice(0, 3), citizens[0]!], { scheme: "districts", scores, dissent })).toThrow(/appears twice/);
  });
});
