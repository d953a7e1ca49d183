import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecret, Secret } from '../../src/core/secret.js';

describe('Secret', () => {
  it('gives its value only through reveal()', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }).filter((v) => !'[REDACTED]'.includes(v) && !'Secret([REDACTED])'.includes(v)), (v) => {
        const s = new Secret(v);
        const leaks = [String(s), `${s}`, JSON.stringify({ s }), inspect(s), inspect({ deep: { s } }), Object.keys(s).join(','), JSON.stringify(Object.entries(s))];
        return s.reveal() === v && leaks.every((text) => !text.includes(v));
      }),
    );
  });

  it('prints a placeholder', () => {
    const s = new Secret('x');
    expect(String(s)).toBe('[REDACTED]');
    expect(JSON.stringify({ token: s })).toBe('{"token":"[REDACTED]"}');
    expect(inspect(s)).toBe('Secret([REDACTED])');
  });

  it('knows when it is empty, and is recognisable', () => {
    expect(new Secret('').isEmpty).toBe(true);
    expect(new Secret('a').isEmpty).toBe(false);
    expect(isSecret(new Secret('a'))).toBe(true);
    expect(isSecret('a')).toBe(false);
  });
});
