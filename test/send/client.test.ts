import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { Secret } from '../../src/core/secret.js';
import { classifySendFailure, SendClient } from '../../src/send/client.js';
import { SendFailedError, SendRefusedError, SendTlsError, SendUnavailableError } from '../../src/send/errors.js';
import { buildRequest, messageIdFor, type OutgoingMessage } from '../../src/send/message.js';
import type { SendSimulator } from '../../src/sim/send.js';
import { openService, startSim, testPki } from './fixtures.js';

function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const to = over.to ?? ['soc.team@example.com'];
  const cc = over.cc ?? [];
  return { messageId: messageIdFor('sid-1', over.subject ?? 'x', to, cc), from: 'alerts@example.com', to, cc, subject: 'Alert: disk full', body: 'Host db1 is at 99%', bodyType: 'text/plain', importance: 'normal', ...over };
}

describe('send client over mutual TLS', () => {
  let sim: SendSimulator;
  beforeAll(async () => {
    testPki();
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('delivers a message: headers and body as specified, reply code 0 with a transactionId', async () => {
    const svc = openService(sim.port);
    const m = message({ cc: ['boss@example.org'], importance: 'high' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o.status).toBe('sent');
    expect(o.code).toBe(0);
    expect(o.transactionId).toMatch(/^[0-9A-F]{32}$/);
    const got = sim.delivered().find((d) => d.messageId === m.messageId)!;
    expect(got).toMatchObject({ from: 'alerts@example.com', to: ['soc.team@example.com'], cc: ['boss@example.org'], subject: m.subject, body: m.body, importance: 'high', transactionId: o.transactionId });
  });

  it('refuses addresses before any connection is made', async () => {
    const before = sim.connections();
    const svc = openService(sim.port);
    for (const bad of [{ to: ['no-at-sign.example.com'] }, { to: [] }, { from: 'a@b' }, { cc: ['not an address'] }]) {
      expect(() => buildRequest(message(bad), svc.wire)).toThrowError(/address/);
    }
    await svc.close();
    expect(sim.connections()).toBe(before);
  });

  it('reports a -1 reply with message and explanation, and does not retry it', async () => {
    sim.setFault({ kind: 'refuse', times: 1, message: 'Ошибка обработки запроса', explanation: 'Неверный ID почтового ящика' });
    const svc = openService(sim.port, { max_attempts: '3' });
    const m = message({ subject: 'refused one' });
    const before = sim.requests().length;
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o).toMatchObject({ status: 'refused', code: -1, message: 'Ошибка обработки запроса', explanation: 'Неверный ID почтового ящика', attempts: 1 });
    expect(sim.requests().length - before).toBe(1);
    expect(sim.delivered().some((d) => d.messageId === m.messageId)).toBe(false);
  });

  it('a wrong mailbox secret is a -1 from the service', async () => {
    const svc = openService(sim.port, { secret: 'not-the-token' });
    const m = message({ subject: 'bad secret' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o.status).toBe('refused');
    expect(o.explanation).toMatch(/secret/);
  });

  it('retries 502/503/504 with the same messageId and delivers once', async () => {
    for (const status of [502, 503, 504] as const) {
      sim.setFault({ kind: 'status', status, times: 2 });
      const svc = openService(sim.port, { max_attempts: '3' });
      const m = message({ subject: `retry ${status}` });
      const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
      await svc.close();
      expect(o).toMatchObject({ status: 'sent', attempts: 3 });
      expect(sim.delivered().filter((d) => d.messageId === m.messageId)).toHaveLength(1);
    }
  });

  it('a -1 reply is never retried, whatever HTTP status carries it (502/503/504 included)', async () => {
    for (const status of [400, 500, 502, 503, 504] as const) {
      sim.setFault({ kind: 'refuse', status, times: 1, message: 'Ошибка обработки запроса', explanation: `refused with ${status}` });
      const svc = openService(sim.port, { max_attempts: '3' });
      const m = message({ subject: `refused ${status}` });
      const before = sim.requests().length;
      const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
      await svc.close();
      expect(o).toMatchObject({ status: 'refused', code: -1, attempts: 1, httpStatus: status, explanation: `refused with ${status}` });
      expect(sim.requests().length - before).toBe(1);
    }
    sim.setFault(undefined);
  });

  it('a documented code-0 reply means sent even under 502/503/504: not retried', async () => {
    for (const status of [502, 503, 504] as const) {
      sim.setFault({ kind: 'status', status, times: 1, accepted: true });
      const svc = openService(sim.port, { max_attempts: '3' });
      const m = message({ subject: `accepted under ${status}` });
      const before = sim.requests().length;
      const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
      await svc.close();
      expect(o).toMatchObject({ status: 'sent', code: 0, attempts: 1, httpStatus: status });
      expect(sim.requests().length - before).toBe(1);
      expect(sim.delivered().filter((d) => d.messageId === m.messageId)).toHaveLength(1);
    }
    sim.setFault(undefined);
  });

  it('a 503 with Retry-After (a proxy in front of the service) waits that long before the retry, same messageId', async () => {
    sim.setFault({ kind: 'status', status: 503, times: 1, retryAfter: '1' });
    const svc = openService(sim.port, { max_attempts: '3', retry_delay: '1ms' });
    const m = message({ subject: 'retry-after' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    sim.setFault(undefined);
    expect(o).toMatchObject({ status: 'sent', attempts: 2 });
    const mine = sim.requests().filter((r) => r.messageId === m.messageId);
    expect(mine.map((r) => r.outcome)).toEqual(['fault', 'accepted']);
    expect(mine[1]!.at - mine[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('the classifier handed to core retry: only "cannot have been delivered" is retried', () => {
    expect(classifySendFailure(new SendUnavailableError(503, 'x', { retryAfterMs: 2000 }))).toEqual({ retry: true, retryAfterMs: 2000 });
    expect(classifySendFailure(new SendUnavailableError(undefined, 'ECONNREFUSED'))).toMatchObject({ retry: true });
    for (const e of [new SendRefusedError({ status: 503, message: 'x' }), new SendFailedError(undefined, 'reset'), new SendTlsError('x'), new Error('plain')]) expect(classifySendFailure(e).retry).toBe(false);
  });

  it('gives up after max_attempts of 503 and reports failure', async () => {
    sim.setFault({ kind: 'status', status: 503, times: 5 });
    const svc = openService(sim.port, { max_attempts: '2' });
    const m = message({ subject: 'always 503' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    sim.setFault(undefined);
    expect(o).toMatchObject({ status: 'failed', attempts: 2, httpStatus: 503 });
    expect(o.error?.code).toBe('SEND_UNAVAILABLE');
  });

  it('does not retry a 500 without the documented reply (outcome unknown)', async () => {
    sim.setFault({ kind: 'html', times: 1 });
    const svc = openService(sim.port, { max_attempts: '3' });
    const m = message({ subject: 'html 500' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 500 });
    expect(o.error?.code).toBe('SEND_FAILED');
  });

  it('a connection reset after the request is not retried (it may have been delivered) and not blamed on the certificate', async () => {
    sim.setFault({ kind: 'reset', times: 1 });
    const svc = openService(sim.port, { max_attempts: '3' });
    const m = message({ subject: 'reset' });
    const before = sim.requests().length;
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o).toMatchObject({ status: 'failed', attempts: 1 });
    expect(o.error?.code).toBe('SEND_FAILED');
    expect(sim.requests().length - before).toBe(1);
  });

  it('retries connection refused (nothing can have been sent), then reports it', async () => {
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const svc = openService(port, { max_attempts: '3' });
    const m = message({ subject: 'refused conn' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o).toMatchObject({ status: 'failed', attempts: 3 });
    expect(o.error?.code).toBe('SEND_UNAVAILABLE');
    expect(o.message).toMatch(/ECONNREFUSED/);
  });

  it('an unknown client certificate gives a clear error', async () => {
    const p = testPki();
    const svc = openService(sim.port, { client_cert_file: p.rogueClientCertFile, client_key_file: p.rogueClientKeyFile, passphrase: '' });
    const m = message({ subject: 'rogue' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o.status).toBe('failed');
    expect(o.error?.code).toBe('SEND_TLS_FAILED');
    expect(o.message).toMatch(/refused our client certificate/);
    expect(sim.tlsFailures()).toBeGreaterThan(0);
  });

  it('a wrong CA gives a clear error', async () => {
    const p = testPki();
    const svc = openService(sim.port, { ca_file: p.rogueCaFile });
    const m = message({ subject: 'wrong ca' });
    const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
    await svc.close();
    expect(o.error?.code).toBe('SEND_TLS_FAILED');
    expect(o.message).toMatch(/did not verify/);
  });

  it('a sending mailbox the service would refuse is a setting error before any connection', () => {
    const before = sim.connections();
    expect(() => openService(sim.port, { from: 'ab@example.com' })).toThrowError(/from "ab@example.com" does not match/);
    expect(sim.connections()).toBe(before);
  });

  it('a wrong key passphrase is refused before any connection', () => {
    expect(() => openService(sim.port, { passphrase: 'wrong' })).toThrowError(/passphrase/);
  });
});

describe('Cyrillic addresses end to end', () => {
  for (const encoding of ['utf8', 'rfc2047'] as const) {
    it(`Email-From and to with Cyrillic letters (${encoding})`, async () => {
      const sim = await startSim({ from: 'почта.уведомления@пример.рф' });
      const svc = openService(sim.port, { from: 'почта.уведомления@пример.рф', from_header_encoding: encoding });
      const m = message({ from: 'почта.уведомления@пример.рф', to: ['иван.петров@пример.рф'], subject: 'Тревога', body: 'Тело письма' });
      const o = await svc.client.send(m.messageId, buildRequest(m, svc.wire));
      await svc.close();
      await sim.close();
      expect(o.status).toBe('sent');
      expect(sim.delivered()[0]).toMatchObject({ from: 'почта.уведомления@пример.рф', to: ['иван.петров@пример.рф'], subject: 'Тревога', body: 'Тело письма' });
    });
  }
});

/**
 * Connection failures loopback cannot produce on demand (unreachable host or network, DNS
 * failure, connect timeout) injected at undici's connector: the request never leaves, so each
 * is a retry path and each must be retried; failures after a connection may have carried the
 * request must not be.
 */
describe('connection faults injected at the connector', () => {
  const wire = { secret: new Secret('tok'), fromHeaderEncoding: 'utf8' as const };
  async function sendThrough(code: string, maxAttempts: number) {
    let connects = 0;
    const dispatcher = new Agent({
      connect: (_opts, cb) => {
        connects++;
        cb(Object.assign(new Error(`injected ${code}`), { code }), null);
      },
    });
    const client = new SendClient({ host: '127.0.0.1', port: 9, clientCert: { cert: '', key: '' }, concurrency: 1, timeoutMs: 5000, maxAttempts, retryDelayMs: 1, dispatcher });
    const m = message({ subject: `fault ${code}` });
    const o = await client.send(m.messageId, buildRequest(m, wire));
    await dispatcher.close();
    return { o, connects };
  }

  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])('%s: nothing sent, retried up to max_attempts', async (code) => {
    const { o, connects } = await sendThrough(code, 3);
    expect(connects).toBe(3);
    expect(o).toMatchObject({ status: 'failed', attempts: 3 });
    expect(o.error?.code).toBe('SEND_UNAVAILABLE');
    expect(o.message).toContain(code);
  });

  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT'])('%s: the outcome is unknown, not retried', async (code) => {
    const { o, connects } = await sendThrough(code, 3);
    expect(connects).toBe(1);
    expect(o).toMatchObject({ status: 'failed', attempts: 1 });
    expect(o.error?.code).toBe('SEND_FAILED');
  });
});
