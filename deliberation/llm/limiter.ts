import { LlmError } from "./port.js";

/** A semaphore: at most `max` calls run at once, the rest wait in arrival order. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly max: number;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter size must be a positive integer, got ${max}`);
  let active = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    active -= 1;
    const next = queue.shift();
    if (next) {
      active += 1;
      next();
    }
  };

  return {
    max,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < max) active += 1;
      // The releasing call hands its slot over directly, so a newcomer cannot jump the queue.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/**
 * Tokens a deliberation (matter) may spend on the model. A call first reserves its estimate, so
 * concurrent calls of one matter cannot overrun together, then is charged what it really cost.
 */
export interface TokenBudget {
  limit(matterId: string): number;
  spent(matterId: string): number;
  /** Limit minus what is spent and what is reserved by calls still under way. */
  remaining(matterId: string): number;
  setLimit(matterId: string, limit: number): void;
  /** Holds `tokens` for a call about to be sent; throws LlmError 'budget_exhausted' if they are not there. */
  reserve(matterId: string, tokens: number): void;
  /** Records what a call cost and lets go of what it had reserved. */
  charge(matterId: string, tokens: number, reserved?: number): void;
  /** Lets go of a reservation without spending (the call was never answered). */
  release(matterId: string, reserved: number): void;
}

export interface TokenBudgetOptions {
  /** Tokens each matter may spend unless given its own limit. */
  defaultLimit: number;
  limits?: Record<string, number>;
}

export function createTokenBudget(options: TokenBudgetOptions): TokenBudget {
  const limits = new Map<string, number>(Object.entries(options.limits ?? {}));
  const spent = new Map<string, number>();
  const held = new Map<string, number>();

  const limitOf = (matterId: string) => limits.get(matterId) ?? options.defaultLimit;
  const spentOf = (matterId: string) => spent.get(matterId) ?? 0;
  const heldOf = (matterId: string) => held.get(matterId) ?? 0;
  const remaining = (matterId: string) => Math.max(0, limitOf(matterId) - spentOf(matterId) - heldOf(matterId));
  const letGo = (matterId: string, tokens: number) => held.set(matterId, Math.max(0, heldOf(matterId) - tokens));

  return {
    limit: limitOf,
    spent: spentOf,
    remaining,
    setLimit(matterId, limit) {
      limits.set(matterId, limit);
    },
    reserve(matterId, tokens) {
      const available = remaining(matterId);
      if (tokens > available) {
        throw new LlmError(`token budget of matter ${matterId} exhausted: ${tokens} needed, ${available} of ${limitOf(matterId)} left`, "budget_exhausted");
      }
      held.set(matterId, heldOf(matterId) + tokens);
    },
    charge(matterId, tokens, reserved = 0) {
      letGo(matterId, reserved);
      spent.set(matterId, spentOf(matterId) + tokens);
    },
    release(matterId, reserved) {
      letGo(matterId, reserved);
    },
  };
}
