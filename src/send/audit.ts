import { createHash } from 'node:crypto';
import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import type { SendOutcome } from './client.js';
import type { SendAudit } from './event-schema.js';
import type { OutgoingMessage } from './message.js';

export const ACTION_NAME = 'ser_secure_send';

/** Who fired the alert: from the splunkd payload. */
export interface AlertContext {
  sid: string;
  searchName: string;
  app: string;
  owner: string;
  serverHost: string;
  mode: 'per_alert' | 'per_row';
}

/** Pure: one send outcome → one audit event. Never the body or the secret. */
export function auditEvent(ctx: AlertContext, m: OutgoingMessage, o: SendOutcome, meta: { dest: string; encrypted: boolean; row?: number; at?: number }): SplunkEvent {
  const id = eventId('send-audit', ctx.sid, o.messageId, o.status, o.transactionId ?? '', o.attempts);
  const sent = o.status === 'sent';
  const body: SendAudit = {
    action_name: ACTION_NAME,
    action_status: sent ? 'success' : 'failure',
    action_mode: ctx.searchName ? 'saved' : 'adhoc',
    signature: sent ? `message sent to ${m.to.length + m.cc.length} recipient(s)` : (o.message ?? o.error?.message ?? o.status),
    sid: ctx.sid,
    search_name: ctx.searchName,
    app: ctx.app,
    owner: ctx.owner,
    mode: ctx.mode,
    ...(meta.row !== undefined ? { row: meta.row } : {}),
    action: sent ? 'delivered' : 'blocked',
    vendor_product: 'TA-ser-mail secure send',
    protocol: 'smtp', // CIM allows smtp|imap|pop3|mapi: the service relays by SMTP; the API hop is in transport
    transport: 'https',
    src: ctx.serverHost,
    dest: meta.dest,
    src_user: m.from,
    sender: m.from,
    return_addr: m.from,
    user: ctx.owner,
    recipient: [...m.to, ...m.cc],
    recipient_count: m.to.length + m.cc.length,
    to: m.to,
    cc: m.cc,
    message_id: o.messageId,
    ...(o.transactionId ? { internal_message_id: o.transactionId, transaction_id: o.transactionId } : {}),
    ...(o.code !== undefined ? { code: o.code } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.explanation !== undefined ? { explanation: o.explanation } : {}),
    ...(o.httpStatus !== undefined ? { status_code: o.httpStatus } : {}),
    ...(o.error ? { error_code: o.error.code } : {}),
    ...(meta.encrypted ? { subject_sha256: createHash('sha256').update(m.subject, 'utf8').digest('hex') } : { subject: m.subject }),
    encrypted: meta.encrypted,
    body_type: m.bodyType,
    importance: m.importance,
    size: o.bytes,
    duration: Math.round(o.durationMs) / 1000,
    attempt: o.attempts,
    retries: Math.max(0, o.attempts - 1),
    event_id: id,
  };
  return { time: toEpochSeconds(meta.at ?? Date.now()), host: ctx.serverHost || undefined, source: ACTION_NAME, sourcetype: SOURCETYPES.sendAudit, event: body, id };
}
