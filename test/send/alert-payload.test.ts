import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlertPayload } from '../../src/splunk/alert-payload.js';

const good = { app: 'search', owner: 'admin', results_file: '/opt/splunk/var/run/splunk/dispatch/sid1/results.csv.gz', server_host: 'sh1', server_uri: 'https://127.0.0.1:8089', session_key: 'k', sid: 'sid1', search_name: 'Disk alerts', configuration: { service: 'mailbox', max_rows: 10, to: 'a.b@example.com' }, result: { host: ['db1', 'db2'] } };

describe('alert payload (splunkd stdin, payload_format = json)', () => {
  it('parses what splunkd sends; parameters become strings; a byte-order mark is fine; unknown fields are kept', () => {
    const p = parseAlertPayload(`\uFEFF${JSON.stringify({ ...good, new_field: 1 })}`);
    expect(p).toMatchObject({ sid: 'sid1', search_name: 'Disk alerts', configuration: { service: 'mailbox', max_rows: '10' } });
    expect((p as Record<string, unknown>).new_field).toBe(1);
  });

  it.each(['server_uri', 'session_key', 'sid'])('without %s: the error names the field', (field) => {
    const { [field]: _gone, ...rest } = good as Record<string, unknown>;
    expect(() => parseAlertPayload(JSON.stringify(rest))).toThrowError(new RegExp(`field "${field}"`));
  });

  it('an error never repeats the payload text (it holds the session key)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('', '}', ' x', '"'), (junk, tail) => {
        const key = 'SESSIONKEY0123456789abcdef';
        for (const text of [`${key}${junk}`, `{"session_key":"${key}"${tail}${junk}`, `S${key}`]) {
          let message = '';
          try {
            parseAlertPayload(text);
          } catch (err) {
            message = (err as Error).message;
          }
          expect(message.includes('SESSIONKEY')).toBe(false);
          expect(message.includes('KEY0123')).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
