import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddonError } from '../../src/core/errors.js';
import { HecUnavailableError } from '../../src/hec/errors.js';
import { classifyAckReply, classifySendReply } from '../../src/hec/status.js';
import { parseRetryAfter } from '../../src/core/retry.js';

const EP = 'https://hec1:8088';
const json = (code: number, text: string, extra: Record<string, unknown> = {}) => JSON.stringify({ text, code, ...extra });

/** [HTTP status, body, headers, expected: 'ok' | error code, retryable, set aside] */
const ROWS: Array<[number, string, Record<string, string>, string, boolean, boolean]> = [
  [200, json(0, 'Success'), {}, 'ok', false, false],
  [200, json(0, 'Success', { ackId: 7 }), {}, 'ok', false, false],
  [403, json(1, 'Token disabled'), {}, 'HEC_TOKEN_INVALID', false, false],
  [401, json(2, 'Token is required'), {}, 'HEC_TOKEN_INVALID', false, false],
  [401, json(3, 'Invalid authorization'), {}, 'HEC_TOKEN_INVALID', false, false],
  [403, json(4, 'Invalid token'), {}, 'HEC_TOKEN_INVALID', false, false],
  [400, json(5, 'No data'), {}, 'HEC_EVENT_REFUSED', false, false],
  [400, json(6, 'Invalid data format'), {}, 'HEC_EVENT_REFUSED', false, false],
  [400, json(7, 'Incorrect index'), {}, 'HEC_INDEX_NOT_ALLOWED', false, false],
  [500, json(8, 'Internal server error'), {}, 'HEC_UNAVAILABLE', true, true],
  [503, json(9, 'Server is busy'), {}, 'HEC_UNAVAILABLE', true, true],
  [400, json(10, 'Data channel is missing'), {}, 'HEC_REJECTED', false, false],
  [400, json(11, 'Invalid data channel'), {}, 'HEC_INVALID_CHANNEL', true, false],
  [400, json(12, 'Event field is required'), {}, 'HEC_EVENT_REFUSED', false, false],
  [400, json(13, 'Event field cannot be blank'), {}, 'HEC_EVENT_REFUSED', false, false],
  [400, json(14, 'ACK is disabled'), {}, 'HEC_ACK_DISABLED', false, false],
  [400, json(15, 'Error in handling indexed fields'), {}, 'HEC_EVENT_REFUSED', false, false],
  [400, json(16, 'Query string authorization is not enabled'), {}, 'HEC_REJECTED', false, false],
  [503, json(18, 'HEC is unhealthy, queues are full'), {}, 'HEC_UNAVAILABLE', true, true],
  [503, json(19, 'HEC is unhealthy, ack service unavailable'), {}, 'HEC_UNAVAILABLE', true, true],
  [503, json(20, 'HEC is unhealthy, queues are full'), {}, 'HEC_UNAVAILABLE', true, true],
  [429, json(9, 'Server is busy'), { 'retry-after': '3' }, 'HEC_UNAVAILABLE', true, false],
  [413, '{"text":"Content too large"}', {}, 'HEC_BATCH_TOO_LARGE', false, false],
  [500, '<html><body><h1>Internal Server Error</h1></body></html>', {}, 'HEC_UNAVAILABLE', true, true],
  [502, 'Bad Gateway', {}, 'HEC_UNAVAILABLE', true, true],
  [503, '<html><body>Service Unavailable</body></html>', { 'retry-after': '2' }, 'HEC_UNAVAILABLE', true, true],
  [504, '', {}, 'HEC_UNAVAILABLE', true, true],
  [429, '<html>Too Many Requests</html>', {}, 'HEC_UNAVAILABLE', true, false],
  [200, '<html>login page</html>', {}, 'HEC_UNEXPECTED_REPLY', true, false],
  [200, '{"text":"Success"}', {}, 'HEC_UNEXPECTED_REPLY', true, false],
  [404, '<html>Not Found</html>', {}, 'HEC_UNEXPECTED_REPLY', false, false],
  [403, 'Forbidden', {}, 'HEC_UNEXPECTED_REPLY', false, false],
  [400, json(0, 'Success'), {}, 'HEC_REJECTED', false, false],
  [504, json(99, 'Gateway says no'), {}, 'HEC_UNAVAILABLE', true, true],
  [400, json(99, 'Something new'), {}, 'HEC_REJECTED', false, false],
];

