import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actionMode, auditEvent, invocationEvent, resultIdentity, runFailureEvent, type AlertContext } from '../../src/send/audit.js';
import { AuditTrail } from '../../src/send/audit-trail.js';
import { MemorySink } from '../../src/core/sink.js';
import { sendInvocationSchema } from '../../src/send/event-schema.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { fallbackLine } from '../../src/send/audit-trail.js';
import type { SendOutcome } from '../../src/send/client.js';
import { AddressError, SendFailedError, SendRefusedError, SendUnavailableError } from '../../src/send/errors.js';
import { sendAuditSchema } from '../../src/send/event-schema.js';
import type { OutgoingMessage } from '../../src/send/message.js';

const ctx: AlertContext = { sid: 'scheduler__admin__search__RMD5_at_1700000000_1', searchName: 'Disk alerts', app: 'search', owner: 'admin', serverHost: 'sh1', mode: 'per_row' };

/** Every outcome the client and the action produce, with the service's own words where it gives any. */
const outcomes = (messageId: string): SendOutcome[] => [
  { status: 'sent', messageId, httpStatus: 200, code: 0, message: 'OK', transactionId: 'DBB7EC132EBA408F8FB3389C18D0D416', attempts: 1, durationMs: 12.3, bytes: 400 },
  { status: 'sent', messageId, httpStatus: 200, code: 0, transactionId: 'T2', attempts: 3, durationMs: 2012, bytes: 400 },
  { status: 'refused', messageId, httpStatus: 400, code: -1, message: 'Ошибка обработки запроса', explanation: 'Неверный ID почтового ящика', transactionId: 'T3', attempts: 1, durationMs: 5, bytes: 400, error: new SendRefusedError({ status: 400, message: 'Ошибка обработки запроса', explanation: 'Неверный ID почтового ящика' }) },
  { status: 'failed', messageId, httpStatus: 503, message: 'unavailable', attempts: 3, durationMs: 3000, bytes: 400, error: new SendUnavailableError(503, 'unavailable') },
  { status: 'failed', messageId, message: 'reset', attempts: 1, durationMs: 4, bytes: 400, error: new SendFailedError(undefined, 'reset') },
  { status: 'failed', messageId, message: 'bad to', attempts: 0, durationMs: 0, bytes: 0, error: new AddressError('to', 'ab@example.com') },
];

