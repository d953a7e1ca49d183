import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mailInputSchema } from '../../src/mail/config.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import { isOrgDomain, messageDirection, normalizeMessageId } from '../../src/mail/map-message.js';

/** One message as three mailboxes hold it: the sender's Sent Items and two recipients' Inboxes. */
const ORG = 'corp.example';
function copy(isSent: boolean, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `ews-item-${Math.random()}`, // every mailbox has its own EWS ItemId
    sentAt: '2024-05-01T09:00:00.000Z',
    receivedAt: isSent ? null : '2024-05-01T09:00:01.000Z',
    from: { displayName: 'Anna', address: 'anna@corp.example' },
    to: [{ displayName: 'Boris', address: 'boris@corp.example' }],
    cc: [{ displayName: 'Vera', address: 'Vera@Corp.Example' }],
    bcc: isSent ? [{ displayName: 'Gleb', address: 'gleb@corp.example' }] : null, // only the sender sees Bcc
    subject: 'Quarterly plan',
    headers: [{ name: 'Message-ID', value: '<plan.1@mail.corp.example>' }],
    isSent,
    ...overrides,
  };
}

function events(owner: string, messages: Array<Record<string, unknown>>, settings: Record<string, unknown> = {}) {
  const config = mailInputSchema.parse({ auth_mode: 'static', ...settings });
  const out = ingest('mails', { ownerIdentity: { type: 'email', value: owner }, mailMessages: messages }, ingestOptions(config, 'identity'), 0);
  return out.events.map((e) => ({ id: e.id, ...(e.event as Record<string, unknown>) }) as Record<string, unknown>);
}

describe('a message, not a mailbox copy', () => {
  it('gives one internal message seen in three mailboxes one message_uid and three event_ids', () => {
    const seen = [
      ...events('anna@corp.example', [copy(true)]),
      ...events('boris@corp.example', [copy(false)]),
      ...events('vera@corp.example', [copy(false)]),
    ];
    expect(seen.map((e) => e.message_uid)).toEqual(['plan.1@mail.corp.example', 'plan.1@mail.corp.example', 'plan.1@mail.corp.example']);
    expect(new Set(seen.map((e) => e.id)).size).toBe(3);
    expect(seen.map((e) => e.direction)).toEqual(['internal', 'internal', 'internal']);
    expect(seen.map((e) => e.is_sent)).toEqual([true, false, false]);
  });

  it('derives the same message_uid for every copy when there is no Message-ID (Bcc and address case differ between copies)', () => {
    const noId = { headers: null };
    const sender = events('anna@corp.example', [copy(true, noId)])[0]!;
    const recipient = events('boris@corp.example', [copy(false, { ...noId, cc: [{ address: 'vera@corp.example' }], from: { address: 'ANNA@corp.example' } })])[0]!;
    expect(sender.message_uid).toMatch(/^derived:[0-9a-f]{32}$/);
    expect(recipient.message_uid).toBe(sender.message_uid);
    const other = events('boris@corp.example', [copy(false, { ...noId, subject: 'Another' })])[0]!;
    expect(other.message_uid).not.toBe(sender.message_uid);
  });

  it('property: the derived uid ignores recipient order, address case and Bcc', () => {
    const addr = fc.emailAddress();
    fc.assert(
      fc.property(fc.array(addr, { minLength: 1, maxLength: 5 }), fc.array(addr, { maxLength: 3 }), fc.string(), (to, bcc, subject) => {
        const m = (list: string[], b: string[] | null) => copy(false, { headers: null, subject, to: list.map((address) => ({ address })), cc: null, bcc: b?.map((address) => ({ address })) ?? null });
        const a = events('x@corp.example', [m(to, bcc)])[0]!;
        const b = events('y@corp.example', [m([...to].reverse().map((s) => s.toUpperCase()), null)])[0]!;
        expect(b.message_uid).toBe(a.message_uid);
      }),
      { numRuns: 100 },
    );
  });

  it('sets direction from org_domains: inbound from outside, outbound to outside, internal, and subdomains count', () => {
    const settings = { org_domains: 'corp.example,corp.example.ru' };
    const [outbound] = events('anna@corp.example', [copy(true, { to: [{ address: 'x@partner.example' }] })], settings);
    const [inbound] = events('anna@corp.example', [copy(false, { from: { address: 'sales@partner.example' } })], settings);
    const [subdomain] = events('anna@corp.example', [copy(true, { to: [{ address: 'b@msk.corp.example.ru' }], cc: null, bcc: null })], settings);
    const [lookalike] = events('anna@corp.example', [copy(false, { from: { address: 'ceo@evilcorp.example' } })], settings);
    expect([outbound!.direction, inbound!.direction, subdomain!.direction, lookalike!.direction]).toEqual(['outbound', 'inbound', 'internal', 'inbound']);
    expect(inbound).toMatchObject({ src_user_domain: 'partner.example', recipient_domain: ['corp.example'] });
  });

  it('without org_domains, the organisation is the mailbox owner\'s domain', () => {
    const [out] = events('anna@corp.example', [copy(true, { to: [{ address: 'x@partner.example' }] })]);
    const [internal] = events('anna@corp.example', [copy(true)]);
    expect([out!.direction, internal!.direction]).toEqual(['outbound', 'internal']);
  });

  it('leaves src and dest unset unless a header names the sending system; size only when the connector sends it', () => {
    const [plain] = events('anna@corp.example', [copy(true)]);
    expect(plain).not.toHaveProperty('src');
    expect(plain).not.toHaveProperty('dest');
    expect(plain).not.toHaveProperty('size');
    const [withIp] = events('anna@corp.example', [copy(true, { size: 1234, headers: [{ name: 'x-originating-ip', value: '[2001:db8::1]' }] })]);
    expect(withIp).toMatchObject({ src: '2001:db8::1', size: 1234 });
  });
});

