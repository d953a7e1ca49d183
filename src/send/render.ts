import type { ResultRow } from './results.js';

/** Values from search results are untrusted: escaped before they enter an HTML body. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function cellText(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

const ROW_TOKEN = /\$result\.([^$\s]+)\$/g;

/** Fills `$result.<field>$` from one row; missing fields become empty; `escape` for HTML bodies. */
export function fillRowTokens(template: string, row: ResultRow, escape: (s: string) => string = (s) => s): string {
  return template.replace(ROW_TOKEN, (_m, field: string) => escape(cellText(row[field])));
}

/**
 * A subject is one header line at the service: line breaks from result values would let a row
 * write extra mail headers if the service relays the subject as is, so they become spaces.
 */
export function subjectLine(s: string): string {
  return s.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
}

/** Columns shown: every field but Splunk's internal ones (`_time` and `_raw` are kept). */
export function visibleColumns(rows: readonly ResultRow[]): string[] {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (seen.has(k) || (k.startsWith('_') && k !== '_time' && k !== '_raw')) continue;
      seen.add(k);
      cols.push(k);
    }
  }
  return cols;
}

function note(shown: number, total: number): string {
  return total > shown ? `Showing ${shown} of ${total} results.` : `${total} result${total === 1 ? '' : 's'}.`;
}

/** The results as an HTML table (escaped) or a plain-text table, with a line saying what was cut. */
export function renderTable(rows: readonly ResultRow[], total: number, bodyType: 'text/plain' | 'text/html'): string {
  const cols = visibleColumns(rows);
  if (bodyType === 'text/html') {
    const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
    const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`).join('\n');
    return `<table border="1" cellpadding="4" cellspacing="0">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n<p>${escapeHtml(note(rows.length, total))}</p>`;
  }
  const flat = (s: string) => s.replace(/[\r\n\t]+/g, ' ');
  const cells = [cols, ...rows.map((r) => cols.map((c) => flat(cellText(r[c]))))];
  const width = cols.map((_c, i) => Math.min(60, Math.max(...cells.map((line) => line[i]!.length))));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(width[i]!)).join(' | ').trimEnd();
  return [line(cols), width.map((w) => '-'.repeat(w)).join('-+-'), ...cells.slice(1).map(line), '', note(rows.length, total)].join('\n');
}

/** The per-alert body: the template with the table at `$results_table$`, or after the text. */
export function composeAlertBody(template: string, table: string, bodyType: 'text/plain' | 'text/html'): string {
  if (template.includes('$results_table$')) return template.split('$results_table$').join(table);
  return bodyType === 'text/html' ? `${template}\n<br/>\n${table}` : `${template}\n\n${table}`;
}
