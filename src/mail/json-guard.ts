import { isUtf8 } from 'node:buffer';
import { formatPath } from './parse.js';

/**
 * Checks on a request body's raw bytes that must pass before JSON.parse builds anything:
 * nesting depth (8 MB of `[[[[` costs JSON.parse ~0.5 GB and seconds of a blocked event loop,
 * even inside a field nobody reads), valid UTF-8 and no lone surrogate escapes (both would
 * otherwise turn into U+FFFD silently). One linear pass, no allocation per level; the
 * field path of a problem is worked out only on the error path.
 */

/** Deepest nesting of arrays/objects a body may have. A Mails payload needs 5 (body → mailMessages → message → to → address). */
export const MAX_JSON_DEPTH = 64;

export type JsonGuardProblem =
  | { kind: 'too-deep'; offset: number; limit: number }
  | { kind: 'invalid-utf8'; offset: number }
  | { kind: 'lone-surrogate'; offset: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const hex = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);

/** The UTF-16 unit of a `\uXXXX` escape whose backslash is at `i`, or -1. */
function escapedUnit(buf: Uint8Array, i: number): number {
  if (buf[i + 1] !== 0x75 || i + 5 >= buf.length) return -1;
  let v = 0;
  for (let k = 2; k < 6; k++) {
    const h = hex(buf[i + k]!);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/**
 * Offset of the first byte that is not valid UTF-8 (overlong forms, surrogates encoded in
 * UTF-8 and code points above U+10FFFF included, as a fatal TextDecoder refuses them), or -1.
 */
export function invalidUtf8Offset(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Depth and lone-surrogate scan. Strings are skipped with
 * the native indexOf, so the loop touches structural bytes and escapes only.
 */
function scan(buf: Uint8Array, limit: number, shape?: JsonShape): JsonGuardProblem | undefined {
  let containers = 0;
  let strings = 0;
  // Splitting on structural bytes is safe before the UTF-8 check: every byte of a multi-byte sequence is >= 0x80.
  const n = buf.length;
  let depth = 0;
  let i = 0;
  // Position of the next backslash at or after `esc`'s search start, -1 when none is left. Kept
  // across strings: searching afresh for each string would rescan the rest of the body (O(n²)).
  let esc = buf.indexOf(BACKSLASH);
  while (i < n) {
    const b = buf[i]!;
    if (b === QUOTE) {
      // Most strings (keys, addresses, dates) are short: a plain loop beats two native calls.
      let k = i + 1;
      const stop = k + 48 < n ? k + 48 : n;
      while (k < stop && buf[k] !== QUOTE && buf[k] !== BACKSLASH) k++;
      if (k < stop && buf[k] === QUOTE) {
        i = k + 1;
        strings++;
        continue;
      }
      // Inside a long string or one with escapes: jump from backslash to backslash until the closing quote.
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf(QUOTE, j);
        if (esc !== -1 && esc < j) esc = buf.indexOf(BACKSLASH, j);
        const e = esc;
        if (q < 0) return undefined; // unterminated: JSON.parse says so
        if (e < 0 || q < e) {
          i = q + 1;
          strings++;
          break;
        }
        const unit = escapedUnit(buf, e);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // A high surrogate needs a low one right after it.
          const next = buf[e + 6] === BACKSLASH ? escapedUnit(buf, e + 6) : -1;
          if (!(next >= 0xdc00 && next <= 0xdfff)) return { kind: 'lone-surrogate', offset: e };
          j = e + 12;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          return { kind: 'lone-surrogate', offset: e };
        } else {
          j = unit >= 0 ? e + 6 : e + 2;
        }
      }
      continue;
    }
    if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      containers++;
      if (++depth > limit) return { kind: 'too-deep', offset: i, limit };
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
    }
    i++;
  }
  if (shape) {
    shape.containers = containers;
    shape.strings = strings;
  }
  return undefined;
}

/** What JSON.parse will build, counted by the scan. */
export interface JsonShape {
  containers: number;
  strings: number;
}

/**
 * Bytes the parsed value will take beyond its text: V8 spends about 64 bytes on a small
 * object or array and about 24 on a string header. `[[],[],…]` is 3 bytes of text per array
 * but ~20x that once parsed, so the receiver's budget is charged with this too.
 */
export function parsedOverhead(shape: JsonShape): number {
  return shape.containers * 64 + shape.strings * 24;
}

/** The first problem of a body, or undefined when JSON.parse may run on it. */
export function checkJsonBytes(buf: Uint8Array, limit = MAX_JSON_DEPTH, shape?: JsonShape): JsonGuardProblem | undefined {
  // Depth first: it reads only ASCII bytes (never part of a multi-byte UTF-8 sequence), and a
  // body that passes it keeps the path walk of a UTF-8 error shallow.
  const problem = scan(buf, limit, shape);
  if (problem) return problem;
  if (!isUtf8(buf)) return { kind: 'invalid-utf8', offset: invalidUtf8Offset(buf) };
  return undefined;
}

type Frame = { array: true; index: number } | { array: false; key: string | undefined };

/**
 * The field path at a byte offset (`mailMessages[3].subject`), from a tolerant walk of the
 * bytes before it: only on the error path. Keys are decoded with JSON.parse; a path deeper than
 * a handful of levels is cut (`…`), since a too-deep body would make it as long as the body.
 */
export function pathAtOffset(buf: Uint8Array, offset: number, maxShown = 12): string {
  const stack: Frame[] = [];
  let lastString: string | undefined;
  let i = 0;
  const end = Math.min(offset, buf.length);
  while (i < end) {
    const b = buf[i]!;
    if (b === QUOTE) {
      let j = i + 1;
      while (j < end && buf[j] !== QUOTE) j += buf[j] === BACKSLASH ? 2 : 1;
      if (j >= end) break; // the offset is inside this string: it is a value (or a key) being read
      const top = stack.at(-1);
      if (top && !top.array && stack.length <= maxShown + 1) {
        try {
          lastString = JSON.parse(Buffer.from(buf.subarray(i, j + 1)).toString('utf8')) as string;
        } catch {
          lastString = undefined;
        }
      }
      i = j + 1;
      continue;
    }
    const top = stack.at(-1);
    if (b === OPEN_ARRAY) stack.push({ array: true, index: 0 });
    else if (b === OPEN_OBJECT) stack.push({ array: false, key: undefined });
    else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) stack.pop();
    else if (b === 0x3a && top && !top.array) top.key = lastString;
    else if (b === 0x2c && top) {
      if (top.array) top.index++;
      else top.key = undefined;
    }
    i++;
  }
  const parts: Array<string | number> = [];
  for (const f of stack.slice(0, maxShown)) {
    if (f.array) parts.push(f.index);
    else if (f.key !== undefined) parts.push(f.key);
    else break;
  }
  const path = formatPath(parts);
  return stack.length > maxShown ? `${path}…` : path;
}
