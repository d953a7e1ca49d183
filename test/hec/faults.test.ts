import { afterEach, describe, expect, it } from 'vitest';
import type { HecEventRefusedError } from '../../src/hec/errors.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { startHecSimulator, type HecSimulator, type HecSimulatorOptions } from '../../src/sim/hec.js';
import { capturingLogger, FAST, idsOf, makeEvents } from './helpers.js';

/**
 * The faults of a real HEC deployment (docs/hec.md, "What HEC does that the sink survives"),
 * one test each: the simulator plays the fault, the sink must end with every event delivered,
 * refused (named) or undelivered (named) — and `accepted = delivered + refused + undelivered`.
 */
const sims: HecSimulator[] = [];
const sinks: HecSink[] = [];
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close(0).catch(() => undefined);
  for (const s of sims.splice(0)) await s.close();
});
async function sim(o: HecSimulatorOptions = {}): Promise<HecSimulator> {
  const s = await startHecSimulator(o);
  sims.push(s);
  return s;
}

function sink(hecs: HecSimulator[], settings: Record<string, unknown> = {}, extra: { stallWarnMs?: number } = {}) {
  const { log, lines } = capturingLogger();
  const refused: HecEventRefusedError[] = [];
  const fatal: Error[] = [];
  const s = new HecSink(hecSinkConfig({ urls: hecs.map((h) => h.url).join(','), token: hecs[0]!.token, ...FAST, ...settings }), {
    log,
    onRefused: (e) => refused.push(e),
    stopOnPermanentError: true,
    onFatal: (e) => fatal.push(e),
    ...extra,
  });
  sinks.push(s);
  return { s, lines, refused, fatal };
}

async function sendTagged(s: HecSink, n: number, tag: string, extra = {}) {
  const events = makeEvents(n, tag, extra);
  await Promise.allSettled(events.map((e, i) => s.send(e, i + 1)));
  return events;
}

/** The sum every close must add up to. */
async function closeAndCheck(s: HecSink, accepted: number) {
  const r = await s.close(2000);
  expect(r.delivered + r.undelivered + (r.refused ?? 0)).toBe(accepted);
  return r;
}

