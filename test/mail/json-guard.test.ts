import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonBytes, invalidUtf8Offset, pathAtOffset } from '../../src/mail/json-guard.js';

/** Nesting depth of a parsed value: what the byte scan must agree with. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

const fatal = new TextDecoder('utf-8', { fatal: true });
const decodes = (b: Uint8Array) => {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('json-guard: the byte scan before JSON.parse', () => {
  it('property: refuses exactly the JSON texts nested deeper than the limit (strings with brackets, quotes and escapes included)', () => {
    const strings = fc.oneof(fc.string(), fc.constantFrom('[[[', '"]}', '\\', '\\"[', '{"a":[', 'Отчёт [1]'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, strings, fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(strings, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (v, limit) => {
        const bytes = Buffer.from(JSON.stringify(v), 'utf8');
        const problem = checkJsonBytes(bytes, limit);
        if (depthOf(v) > limit) expect(problem?.kind).toBe('too-deep');
        else expect(problem).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('property: finds invalid UTF-8 exactly where a fatal TextDecoder fails, and the bytes before it decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 10 }), (noise, text) => {
        const bytes = Buffer.concat([Buffer.from(text, 'utf8'), noise]);
        const at = invalidUtf8Offset(bytes);
        expect(at === -1).toBe(decodes(bytes));
        if (at >= 0) {
          expect(decodes(bytes.subarray(0, at))).toBe(true);
          const problem = checkJsonBytes(Buffer.concat([Buffer.from('"'), bytes.filter((b) => b !== 0x22 && b !== 0x5c && b !== 0x5b && b !== 0x7b), Buffer.from('"')]));
          if (problem) expect(problem.kind).toBe('invalid-utf8');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses surrogates encoded in UTF-8, overlong forms and code points past U+10FFFF', () => {
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // U+D800 as UTF-8
    expect(invalidUtf8Offset(Buffer.from([0xc0, 0xaf]))).toBe(0); // overlong "/"
    expect(invalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // U+110000
    expect(invalidUtf8Offset(Buffer.from('Отчёт 📎', 'utf8'))).toBe(-1);
  });

  it('finds lone surrogate escapes, not pairs or escaped backslashes', () => {
    const check = (json: string) => checkJsonBytes(Buffer.from(json, 'utf8'));
    expect(check('["\\ud800"]')).toEqual({ kind: 'lone-surrogate', offset: 2 });
    expect(check('["a\\udc00b"]')).toEqual({ kind: 'lone-surrogate', offset: 3 });
    expect(check('["\\ud83d\\u0041"]')?.kind).toBe('lone-surrogate');
    expect(check('["\\ud83d\\udcce", "\\\\ud800", "\\u0041"]')).toBeUndefined();
  });

  it('names the field path at an offset, array indices and keys with odd characters included', () => {
    const json = '{"mailMessages":[{"id":"a"},{"to":[{"address":"x"},{"address":"HERE"}]}],"we\\"ird key":{"k":"THERE"}}';
    const buf = Buffer.from(json, 'utf8');
    expect(pathAtOffset(buf, json.indexOf('HERE'))).toBe('mailMessages[1].to[1].address');
    expect(pathAtOffset(buf, json.indexOf('THERE'))).toBe('["we\\"ird key"].k');
    expect(pathAtOffset(buf, 0)).toBe('(body)');
  });
});
