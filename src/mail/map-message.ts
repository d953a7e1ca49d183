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
  const dest: string[] = [];
  const to = collect(m.to, [], recipient, names, dest);
  const cc = collect(m.cc, [], recipient, names, dest);
  const bcc = collect(m.bcc, [], recipient, names, dest);
  if (dest.length === 0) {
    const ownerDomain = domainOf(owner.value);
    if (ownerDomain) dest.push(ownerDomain);
  }
  const flags: string[] = [];
  if (m.isFlagged) flags.push('flagged');
  if (m.isAutomatic) flags.push('automatic');
  const messageIdHeader = headerValue(m, 'message-id');
  const returnPath = headerValue(m, 'return-path')?.replace(/^<|>$/g, '');
  const from = m.from?.address;

  // Built key by key, absent values never set: cheaper than building and deleting.
  const body: Record<string, unknown> = { action: 'delivered', protocol: o.protocol, vendor_product: o.vendorProduct, user: owner.value, owner: owner.value };
  if (owner.type !== undefined) body.owner_type = owner.type;
  body.direction = m.isSent ? 'outbound' : 'inbound';
  if (m.id !== undefined) body.internal_message_id = m.id;
  if (messageIdHeader !== undefined) body.message_id = messageIdHeader;
  if (m.threadId !== undefined) body.xref = m.threadId;
  if (from !== undefined) body.src_user = from;
  if (m.from?.displayName !== undefined) body.src_user_name = m.from.displayName;
  const src = domainOf(from);
  if (src !== undefined) body.src = src;
  body.dest = dest;
  const returnAddr = returnPath || from;
  if (returnAddr !== undefined) body.return_addr = returnAddr;
  body.recipient = recipient;
  body.recipient_count = recipient.length;
  body.recipient_to = to;
  body.recipient_cc = cc;
  body.recipient_bcc = bcc;
  body.recipient_name = names;
  if (m.subject !== undefined) body.subject = m.subject;
  if (m.importance !== undefined) body.importance = m.importance;
  body.flags = flags;
  if (m.isFlagged !== undefined) body.is_flagged = m.isFlagged;
  if (m.isAutomatic !== undefined) body.is_automatic = m.isAutomatic;
  body.sent_time = new Date(m.sentAt).toISOString();
  if (m.receivedAt !== undefined) body.received_time = new Date(m.receivedAt).toISOString();
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