describe('HEC faults the sink survives', () => {
  it('1. an event larger than batch_bytes goes alone; one over max_content_length is refused with its line and size', async () => {
    const hec = await sim({ maxContentLength: 6000 });
    const { s, refused } = sink([hec], { batch_bytes: 1024, gzip: false });
    const small = makeEvents(10, 'small');
    const [big] = makeEvents(1, 'big', { event: 'b'.repeat(3000) });
    const [huge] = makeEvents(1, 'huge', { event: 'h'.repeat(9000) });
    await Promise.all([...small.map((e, i) => s.send(e, i + 1)), s.send(big!, 11), s.send(huge!, 12)]);
    expect(new Set(hec.eventIds())).toEqual(idsOf([...small, big!]));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(new RegExp(`^line 12: event ${huge!.id} \\(\\d{4} bytes\\) refused by HEC: too large for HEC \\(HTTP 413`));
    expect(await closeAndCheck(s, 12)).toEqual({ delivered: 11, undelivered: 0, refused: 1 });
  });

  it('2. HTML 502/503/504 pages from a load balancer: retried on the other URL, Retry-After honoured, nothing lost', async () => {
    const bad = await sim({ fault: { kind: 'html', status: 502 } });
    const good = await sim({ token: bad.token });
    const { s, lines } = sink([bad, good], { batch_bytes: 2048 });
    const events = await sendTagged(s, 200, 'lb');
    expect(new Set(good.eventIds())).toEqual(idsOf(events));
    expect(bad.eventIds()).toEqual([]);
    expect(lines.some((l) => /set aside \(.*HTTP 502 "502 Bad Gateway 502 Bad Gateway nginx"/.test(l))).toBe(true);
    expect(await closeAndCheck(s, 200)).toMatchObject({ delivered: 200, undelivered: 0 });

    const only = await sim({ fault: { kind: 'html', status: 503, retryAfterSeconds: 1, count: 1 } });
    const one = sink([only]);
    const more = await sendTagged(one.s, 5, 'retry-after');
    const retry = one.lines.find((l) => /HTTP 503 .*retry 1\/8 in (\d+) ms/.test(l));
    expect(Number(/in (\d+) ms/.exec(retry!)![1])).toBeGreaterThanOrEqual(1000);
    expect(new Set(only.eventIds())).toEqual(idsOf(more));
  });

  it('3a. a restart mid-ack: ack ids start at 0 again, the lost batches are sent again, nothing overwritten', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 60_000 });
    const { s, lines } = sink([hec], { ack: true, batch_bytes: 2048, ack_poll_interval: '400ms', ack_timeout: '60s' });
    const first = makeEvents(60, 'before');
    const before = first.map((e) => s.send(e));
    for (let i = 0; i < 500 && hec.eventIds().length < 60; i++) await new Promise((r) => setTimeout(r, 10));
    const lost = await hec.restart();
    expect(lost).toBe(60); // none was acknowledged: the restart lost them all
    hec.setAckDelay(0);
    const second = makeEvents(60, 'after');
    await Promise.all([...before, ...second.map((e) => s.send(e))]);
    expect(new Set(hec.eventIds())).toEqual(idsOf([...first, ...second]));
    expect(lines.some((l) => /restarted|no longer known/.test(l))).toBe(true);
    expect(await closeAndCheck(s, 120)).toEqual({ delivered: 120, undelivered: 0, refused: 0 });
  });

  it('3b. ack_timeout fires for every pending batch: lost acks are all resent', async () => {
    const hec = await sim({ ack: true, fault: { kind: 'lose-acks', count: 6 } });
    const { s, lines } = sink([hec], { ack: true, batch_bytes: 1024, ack_timeout: '300ms', max_in_flight: 2 });
    const events = await sendTagged(s, 30, 'lost-acks');
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    expect(lines.filter((l) => /no acknowledgement .* within 300 ms/.test(l))).toHaveLength(6);
    expect(await closeAndCheck(s, 30)).toMatchObject({ delivered: 30, undelivered: 0 });
  });

  it('5a. /health says 503 for good: a real request still goes through at a bounded interval', async () => {
    const hec = await sim({ fault: { kind: 'busy', count: 1 } });
    hec.setHealth('unhealthy');
    const { s, lines } = sink([hec]);
    const events = await sendTagged(s, 20, 'health-503');
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
    const health = hec.requests().filter((r) => r.path.endsWith('/health'));
    expect(health.every((r) => r.status === 503)).toBe(true);
    expect(lines.some((l) => /accepted a request again; back in rotation/.test(l))).toBe(true);
  });

  it('5b. while every endpoint is set aside, a WARN says how long and how many events wait; nothing is dropped', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const { s, lines } = sink([hec], {}, { stallWarnMs: 40 });
    const events = makeEvents(25, 'stalled');
    const done = Promise.all(events.map((e) => s.send(e)));
    for (let i = 0; i < 500 && !lines.some((l) => l.includes('every HEC endpoint has been set aside')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines.find((l) => l.includes('every HEC endpoint has been set aside'))).toMatch(/^WARN .*set aside for \d+ s; 25 event\(s\) wait \(nothing is dropped/);
    expect(s.allAsideForMs).toBeGreaterThan(0);
    hec.setFault(null);
    await done;
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('6. a bad token stops delivery at once: one report, later events refused at the door', async () => {
    const hec = await sim();
    const { s, fatal, lines } = sink([{ ...hec, token: 'wrong-token' } as HecSimulator], { batch_bytes: 1024, max_in_flight: 1 });
    const events = makeEvents(200, 'stop');
    const results = await Promise.allSettled(events.map((e) => s.send(e)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: 'HEC_TOKEN_INVALID' });
    expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]); // the caller reports it, once
    expect(hec.requests().filter((r) => r.path.endsWith('/event')).length).toBe(1); // not one per batch
    await expect(s.send(makeEvents(1, 'late')[0]!)).rejects.toMatchObject({ code: 'HEC_TOKEN_INVALID' });
    expect(await closeAndCheck(s, 200)).toMatchObject({ delivered: 0, undelivered: 200 });
  });

  it('6b. an index the token may not write: the error names the index and the fix', async () => {
    const hec = await sim({ indexes: ['main'] });
    const { s, fatal } = sink([hec], { index: 'mail_secret' });
    await sendTagged(s, 5, 'idx');
    expect(fatal[0]!.message).toMatch(/the index "mail_secret" is not allowed for this token; add it to the token's allowed indexes/);
  });

  it('7. a partial batch: events before the bad one delivered, the bad one refused by line with HEC text, the rest sent again', async () => {
    const hec = await sim({ fault: { kind: 'partial', at: 3, count: 1 } });
    const { s, refused } = sink([hec], { batch_interval: '200ms' });
    const events = await sendTagged(s, 10, 'partial');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(new RegExp(`^line 4: event ${events[3]!.id} .*refused by HEC: HTTP 400 code 6 "Invalid data format"`));
    expect(hec.eventIds().sort()).toEqual(events.filter((_, i) => i !== 3).map((e) => e.id).sort()); // each once
    expect(await closeAndCheck(s, 10)).toEqual({ delivered: 9, undelivered: 0, refused: 1 });
  });

  it('7b. a partial reply on a retryable code: the indexed part is not resent, the rest is', async () => {
    const hec = await sim({ fault: { kind: 'partial', at: 4, code: 9, status: 503, count: 1 } });
    const { s } = sink([hec], { batch_interval: '200ms' });
    const events = await sendTagged(s, 10, 'partial-busy');
    expect(hec.eventIds().sort()).toEqual(events.map((e) => e.id).sort()); // every one exactly once
    expect(await closeAndCheck(s, 10)).toEqual({ delivered: 10, undelivered: 0, refused: 0 });
  });
});
