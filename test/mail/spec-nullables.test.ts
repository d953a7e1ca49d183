import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mailInputSchema } from '../../src/mail/config.js';
import { PayloadError } from '../../src/mail/errors.js';
import { eventSchemas, HEADER_FIELD_PREFIX } from '../../src/mail/event-schema.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import { arbMailsPayload, arbUsersPayload } from './arbitraries.js';

/**
 * Every field the Yva specification (yva-connectors-api.ru.txt) allows to be null, empty or
 * left out, one row each: the request is accepted, the event validates against its schema, and
 * the field's event counterpart is absent (never null, never an empty string Splunk would index).
 */
const options = ingestOptions(mailInputSchema.parse({ auth_mode: 'static', body_policy: 'keep', header_allow_list: 'X-Mailer' }), 'spec');
const ABSENT = Symbol('absent');

const fullMessage = (): Record<string, unknown> => ({
  id: 'AAMkAGI2',
  sentAt: '2018-12-08T05:50:49.360Z',
  receivedAt: '2018-12-08T05:50:50.000Z',
  from: { displayName: 'Иван Петров', address: 'ivan@example.ru' },
  to: [{ displayName: 'Мария', address: 'maria@example.ru' }],
  cc: [{ displayName: 'Олег', address: 'oleg@example.ru' }],
  bcc: [{ displayName: 'Анна', address: 'anna@example.ru' }],
  importance: 'high',
  threadId: 'AAQkAGI2',
  subject: 'Отчёт',
  body: { contentType: 'html', content: '<p>тело</p>' },
  headers: [{ name: 'Message-ID', value: '<1@example.ru>' }, { name: 'X-Mailer', value: 'Outlook' }],
  isFlagged: true,
  isSent: false,
  isAutomatic: true,
});

function withField(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = { ...base };
  if (value === ABSENT) delete copy[field];
  else copy[field] = value;
  return copy;
}

/** No value anywhere in an event body is null or "" (Splunk would index the text "null" or an empty field). */
function emptyValues(body: Record<string, unknown>): string[] {
  return Object.entries(body).flatMap(([k, v]) => {
    if (v === null || v === '' || v === undefined) return [k];
    if (Array.isArray(v)) return v.some((x) => x === null || x === '' || x === undefined) ? [k] : [];
    return [];
  });
}

function checkAgainstSchema(sourcetype: string, body: Record<string, unknown>): void {
  const schema = eventSchemas[sourcetype as keyof typeof eventSchemas];
  const fixed = Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith(HEADER_FIELD_PREFIX)));
  expect(() => schema.strict().parse(fixed)).not.toThrow();
  expect(emptyValues(body)).toEqual([]);
}

function mailEvent(message: Record<string, unknown>, owner: Record<string, unknown> = { type: 'email', value: 'owner@example.ru' }) {
  const out = ingest('mails', { ownerIdentity: owner, mailMessages: [message] }, options, 0);
  expect(out.events).toHaveLength(1);
  const e = out.events[0]!;
  checkAgainstSchema(e.sourcetype, e.event as Record<string, unknown>);
  return { event: e, body: e.event as Record<string, unknown> };
}