describe('message id, domain and direction rules', () => {
  it('normalises a Message-ID: brackets, spaces and comments out, the domain part lower case, the local part kept', () => {
    expect(normalizeMessageId(' <AB.cd@Mail.Example> (comment)')).toBe('AB.cd@mail.example');
    expect(normalizeMessageId('AB.cd@Mail.Example')).toBe('AB.cd@mail.example');
    expect(normalizeMessageId('<>')).toBeUndefined();
    expect(normalizeMessageId(undefined)).toBeUndefined();
  });

  it('property: the plain <local@domain> form and the general form agree', () => {
    const part = fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !/[\s()<>@]/.test(x));
    fc.assert(
      fc.property(part, part, (local, domain) => {
        const expected = `${local}@${domain.toLowerCase()}`;
        expect(normalizeMessageId(`<${local}@${domain}>`)).toBe(expected); // fast path
        expect(normalizeMessageId(` <${local}@${domain}> (c)`.trim())).toBe(expected); // general path
      }),
      { numRuns: 300 },
    );
  });

  it('counts a domain and its subdomains, never a look-alike', () => {
    expect(isOrgDomain('corp.example', ['corp.example'])).toBe(true);
    expect(isOrgDomain('mail.corp.example', ['corp.example'])).toBe(true);
    expect(isOrgDomain('evilcorp.example', ['corp.example'])).toBe(false);
    expect(isOrgDomain('corp.example.evil', ['corp.example'])).toBe(false);
  });

  it('direction table', () => {
    const org = ['corp.example'];
    expect(messageDirection(undefined, ['corp.example'], org)).toBe('inbound');
    expect(messageDirection('corp.example', [], org)).toBe('internal');
    expect(messageDirection('corp.example', ['corp.example', 'x.example'], org)).toBe('outbound');
    expect(messageDirection('x.example', ['corp.example'], org)).toBe('inbound');
  });

  it('reads org_domains with *. and @ forms', () => {
    const config = mailInputSchema.parse({ auth_mode: 'static', org_domains: ' @Corp.Example , *.corp.example.ru ,, ' });
    expect(ingestOptions(config, 'x').message.orgDomains).toEqual(['corp.example', 'corp.example.ru']);
  });
});
