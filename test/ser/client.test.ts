import { afterEach, describe, expect, it } from 'vitest';
import { TlsVerificationError } from '../../src/core/errors.js';
import { classifySerFailure } from '../../src/ser/client.js';
import { SerApiError, SerCredentialsError, SerReplyError } from '../../src/ser/errors.js';
import { RateLimiter } from '../../src/ser/rate-limiter.js';
import { createSerSession } from '../../src/ser/session.js';
import type { SerReport } from '../../src/ser/reply.js';
import { allReplyLayouts, SER_REPLY_SHAPES, startSerSimulator, type SerReplyShape, type SerSimulator } from '../../src/sim/ser.js';
import { accountFor } from './helpers.js';

let sim: SerSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const WINDOW = { start: Date.parse('2026-11-01T05:00:00Z'), end: Date.parse('2026-11-01T06:00:00Z') };
const unlimited = () => new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity });

async function setup(retries = 4) {
  sim = await startSerSimulator({ rateLimitPerMinute: 0 });
  const session = createSerSession(accountFor(sim, { retries }), { limiter: unlimited() });
  return { sim, client: session.client };
}

describe('SER report client', () => {
  it('asks for [start, end) with both timestamps in the exact SER format', async () => {
    const { sim, client } = await setup();
    await client.summary(WINDOW);
    const r = sim.requests().find((x) => x.path === '/v1/sercustomer/report/summary')!;
    expect(r).toMatchObject({ startTimeStamp: '2026-11-01T05:00:00.000Z', endTimeStamp: '2026-11-01T06:00:00.000Z', bearer: true, status: 200 });
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'status', status: 429, count: 2, retryAfterSeconds: 0 });
    const r = await client.summary(WINDOW);
    expect(r.users.length).toBeGreaterThan(0);
    expect(sim.requests().filter((x) => x.path.endsWith('/summary')).map((x) => x.status)).toEqual([429, 429, 200]);
    expect(sim.stats().served).toBe(1);
  });

  it('waits at least what Retry-After asks before the retry (more than its own first backoff of at most 1 s)', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'status', status: 429, count: 1, retryAfterSeconds: 3 });
    await client.summary(WINDOW);
    const [refused, retried] = sim.requests().filter((x) => x.path.endsWith('/summary'));
    expect([refused?.status, retried?.status]).toEqual([429, 200]);
    // A lower bound set by the server's header: it cannot be met by ignoring it.
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(3000);
  });

  it('retries 5xx and dropped connections, then succeeds', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'status', status: 502, count: 1 });
    sim.setFault({ kind: 'reset', count: 1 });
    sim.setFault({ kind: 'status', status: 500, count: 1 });
    await client.summary(WINDOW);
    expect(sim.stats().faults).toBe(3);
    expect(sim.stats().served).toBe(1);
  });

  it('gives up after its retries with a retryable SerApiError carrying the status', async () => {
    const { sim, client } = await setup(2);
    sim.setFault({ kind: 'status', status: 503 });
    const err = await client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerApiError);
    expect((err as SerApiError).status).toBe(503);
    expect((err as SerApiError).retryable).toBe(true);
    expect(sim.stats().reports).toBe(3);
  });

  it('does not retry a 400 and says what SER answered', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'status', status: 400, count: 1 });
    const err = await client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerApiError);
    expect((err as SerApiError).status).toBe(400);
    expect(sim.stats().reports).toBe(1);
  });

  it('a malformed body and a bad field are errors that name the field, not zeros', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'malformed', count: 1 });
    const e1 = await client.summary(WINDOW).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(SerReplyError);
    expect((e1 as Error).message).toMatch(/not JSON/);
    sim.setFault({ kind: 'bad-field', count: 1 });
    const e2 = await client.summary(WINDOW).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(SerReplyError);
    expect((e2 as SerReplyError).path).toBe('applicationUsers[0].status.success');
  });

  it('waits out a slow reply', async () => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'slow', delayMs: 300, count: 1 });
    const r = await client.summary(WINDOW);
    expect(r.users).toEqual((await client.summary(WINDOW)).users);
  });

  it('reads every layout the simulator serves (each category nested or flat, numbers or text, every DSN spelling) to the same numbers', async () => {
    const { sim, client } = await setup();
    const strip = (r: SerReport) => r.users.map(({ extra: _e, ...u }) => u);
    const first = await client.summary(WINDOW);
    const reference = strip(first);
    expect(first.entitlement?.license_start).toBeDefined();
    expect(reference.length).toBeGreaterThan(1);
    expect(reference.every((u) => u.message_size_total! > 0 && u.delivered_size_total !== undefined && u.dsn['3xx'] === 0)).toBe(true);
    const layouts = [...Object.keys(SER_REPLY_SHAPES), ...allReplyLayouts()] as SerReplyShape[];
    for (const shape of layouts) {
      sim.setShape(shape);
      const r = await client.summary(WINDOW);
      expect(strip(r), JSON.stringify(shape)).toEqual(reference);
      expect(r.entitlement, JSON.stringify(shape)).toEqual(first.entitlement);
    }
  });

  it.each(['missing', 'null', 'misspelled'] as const)('a reply whose applicationUsers is %s is SER_REPLY_INVALID at once, not a quiet window', async (form) => {
    const { sim, client } = await setup();
    sim.setFault({ kind: 'users-block', form });
    const err = await client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerReplyError);
    expect((err as SerReplyError).path).toBe('applicationUsers');
    expect(sim.stats().reports).toBe(1);
  });
});

