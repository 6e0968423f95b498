import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  chainEvent,
  GENESIS_HASH,
  hashEvent,
  type JsonValue,
  type LedgerEvent,
  type LedgerEventContent,
  verifyChain,
} from "../../deliberation/ledger.js";

/** RFC 8785 (JSON Canonicalization Scheme): the published examples and number vectors. */
describe("canonical JSON (RFC 8785)", () => {
  it("serialises the RFC's example (§3.2.4) byte for byte", () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts properties by UTF-16 code units (§3.2.3)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // Read the keys off the text (an object would put "1" first: JavaScript orders integer-like keys).
    const keys = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(keys).toEqual(["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
  });

  it("writes numbers as ECMAScript does (Appendix B)", () => {
    const vectors: [string, string][] = [
      ["0000000000000000", "0"],
      ["8000000000000000", "0"],
      ["0000000000000001", "5e-324"],
      ["8000000000000001", "-5e-324"],
      ["7fefffffffffffff", "1.7976931348623157e+308"],
      ["ffefffffffffffff", "-1.7976931348623157e+308"],
      ["4340000000000000", "9007199254740992"],
      ["c340000000000000", "-9007199254740992"],
      ["4430000000000000", "295147905179352830000"],
      ["44b52d02c7e14af5", "9.999999999999997e+22"],
      ["44b52d02c7e14af6", "1e+23"],
      ["44b52d02c7e14af7", "1.0000000000000001e+23"],
      ["444b1ae4d6e2ef4e", "999999999999999700000"],
      ["444b1ae4d6e2ef4f", "999999999999999900000"],
      ["444b1ae4d6e2ef50", "1e+21"],
      ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
      ["3eb0c6f7a0b5ed8d", "0.000001"],
      ["41b3de4355555553", "333333333.3333332"],
      ["41b3de4355555554", "333333333.33333325"],
      ["41b3de4355555555", "333333333.3333333"],
      ["41b3de4355555556", "333333333.3333334"],
      ["41b3de4355555557", "333333333.33333343"],
      ["becbf647612f3696", "-0.0000033333333333333333"],
      ["43143ff3c1cb0959", "1424953923781206.2"],
    ];
    for (const [bits, text] of vectors) {
      const value = Buffer.from(bits, "hex").readDoubleBE(0);
      expect(canonicalJson([value]), bits).toBe(`[${text}]`);
    }
  });

  it("refuses what JSON cannot hold", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
  });
});

/**
 * canonicalJson is our own serializer; the `canonicalize` package, which the ledger used before, is
 * kept as the oracle: on every JSON value, and on every ledger event, the two must give the same bytes,
 * or hashes already on record would stop verifying.
 */
