import { describe, expect, it } from "vitest";
import { createLimiter, createTokenBudget } from "../../deliberation/llm/limiter.js";
import { LlmError } from "../../deliberation/llm/port.js";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("createLimiter", () => {
  it("runs at most `max` calls at once and starts the waiting ones in arrival order", async () => {
    const limiter = createLimiter(2);
    const gates = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const runs = gates.map((gate, index) =>
      limiter.run(async () => {
        started.push(index);
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await gate.promise;
        running -= 1;
        return index;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(3);

    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);

    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(mostRunning).toBe(2);
    expect(limiter.active).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it("frees the slot when a call fails", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(limiter.active).toBe(0);
    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("refuses a size below one", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});

describe("createTokenBudget", () => {
  it("tracks what each matter spent and what is left", () => {
    const budget = createTokenBudget({ defaultLimit: 1_000, limits: { "matter-big": 5_000 } });
    expect(budget.limit("matter-a")).toBe(1_000);
    expect(budget.limit("matter-big")).toBe(5_000);

    budget.reserve("matter-a", 300);
    expect(budget.remaining("matter-a")).toBe(700);
    expect(budget.spent("matter-a")).toBe(0);

    budget.charge("matter-a", 120, 300);
    expect(budget.spent("matter-a")).toBe(120);
    expect(budget.remaining("matter-a")).toBe(880);
    expect(budget.remaining("matter-b")).toBe(1_000);
  });

  it("throws budget_exhausted when a reservation does not fit, counting reservations under way", () => {
    const budget = createTokenBudget({ defaultLimit: 500 });
    budget.reserve("matter-a", 400);
    let caught: unknown;
    try {
      budget.reserve("matter-a", 200);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LlmError);
    expect((caught as LlmError).reason).toBe("budget_exhausted");

    budget.release("matter-a", 400);
    expect(budget.remaining("matter-a")).toBe(500);
    expect(() => budget.reserve("matter-a", 200)).not.toThrow();
  });

  it("stays exhausted once a call cost more than it reserved", () => {
    const budget = createTokenBudget({ defaultLimit: 100 });
    budget.reserve("matter-a", 50);
    budget.charge("matter-a", 130, 50);
    expect(budget.spent("matter-a")).toBe(130);
    expect(budget.remaining("matter-a")).toBe(0);
    expect(() => budget.reserve("matter-a", 1)).toThrow(LlmError);

    budget.setLimit("matter-a", 1_000);
    expect(budget.remaining("matter-a")).toBe(870);
  });
});
