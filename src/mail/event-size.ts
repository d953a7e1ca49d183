import { toHecJson, type SplunkEvent } from '../core/event.js';
import { HEADER_FIELD_PREFIX } from './event-schema.js';

/**
 * Why a message made an event too large for the HEC destination (MAIL_EVENT_TOO_LARGE): which
 * part of it weighs what, and what an admin can change. Pure, so the text is tested directly.
 */

/**
 * Largest event (HEC JSON bytes) the receiver forwards: `TRUNCATE` of [mail:message] in the
 * app's props.conf (a test keeps them equal). Splunk would cut a longer event, and a cut JSON
 * event loses its fields silently.
 */
export const MAX_EVENT_BYTES = 1_000_000;

const RECIPIENT_FIELDS = ['recipient', 'recipient_to', 'recipient_cc', 'recipient_bcc', 'recipient_name', 'recipient_domain'];

/** Pass as `sinkMessage` when the receiver's own limit (MAX_EVENT_BYTES) refused the event. */
export const TRUNCATE_LIMIT = 'props.conf TRUNCATE';

const bytesOf = (v: unknown): number => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));

function human(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export interface EventWeight {
  total: number;
  body: number;
  headers: number;
  recipients: number;
  recipientCount: number;
  subject: number;
}

export function weighEvent(e: SplunkEvent): EventWeight {
  const body = (typeof e.event === 'string' ? {} : e.event) as Record<string, unknown>;
  let headers = 0;
  let recipients = 0;
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith(HEADER_FIELD_PREFIX)) headers += bytesOf(v);
    else if (RECIPIENT_FIELDS.includes(k)) recipients += bytesOf(v);
  }
  return {
    total: Buffer.byteLength(toHecJson(e)),
    body: bytesOf(body.body),
    headers,
    recipients,
    recipientCount: Array.isArray(body.recipient) ? body.recipient.length : 0,
    subject: bytesOf(body.subject),
  };
}

/** Characters of the strings of an event body: a cheap upper bound (x3 for UTF-8, plus keys) decides whether to measure exactly. */
function charsOf(body: Record<string, unknown>): number {
  let n = 0;
  for (const k in body) {
    const v = body[k];
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const x of v) n += typeof x === 'string' ? x.length + 3 : 8;
  }
  return n;
}

/**
 * Index of the first event over `limit` bytes of HEC JSON, or -1. Exact size is measured only
 * for events whose cheap bound could pass the limit, so the hot path does not serialise twice.
 */
export function firstOversized(events: readonly SplunkEvent[], limit = MAX_EVENT_BYTES): number {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const body = typeof e.event === 'string' ? { event: e.event } : e.event;
    if (charsOf(body) * 3 + 4096 <= limit) continue;
    if (Buffer.byteLength(toHecJson(e)) > limit) return i;
  }
  return -1;
}

/** The HEC limit from the sink's message ("… more than batch_bytes (1048576) …"), when it says. */
function limitFrom(sinkMessage: string): number | undefined {
  const m = /batch_bytes \((\d+)\)/.exec(sinkMessage);
  return m ? Number(m[1]) : undefined;
}

/**
 * The message of a 413 MAIL_EVENT_TOO_LARGE: the largest event of the request (the one the
 * sink refused, or one as large), its parts, and the fix for the part that dominates.
 */
export function explainTooLarge(events: readonly SplunkEvent[], sinkMessage: string, kind: 'mails' | 'users', only?: number): string {
  let at = 0;
  let weight: EventWeight | undefined;
  events.forEach((e, i) => {
    if (only !== undefined && i !== only) return;
    const w = weighEvent(e);
    if (!weight || w.total > weight.total) [at, weight] = [i, w];
  });
  const truncate = sinkMessage === TRUNCATE_LIMIT;
  const limit = truncate ? MAX_EVENT_BYTES : limitFrom(sinkMessage);
  const limitText = truncate
    ? `the ${MAX_EVENT_BYTES} bytes Splunk keeps of a mail:message event (TRUNCATE in the app's props.conf)`
    : limit === undefined ? 'the HEC destination\'s batch_bytes' : `the HEC destination's batch_bytes (${limit})`;
  // The receiver's own limit is Splunk's: only the message's parts can change. A sink limit can be raised.
  const raise = truncate ? '' : 'raise batch_bytes of the HEC destination';
  if (!weight) return `an event is larger than ${limitText}${raise ? `: ${raise}` : ''}`;
  const where = kind === 'mails' ? `message mailMessages[${at}]` : `user users[${at}]`;
  if (kind === 'users') return `${where} makes an event of ${human(weight.total)}, more than ${limitText}${raise ? `: ${raise}` : ': shorten its identities'}`;
  const cannot = 'this message cannot be forwarded as one event; leave its mailbox out (blacklist_file) or accept the 413 for it';
  const parts = [
    { name: 'body', bytes: weight.body, fix: 'set body_policy = drop, sha256 or truncate (body_truncate_chars)' },
    { name: 'headers', bytes: weight.headers, fix: 'take the large headers out of header_allow_list' },
    { name: `recipients (${weight.recipientCount})`, bytes: weight.recipients, fix: raise ? `${raise}: a message to that many recipients cannot be made smaller` : cannot },
    { name: 'subject', bytes: weight.subject, fix: raise || cannot },
  ];
  const largest = parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const list = parts.filter((p) => p.bytes > 0).map((p) => `${p.name} ${human(p.bytes)}`).join(', ');
  const also = raise && !largest.fix.startsWith(raise) ? `, or ${raise}` : '';
  return `${where} makes an event of ${human(weight.total)}, more than ${limitText}; most of it is the ${largest.name.replace(/ \(.*/, '')} (${list}): ${largest.fix}${also}`;
}