describe('rate limiter', () => {
  it('keeps a simulator at its limit free of 429s, where an unpaced client is refused', async () => {
    // A 1 s sliding window of 10 requests stands in for the API's minute of 1,000 (same shape, faster
    // test); the margin is scaled up with it (167 ms of slack per second) for a loaded test machine.
    sim = await startSerSimulator({ rateLimitPerMinute: 10, rateWindowMs: 1000 });
    const paced = createSerSession(accountFor(sim, { retries: 0 }), { limiter: new RateLimiter({ perMinute: 600, ceilingPerMinute: 600, marginMs: 10_000 }) });
    await Promise.all(Array.from({ length: 35 }, (_, i) => paced.client.summary({ start: WINDOW.start + i * 3_600_000, end: WINDOW.end + i * 3_600_000 })));
    expect(sim.stats().served).toBe(35);
    expect(sim.stats().tooMany).toBe(0);

    const unpaced = createSerSession(accountFor(sim, { retries: 0 }), { limiter: unlimited() });
    const results = await Promise.allSettled(Array.from({ length: 35 }, () => unpaced.client.summary(WINDOW)));
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    expect(sim.stats().tooMany).toBeGreaterThan(0);
  });

  it('refuses a rate above the API limit', () => {
    expect(() => new RateLimiter({ perMinute: 1001 })).toThrow(/1000 requests per minute/);
    expect(new RateLimiter({ perMinute: 900 }).intervalMs).toBeGreaterThan(60_000 / 900);
  });
});

describe('TLS', () => {
  it('verifies the API certificate against the configured CA, and refuses without it (no retries)', async () => {
    const { createPki } = await import('../../src/sim/pki.js');
    const { TlsVerificationError } = await import('../../src/core/errors.js');
    const pki = createPki();
    sim = await startSerSimulator({ rateLimitPerMinute: 0, tls: { cert: pki.serverCert, key: pki.serverKey } });
    expect(sim.url).toMatch(/^https:/);
    const trusted = createSerSession(accountFor(sim, { ca_file: pki.caFile }), { limiter: unlimited() });
    expect((await trusted.client.summary(WINDOW)).users.length).toBeGreaterThan(0);
    const untrusted = createSerSession(accountFor(sim), { limiter: unlimited() });
    const err = await untrusted.client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsVerificationError);
    expect(sim.stats().tokens).toBe(1);
  });

  it('classifies failures for the one retry mechanism: only network, 429 and 5xx are retried, with their Retry-After', () => {
    expect(classifySerFailure(new SerApiError('503', 503, { retryable: true, retryAfterMs: 2000 }))).toEqual({ retry: true, retryAfterMs: 2000 });
    expect(classifySerFailure(new SerApiError('reset', undefined, { retryable: true }))).toEqual({ retry: true, retryAfterMs: undefined });
    for (const permanent of [new SerApiError('400', 400), new SerReplyError('applicationUsers', 'missing'), new SerCredentialsError('acme', 401), new TlsVerificationError('SER API'), new Error('bug')]) {
      expect(classifySerFailure(permanent).retry).toBe(false);
    }
  });
});
