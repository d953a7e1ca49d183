import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boolish, durationSeconds } from '../../src/core/schema.js';

const UNITS: Record<string, number> = { '': 1, s: 1, ms: 0.001, m: 60, h: 3600, d: 86_400 };

describe('durationSeconds', () => {
  it('reads any whole or decimal amount with any unit, in any case and spacing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        fc.constantFrom(...Object.keys(UNITS)),
        fc.boolean(),
        fc.constantFrom('', ' ', '  '),
        (whole, frac, unit, upper, pad) => {
          const amount = frac === undefined ? String(whole) : `${whole}.${frac}`;
          const text = `${pad}${amount}${pad}${upper ? unit.toUpperCase() : unit}${pad}`;
          expect(durationSeconds.parse(text)).toBeCloseTo(Number(amount) * UNITS[unit]!, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes non-negative numbers through and refuses anything else, naming the value', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (n) => {
      expect(durationSeconds.parse(n) === n).toBe(true);
    }));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter((s) => !/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$/i.test(s)),
        (s) => {
          const r = durationSeconds.safeParse(s);
          expect(r.success).toBe(false);
          expect(r.error?.issues[0]?.message).toContain(`got "${s}"`);
        },
      ),
      { numRuns: 300 },
    );
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(durationSeconds.safeParse(bad).success).toBe(false);
  });
});

describe('boolish', () => {
  const TRUE = ['1', 'true', 'yes', 'y', 'on', 't'];
  const FALSE = ['0', 'false', 'no', 'n', 'off', 'f', ''];

  it("reads Splunk's spellings in any case with surrounding spaces", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TRUE, ...FALSE), fc.boolean(), fc.constantFrom('', ' ', '\t'), (word, upper, pad) => {
        expect(boolish.parse(`${pad}${upper ? word.toUpperCase() : word}${pad}`)).toBe(TRUE.includes(word));
      }),
    );
    expect(boolish.parse(true)).toBe(true);
    expect(boolish.parse(0)).toBe(false);
    expect(boolish.parse(2)).toBe(true);
  });

  it('refuses any other text, naming it', () => {
    const known = new Set([...TRUE, ...FALSE]);
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }).filter((s) => !known.has(s.trim().toLowerCase())), (s) => {
        const r = boolish.safeParse(s);
        expect(r.success).toBe(false);
        expect(r.error?.issues[0]?.message).toContain(`got "${s}"`);
      }),
      { numRuns: 300 },
    );
  });
});
