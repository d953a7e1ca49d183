import fc from 'fast-check';

/** Connector payloads as the specification allows them: nulls, empties, Cyrillic, emoji. */
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('Иван Петров', 'Отчёт — срочно', '📎 Вложение'));
const optionalText = fc.option(text, { nil: null });
const address = fc.record({
  displayName: optionalText,
  address: fc.option(fc.emailAddress(), { nil: null }),
});
const addressList = fc.option(fc.array(address, { maxLength: 4 }), { nil: null });
const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

export const arbMessage = fc.record({
  id: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null }),
  sentAt: isoDate,
  receivedAt: fc.option(isoDate, { nil: null }),
  from: fc.option(address, { nil: null }),
  to: addressList,
  cc: addressList,
  bcc: addressList,
  importance: fc.constantFrom(null, 'low', 'normal', 'high', 'Low', 'HIGH'),
  threadId: optionalText,
  subject: optionalText,
  body: fc.option(fc.record({ contentType: fc.constantFrom('text', 'html', 'HTML'), content: text }), { nil: null }),
  headers: fc.option(fc.array(fc.record({ name: fc.constantFrom('Message-ID', 'X-Mailer', 'Return-Path'), value: text }), { maxLength: 3 }), { nil: null }),
  isFlagged: fc.option(fc.boolean(), { nil: null }),
  isSent: fc.boolean(),
  isAutomatic: fc.option(fc.boolean(), { nil: null }),
});

export const arbMailsPayload = fc.record({
  ownerIdentity: fc.record({ type: fc.constantFrom('email', null), value: fc.emailAddress() }),
  mailMessages: fc.array(arbMessage, { maxLength: 12 }),
});

/** A text field of a Users payload: a value, null, empty, or left out (requiredKeys below). */
const userText = fc.oneof(text, fc.constant(null), fc.constant(''));

export const arbUser = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.constant(null), fc.constant('')),
    loginEmail: fc.tuple(fc.constantFrom('', ' '), fc.emailAddress()).map(([pad, e]) => `${pad}${e}${pad}`),
    identities: fc.option(fc.array(fc.record({ type: userText, value: userText }, { requiredKeys: [] }), { maxLength: 3 }), { nil: null }),
    firstName: userText,
    lastName: userText,
    displayName: userText,
    jobTitle: userText,
    department: userText,
    timeZoneOffset: fc.oneof(fc.constantFrom('+03:00', '-05:00', 'UTC'), fc.constant(null), fc.constant('')),
  },
  { requiredKeys: ['loginEmail'] },
);

export const arbUsersPayload = fc.record({ users: fc.array(arbUser, { maxLength: 8 }) });
