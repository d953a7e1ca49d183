import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mailInputSchema } from '../../src/mail/config.js';
import { PayloadError } from '../../src/mail/errors.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import { formatPath, parseJson, validatePayload } from '../../src/mail/parse.js';
import { parseDateTime } from '../../src/mail/payload.js';
import { truncateChars } from '../../src/mail/body-policy.js';
import { arbMailsPayload } from './arbitraries.js';

const options = ingestOptions(mailInputSchema.parse({ auth_mode: 'static', body_policy: 'keep' }), 't');

function payloadError(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayloadError) return err;
    throw err;
  }
  throw new Error('expected a PayloadError');
}

describe('date-times from .NET and ISO writers', () => {
  it.each([
    ['2018-12-08T05:50:49.360Z', Date.UTC(2018, 11, 8, 5, 50, 49, 360)],
    ['2018-12-08T05:50:49.3600000Z', Date.UTC(2018, 11, 8, 5, 50, 49, 360)],
    ['2018-12-08T05:50:49', Date.UTC(2018, 11, 8, 5, 50, 49)],
    ['2018-12-08T08:50:49+03:00', Date.UTC(2018, 11, 8, 5, 50, 49)],
    ['2018-12-08T00:50:49-0500', Date.UTC(2018, 11, 8, 5, 50, 49)],
    ['2018-12-08t05:50:49.3z', Date.UTC(2018, 11, 8, 5, 50, 49, 300)],
    ['2020-02-29 23:59:59.99', Date.UTC(2020, 1, 29, 23, 59, 59, 990)],
    [' 2018-12-08T05:50:49Z ', Date.UTC(2018, 11, 8, 5, 50, 49)],
  ])('%s', (text, ms) => {
    expect(parseDateTime(text)).toBe(ms);
  });

  it.each(['2018-02-30T00:00:00Z', '2019-02-29T00:00:00Z', '2018-13-01T00:00:00Z', '08.12.2018 05:50', '', 'yesterday', '2018-12-08T25:00:00Z', '2018-12-08T05:50:49+03', '2018-12-08T05:50:49.Z', '2018-12-08T05:50:49Zjunk', '2018-12-08T05:60:00Z'])('refuses %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('round-trips every instant written as toISOString (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(parseDateTime(d.toISOString())).toBe(d.getTime());
        // .NET's 7 fractional digits
        expect(parseDateTime(d.toISOString().replace('Z', '0000Z'))).toBe(d.getTime());
      }),
    );
  });

  it('agrees with Date.parse on any offset and fraction (differential property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1971-01-02T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.integer({ min: 0, max: 3 }),
        (d, offsetMin, fracDigits) => {
          const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
          const frac = fracDigits === 0 ? '' : `.${String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, fracDigits)}`;
          const abs = Math.abs(offsetMin);
          const zone = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${local}${frac}${zone}`;
          expect(parseDateTime(text)).toBe(Date.parse(text));
        },
      ),
    );
  });
});

describe('payload validation', () => {
  it('names every bad field by path, like mailMessages[3].sentAt', () => {
    const good = { id: 'x', sentAt: '2020-01-01T00:00:00Z', isSent: true };
    const body = {
      ownerIdentity: { type: 'email', value: 'o@x.com' },
      mailMessages: [good, good, good, { ...good, sentAt: 'not a date' }, { ...good, isSent: 'yes', importance: 'urgent' }],
    };
    const err = payloadError(() => validatePayload('mails', body));
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(['mailMessages[3].sentAt', 'mailMessages[4].importance', 'mailMessages[4].isSent']);
    expect(err.message).toContain('mailMessages[3].sentAt');
  });

  it('requires the owner and the list', () => {
    const err = payloadError(() => validatePayload('mails', { ownerIdentity: { value: '  ' } }));
    expect(err.issues.map((i) => i.path).sort()).toEqual(['mailMessages', 'ownerIdentity.value']);
  });

  it('refuses non-JSON with the parser\'s position', () => {
    const err = payloadError(() => parseJson('{"mailMessages": [}'));
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('names the JSON problem on one line without quoting the input (a body fragment must not reach the log)', () => {
    expect(payloadError(() => parseJson('{"body": секрет}')).message).toBe("the body is not valid JSON: Unexpected token 'с'");
    expect(payloadError(() => parseJson('garbage\n')).message).toBe("the body is not valid JSON: Unexpected token 'g'");
    expect(payloadError(() => parseJson('{"a": 1,}')).message).toMatch(/at position 8$/);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{8,30}$/), fc.string({ maxLength: 20 }), (word, noise) => {
        const text = `{"subject": "${word}", "body": ${word}${noise}}`;
        const message = payloadError(() => parseJson(text)).message;
        expect(message).not.toContain(word.slice(1));
        expect(message).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        try {
          parseJson(text);
        } catch (err) {
          expect((err as PayloadError).message).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
        }
      }),
    );
  });

  it('accepts a UTF-8 BOM', () => {
    expect(parseJson('\ufeff{"users":[]}')).toEqual({ users: [] });
  });

  it('formats odd keys safely', () => {
    expect(formatPath(['a', 0, 'b-c', 2])).toBe('a[0]["b-c"][2]');
    expect(formatPath([])).toBe('(body)');
  });

  it('never splits a surrogate pair when truncating (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (s, n) => {
        const t = truncateChars(s, n);
        expect(s.startsWith(t)).toBe(true);
        expect(t.length).toBeLessThanOrEqual(n);
        expect(Buffer.from(t, 'utf8').toString('utf8')).toBe(t);
      }),
    );
  });
});

describe('payload → events (properties)', () => {
  it('maps every valid payload to one event per message with CIM invariants', () => {
    fc.assert(
      fc.property(arbMailsPayload, (payload) => {
        const wire = JSON.parse(JSON.stringify(payload)) as unknown;
        const out = ingest('mails', wire, options, 0);
        expect(out.events).toHaveLength(payload.mailMessages.length);
        out.events.forEach((e, i) => {
          const m = payload.mailMessages[i]!;
          const body = e.event as Record<string, unknown>;
          const count = [m.to, m.cc, m.bcc].flatMap((l) => l ?? []).filter((a) => a.address).length;
          expect(body.recipient_count).toBe(count);
          expect((body.recipient as string[]).length).toBe(count);
          expect(body.is_sent).toBe(m.isSent);
          expect(['inbound', 'outbound', 'internal']).toContain(body.direction);
          // a sender outside the owner's domain (no org_domains set) is always inbound
          const fromDomain = m.from?.address?.split('@').pop()?.toLowerCase();
          const ownerDomain = payload.ownerIdentity.value.split('@').pop()!.toLowerCase();
          if (fromDomain && fromDomain !== ownerDomain && !fromDomain.endsWith(`.${ownerDomain}`)) expect(body.direction).toBe('inbound');
          expect(typeof body.message_uid === 'string' && body.message_uid.length > 0).toBe(true);
          expect(body.subject).toBe(m.subject ? m.subject : undefined);
          const when = m.isSent || !m.receivedAt ? m.sentAt : m.receivedAt;
          expect(Math.round(e.time * 1000)).toBe(Date.parse(when));
        });
        // a retry of the same request gives the same ids
        expect(ingest('mails', wire, options, 999).events.map((e) => e.id)).toEqual(out.events.map((e) => e.id));
      }),
      { numRuns: 200 },
    );
  });

  it('gives distinct messages distinct ids', () => {
    fc.assert(
      fc.property(arbMailsPayload, (payload) => {
        const withIds = payload.mailMessages.map((m, i) => ({ ...m, id: `id-${i}` }));
        const out = ingest('mails', { ...payload, mailMessages: withIds }, options, 0);
        expect(new Set(out.events.map((e) => e.id)).size).toBe(withIds.length);
      }),
      { numRuns: 100 },
    );
  });

  it('answers any JSON value with events or a PayloadError, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('mails' as const, 'users' as const), (value, kind) => {
        try {
          ingest(kind, value, options, 0);
        } catch (err) {
          expect(err).toBeInstanceOf(PayloadError);
          expect((err as PayloadError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports a broken message at its own index and nothing else (property)', () => {
    fc.assert(
      fc.property(arbMailsPayload.filter((p) => p.mailMessages.length > 0), fc.nat(), (payload, k) => {
        const i = k % payload.mailMessages.length;
        const broken = payload.mailMessages.map((m, j) => (j === i ? { ...m, sentAt: 'garbage' } : m));
        const err = payloadError(() => ingest('mails', { ...payload, mailMessages: broken }, options, 0));
        expect(err.issues.map((x) => x.path)).toEqual([`mailMessages[${i}].sentAt`]);
      }),
      { numRuns: 100 },
    );
  });
});
