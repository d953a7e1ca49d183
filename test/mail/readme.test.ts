import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mailInputSchema } from '../../src/mail/config.js';

/** docs/mail.md, "## Configure it in Splunk": what admins copy into inputs.conf must work as written. */
const doc = readFileSync(fileURLToPath(new URL('../../docs/mail.md', import.meta.url)), 'utf8');
const start = doc.indexOf('\n## Configure it in Splunk');
const end = doc.indexOf('\n## ', start + 1);
const section = doc.slice(start, end === -1 ? undefined : end);

/** Setting lines of the section's ```ini blocks, as [line, key, value]. */
function confSettings(): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const block of section.matchAll(/```ini\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#') || t.startsWith('[')) continue;
      const m = /^([\w.]+)\s*=\s*(.*)$/.exec(t);
      expect(m, `not a setting line: ${line}`).not.toBeNull();
      out.push([line, m![1]!, m![2]!]);
    }
  }
  return out;
}

/** Keys Splunk itself reads in any modular-input stanza. */
const SPLUNK_KEYS = new Set(['interval', 'index', 'sourcetype', 'source', 'host', 'disabled']);

describe('docs/mail.md: the inputs.conf example', () => {
  it('exists', () => {
    expect(start).toBeGreaterThan(-1);
    expect(confSettings().length).toBeGreaterThan(5);
  });

  it('has no comment after a value: Splunk would keep it as part of the value', () => {
    const trailing = confSettings().filter(([, , value]) => /(^|\s)[#;]/.test(value));
    expect(trailing.map(([line]) => line)).toEqual([]);
  });

  it('names only settings the input knows, with values its schema accepts', () => {
    const settings = confSettings();
    const known = new Set(Object.keys(mailInputSchema.shape));
    expect(settings.filter(([, key]) => !known.has(key) && !SPLUNK_KEYS.has(key)).map(([line]) => line)).toEqual([]);
    const values = Object.fromEntries(settings.filter(([, key]) => known.has(key)).map(([, key, value]) => [key, value]));
    const parsed = mailInputSchema.safeParse(values);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });
});
