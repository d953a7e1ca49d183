/**
 * Splunk's .conf text: `[stanza]` headers, `key = value` lines, `#` comments, a trailing
 * backslash continues a value on the next line. Keys before any header belong to `default`.
 * Used to read the app's own files from disk (the settings the process needs before it can
 * talk to splunkd) and by the package test.
 */
export type ConfFile = Map<string, Map<string, string>>;

export function parseConf(text: string): ConfFile {
  const out: ConfFile = new Map();
  let stanza = out.get('default') ?? new Map<string, string>();
  out.set('default', stanza);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i] ?? ''}`;
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const h = /^\[(.*)\]$/.exec(t);
    if (h) {
      const name = h[1] ?? '';
      stanza = out.get(name) ?? new Map();
      out.set(name, stanza);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    stanza.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (out.get('default')?.size === 0) out.delete('default');
  return out;
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
