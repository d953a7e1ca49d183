import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { SerApiError, SerCredentialsError } from '../../src/ser/errors.js';
import { RateLimiter } from '../../src/ser/rate-limiter.js';
import { createSerSession } from '../../src/ser/session.js';
import { TokenSource } from '../../src/ser/token.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { accountFor } from './helpers.js';

let sim: SerSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const WINDOW = { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-01T01:00:00Z') };

function tokens(s: SerSimulator, o: { secret?: string; now?: () => number; marginMs?: number; log?: ReturnType<typeof createLogger> } = {}): TokenSource {
  return new TokenSource({ account: 'acme', authUrl: s.url, clientId: s.clientId, clientSecret: new Secret(o.secret ?? s.clientSecret), now: o.now, refreshMarginMs: o.marginMs, log: o.log });
}

describe('SER token', () => {
  it('is fetched once and reused; concurrent callers share one refresh', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const t = tokens(sim);
    const got = await Promise.all(Array.from({ length: 20 }, () => t.get()));
    expect(new Set(got).size).toBe(1);
    await t.get();
    expect(sim.stats().tokens).toBe(1);
    const form = sim.requests().filter((r) => r.path === '/v1/token');
    expect(form).toHaveLength(1);
    expect(form[0]!.method).toBe('POST');
  });

  it('is refreshed ahead of expiry, by the configured margin', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0, tokenTtlSeconds: 43_200 });
    let clock = Date.parse('2026-11-27T00:00:00Z');
    const t = tokens(sim, { now: () => clock, marginMs: 600_000 });
    const first = await t.get();
    clock += 43_200_000 - 600_001; // just before the margin: still the cached token
    expect(await t.get()).toBe(first);
    clock += 2; // inside the margin: a new one
    expect(await t.get()).not.toBe(first);
    expect(sim.stats().tokens).toBe(2);
  });

  it('refused credentials are a SerCredentialsError that names the account, not the secret', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const err = await tokens(sim, { secret: 'wrong-secret-value' }).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerCredentialsError);
    expect((err as Error).message).toContain('"acme"');
    expect((err as Error).message).not.toContain('wrong-secret-value');
  });

  it('a 401 on a report refreshes the token once and retries the call', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const session = createSerSession(accountFor(sim), { limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    await session.client.summary(WINDOW);
    sim.setFault({ kind: 'revoke-tokens' });
    const r = await session.client.summary(WINDOW);
    expect(r.users.length).toBeGreaterThan(0);
    expect(sim.stats().tokens).toBe(2);
    expect(sim.stats().unauthorized).toBe(1);
    expect(session.tokens.refreshes).toBe(2);
  });

  it('a token service that fails (503) is retried with the report call; one that keeps failing ends in a retryable SerApiError', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const session = createSerSession(accountFor(sim, { retries: 3 }), { limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    sim.setFault({ kind: 'token-status', status: 503, count: 2 });
    const r = await session.client.summary(WINDOW);
    expect(r.users.length).toBeGreaterThan(0);
    expect(sim.requests().filter((x) => x.path === '/v1/token').map((x) => x.status)).toEqual([503, 503, 200]);
    expect(sim.stats().served).toBe(1);

    const other = createSerSession(accountFor(sim, { retries: 1 }, 'other'), { limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    sim.setFault({ kind: 'token-status', status: 502, count: 5 });
    const err = await other.client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerApiError);
    expect(err).not.toBeInstanceOf(SerCredentialsError);
    expect((err as SerApiError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/token request .* answered HTTP 502/);
    expect(sim.stats().served).toBe(1);
  });

  it('expires in the middle of a run of report calls and the run carries on', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0, tokenTtlSeconds: 1 });
    // Margin 0: the client uses the token to its last moment, so the server's 401 path is exercised too.
    const session = createSerSession(accountFor(sim, { token_refresh_margin: 0 }), { limiter: new RateLimiter({ perMinute: 600, ceilingPerMinute: 600 }) });
    for (let i = 0; i < 30; i++) await session.client.summary({ start: WINDOW.start + i * 3_600_000, end: WINDOW.end + i * 3_600_000 });
    expect(sim.stats().served).toBe(30);
    expect(sim.stats().tokens).toBeGreaterThanOrEqual(2);
  });

  it('never writes the secret or the token to a log line', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const session = createSerSession(accountFor(sim), { log, limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    sim.setFault({ kind: 'status', status: 503, count: 1 });
    await session.client.summary(WINDOW);
    sim.setFault({ kind: 'revoke-tokens' });
    await session.client.summary(WINDOW);
    const token = await session.tokens.get();
    log.info({ account: session.account }, 'account settings');
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(1);
    expect(text).not.toContain(sim.clientSecret);
    expect(text).not.toContain(token.reveal());
  });

  it('a lifetime shorter than the refresh margin caps the margin (one token for many reports) and warns once', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0, tokenTtlSeconds: 120 });
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l) });
    // The default margin (300 s) is longer than the 120 s lifetime: uncapped, every token is stale at birth.
    const session = createSerSession(accountFor(sim), { log, limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    for (let i = 0; i < 10; i++) await session.client.summary({ start: WINDOW.start + i * 3_600_000, end: WINDOW.end + i * 3_600_000 });
    expect(sim.stats().tokens).toBe(1);
    expect(sim.stats().reports).toBe(10);
    const warnings = lines.filter((l) => l.includes('token_refresh_margin'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('capped at 30 s');
  });

  it('a 429 of the token service is retried after its Retry-After', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const delays: number[] = [];
    const log = createLogger({ level: 'warn', write: (l) => delays.push(Number(/"delay_ms":(\d+)/.exec(l)?.[1])) });
    const session = createSerSession(accountFor(sim), { log, limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    sim.setFault({ kind: 'token-status', status: 429, count: 1, retryAfterSeconds: 1 });
    await session.client.summary(WINDOW);
    expect(sim.requests().filter((r) => r.path === '/v1/token').map((r) => r.status)).toEqual([429, 200]);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it('a freshly issued token refused again is permanent: no retries beyond the one refresh', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const session = createSerSession(accountFor(sim, { retries: 4 }), { limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
    sim.setFault({ kind: 'revoke-tokens' });
    sim.setFault({ kind: 'revoke-tokens' });
    const err = await session.client.summary(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerApiError);
    expect((err as SerApiError).status).toBe(401);
    expect((err as SerApiError).retryable).toBe(false);
    expect(sim.stats().reports).toBe(2);
    expect(sim.stats().tokens).toBe(2);
  });

  it('a token reply it cannot read names the field and the expected type', async () => {
    const { createServer } = await import('node:http');
    const replies = [
      [{ access_token: 'x', expires_in: 'soon' }, 'SER reply field token.expires_in: expected a number of seconds'],
      [{ access_token: 7 }, 'SER reply field token.access_token: expected a text (the bearer token)'],
    ] as const;
    for (const [reply, message] of replies) {
      const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const t = new TokenSource({ account: 'acme', authUrl: url, clientId: 'k', clientSecret: new Secret('s') });
      const err = await t.get().catch((e: unknown) => e);
      server.close();
      expect((err as Error).message).toBe(message);
    }
  });
});
