import type { CheckResult } from './check.js';

const HEADERS = ['CHECK', 'TARGET', 'RESULT', 'DETAIL', 'FIX'] as const;
const WORD = { pass: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

/**
 * A plain-text table, one row per check. Long cells are not cut (an admin needs the whole
 * message); columns are padded to the widest cell, so the table stays greppable.
 */
export function renderTable(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [r.check, r.target, WORD[r.status], oneLine(r.detail), oneLine(r.fix ?? '')]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failed = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const notes = [warned ? `${warned} with a warning` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
  out.push('', failed === 0 ? `All ${results.length - skipped} checks passed${notes ? ` (${notes})` : ''}.` : `${failed} of ${results.length} checks failed${warned ? `, ${warned} with a warning` : ''}.`);
  return `${out.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
