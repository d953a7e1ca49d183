import { isUtf8 } from 'node:buffer';
import { BadLineError } from './ndjson-event.js';

/**
 * The lines of an NDJSON input as bytes (not text): a line that is not valid UTF-8 must be
 * refused with its line and byte offset, and a text decoder would already have replaced the
 * bad bytes with U+FFFD without a word. A trailing "\r" (CRLF files) is dropped.
 */
export interface RawLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte in the input. */
  offset: number;
  bytes: Buffer;
}

export async function* rawLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<RawLine> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  let offset = 0;
  for await (const chunk of input) {
    const buf = rest.length === 0 ? (typeof chunk === 'string' ? Buffer.from(chunk) : chunk) : Buffer.concat([rest, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
      const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield { line: ++line, offset, bytes: buf.subarray(from, end) };
      offset += nl + 1 - from;
      from = nl + 1;
    }
    rest = from === 0 ? buf : buf.subarray(from);
  }
  if (rest.length > 0) yield { line: ++line, offset, bytes: rest[rest.length - 1] === 13 ? rest.subarray(0, -1) : rest };
}

/** Byte offset of the first byte that is not part of a valid UTF-8 sequence; undefined when all are. */
export function invalidUtf8Offset(b: Buffer): number | undefined {
  if (isUtf8(b)) return undefined;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // The second byte's range rules out overlong forms and surrogates (RFC 3629); a missing byte is truncation.
    if (n > 0) {
      const c1 = b[i + 1];
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      if (c1 === undefined || c1 < lo || c1 > hi) return i;
      for (let k = 2; k <= n; k++) {
        const ck = b[i + k];
        if (ck === undefined || ck < 0x80 || ck > 0xbf) return i;
      }
    }
    i += n + 1;
  }
  return undefined;
}

/**
 * A line's text. Invalid UTF-8 is refused naming the line and byte offset, unless `replace`
 * (forward --replace-invalid-utf8), which substitutes U+FFFD and has `warn` say where.
 */
export function lineText(l: RawLine, replace: boolean, warn: (message: string) => void): string {
  const at = invalidUtf8Offset(l.bytes);
  if (at === undefined) return l.bytes.toString('utf8');
  const where = `invalid UTF-8 at byte ${at} of the line (byte ${l.offset + at} of the input)`;
  if (!replace) throw new BadLineError(l.line, `${where}; fix the encoding (or give --replace-invalid-utf8 to send it with U+FFFD in place of the bad bytes)`);
  warn(`line ${l.line}: ${where}; replaced with U+FFFD (--replace-invalid-utf8)`);
  return l.bytes.toString('utf8');
}
