import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadLineError } from '../../src/hec/ndjson-event.js';
import { invalidUtf8Offset, lineText, rawLines } from '../../src/hec/ndjson-lines.js';

/** The offset of the first invalid byte, found the slow way: the longest prefix a strict decoder accepts. */
function slowOffset(b: Uint8Array): number | undefined {
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    strict.decode(b);
    return undefined;
  } catch {
    // the first offset where a strict decode of the prefix up to a sequence end fails
  }
  let ok = 0;
  for (let i = 1; i <= b.length; i++) {
    try {
      strict.decode(b.subarray(0, i));
      ok = i;
    } catch {
      // a prefix ending inside a sequence, or one with a bad byte
    }
  }
  return ok;
}

describe('invalidUtf8Offset', () => {
  it('agrees with a strict decoder on any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(invalidUtf8Offset(Buffer.from(bytes))).toBe(slowOffset(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds nothing wrong in any valid text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => invalidUtf8Offset(Buffer.from(s, 'utf8')) === undefined));
  });

  it('names overlong forms, surrogates and truncation', () => {
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong '/'
    expect(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // a surrogate
    expect(invalidUtf8Offset(Buffer.from([0xe2, 0x82]))).toBe(0); // truncated €
    expect(invalidUtf8Offset(Buffer.from('€ ok', 'utf8'))).toBeUndefined();
  });
});

describe('rawLines', () => {
  it('splits any chunking of the input into the same lines, with byte offsets (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 12 }), fc.integer({ min: 1, max: 7 }), async (ls, size) => {
        const whole = Buffer.from(ls.map((l) => `${l}\r\n`).join(''), 'utf8');
        const chunks = Array.from({ length: Math.ceil(whole.length / size) }, (_, i) => whole.subarray(i * size, (i + 1) * size));
        const got = [];
        for await (const l of rawLines(Readable.from(chunks))) got.push(l);
        expect(got.map((l) => l.bytes.toString('utf8'))).toEqual(ls);
        expect(got.map((l) => l.line)).toEqual(ls.map((_, i) => i + 1));
        let off = 0;
        for (const [i, l] of ls.entries()) {
          expect(got[i]!.offset).toBe(off);
          off += Buffer.byteLength(l) + 2;
        }
      }),
    );
  });

  it('refuses a bad line by line and byte offset, or replaces with a warning when asked', () => {
    const line = { line: 7, offset: 100, bytes: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) };
    expect(() => lineText(line, false, () => undefined)).toThrow(BadLineError);
    expect(() => lineText(line, false, () => undefined)).toThrow(/^line 7: invalid UTF-8 at byte 2 of the line \(byte 102 of the input\)/);
    const warnings: string[] = [];
    expect(lineText(line, true, (m) => warnings.push(m))).toBe('{"\ufffd"}');
    expect(warnings).toEqual([expect.stringMatching(/^line 7: invalid UTF-8 at byte 2 .*replaced with U\+FFFD/)]);
  });
});
