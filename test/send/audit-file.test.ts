import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditFallbackFile } from '../../src/commands/alert.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { parseConf } from '../../src/splunk/conf-file.js';
import { appendFallback, fallbackLine } from '../../src/send/audit-trail.js';

/** The fallback file as the app's own inputs.conf and props.conf (read, not copied) take it in. */
const app = fileURLToPath(new URL('../../splunk_app/TA-ser-mail/default/', import.meta.url));
const props = parseConf(readFileSync(join(app, 'props.conf'), 'utf8'));
const inputs = parseConf(readFileSync(join(app, 'inputs.conf'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-audit-file-'));

/** strptime for the directives props.conf uses here; anything else fails the test loudly. */
function readTime(format: string, text: string): number {
  const parts: Record<string, string> = {};
  let re = '^';
  for (const tok of format.match(/%\d?[A-Za-z]|[^%]+/g)!) {
    const width: Record<string, number> = { '%Y': 4, '%m': 2, '%d': 2, '%H': 2, '%M': 2, '%S': 2, '%3N': 3 };
    if (tok.startsWith('%')) {
      if (!width[tok]) throw new Error(`TIME_FORMAT directive ${tok} is not handled by this test`);
      re += `(?<${tok.replace(/\W/g, '_')}>\\d{${width[tok]}})`;
    } else re += tok.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(re).exec(text);
  if (!m) throw new Error(`"${text}" does not match TIME_FORMAT ${format}`);
  for (const [k, v] of Object.entries(m.groups!)) parts[k] = v;
  const n = (k: string) => Number(parts[k] ?? 0);
  return Date.UTC(n('_Y'), n('_m') - 1, n('_d'), n('_H'), n('_M'), n('_S'), n('_3N'));
}

describe('local audit file (HEC unreachable)', () => {
  afterEach(() => vi.restoreAllMocks());

  const stanza = props.get(SOURCETYPES.sendAudit)!;

  it('every line is one event whose timestamp props.conf reads back exactly', () => {
    expect(stanza.get('TZ')).toBe('UTC');
    const prefix = new RegExp(stanza.get('TIME_PREFIX')!);
    const lookahead = Number(stanza.get('MAX_TIMESTAMP_LOOKAHEAD'));
    const breaker = new RegExp(stanza.get('LINE_BREAKER')!);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
        fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== 'timestamp'), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()))),
        (ms, body) => {
          const line = fallbackLine({ time: ms / 1000, event: body, sourcetype: SOURCETYPES.sendAudit, id: 'x' });
          expect(line.endsWith('\n')).toBe(true);
          expect(breaker.test(line.slice(0, -1))).toBe(false); // one line = one event
          const m = prefix.exec(line);
          expect(m?.index).toBe(0);
          expect(readTime(stanza.get('TIME_FORMAT')!, line.slice(m![0].length, m![0].length + lookahead))).toBe(ms);
          expect(JSON.parse(line)).toEqual({ timestamp: new Date(ms).toISOString(), ...body });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is the file inputs.conf monitors, under the audit sourcetype', () => {
    const file = auditFallbackFile({ SPLUNK_HOME: '/opt/splunk' });
    const monitor = [...inputs.keys()].find((k) => k.startsWith('monitor://') && k.includes('ser_secure_send'));
    expect(monitor).toBeDefined();
    expect(monitor!.slice('monitor://'.length).replace('$SPLUNK_HOME', '/opt/splunk')).toBe(file);
    expect(inputs.get(monitor!)!.get('sourcetype')).toBe(SOURCETYPES.sendAudit);
    expect(inputs.get(monitor!)!.get('disabled')).not.toBe('1');
    const source = [...props.keys()].find((k) => k.startsWith('source::') && k.includes('ser_secure_send'))!;
    expect(new RegExp(`${source.slice('source::'.length).replace(/\.\.\./g, '.*').replace(/\*/g, '.*')}$`).test(file)).toBe(true);
    expect(props.get(source)!.get('sourcetype')).toBe(SOURCETYPES.sendAudit);
    expect(basename(auditFallbackFile({ TA_SER_MAIL_SEND_AUDIT_FILE: '/x/y.log' }))).toBe('y.log');
  });

  it("appends are fsync'd, and the folder too when the file is new", async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const handle = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = vi.spyOn(handle, 'sync');
    const file = join(dir, 'sub', 'audit.log');
    const ev = (i: number) => ({ time: 1_700_000_000 + i, event: { n: i }, sourcetype: SOURCETYPES.sendAudit, id: String(i) });
    await appendFallback(file, [ev(1), ev(2)]);
    expect(sync).toHaveBeenCalledTimes(2); // the file, then the new file's folder
    await appendFallback(file, [ev(3)]);
    expect(sync).toHaveBeenCalledTimes(3);
    await appendFallback(file, []);
    expect(sync).toHaveBeenCalledTimes(3);
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3]);
  });
});
