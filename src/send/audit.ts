import { createHash } from 'node:crypto';
import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import type { AddonError } from '../core/errors.js';
import type { SendOutcome } from './client.js';
import type { SendAudit, SendInvocation } from './event-schema.js';
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

/**
 * The Common Action Model's identity of one result: `rid` (the result's own id, else its row
 * number), and `orig_sid`/`orig_rid` when the result is a notable event (Enterprise Security
 * invokes the action on it; Splunk_SA_CIM's cim_actions.py reads them from the result the same way).
 */
export interface ResultIdentity {
  rid: string;
  orig_sid?: string;
  orig_rid?: string;
}

const one = (v: unknown): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' && x !== '' ? x : undefined;
};

export function resultIdentity(row: Record<string, unknown> | undefined, index: number): ResultIdentity {
  const r = row ?? {};
  const orig_sid = one(r.orig_sid);
  const orig_rid = one(r.orig_rid);
  return { rid: one(r.rid) ?? String(index), ...(orig_sid ? { orig_sid } : {}), ...(orig_rid ? { orig_rid } : {}) };
}

/** cim_actions.py: a scheduler sid is a saved-search run; anything else (sendalert, ES ad hoc) is adhoc. */
export function actionMode(sid: string): 'saved' | 'adhoc' {
  return sid.includes('scheduler') ? 'saved' : 'adhoc';
}

/** The fields every audit event of a run carries (the modular-action identity). */
function runFields(ctx: AlertContext, id: ResultIdentity | undefined) {
  return {
    action_name: ACTION_NAME,
    action_mode: actionMode(ctx.sid),
    sid: ctx.sid,
    ...(id ? { rid: id.rid } : {}),
    ...(id?.orig_sid ? { orig_sid: id.orig_sid } : {}),
    ...(id?.orig_rid ? { orig_rid: id.orig_rid } : {}),
    search_name: ctx.searchName,
    app: ctx.app,
    owner: ctx.owner,
    user: ctx.owner,
    worker: ctx.serverHost,
    mode: ctx.mode,
    vendor_product: 'TA-ser-mail secure send',
  } as const;
}

const SIGNATURES: Record<SendOutcome['status'], (o: SendOutcome, m: OutgoingMessage) => string> = {
  sent: (o, m) => `message sent to ${m.to.length + m.cc.length} recipient(s)${o.explanation ? `: ${o.explanation}` : ''}`,
  duplicate: (o) => `already sent: the service had accepted this messageId${o.duplicateOf ? ` (transaction ${o.duplicateOf})` : ''} and answered a repeated request`,
  refused: (o) => o.message ?? o.error?.message ?? 'refused',
  failed: (o) => o.message ?? o.error?.message ?? 'failed',
};

/**
 * Pure: one send outcome → one audit event (a Modular_Actions result: tags modaction and
 * modaction_result through eventtypes.conf). Never the body or the secret. A `duplicate` is a
 * success: the message reached the service once, in the earlier run named by `duplicate_of`.
 */
export function auditEvent(ctx: AlertContext, m: OutgoingMessage, o: SendOutcome, meta: { dest: string; encrypted: boolean; row?: number; result?: ResultIdentity; at?: number }): SplunkEvent {
  const id = eventId('send-audit', ctx.sid, o.messageId, o.status, o.transactionId ?? '', o.attempts);
  const ok = o.status === 'sent' || o.status === 'duplicate';
  const body: SendAudit = {
    ...runFields(ctx, meta.result ?? { rid: String(meta.row ?? 0) }),
    action_status: ok ? 'success' : 'failure',
    send_status: o.status,
    stage: 'send',
    signature: SIGNATURES[o.status](o, m),
    ...(meta.row !== undefined ? { row: meta.row } : {}),
    action: ok ? 'delivered' : 'blocked',
    protocol: 'smtp', // the service relays by SMTP; the API hop is in transport
    transport: 'https',
    src: ctx.serverHost,
    dest: meta.dest,
    src_user: m.from,
    sender: m.from,
    return_addr: m.from,
    recipient: [...m.to, ...m.cc],
    recipient_count: m.to.length + m.cc.length,
    to: m.to,
    cc: m.cc,
    message_id: o.messageId,
    ...(o.transactionId ? { internal_message_id: o.transactionId, transaction_id: o.transactionId } : {}),
    ...(o.duplicateOf ? { duplicate_of: o.duplicateOf } : {}),
    ...(o.code !== undefined ? { code: o.code } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.explanation !== undefined ? { explanation: o.explanation } : {}),
    ...(o.httpStatus !== undefined ? { status_code: o.httpStatus } : {}),
    ...(o.error && o.status !== 'duplicate' ? { error_code: o.error.code } : {}),
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

/** Where a run that sent nothing stopped: its settings, or its results file. */
export type RunStage = 'config' | 'results';

/**
 * Pure: a run that failed before (or instead of) sending — unknown service, a key the
 * passphrase does not open, an invalid `from`, an unreadable results file — is audited too,
 * so every run of the action leaves at least one event.
 */
export function runFailureEvent(ctx: AlertContext, err: AddonError | { code: string; message: string }, meta: { stage: RunStage; dest?: string; result?: ResultIdentity; at?: number }): SplunkEvent {
  const id = eventId('send-audit-run', ctx.sid, meta.stage, err.code);
  const body: SendAudit = {
    ...runFields(ctx, meta.result),
    action_status: 'failure',
    send_status: 'failed',
    stage: meta.stage,
    signature: err.message,
    action: 'blocked',
    ...(meta.dest ? { dest: meta.dest } : {}),
    src: ctx.serverHost,
    error_code: err.code,
    message: err.message,
    event_id: id,
  };
  return { time: toEpochSeconds(meta.at ?? Date.now()), host: ctx.serverHost || undefined, source: ACTION_NAME, sourcetype: SOURCETYPES.sendAudit, event: body, id };
}

/**
 * Pure: the invocation record of one run (CIM Modular Action Invocations), written before the
 * run reads its settings, so even a run that fails at once shows it was invoked.
 */
export function invocationEvent(ctx: AlertContext, result: ResultIdentity, at?: number): SplunkEvent {
  const id = eventId('send-invocation', ctx.sid, result.rid);
  const body: SendInvocation = {
    action_name: ACTION_NAME,
    action_mode: actionMode(ctx.sid),
    signature: 'Invoking modular action',
    sid: ctx.sid,
    rid: result.rid,
    ...(result.orig_sid ? { orig_sid: result.orig_sid } : {}),
    ...(result.orig_rid ? { orig_rid: result.orig_rid } : {}),
    search_name: ctx.searchName,
    app: ctx.app,
    user: ctx.owner,
    worker: ctx.serverHost,
    mode: ctx.mode,
    event_id: id,
  };
  return { time: toEpochSeconds(at ?? Date.now()), host: ctx.serverHost || undefined, source: ACTION_NAME, sourcetype: SOURCETYPES.sendInvocation, event: body, id };
}
