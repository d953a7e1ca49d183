import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSecret, Secret, secretSchema } from '../../src/core/secret.js';

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

describe('secretSchema', () => {
  const schema = z.object({ token: secretSchema('the HEC token') });

  it('keeps a Secret wrapped: the parsed value is the same object, never revealed', () => {
    const s = new Secret('abc');
    let revealed = 0;
    const original = s.reveal.bind(s);
    s.reveal = () => {
      revealed++;
      return original();
    };
    const out = schema.parse({ token: s });
    expect(out.token).toBe(s);
    expect(revealed).toBe(0);
  });

  it('wraps a string from a form or a test', () => {
    const out = schema.parse({ token: 'from-a-form' });
    expect(isSecret(out.token)).toBe(true);
    expect(out.token.reveal()).toBe('from-a-form');
  });

  it('refuses an empty or missing secret, naming it, without echoing a value', () => {
    const empty = schema.safeParse({ token: new Secret('') });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toBe('the HEC token is required');
    expect(empty.error?.issues[0]?.path).toEqual(['token']);
    expect(schema.safeParse({ token: '' }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ token: 42 }).success).toBe(false);
  });
});