describe('classifySendReply: HEC reply → outcome', () => {
  it.each(ROWS)('HTTP %i %s → %s', (status, body, headers, expected, retryable, setAside) => {
    const o = classifySendReply(EP, status, headers, body);
    if (expected === 'ok') {
      expect(o.ok).toBe(true);
      return;
    }
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(AddonError.isInstance(o.error)).toBe(true);
    const err = o.error as AddonError;
    expect(err.code).toBe(expected);
    expect(err.retryable).toBe(retryable);
    expect(err instanceof HecUnavailableError ? err.setAside : false).toBe(setAside);
    expect(err.message).toContain(EP);
  });

  it('names the HEC code and text in refusals', () => {
    const o = classifySendReply(EP, 400, {}, json(7, 'Incorrect index', { 'invalid-event-number': 3 }));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.message).toMatch(/HTTP 400 code 7 "Incorrect index"/);
  });

  it('summarises an HTML page in one line without tags', () => {
    const o = classifySendReply(EP, 500, {}, '<html>\n<head><title>Oops</title></head>\n<body>Proxy failure</body></html>');
    expect(o.ok).toBe(false);
    if (!o.ok) {
      expect(o.error.message).not.toMatch(/[<>\n]/);
      expect(o.error.message).toContain('Oops Proxy failure');
    }
  });

  it('carries invalid-event-number (the events before it were indexed)', () => {
    const o = classifySendReply(EP, 400, {}, json(6, 'Invalid data format', { 'invalid-event-number': 4 }));
    expect(o).toMatchObject({ ok: false, invalidEvent: 4, error: { code: 'HEC_EVENT_REFUSED', dataProblem: true } });
    const busy = classifySendReply(EP, 503, {}, json(9, 'Server is busy', { 'invalid-event-number': 2 }));
    expect(busy).toMatchObject({ ok: false, invalidEvent: 2, error: { code: 'HEC_UNAVAILABLE' } });
    expect(classifySendReply(EP, 400, {}, json(6, 'Invalid data format', { 'invalid-event-number': -1 }))).not.toHaveProperty('invalidEvent');
  });

  it('returns the ackId on success', () => {
    expect(classifySendReply(EP, 200, {}, json(0, 'Success', { ackId: 42 }))).toEqual({ ok: true, ackId: 42 });
    expect(classifySendReply(EP, 200, {}, json(0, 'Success'))).toEqual({ ok: true });
  });

  it('carries Retry-After on 429 and 503', () => {
    for (const status of [429, 503]) {
      const o = classifySendReply(EP, status, { 'retry-after': '7' }, json(9, 'Server is busy'));
      expect(o.ok).toBe(false);
      if (!o.ok) expect((o.error as HecUnavailableError).retryAfterMs).toBe(7000);
    }
  });

  it('never reports success for anything but code 0 in a 2xx JSON reply (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.integer({ min: -5, max: 30 }), fc.constant(undefined)), fc.string(), (status, code, text) => {
        const body = code === undefined ? text : JSON.stringify({ text, code });
        const o = classifySendReply(EP, status, {}, body);
        return o.ok === (status >= 200 && status < 300 && code === 0);
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, caps at five minutes, ignores junk', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(['4', '9'], now)).toBe(4000);
  });
});

describe('classifyAckReply', () => {
  it('reads the ack map', () => {
    expect(classifyAckReply(EP, 200, '{"acks":{"1":true,"2":false}}')).toEqual({ ok: true, acks: { '1': true, '2': false } });
  });
  it('flags an invalid channel so its batches are resent', () => {
    const o = classifyAckReply(EP, 400, json(11, 'Invalid data channel'));
    expect(o).toMatchObject({ ok: false, invalidChannel: true });
  });
  it('reports ack disabled and token problems as such', () => {
    expect(classifyAckReply(EP, 400, json(14, 'ACK is disabled'))).toMatchObject({ ok: false, invalidChannel: false, error: { code: 'HEC_ACK_DISABLED' } });
    expect(classifyAckReply(EP, 403, json(4, 'Invalid token'))).toMatchObject({ ok: false, error: { code: 'HEC_TOKEN_INVALID' } });
    expect(classifyAckReply(EP, 500, '<html/>')).toMatchObject({ ok: false, invalidChannel: false, error: { code: 'HEC_UNAVAILABLE' } });
  });
});
