import { describe, expect, it } from "vitest";
import { batchSize } from "../../server/services/registry.server.js";

/** Batches fitted to what a transaction costs: toward 40 ms, at most halving or doubling, within bounds. */
describe("batch sizes fitted to their cost", () => {
  it("starts at the most, halves at most when a batch is slow, and never goes below 50 rows", () => {
    const size = batchSize(1_000);
    expect(size.rows).toBe(1_000);
    size.took(2_000, 1_000); // fifty times too slow: halved, not cut to a fiftieth
    expect(size.rows).toBe(500);
    for (let i = 0; i < 10; i++) size.took(2_000, size.rows);
    expect(size.rows).toBe(50);
  });

  it("grows at most twofold when batches are quick, up to the most it may hold", () => {
    const size = batchSize(1_000);
    for (let i = 0; i < 5; i++) size.took(2_000, size.rows);
    expect(size.rows).toBe(50);
    size.took(1, 50); // forty times quicker than wanted: doubled
    expect(size.rows).toBe(100);
    for (let i = 0; i < 10; i++) size.took(1, size.rows);
    expect(size.rows).toBe(1_000);
  });

  it("settles where a batch takes about 40 ms, and a short last batch changes nothing", () => {
    const size = batchSize(2_000);
    // A row costs 0.2 ms: 200 rows make 40 ms.
    for (let i = 0; i < 20; i++) size.took(size.rows * 0.2, size.rows);
    expect(size.rows).toBeGreaterThanOrEqual(190);
    expect(size.rows).toBeLessThanOrEqual(210);
    const settled = size.rows;
    size.took(5_000, 3);
    expect(size.rows).toBe(settled);
  });
});
