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

/** The object without its undefined values (cheaper than deleting keys, which slows the object down). */
function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
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

/** One connector message → one CIM Email event. Pure: no I/O, no clock. */
export function mapMessage(owner: Owner, m: MailMessage, o: MessageMapOptions): SplunkEvent {
  const to = addresses(m.to);
  const cc = addresses(m.cc);
  const bcc = addresses(m.bcc);
  const recipient = [...to, ...cc, ...bcc];
  const recipientDomains = [...new Set(recipient.flatMap((a) => domainOf(a) ?? []))];
  const ownerDomain = domainOf(owner.value);
  const flags: string[] = [];
  if (m.isFlagged) flags.push('flagged');
  if (m.isAutomatic) flags.push('automatic');
  const returnPath = headerValue(m, 'return-path')?.replace(/^<|>$/g, '');

  const body = definedOnly({
    action: 'delivered',
    protocol: o.protocol,
    vendor_product: o.vendorProduct,
    user: owner.value,
    owner: owner.value,
    owner_type: owner.type,
    direction: m.isSent ? 'outbound' : 'inbound',
    internal_message_id: m.id,
    message_id: headerValue(m, 'message-id'),
    xref: m.threadId,
    src_user: m.from?.address,
    src_user_name: m.from?.displayName,
    src: domainOf(m.from?.address),
    dest: recipientDomains.length > 0 ? recipientDomains : ownerDomain ? [ownerDomain] : [],
    return_addr: returnPath || m.from?.address,
    recipient,
    recipient_count: recipient.length,
    recipient_to: to,
    recipient_cc: cc,
    recipient_bcc: bcc,
    recipient_name: [...m.to, ...m.cc, ...m.bcc].flatMap((a) => (a.displayName ? [a.displayName] : [])),
    subject: m.subject,
    importance: m.importance,
    flags,
    is_flagged: m.isFlagged,
    is_automatic: m.isAutomatic,
    sent_time: new Date(m.sentAt).toISOString(),
    received_time: m.receivedAt === undefined ? undefined : new Date(m.receivedAt).toISOString(),
  });
  if (m.body !== undefined && o.bodyPolicy !== 'drop') Object.assign(body, applyBodyPolicy(m.body, o.bodyPolicy, o.bodyTruncateChars));
  for (const name of o.headerAllowList) {
    const values = m.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
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
