import { afterEach, describe, expect, it } from 'vitest';
import { AddonError, UndeliveredError } from '../../src/core/errors.js';
import { toHecJson } from '../../src/core/event.js';
import { HecDeliveryError, HecIndexError, HecTokenError, HecUnexpectedReplyError } from '../../src/hec/errors.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { startHecSimulator, type HecSimulator, type HecSimulatorOptions } from '../../src/sim/hec.js';
import { capturingLogger, FAST, idsOf, makeEvents, sinkFor } from './helpers.js';

const sims: HecSimulator[] = [];
const sinks: HecSink[] = [];

async function sim(o: HecSimulatorOptions = {}): Promise<HecSimulator> {
  const s = await startHecSimulator(o);
  sims.push(s);
  return s;
}

function track(s: HecSink): HecSink {
  sinks.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close(0).catch(() => undefined);
  for (const s of sims.splice(0)) await s.close();
});

/** Settles every promise; returns the rejections. */
async function rejections(ps: Array<Promise<void>>): Promise<unknown[]> {
  const r = await Promise.allSettled(ps);
  return r.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => x.reason);
}

describe('HecSink against the simulator', () => {
  it('delivers every event once; gzip bodies decode to exactly what was sent', async () => {
    const hec = await sim();
    const sink = track(sinkFor(hec, { batch_bytes: 8192 }));
    const events = makeEvents(500, 'gzip');
    await sink.sendAll(events);
    const accepted = hec.events();
    // Batches travel in parallel, so compare as sorted lists of exact JSON texts.
    expect(accepted.map((e) => JSON.stringify(e)).sort()).toEqual(events.map(toHecJson).sort());
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(hec.eventIds()).toHaveLength(500);
    const posts = hec.requests().filter((r) => r.path === '/services/collector/event');
    expect(posts.length).toBeGreaterThan(1); // 8 KiB batches: several requests
    expect(posts.every((r) => r.gzip && r.status === 200)).toBe(true);
    expect(posts.every((r) => r.channel === sink.channel)).toBe(true);
    expect(sink.stats()).toMatchObject({ accepted: 500, delivered: 500, failed: 0, queuedBytes: 0, inFlightBytes: 0 });
  });

  it('sends plain JSON when gzip is off', async () => {
    const hec = await sim();
    const sink = track(sinkFor(hec, { gzip: false }));
    const events = makeEvents(20, 'plain');
    await sink.sendAll(events);
    expect(hec.requests().every((r) => !r.gzip)).toBe(true);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('rides out a 503 storm and delivers after recovery', async () => {
    const hec = await sim({ fault: { kind: 'busy', count: 6 } });
    const sink = track(sinkFor(hec));
    const events = makeEvents(50, 'storm');
    await sink.sendAll(events);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    const statuses = hec.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 503).length).toBe(6);
    expect(sink.stats().delivered).toBe(50);
  });

  it('a hung request times out and the batch is sent again', async () => {
    const hec = await sim({ fault: { kind: 'hang', count: 1 } });
    const sink = track(sinkFor(hec, { request_timeout: '300ms' }));
    const events = makeEvents(10, 'hang');
    await sink.sendAll(events);
    expect(hec.requests().some((r) => r.status === -2)).toBe(true);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(sink.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it('a lost ack leads to a resend whose duplicates carry the same ids', async () => {
    const hec = await sim({ ack: true, fault: { kind: 'lose-acks', count: 1 } });
    const sink = track(sinkFor(hec, { ack: true, ack_timeout: '300ms' }));
    const events = makeEvents(30, 'lost-ack');
    await sink.sendAll(events);
    const ids = hec.eventIds();
    expect(new Set(ids)).toEqual(idsOf(events));
    expect(ids.length).toBe(60); // the first copy was indexed but never acknowledged
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 2)).toBe(true);
  });

  it('counts a batch delivered only when its ack turns true', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 600_000 });
    const sink = track(sinkFor(hec, { ack: true }));
    const events = makeEvents(10, 'ack');
    let done = false;
    const p = sink.sendAll(events).then(() => {
      done = true;
    });
    // HEC has the events but holds their ack back.
    for (let i = 0; i < 200 && hec.eventIds().length < 10; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 200 && !hec.requests().some((r) => r.path === '/services/collector/ack'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(hec.eventIds()).toHaveLength(10);
    expect(done).toBe(false);
    expect(sink.stats().delivered).toBe(0);
    hec.setAckDelay(0);
    await p;
    expect(sink.stats().delivered).toBe(10);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('fails with a typed error when acks never come, after the bounded resends', async () => {
    const hec = await sim({ ack: true, fault: { kind: 'lose-acks' } });
    const sink = track(sinkFor(hec, { ack: true, ack_timeout: '100ms', retries: 2 }));
    const events = makeEvents(5, 'never-acked');
    const err = await sink.sendAll(events).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecDeliveryError);
    expect((err as HecDeliveryError).message).toMatch(/never acknowledged after 3 sends/);
    expect(hec.eventIds()).toHaveLength(15); // three sends, same ids
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(sink.stats().delivered).toBe(0);
  });

  it('keeps delivering through the healthy endpoint when one of two is down', async () => {
    const up = await sim();
    const down = await sim({ token: up.token, fault: { kind: 'reset' } });
    const { log, lines } = capturingLogger();
    const sink = track(sinkFor([down, up], { batch_bytes: 4096 }, log));
    const events = makeEvents(200, 'failover');
    await sink.sendAll(events);
    expect(new Set(up.eventIds())).toEqual(idsOf(events));
    expect(down.eventIds()).toEqual([]);
    expect(lines.some((l) => l.startsWith('WARN') && l.includes('set aside'))).toBe(true);
    // The down endpoint is probed on /health, not sent every batch.
    for (let i = 0; i < 100 && !down.requests().some((r) => r.path === '/services/collector/health'); i++) await new Promise((r) => setTimeout(r, 10));
    // Only the first wave (at most max_in_flight = 8 requests) reached it before it was set aside.
    const downPosts = down.requests().filter((r) => r.path === '/services/collector/event').length;
    expect(downPosts).toBeLessThanOrEqual(8);
    expect(up.requests().filter((r) => r.path === '/services/collector/event').length).toBeGreaterThan(downPosts);
    expect(down.requests().some((r) => r.path === '/services/collector/health')).toBe(true);
  });

  it('spreads batches round-robin over healthy endpoints', async () => {
    const a = await sim();
    const b = await sim({ token: a.token });
    const sink = track(sinkFor([a, b], { batch_bytes: 2048, gzip: false }));
    const events = makeEvents(200, 'rr');
    await sink.sendAll(events);
    expect(a.eventIds().length).toBeGreaterThan(0);
    expect(b.eventIds().length).toBeGreaterThan(0);
    expect(new Set([...a.eventIds(), ...b.eventIds()])).toEqual(idsOf(events));
    expect(a.eventIds().length + b.eventIds().length).toBe(200);
  });

  it('a bad token is a clear error and nothing is reported delivered', async () => {
    const hec = await sim();
    const sink = track(sinkFor(hec, { token: 'not-the-token' }));
    const err = await sink.sendAll(makeEvents(5, 'bad-token')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecTokenError);
    expect((err as AddonError).code).toBe('HEC_TOKEN_INVALID');
    expect((err as Error).message).toMatch(/code 4 "Invalid token"/);
    expect((err as Error).message).not.toContain('not-the-token');
    expect(hec.eventIds()).toEqual([]);
    expect(sink.stats()).toMatchObject({ delivered: 0, failed: 5 });
    expect(await sink.close(100)).toEqual({ delivered: 0, undelivered: 5, refused: 0 });
  });

  it('a disabled token is refused as such', async () => {
    const hec = await sim({ disabledTokens: ['old-token'] });
    const sink = track(sinkFor(hec, { token: 'old-token' }));
    const err = await sink.send(makeEvents(1, 'disabled')[0]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecTokenError);
    expect((err as Error).message).toMatch(/code 1 "Token disabled"/);
    expect(hec.eventIds()).toEqual([]);
  });

  it('a bad index is a clear error and nothing is reported delivered', async () => {
    const hec = await sim({ indexes: ['main'] });
    const sink = track(sinkFor(hec, { index: 'secret_stuff' }));
    const err = await sink.sendAll(makeEvents(5, 'bad-index')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecIndexError);
    expect((err as AddonError).code).toBe('HEC_INDEX_NOT_ALLOWED');
    expect((err as Error).message).toMatch(/code 7 "Incorrect index"/);
    expect(hec.eventIds()).toEqual([]);
    expect(sink.stats().delivered).toBe(0);
  });

  it('an HTML 500 page is never success: retried, then delivered', async () => {
    const hec = await sim({ fault: { kind: 'html500', count: 1 } });
    const { log, lines } = capturingLogger();
    const sink = track(sinkFor(hec, {}, log));
    const events = makeEvents(5, 'html');
    await sink.sendAll(events);
    expect(lines.some((l) => /HTTP 500 "500 Internal Server Error Internal Server Error"/.test(l))).toBe(true);
    expect(hec.requests().filter((r) => r.path === '/services/collector/event').map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(sink.stats()).toMatchObject({ delivered: 5, failed: 0 });
  });

  it('a 2xx that is not HEC JSON is retried, then HEC_UNEXPECTED_REPLY', async () => {
    const hec = await sim({ fault: { kind: 'non-json-ok' } });
    const sink = track(sinkFor(hec, { retries: 2 }));
    const err = await sink.sendAll(makeEvents(3, 'portal')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecDeliveryError);
    expect((err as Error).cause).toBeInstanceOf(HecUnexpectedReplyError);
    expect((err as Error).message).toMatch(/not delivered after 3 attempts: .*HTTP 200 .*not a HEC reply/);
    expect(hec.requests().filter((r) => r.path === '/services/collector/event')).toHaveLength(3);
    expect(hec.eventIds()).toEqual([]);
    expect(await sink.close(100)).toEqual({ delivered: 0, undelivered: 3, refused: 0 });
  });

  it('honours Retry-After on 429 and then delivers', async () => {
    const hec = await sim({ fault: { kind: 'throttle', count: 1, retryAfterSeconds: 1 } });
    const { log, lines } = capturingLogger();
    const sink = track(sinkFor(hec, {}, log));
    const events = makeEvents(5, 'throttle');
    await sink.sendAll(events);
    const retryLine = lines.find((l) => l.includes('throttled'));
    expect(retryLine).toBeDefined();
    const delay = Number(/in (\d+) ms/.exec(retryLine!)![1]);
    expect(delay).toBeGreaterThanOrEqual(1000); // the policy waited at least what the server asked
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('gives up after the bounded retries with a typed, retryable error', async () => {
    const hec = await sim({ fault: { kind: 'throttle', retryAfterSeconds: 0 } });
    const sink = track(sinkFor(hec, { retries: 2 }));
    const err = await sink.sendAll(makeEvents(3, 'exhausted')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HecDeliveryError);
    expect((err as AddonError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/after 3 attempts/);
    expect(hec.requests().filter((r) => r.status === 429)).toHaveLength(3);
    expect(hec.eventIds()).toEqual([]);
  });

  it('on code 11 opens a new channel and resends', async () => {
    const hec = await sim({ ack: true, fault: { kind: 'invalid-channel', count: 1 } });
    const sink = track(sinkFor(hec, { ack: true }));
    const first = sink.channel;
    const events = makeEvents(10, 'channel');
    await sink.sendAll(events);
    expect(sink.channel).not.toBe(first);
    const posts = hec.requests().filter((r) => r.path === '/services/collector/event');
    expect(posts[0]).toMatchObject({ channel: first, code: 11 });
    expect(posts.at(-1)).toMatchObject({ channel: sink.channel, code: 0 });
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(hec.eventIds()).toHaveLength(10);
  });

  it('back-pressure keeps memory bounded while HEC is down, then everything is delivered', async () => {
    const hec = await sim({ fault: { kind: 'reset' } });
    const cap = 64 * 1024;
    const sink = track(sinkFor(hec, { max_buffer_bytes: cap, batch_bytes: 16 * 1024 }));
    const events = makeEvents(2000, 'pressure'); // ~360 KB, far over the cap
    let maxHeld = 0;
    let produced = 0;
    const producer = (async () => {
      const ps: Array<Promise<void>> = [];
      for (const e of events) {
        await sink.waitForCapacity();
        ps.push(sink.send(e));
        produced++;
        const s = sink.stats();
        maxHeld = Math.max(maxHeld, s.queuedBytes + s.inFlightBytes);
      }
      await Promise.all(ps);
    })();
    // While HEC is down the producer must stall well before the end of its list.
    for (let i = 0; i < 100 && produced < 300; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const stalledAt = produced;
    expect(stalledAt).toBeLessThan(events.length);
    expect(hec.eventIds()).toEqual([]);
    hec.setFault(null);
    await producer;
    expect(maxHeld).toBeLessThanOrEqual(cap);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(hec.eventIds()).toHaveLength(events.length);
  });

  it('close() with pending events reports them and rejects their promises', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const sink = sinkFor(hec);
    const events = makeEvents(40, 'pending');
    const ps = events.map((e) => sink.send(e));
    // Until the first answer (503) was handled: a second request means the sink is retrying.
    for (let i = 0; i < 500 && hec.requests().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const report = await sink.close(200);
    expect(report).toEqual({ delivered: 0, undelivered: 40, refused: 0 });
    const errs = await rejections(ps);
    expect(errs).toHaveLength(40);
    expect(errs.every((e) => e instanceof UndeliveredError)).toBe(true);
    // The admin reads why: the last attempt's answer travels with the count.
    expect((errs[0] as Error).message).toMatch(/40 event\(s\)|not delivered within the 200 ms drain deadline \(last attempt: .*503 code 9/);
    expect(sink.undeliveredCauses()).toEqual([{ events: 40, message: expect.stringMatching(/^HEC_UNAVAILABLE: not delivered within the 200 ms drain deadline \(last attempt: .*503 code 9/) }]);
    expect(hec.eventIds()).toEqual([]);
    await expect(sink.send(events[0]!)).rejects.toBeInstanceOf(UndeliveredError);
  });

  it('close() drains what is queued before it returns', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 50 });
    const sink = sinkFor(hec, { ack: true, batch_interval: '5s' });
    const events = makeEvents(100, 'drain');
    const ps = events.map((e) => sink.send(e));
    const report = await sink.close(5000);
    expect(report).toEqual({ delivered: 100, undelivered: 0, refused: 0 });
    expect(await rejections(ps)).toEqual([]);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('a batch over max_content_length stops delivery with advice, not retried', async () => {
    const hec = await sim({ maxContentLength: 2000 });
    let fatal: Error | undefined;
    const sink = track(new HecSink(hecSinkConfig({ urls: hec.url, token: hec.token, ...FAST, gzip: false, batch_bytes: 8192 }), { log: capturingLogger().log, stopOnPermanentError: true, onFatal: (e) => (fatal = e) }));
    const err = await sink.sendAll(makeEvents(40, 'too-big')).catch((e: unknown) => e);
    expect((err as AddonError).code).toBe('HEC_BATCH_TOO_LARGE');
    expect((err as Error).message).toMatch(/lower batch_bytes/);
    expect(fatal).toBe(err);
    expect(hec.requests().filter((r) => r.status === 413)).toHaveLength(1);
    expect(hec.eventIds()).toEqual([]);
  });

  it('sends one event larger than batch_bytes alone in its own request', async () => {
    const hec = await sim();
    const sink = track(sinkFor(hec, { batch_bytes: 1024 }));
    const events = makeEvents(3, 'huge', { event: 'x'.repeat(2000) });
    await sink.sendAll([...events, ...makeEvents(5, 'small')]);
    expect(hec.eventIds()).toEqual(expect.arrayContaining(events.map((e) => e.id)));
    expect(hec.eventIds()).toHaveLength(8);
    expect(hec.requests().filter((r) => r.events === 1 && r.bytes > 0).length).toBeGreaterThanOrEqual(3);
    expect(await sink.close(100)).toEqual({ delivered: 8, undelivered: 0, refused: 0 });
  });

  it('without stopOnPermanentError (services: one sink, several inputs), only the batch that met the error fails', async () => {
    const hec = await sim({ indexes: ['main'] });
    const sink = track(sinkFor(hec, { batch_bytes: 1024 }));
    const bad = makeEvents(3, 'bad-index', { index: 'other' });
    const good = makeEvents(3, 'good-index');
    await expect(sink.sendAll(bad)).rejects.toMatchObject({ code: 'HEC_INDEX_NOT_ALLOWED', message: expect.stringContaining('"other"') });
    await sink.sendAll(good);
    expect(sink.fatal).toBeUndefined();
    expect(new Set(hec.eventIds())).toEqual(idsOf(good));
  });

  it('without stopOnPermanentError, code 0 without ackId still counts delivered-unacknowledged, said once', async () => {
    const hec = await sim({ ack: false });
    const { log, lines } = capturingLogger();
    const sink = track(sinkFor(hec, { ack: true, batch_bytes: 1024 }, log));
    await sink.sendAll(makeEvents(30, 'ack-off-service'));
    expect(sink.stats()).toMatchObject({ delivered: 30, unacknowledged: 30, failed: 0 });
    expect(lines.filter((l) => l.includes('HEC_ACK_OFF_ON_TOKEN'))).toHaveLength(1);
  });

  it('fills in the destination index, host and source for events without them', async () => {
    const hec = await sim({ indexes: ['main', 'mail'] });
    const sink = track(sinkFor(hec, { index: 'mail', host: 'collector1', source: 'ta-ser-mail' }));
    const [a, b] = makeEvents(2, 'defaults');
    await sink.sendAll([a!, { ...b!, index: 'main', host: 'own' }]);
    const got = hec.events();
    expect(got[0]).toMatchObject({ index: 'mail', host: 'collector1', source: 'ta-ser-mail' });
    expect(got[1]).toMatchObject({ index: 'main', host: 'own', source: 'ta-ser-mail' });
  });
});

describe('HecSink with indexer ack over several endpoints', () => {
  it('polls each endpoint for its own ack ids and delivers everything', async () => {
    const a = await sim({ ack: true, ackDelayMs: 20 });
    const b = await sim({ ack: true, ackDelayMs: 20, token: a.token });
    const sink = track(sinkFor([a, b], { ack: true, batch_bytes: 2048 }));
    const events = makeEvents(200, 'ack-rr');
    await sink.sendAll(events);
    expect(a.eventIds().length).toBeGreaterThan(0);
    expect(b.eventIds().length).toBeGreaterThan(0);
    expect(new Set([...a.eventIds(), ...b.eventIds()])).toEqual(idsOf(events));
    expect(a.eventIds().length + b.eventIds().length).toBe(200);
    for (const s of [a, b]) expect(s.requests().some((r) => r.path === '/services/collector/ack' && r.status === 200)).toBe(true);
  });

  it('resends what was pending when the indexer forgets the channel (restart)', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 600_000 });
    const sink = track(sinkFor(hec, { ack: true, ack_timeout: '60s' }));
    const events = makeEvents(20, 'restart');
    const p = sink.sendAll(events);
    for (let i = 0; i < 200 && hec.eventIds().length < 20; i++) await new Promise((r) => setTimeout(r, 5));
    hec.forgetChannels(); // pending acks are gone: the next poll gets code 11
    for (let i = 0; i < 400 && hec.eventIds().length < 40; i++) await new Promise((r) => setTimeout(r, 5));
    hec.setAckDelay(0);
    await p; // resent, and the second copy is acknowledged
    expect(hec.requests().some((r) => r.path === '/services/collector/ack' && r.code === 11)).toBe(true);
    expect(hec.eventIds()).toHaveLength(40);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(sink.stats().delivered).toBe(20);
  });
});

describe('HecSink flush', () => {
  it('reports what is still pending at its deadline without dropping it, then delivers on recovery', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const sink = track(sinkFor(hec));
    const events = makeEvents(30, 'flush');
    const ps = events.map((e) => sink.send(e));
    const err = await sink.flush(150).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndeliveredError);
    expect((err as UndeliveredError).count).toBe(30);
    expect(hec.eventIds()).toEqual([]);
    hec.setFault(null);
    await sink.flush(10_000);
    expect(await rejections(ps)).toEqual([]);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });
});

describe('HecSink with ack on against a token without ack', () => {
  it('code 0 without an ackId: delivered-unacknowledged, delivery stops, and says what to change', async () => {
    const hec = await sim({ ack: false });
    const { log, lines } = capturingLogger();
    const sink = track(new HecSink(hecSinkConfig({ urls: hec.url, token: hec.token, ...FAST, ack: true, gzip: false }), { log, stopOnPermanentError: true }));
    const events = makeEvents(5, 'no-ack-token');
    await sink.sendAll(events); // indexed: counted delivered, not "undelivered" (a replay would duplicate them)
    expect(sink.stats()).toMatchObject({ delivered: 5, unacknowledged: 5, failed: 0 });
    expect(sink.fatal).toMatchObject({ code: 'HEC_ACK_OFF_ON_TOKEN' });
    expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([expect.stringMatching(/indexed 5 event\(s\) but sent no ackId.*delivered-unacknowledged.*Enable "Indexer acknowledgement" on the token, or set ack = false/)]);
    await expect(sink.send(makeEvents(1, 'after')[0]!)).rejects.toMatchObject({ code: 'HEC_ACK_OFF_ON_TOKEN' });
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });
});
