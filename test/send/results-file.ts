import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** Writes rows as Splunk does: gzipped CSV with a header row, multivalue fields also as __mv_. */
export function writeResultsFile(file: string, rows: Array<Record<string, string | string[]>>): void {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const all = cols.flatMap((c) => [c, `__mv_${c}`]);
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [all.map(q).join(',')];
  for (const r of rows) {
    lines.push(
      cols
        .flatMap((c) => {
          const v = r[c];
          if (Array.isArray(v)) return [v.join('\n'), v.map((x) => `$${x.replace(/\$/g, '$$$$')}$`).join(';')];
          return [v ?? '', ''];
        })
        .map(q)
        .join(','),
    );
  }
  writeFileSync(file, gzipSync(`${lines.join('\r\n')}\r\n`));
}