describe('audit event', () => {
  it('never carries the body, nor the subject of an encrypted message (its sha256 instead), for every outcome', () => {
    // markers around arbitrary text, so "not contained" cannot pass by accident or fail by coincidence
    const text = fc.string({ unit: 'grapheme', maxLength: 60 });
    fc.assert(
      fc.property(text, text, fc.boolean(), (s, b, encrypted) => {
        const subject = `SUBJ-7f3a9e ${s}`;
        const body = `BODY-c41d02 ${b}`;
        const m: OutgoingMessage = { messageId: 'ta-ser-mail-abc', from: 'alerts@example.com', to: ['soc.team@example.com'], cc: ['boss@example.org'], subject, body, bodyType: 'text/html', importance: 'high' };
        for (const o of outcomes(m.messageId)) {
          const e = auditEvent(ctx, m, o, { dest: 'send.example.com:443', encrypted, row: 4 });
          const seen = JSON.stringify(e) + fallbackLine(e);
          expect(seen).not.toContain('BODY-c41d02');
          const a = sendAuditSchema.parse(e.event);
          if (encrypted) {
            expect(seen).not.toContain('SUBJ-7f3a9e');
            expect(a.subject).toBeUndefined();
            expect(a.subject_sha256).toBe(createHash('sha256').update(subject, 'utf8').digest('hex'));
          } else {
            expect(a.subject).toBe(subject);
            expect(a.subject_sha256).toBeUndefined();
          }
          expect(a).toMatchObject({ encrypted, message_id: m.messageId, recipient: ['soc.team@example.com', 'boss@example.org'], recipient_count: 2, action_status: o.status === 'sent' ? 'success' : 'failure', attempt: o.attempts, size: o.bytes, protocol: 'smtp', transport: 'https' });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the service reply and the outcome are all there: code, message, explanation, transactionId', () => {
    const m: OutgoingMessage = { messageId: 'id', from: 'alerts@example.com', to: ['soc.team@example.com'], cc: [], subject: 's', body: 'b', bodyType: 'text/plain', importance: 'normal' };
    const [, , refused, unavailable, , address] = outcomes('id').map((o) => sendAuditSchema.parse(auditEvent(ctx, m, o, { dest: 'd:443', encrypted: false }).event));
    expect(refused).toMatchObject({ action: 'blocked', code: -1, message: 'Ошибка обработки запроса', explanation: 'Неверный ID почтового ящика', transaction_id: 'T3', internal_message_id: 'T3', status_code: 400, error_code: 'SEND_REFUSED', signature: 'Ошибка обработки запроса' });
    expect(unavailable).toMatchObject({ action: 'blocked', status_code: 503, error_code: 'SEND_UNAVAILABLE', attempt: 3, retries: 2 });
    expect(address).toMatchObject({ error_code: 'SEND_ADDRESS_INVALID', attempt: 0, retries: 0 });
  });

  it('carries the Common Action Model identity: rid, orig_sid/orig_rid of a notable, action_mode from the sid', () => {
    expect(resultIdentity({ rid: '7', orig_sid: 'scheduler__nobody__SA-ThreatIntelligence__RMD5x_at_1_2', orig_rid: ['3'] }, 0)).toEqual({ rid: '7', orig_sid: 'scheduler__nobody__SA-ThreatIntelligence__RMD5x_at_1_2', orig_rid: '3' });
    expect(resultIdentity({ host: 'db1' }, 4)).toEqual({ rid: '4' });
    expect(resultIdentity(undefined, 0)).toEqual({ rid: '0' });
    expect([actionMode('scheduler__admin__search__RMD5_at_1_1'), actionMode('1733500000.42'), actionMode('admin__admin__search__search1_1')]).toEqual(['saved', 'adhoc', 'adhoc']);
    const m: OutgoingMessage = { messageId: 'id', from: 'alerts@example.com', to: ['soc.team@example.com'], cc: [], subject: 's', body: 'b', bodyType: 'text/plain', importance: 'normal' };
    const e = sendAuditSchema.parse(auditEvent({ ...ctx, sid: '1733500000.42' }, m, outcomes('id')[0]!, { dest: 'd:443', encrypted: false, result: { rid: '0', orig_sid: 'notable-sid', orig_rid: '5' } }).event);
    expect(e).toMatchObject({ action_mode: 'adhoc', rid: '0', orig_sid: 'notable-sid', orig_rid: '5', send_status: 'sent', stage: 'send', worker: 'sh1', user: 'admin' });
  });

  it('a run that failed before sending is an event too, with no message fields and no secret', () => {
    const e = runFailureEvent(ctx, new ConfigError('send service "nosuch" does not exist'), { stage: 'config', result: { rid: '0' } });
    const a = sendAuditSchema.parse(e.event);
    expect(a).toMatchObject({ action_status: 'failure', send_status: 'failed', stage: 'config', error_code: 'CONFIG_INVALID', signature: 'send service "nosuch" does not exist', sid: ctx.sid, action_mode: 'saved' });
    expect(a.message_id).toBeUndefined();
    expect(a.recipient).toBeUndefined();
    expect(e.id).toBe(runFailureEvent(ctx, new ConfigError('other words'), { stage: 'config' }).id);
  });

  it('the invocation record (CIM Modular Action Invocations) goes to HEC under its own sourcetype, never to the fallback file', async () => {
    const e = invocationEvent({ ...ctx, sid: '1733500000.7' }, { rid: '0', orig_sid: 'notable-sid', orig_rid: '2' });
    expect(e.sourcetype).toBe(SOURCETYPES.sendInvocation);
    expect(sendInvocationSchema.parse(e.event)).toMatchObject({ signature: 'Invoking modular action', action_mode: 'adhoc', rid: '0', orig_sid: 'notable-sid', orig_rid: '2', search_name: 'Disk alerts' });
    const sink = new MemorySink();
    const up = new AuditTrail({ sink, fallbackFile: join(mkdtempSync(join(tmpdir(), 'inv-')), 'a.log'), deadlineMs: 1000 });
    up.record(e, { durable: false });
    await up.finish();
    expect(sink.events.map((x) => x.sourcetype)).toEqual([SOURCETYPES.sendInvocation]);
    const down = new (class extends MemorySink {
      override async send(): Promise<void> {
        throw new Error('HEC down');
      }
    })();
    const file = join(mkdtempSync(join(tmpdir(), 'inv-')), 'a.log');
    const trail = new AuditTrail({ sink: down, fallbackFile: file, deadlineMs: 1000 });
    trail.record(e, { durable: false });
    expect(await trail.finish()).toEqual({ delivered: 0, toFile: 0 });
    expect(existsSync(file)).toBe(false);
  });
});

