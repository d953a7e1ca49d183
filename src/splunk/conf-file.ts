import { readFileSync } from 'node:fs';
import { AddonError } from '../core/errors.js';

/**
 * The one reader of Splunk's .conf text: `[stanza]` headers, `key = value` lines, `#` comments,
 * a trailing backslash continues a value on the next line (how long searches are written in
 * savedsearches.conf and macros.conf). Keys before any header belong to `default`. A BOM and
 * CRLF or CR line ends are accepted.
 *
 * Two modes, because two kinds of callers read .conf files:
 * - lenient (default) reads what splunkd would: a malformed line is ignored and a repeated key
 *   takes the last value, as splunkd does; for settings read at run time from an admin's files.
 * - strict (`{ strict: true, file }`) is for the files this project writes and ships (tests,
 *   generators, the package check): a malformed line, an unclosed header or a key given twice
 *   in one stanza is a ConfParseError naming `file:line`.
 */
export type ConfFile = Map<string, Map<string, string>>;

export interface ConfReadOptions {
  strict?: boolean;
  /** Named in strict-mode errors. */
  file?: string;
}

export class ConfParseError extends AddonError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, why: string) {
    super('CONF_MALFORMED', `${file}:${line}: ${why}`);
    this.file = file;
    this.line = line;
  }
}

export function parseConf(text: string, options: ConfReadOptions = {}): ConfFile {
  const strict = options.strict ?? false;
  const file = options.file ?? '<conf>';
  const out: ConfFile = new Map();
  let stanza = new Map<string, string>();
  out.set('default', stanza);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i] ?? '';
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i] ?? ''}`;
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) {
        if (strict) throw new ConfParseError(file, lineNo, `stanza header not closed: ${t.slice(0, 60)}`);
        continue;
      }
      const name = t.slice(1, -1);
      stanza = out.get(name) ?? new Map();
      out.set(name, stanza);
      continue;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (key === '') {
      if (strict) throw new ConfParseError(file, lineNo, `expected "key = value": ${t.slice(0, 60)}`);
      continue;
    }
    if (strict && stanza.has(key)) throw new ConfParseError(file, lineNo, `setting ${key} given twice in one stanza`);
    stanza.set(key, line.slice(eq + 1).trim());
  }
  if (out.get('default')?.size === 0) out.delete('default');
  return out;
}

/**
 * One .conf file from disk; a file that is absent or cannot be read counts as empty, the way
 * splunkd's layering skips it (strict mode still throws on malformed content).
 */
export function readConfFile(path: string, options: ConfReadOptions = {}): ConfFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new Map();
  }
  return parseConf(text, { file: path, ...options });
}

/** Layers files the way splunkd does for one app: later files (local/) win key by key. */
export function mergeConf(...files: ConfFile[]): ConfFile {
  const out: ConfFile = new Map();
  for (const f of files) {
    for (const [name, keys] of f) {
      const s = out.get(name) ?? new Map<string, string>();
      for (const [k, v] of keys) s.set(k, v);
      out.set(name, s);
    }
  }
  return out;
}
