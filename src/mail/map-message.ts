import { isIP } from 'node:net';
import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import { applyBodyPolicy, type BodyPolicy } from './body-policy.js';
import { HEADER_FIELD_PREFIX } from './event-schema.js';
import type { MailAddress, MailMessage, MailsPayload } from './payload.js';

/** What a message mapping needs from the input's configuration. */
export interface MessageMapOptions {
  bodyPolicy: BodyPolicy;
  bodyTruncateChars: number;
  /** Lower-case header names copied into the event. */
  headerAllowList: readonly string[];
  vendorProduct: string;
  protocol: 'mapi' | 'smtp' | 'imap' | 'pop3';
  /** The organisation's mail domains, lower case (a subdomain counts); empty: each message's owner domain. */
  orgDomains: readonly string[];
  index?: string;
  source?: string;
  host?: string;
}

export type Owner = MailsPayload['ownerIdentity'];

const addresses = (list: readonly MailAddress[]): string[] => list.flatMap((a) => (a.address ? [a.address] : []));

function domainOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  return at > 0 && at < address.length - 1 ? address.slice(at + 1).toLowerCase() : undefined;
}

function headerValue(m: MailMessage, lowerName: string): string | undefined {
  const h = m.headers.find((x) => x.name.toLowerCase() === lowerName);
  const v = h?.value.trim();
  return v ? v : undefined;
}

const PLAIN_ID_BREAKERS = /[\s()<>]/;

/**
 * The Internet Message-ID without its angle brackets, spaces and comments, the domain part in
 * lower case (it is case-insensitive; the local part is not): `  <AB.cd@Mail.Example>` →
 * `AB.cd@mail.example`. Undefined when nothing is left.
 */
export function normalizeMessageId(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // The usual form `<local@domain>` without spaces or comments: no regular expression (this runs per message).
  const last = raw.length - 1;
  if (raw.charCodeAt(0) === 60 && raw.charCodeAt(last) === 62) {
    const at = raw.lastIndexOf('@');
    const inner = raw.slice(1, last);
    if (at > 1 && !PLAIN_ID_BREAKERS.test(inner)) return raw.slice(1, at + 1) + raw.slice(at + 1, last).toLowerCase();
  }
  const bracketed = /<([^<>]*)>/.exec(raw);
  const id = (bracketed ? bracketed[1]! : raw).replace(/\([^()]*\)/g, '').replace(/\s+/g, '');
  if (id === '') return undefined;
  const at = id.lastIndexOf('@');
  return at > 0 ? id.slice(0, at + 1) + id.slice(at + 1).toLowerCase() : id;
}

/**
 * The message-level identity: every mailbox copy of one message gets the same value. The
 * normalised Message-ID header when there is one; else `derived:` + a hash of what every copy
 * shares — the From address, sentAt, the subject and the To and Cc addresses (lower case,
 * sorted). Bcc is left out: only the sender's copy lists it.
 */
export function messageUid(m: MailMessage): string {
  const id = normalizeMessageId(headerValue(m, 'message-id'));
  if (id !== undefined) return id;
  const visible = [...addresses(m.to), ...addresses(m.cc)].map((a) => a.toLowerCase()).sort();
  return `derived:${eventId('mail:message_uid', (m.from?.address ?? '').toLowerCase(), m.sentAt, m.subject ?? '', visible.join(','))}`;
}

/** True when `domain` is one of the organisation's domains or a subdomain of one. */
export function isOrgDomain(domain: string, org: readonly string[]): boolean {
  for (const d of org) if (domain === d || (domain.length > d.length && domain.endsWith(d) && domain[domain.length - d.length - 1] === '.')) return true;
  return false;
}

/**
 * inbound: the sender is outside the organisation; outbound: inside, with at least one
 * recipient outside; internal: sender and every recipient inside. A copy without a From
 * address was sent by its owner when isSent; a received copy without recipients was at
 * least received by its owner.
 */
export function messageDirection(senderDomain: string | undefined, recipientDomains: readonly string[], org: readonly string[]): 'inbound' | 'outbound' | 'internal' {
  if (senderDomain === undefined || !isOrgDomain(senderDomain, org)) return 'inbound';
  for (const d of recipientDomains) if (!isOrgDomain(d, org)) return 'outbound';
  return 'internal';
}

/** The sending client's address from X-Originating-IP (`[203.0.113.7]`), when it is an IP. */
function originatingIp(m: MailMessage): string | undefined {
  const v = headerValue(m, 'x-originating-ip')?.replace(/^\[|\]$/g, '');
  return v !== undefined && isIP(v) !== 0 ? v : undefined;
}

