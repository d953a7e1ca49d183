/**
 * A reader for Splunk .conf files as the app ships them: `[stanza]` headers, `key = value`
 * lines, `#` comments, and values continued onto the next line by a trailing backslash (how
 * long searches are written in savedsearches.conf and macros.conf). Enough for the
 * consistency test; Splunk's own layering (default/local) is not modelled.
 */
export type ConfStanzas = Map<string, Map<string, string>>;

export class ConfParseError extends Error {
  constructor(file: string, line: number, why: string) {
    super(`${file}:${line}: ${why}`);
    this.name = 'ConfParseError';
  }
}

export function parseConf(text: string, file = '<conf>'): ConfStanzas {
  const stanzas: ConfStanzas = new Map();
  let current = new Map<string, string>();
  stanzas.set('default', current);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    const lineNo = i + 1;
    // Continuation: a value ending in a backslash goes on with the next physical line.
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)}\n${lines[++i] ?? ''}`;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) throw new ConfParseError(file, lineNo, `stanza header not closed: ${trimmed}`);
      const name = trimmed.slice(1, -1);
      current = stanzas.get(name) ?? new Map<string, string>();
      stanzas.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ConfParseError(file, lineNo, `expected "key = value": ${trimmed.slice(0, 60)}`);
    const key = line.slice(0, eq).trim();
    if (current.has(key)) throw new ConfParseError(file, lineNo, `setting ${key} given twice in one stanza`);
    current.set(key, line.slice(eq + 1).trim());
  }
  if ((stanzas.get('default')?.size ?? 0) === 0) stanzas.delete('default');
  return stanzas;
}