describe("canonical JSON agrees with the canonicalize package", () => {
  /** What canonicalJson was: canonicalize, refusing what it leaves undefined (a top-level undefined, a function). */
  function oracle(value: unknown): string {
    const text = canonicalize(value);
    if (text === undefined) throw new TypeError("not JSON");
    return text;
  }

  /** A small seeded PRNG (mulberry32), so a failure can be replayed. */
  function prng(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const NUMBERS = [
    0,
    -0,
    1,
    -1,
    0.1,
    1e21,
    1e-7,
    1e-6,
    1e20,
    123456789012345680000,
    5e-324,
    -5e-324,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    -(2 ** 63),
    333333333.3333333,
    4.5,
    0.002,
    1e30,
    1e-27,
    9.999999999999997e22,
    1e23,
  ];
  // Code units that stress escaping, ordering and the surrogate rules (whole pairs only: lone ones are refused).
  const PIECES = [
    "a",
    "Z",
    "0",
    "9",
    " ",
    '"',
    "\\",
    "/",
    "\b",
    "\f",
    "\n",
    "\r",
    "\t",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "\u0080",
    "é",
    "õ",
    "€",
    "\u2028",
    "\u2029",
    "\ufb33",
    "\ufeff",
    "\uffff",
    "😀",
    "\ud83d\ude00",
    "𝄞",
    "\u{10ffff}",
    "\ud800\udc00",
    "\\u0041",
    "\\ud83d",
  ];

  function randomString(rand: () => number, max = 8): string {
    let text = "";
    const length = Math.floor(rand() * max);
    for (let i = 0; i < length; i++) text += PIECES[Math.floor(rand() * PIECES.length)]!;
    return text;
  }

  function randomNumber(rand: () => number): number {
    switch (Math.floor(rand() * 4)) {
      case 0:
        return NUMBERS[Math.floor(rand() * NUMBERS.length)]!;
      case 1:
        return Math.floor((rand() - 0.5) * 2 ** Math.floor(rand() * 64));
      case 2:
        return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      default: {
        // Any finite double, from random bits.
        const bytes = Buffer.alloc(8);
        for (let i = 0; i < 8; i++) bytes[i] = Math.floor(rand() * 256);
        const value = bytes.readDoubleBE(0);
        return Number.isFinite(value) ? value : 0;
      }
    }
  }

  function randomKey(rand: () => number): string {
    const roll = rand();
    if (roll < 0.15) return String(Math.floor(rand() * 20)); // integer-like: JavaScript enumerates these first
    if (roll < 0.5)
      return ["a", "b", "B", "aa", "a b", "seq", "type", "payload", "toString", "__proto__", "", "ö", "€", "😀", "\ufb33"][Math.floor(rand() * 15)]!;
    return randomString(rand, 5);
  }

  function randomValue(rand: () => number, depth: number): unknown {
    const roll = rand() * (depth > 3 ? 6 : 9);
    if (roll < 1) return null;
    if (roll < 2) return rand() < 0.5;
    if (roll < 4) return randomNumber(rand);
    if (roll < 6) return randomString(rand);
    if (roll < 7) return Array.from({ length: Math.floor(rand() * 5) }, () => (rand() < 0.05 ? undefined : randomValue(rand, depth + 1)));
    // Objects, some built through JSON.parse (which makes "__proto__" an own key), some with undefined members.
    const object: Record<string, unknown> = rand() < 0.1 ? Object.create(null) : {};
    for (let i = Math.floor(rand() * 6); i > 0; i--) {
      const key = randomKey(rand);
      const value = rand() < 0.05 ? undefined : randomValue(rand, depth + 1);
      if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    }
    return rand() < 0.1 ? JSON.parse(JSON.stringify(object)) : object;
  }

  function outcome(run: () => string | undefined): string {
    try {
      return `ok ${run()}`;
    } catch {
      return "throws";
    }
  }

  it("on 20,000 random JSON values", () => {
    const rand = prng(8785);
    for (let i = 0; i < 20_000; i++) {
      const value = randomValue(rand, 0);
      expect(
        outcome(() => canonicalJson(value)),
        JSON.stringify(value),
      ).toBe(outcome(() => oracle(value)));
    }
  });

  it("on every number vector and on numbers from random bits", () => {
    const rand = prng(1);
    const numbers = [...NUMBERS, ...Array.from({ length: 5_000 }, () => randomNumber(rand))];
    expect(canonicalJson(numbers)).toBe(oracle(numbers));
  });

  it("on dates (toJSON), and on what neither may write", () => {
    const dated = { at: new Date(Date.UTC(2026, 10, 24, 10)), nested: [{ when: new Date(0) }] };
    expect(canonicalJson(dated)).toBe(oracle(dated));
    const custom = { toJSON: () => ({ b: 1, a: [2, undefined] }) };
    expect(canonicalJson({ custom })).toBe(oracle({ custom }));
    for (const bad of [
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      "\ud800",
      "a\udc00b",
      "\ud83d",
      { ["\udfff"]: 1 },
      [1, Number.NaN],
      { a: { b: Number.POSITIVE_INFINITY } },
      10n,
      undefined,
    ]) {
      expect(() => oracle(bad)).toThrow();
      expect(() => canonicalJson(bad)).toThrow();
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { again: cyclic };
    expect(() => oracle(cyclic)).toThrow();
    expect(() => canonicalJson(cyclic)).toThrow();
    // A shared (not cyclic) object is fine twice over, shallow or deep; a cycle is refused however deep it starts.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe(oracle({ a: shared, b: [shared, shared] }));
    let deep: unknown = { leaf: [shared, shared], b: "z" };
    for (let i = 0; i < 200; i++) deep = i % 2 ? { z: deep, a: i, again: shared } : [deep, i];
    expect(canonicalJson(deep)).toBe(oracle(deep));
    const deepCycle: Record<string, unknown> = {};
    let tip = deepCycle;
    for (let i = 0; i < 50; i++) tip = (tip.next = { i }) as Record<string, unknown>;
    tip.back = deepCycle.next;
    expect(() => oracle(deepCycle)).toThrow();
    expect(() => canonicalJson(deepCycle)).toThrow(/cycle/);
  });

  it("leaves out undefined members and writes undefined array elements as null, as canonicalize does", () => {
    const value = { b: undefined, a: [undefined, 1], c: { d: undefined } };
    expect(canonicalJson(value)).toBe(oracle(value));
    expect(canonicalJson(value)).toBe('{"a":[null,1],"c":{}}');
  });

  it("refuses functions (canonicalize wrote them as invalid JSON) and keeps a top-level symbol out", () => {
    expect(() => canonicalJson({ a: () => 1 })).toThrow();
    expect(() => canonicalJson([() => 1])).toThrow();
    expect(() => canonicalJson(() => 1)).toThrow();
    expect(() => canonicalJson(Symbol("s"))).toThrow();
  });

  it("hashes 5,000 random ledger events exactly as SHA-256 over canonicalize did", () => {
    const rand = prng(42);
    const pick = <T>(options: T[]) => options[Math.floor(rand() * options.length)]!;
    let head: LedgerEvent | null = null;
    const events: LedgerEvent[] = [];
    for (let i = 0; i < 5_000; i++) {
      const next = {
        matterId: "matter-1",
        type: pick(["room.guidance", "deliberation.position", randomString(rand) || "x"]),
        actor: pick(["system:seed", "user:õnne", randomString(rand)]),
        payload: randomValue(rand, 1) as JsonValue,
        createdAt: pick([new Date(1_700_000_000_000 + i).toISOString(), randomString(rand)]),
      };
      const event = chainEvent(head, next);
      const { matterId, seq, type, actor, payload, createdAt, prevHash } = event;
      const expected = createHash("sha256").update(oracle({ matterId, seq, type, actor, payload, createdAt, prevHash }), "utf8").digest("hex");
      expect(event.hash, JSON.stringify(event)).toBe(expected);
      events.push((head = event));
    }
    expect(verifyChain(events)).toMatchObject({ ok: true, length: 5_000 });
  });

  it("hashes an event whose envelope needs escaping, or is off the usual shape, as canonicalize did", () => {
    const base = {
      matterId: 'm"1',
      seq: 3,
      type: "t\\y\npe",
      actor: "😀 \u2028",
      payload: { z: [1, { y: "\u0000" }], a: -0 },
      createdAt: "2026-11-24T10:00:00.000Z",
    };
    const cases: [LedgerEventContent, string][] = [
      [base, GENESIS_HASH],
      [{ ...base, payload: null }, "f".repeat(64)],
      [{ ...base, payload: "text" }, 'prev"hash'],
      [{ ...base, payload: undefined } as unknown as LedgerEventContent, GENESIS_HASH],
      [{ ...base, seq: 1.5 }, GENESIS_HASH],
    ];
    for (const [content, prevHash] of cases) {
      const { matterId, seq, type, actor, payload, createdAt } = content;
      const expected = createHash("sha256").update(oracle({ matterId, seq, type, actor, payload, createdAt, prevHash })).digest("hex");
      expect(hashEvent(content, prevHash)).toBe(expected);
    }
    expect(() => hashEvent({ ...base, actor: "\ud800" }, GENESIS_HASH)).toThrow();
    expect(() => hashEvent({ ...base, seq: Number.NaN }, GENESIS_HASH)).toThrow();
  });
});