describe('Mails API: every field the specification lets be null or empty', () => {
  const full = mailEvent(fullMessage());

  // [wire field, the values the specification allows, event fields that must then be absent]
  const rows: Array<[string, unknown[], string[]]> = [
    ['id', [null, '', ABSENT], ['internal_message_id']], // "can be null if there is no suitable id"
    ['receivedAt', [null, '', ABSENT], ['received_time']], // DateTime?
    ['importance', [null, '', ABSENT], ['importance']], // MailImportance?
    ['threadId', [null, '', ABSENT], ['xref']], // "null or empty string"
    ['subject', [null, '', ABSENT], ['subject']], // "null or empty string"
    ['headers', [null, [], ABSENT], ['message_id', 'header_x_mailer']], // "null or empty collection"
    ['isFlagged', [null, ABSENT], ['is_flagged']], // "set only if the source has exact information"
    ['isAutomatic', [null, ABSENT], ['is_automatic']], // bool?
  ];

  for (const [field, values, gone] of rows) {
    for (const value of values) {
      it(`${field} = ${value === ABSENT ? '(left out)' : JSON.stringify(value)}`, () => {
        const { body } = mailEvent(withField(fullMessage(), field, value));
        for (const f of gone) {
          expect(full.body[f], `${f} is set when ${field} is`).toBeDefined();
          expect(body).not.toHaveProperty(f);
        }
      });
    }
  }

  for (const list of ['to', 'cc', 'bcc'] as const) {
    for (const value of [null, [], ABSENT]) {
      it(`${list} = ${value === ABSENT ? '(left out)' : JSON.stringify(value)}: "null or empty collection"`, () => {
        const { body } = mailEvent(withField(fullMessage(), list, value));
        expect(body[`recipient_${list}`]).toEqual([]);
        expect(body.recipient_count).toBe(2);
        expect(body.recipient).toHaveLength(2);
      });
    }
  }

  it('a recipient with a null address or display name is not a recipient / has no name', () => {
    const { body } = mailEvent(withField(fullMessage(), 'to', [{ displayName: null, address: 'x@example.ru' }, { displayName: 'Никто', address: null }, { displayName: null, address: null }]));
    expect(body.recipient_to).toEqual(['x@example.ru']);
    expect(body.recipient_name).toEqual(['Никто', 'Олег', 'Анна']);
  });

  it('a header whose value is null or empty gives no header_<name> field (and no message_id)', () => {
    const { body } = mailEvent({ ...fullMessage(), headers: [{ name: 'Message-ID', value: null }, { name: 'X-Mailer', value: '' }] });
    expect(body).not.toHaveProperty('header_x_mailer');
    expect(body).not.toHaveProperty('message_id');
    expect(full.body.header_x_mailer).toBe('Outlook');
  });

  it('flags list only what the source knows', () => {
    expect(full.body.flags).toEqual(['flagged', 'automatic']);
    const { body } = mailEvent({ ...fullMessage(), isFlagged: null, isAutomatic: null });
    expect(body.flags).toEqual([]);
  });

  it('received mail without receivedAt takes _time from sentAt', () => {
    const { event } = mailEvent({ ...fullMessage(), receivedAt: null });
    expect(event.time).toBe(Date.parse('2018-12-08T05:50:49.360Z') / 1000);
    expect(full.event.time).toBe(Date.parse('2018-12-08T05:50:50.000Z') / 1000);
  });

  it('a null id still gives a retry the same event id, and a different one from the same message with its id', () => {
    const a = mailEvent({ ...fullMessage(), id: null }).event.id;
    expect(mailEvent({ ...fullMessage(), id: null }).event.id).toBe(a);
    expect(a).not.toBe(full.event.id);
  });

  it('from, body and ownerIdentity.type null (not marked nullable, but .NET writes null for an unset object)', () => {
    const { body } = mailEvent({ ...fullMessage(), from: null, body: null }, { type: null, value: 'owner@example.ru' });
    for (const f of ['src_user', 'src_user_name', 'src', 'body', 'body_length', 'owner_type']) expect(body).not.toHaveProperty(f);
  });

  it.each([
    ['sentAt', null, 'mailMessages[0].sentAt'],
    ['sentAt', ABSENT, 'mailMessages[0].sentAt'],
    ['isSent', null, 'mailMessages[0].isSent'],
    ['isSent', ABSENT, 'mailMessages[0].isSent'],
  ])('%s = %s is refused (DateTime / bool are not nullable), naming %s', (field, value, path) => {
    const payload = { ownerIdentity: { type: 'email', value: 'o@x.ru' }, mailMessages: [withField(fullMessage(), field, value)] };
    expect(() => ingest('mails', payload, options, 0)).toThrow(PayloadError);
    try {
      ingest('mails', payload, options, 0);
    } catch (err) {
      expect((err as PayloadError).issues.map((i) => i.path)).toEqual([path]);
    }
  });

  it('any payload the specification allows gives schema-valid events with no null or empty value (property)', () => {
    fc.assert(
      fc.property(arbMailsPayload, (payload) => {
        for (const e of ingest('mails', JSON.parse(JSON.stringify(payload)), options, 0).events) checkAgainstSchema(e.sourcetype, e.event as Record<string, unknown>);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Users API: null, empty or missing user fields', () => {
  const fullUser = (): Record<string, unknown> => ({
    id: '6f1c2d9e-0000-4a4b-9c9d-0123456789ab',
    loginEmail: 'ivan@example.ru',
    identities: [{ type: 'upn', value: 'ipetrov@corp.example.ru' }],
    firstName: 'Иван',
    lastName: 'Петров',
    displayName: 'Петров Иван',
    jobTitle: 'Бухгалтер',
    department: 'Бухгалтерия',
    timeZoneOffset: '+03:00',
  });
  const userEvent = (u: Record<string, unknown>) => {
    const out = ingest('users', { users: [u] }, options, 1_700_000_000_000);
    expect(out.events).toHaveLength(1);
    const body = out.events[0]!.event as Record<string, unknown>;
    checkAgainstSchema(out.events[0]!.sourcetype, body);
    return body;
  };
  const full = userEvent(fullUser());

  const rows: Array<[string, string]> = [
    ['id', 'user_id'],
    ['firstName', 'first'],
    ['lastName', 'last'],
    ['displayName', 'display_name'],
    ['jobTitle', 'title'],
    ['department', 'bunit'],
    ['timeZoneOffset', 'time_zone_offset'],
  ];
  for (const [field, eventField] of rows) {
    for (const value of [null, '', ABSENT]) {
      it(`${field} = ${value === ABSENT ? '(left out)' : JSON.stringify(value)}`, () => {
        expect(full[eventField]).toBeDefined();
        expect(userEvent(withField(fullUser(), field, value))).not.toHaveProperty(eventField);
      });
    }
  }

  it.each([null, [], ABSENT])('identities = %s', (value) => {
    const body = userEvent(withField(fullUser(), 'identities', value));
    expect(body.identities).toEqual([]);
    expect(body.identity).toEqual(['ivan@example.ru', 'ivan']);
  });

  it('an identity with a null value is left out; one with a null type is kept as unknown:<value>', () => {
    const body = userEvent({ ...fullUser(), identities: [{ type: 'x', value: null }, { type: null, value: 'ipetrov' }, { type: '', value: '' }] });
    expect(body.identities).toEqual(['unknown:ipetrov']);
    expect(body.identity).toEqual(['ivan@example.ru', 'ivan', 'ipetrov']);
  });

  it.each([null, '', '  ', ABSENT])('loginEmail = %s is refused: a user without it cannot be an identity', (value) => {
    const payload = { users: [fullUser(), withField(fullUser(), 'loginEmail', value)] };
    try {
      ingest('users', payload, options, 0);
      expect.unreachable('accepted a user without loginEmail');
    } catch (err) {
      expect(err).toBeInstanceOf(PayloadError);
      expect((err as PayloadError).issues.map((i) => i.path)).toEqual(['users[1].loginEmail']);
    }
  });

  it('any Users payload with nulls, empties and missing fields gives one schema-valid event per user, ids stable on retry (property)', () => {
    fc.assert(
      fc.property(arbUsersPayload, (payload) => {
        const wire = JSON.parse(JSON.stringify(payload)) as unknown;
        const out = ingest('users', wire, options, 1_700_000_000_000);
        expect(out.events).toHaveLength(payload.users.length);
        out.events.forEach((e, i) => {
          const body = e.event as Record<string, unknown>;
          checkAgainstSchema(e.sourcetype, body);
          expect(body.email).toBe(payload.users[i]!.loginEmail.trim());
        });
        expect(ingest('users', wire, options, 1_800_000_000_000).events.map((e) => e.id)).toEqual(out.events.map((e) => e.id));
      }),
      { numRuns: 200 },
    );
  });
});