/** `X-Mailer` → `header_x_mailer`. */
export function headerFieldName(name: string): string {
  return HEADER_FIELD_PREFIX + name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** The instant that becomes _time: when the owner sent it, or when the owner received it. */
export function messageTime(m: MailMessage): number {
  return m.isSent ? m.sentAt : (m.receivedAt ?? m.sentAt);
}

/**
 * The deterministic id: owner + the source's message id, so a connector's retry makes the same
 * id; when the source has no id, a hash of the fields that do not change between retries.
 */
export function messageEventId(owner: Owner, m: MailMessage): string {
  const who = owner.value.toLowerCase();
  if (m.id) return eventId(SOURCETYPES.mailMessage, who, m.id);
  return eventId(
    SOURCETYPES.mailMessage,
    who,
    '(no id)',
    m.sentAt,
    m.isSent ? 'sent' : 'received',
    m.from?.address ?? '',
    headerValue(m, 'message-id') ?? '',
    m.subject ?? '',
    addresses(m.to).join(','),
    addresses(m.cc).join(','),
    addresses(m.bcc).join(','),
    m.threadId ?? '',
  );
}

/** Adds the addresses and display names of one recipient list (plain loops: this runs per message). */
function collect(list: readonly MailAddress[], addrs: string[], all: string[], names: string[], domains: string[]): string[] {
  for (const a of list) {
    if (a.displayName) names.push(a.displayName);
    if (!a.address) continue;
    addrs.push(a.address);
    all.push(a.address);
    const d = domainOf(a.address);
    if (d !== undefined && !domains.includes(d)) domains.push(d);
  }
  return addrs;
}

/** One connector message → one CIM Email event. Pure: no I/O, no clock. */
export function mapMessage(owner: Owner, m: MailMessage, o: MessageMapOptions): SplunkEvent {
  const recipient: string[] = [];
  const names: string[] = [];
  const recipientDomains: string[] = [];
  const to = collect(m.to, [], recipient, names, recipientDomains);
  const cc = collect(m.cc, [], recipient, names, recipientDomains);
  const bcc = collect(m.bcc, [], recipient, names, recipientDomains);
  const ownerDomain = domainOf(owner.value);
  // A received copy that lists no recipient (Bcc, a list) was still received by its owner.
  if (recipientDomains.length === 0 && !m.isSent && ownerDomain) recipientDomains.push(ownerDomain);
  const flags: string[] = [];
  if (m.isFlagged) flags.push('flagged');
  if (m.isAutomatic) flags.push('automatic');
  const messageIdHeader = headerValue(m, 'message-id');
  const returnPath = headerValue(m, 'return-path')?.replace(/^<|>$/g, '');
  const from = m.from?.address;
  const senderDomain = domainOf(from) ?? (m.isSent ? ownerDomain : undefined);
  const org = o.orgDomains.length > 0 ? o.orgDomains : ownerDomain ? [ownerDomain] : [];

  // Built key by key, absent values never set: cheaper than building and deleting.
  const body: Record<string, unknown> = { action: 'delivered', protocol: o.protocol, vendor_product: o.vendorProduct, user: owner.value, owner: owner.value };
  if (owner.type !== undefined) body.owner_type = owner.type;
  body.message_uid = messageUid(m);
  body.direction = messageDirection(senderDomain, recipientDomains, org);
  body.is_sent = m.isSent;
  if (m.id !== undefined) body.internal_message_id = m.id;
  if (messageIdHeader !== undefined) body.message_id = messageIdHeader;
  if (m.threadId !== undefined) body.xref = m.threadId;
  if (from !== undefined) body.src_user = from;
  if (m.from?.displayName !== undefined) body.src_user_name = m.from.displayName;
  if (senderDomain !== undefined) body.src_user_domain = senderDomain;
  // src/dest are systems in CIM: the connector knows none, except a client IP a header names.
  const src = originatingIp(m);
  if (src !== undefined) body.src = src;
  const returnAddr = returnPath || from;
  if (returnAddr !== undefined) body.return_addr = returnAddr;
  body.recipient = recipient;
  body.recipient_count = recipient.length;
  body.recipient_to = to;
  body.recipient_cc = cc;
  body.recipient_bcc = bcc;
  body.recipient_name = names;
  body.recipient_domain = recipientDomains;
  if (m.subject !== undefined) body.subject = m.subject;
  if (m.importance !== undefined) body.importance = m.importance;
  body.flags = flags;
  if (m.isFlagged !== undefined) body.is_flagged = m.isFlagged;
  if (m.isAutomatic !== undefined) body.is_automatic = m.isAutomatic;
  body.sent_time = new Date(m.sentAt).toISOString();
  if (m.receivedAt !== undefined) body.received_time = new Date(m.receivedAt).toISOString();
  if (m.size !== undefined) body.size = m.size;
  if (m.body !== undefined && o.bodyPolicy !== 'drop') Object.assign(body, applyBodyPolicy(m.body, o.bodyPolicy, o.bodyTruncateChars));
  for (const name of o.headerAllowList) {
    // A header sent with a null or empty value says nothing: no empty header_<name> field.
    const values = m.headers.filter((h) => h.value !== '' && h.name.toLowerCase() === name).map((h) => h.value);
    if (values.length > 0) body[headerFieldName(name)] = values.length === 1 ? values[0]! : values;
  }
  const event: SplunkEvent = {
    time: toEpochSeconds(messageTime(m)),
    sourcetype: SOURCETYPES.mailMessage,
    event: body,
    id: messageEventId(owner, m),
  };
  if (o.index) event.index = o.index;
  if (o.source) event.source = o.source;
  if (o.host) event.host = o.host;
  return event;
}
