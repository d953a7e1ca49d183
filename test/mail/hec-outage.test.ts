import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import type { RunningMailInput } from '../../src/mail/input.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { mails, message, post, sleep, startTestInput } from './helpers.js';

/** The real delivery path: receiver → HecSink → HEC simulator (indexer acknowledgement on). */
let sim: HecSimulator | undefined;
let sink: HecSink | undefined;
let input: RunningMailInput | undefined;
afterEach(async () => {
  await input?.stop();
  await sink?.close(2_000);
  await sim?.close();
  input = sink = sim = undefined;
});

async function startAll(settings: Record<string, unknown> = {}, hec: Record<string, unknown> = {}) {
  sim = await startHecSimulator({ ack: true, ackDelayMs: 5, indexes: ['main', 'mail'] });
  sink = new HecSink(
    hecSinkConfig({
      urls: sim.url,
      token: sim.token,
      ack: true,
      batch_interval: '10ms',
      ack_poll_interval: '20ms',
      retries: 2,
      retry_min_delay: '20ms',
      retry_max_delay: '50ms',
      health_check_interval: '50ms',
      ...hec,
    }),
    { log: silentLogger },
  );
  const r = await startTestInput(sink, settings);
  input = r;
  return { sim, url: `${r.url}/api/mails` };
}

interface Answer {
  status: number;
  retryAfter: string | string[] | undefined;
}

/** A connector: keeps a batch until it gets 2xx, honours Retry-After (capped for the test). Every answer, with its Retry-After, goes to `onAnswer`. */
async function connector(url: string, batches: Array<Record<string, unknown>>, onAnswer: (a: Answer) => void): Promise<void> {
  for (const batch of batches) {
    for (let attempt = 0; ; attempt++) {
      expect(attempt).toBeLessThan(200);
      const res = await post(url, batch);
      onAnswer({ status: res.status, retryAfter: res.headers['retry-after'] });
      if (res.status === 200) break;
      expect(res.status).toBe(503);
      await sleep(Math.min(Number(res.headers['retry-after'] ?? 1) * 1000, 100));
    }
  }
}

describe('mail receiver → HEC', () => {
  it('answers 503 at once (not after delivery_timeout) while every HEC endpoint is set aside, and /health says so', async () => {
    // Health probes every 60 s: once set aside, the endpoint stays aside until the test clears the fault.
    const { sim, url } = await startAll({ delivery_timeout: 120, retry_after: 7 }, { health_check_interval: '60s', retries: 3, retry_min_delay: '30s', retry_max_delay: '30s' });
    sim.setFault({ kind: 'busy' });
    const first = post(url, mails('o@x.com', [message(1)])); // waits on HEC (up to delivery_timeout)
    for (let i = 0; i < 400 && !sink!.saturated; i++) await sleep(10);
    expect(sink!.saturated).toBe(true);
    const seen = sim.requests().length;
    // If this waited for delivery_timeout (120 s) the test's own timeout would fail it.
    const second = await post(url, mails('o@x.com', [message(2)]));
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('7');
    const health = await request(url.replace('/api/mails', '/health'));
    expect(health.statusCode).toBe(503);
    await health.body.dump();
    expect(sim.requests().length).toBe(seen); // nothing of the refused request went towards HEC
    // End the first request's wait: closing the sink abandons its batch, so the connector gets its 503.
    await sink!.close(100);
    expect((await first).status).toBe(503);
    sink = undefined;
  }, 20_000);

  it('delivers Cyrillic metadata to HEC intact, with the event id as an indexed field, before answering', async () => {
    const { sim, url } = await startAll({ index: 'mail' });
    const res = await post(url, mails('Пётр@пример.рф', [message(1), message(2)]));
    expect(res.status).toBe(200);
    const events = sim.events();
    expect(events).toHaveLength(2); // already there when 200 arrived
    const e = events[0] as { index: string; sourcetype: string; event: Record<string, unknown>; fields: Record<string, unknown> };
    expect(e.index).toBe('mail');
    expect(e.sourcetype).toBe('mail:message');
    expect(e.event.subject).toBe('Отчёт №1 — квартал');
    expect(e.event.owner).toBe('Пётр@пример.рф');
    expect(e.event).not.toHaveProperty('body');
    expect(typeof e.fields.event_id).toBe('string');
  });

  it('answers 413 (not 503: a retry cannot help) when a kept body makes an event Splunk would cut, naming the body and the fix', async () => {
    const { sim, url } = await startAll({ body_policy: 'keep' });
    const big = message(1, { body: { contentType: 'text', content: 'я'.repeat(600_000) } }); // 1.2 MB of UTF-8
    const res = await post(url, mails('o@x.com', [message(0), big]));
    expect(res.status).toBe(413);
    expect(res.json.error).toBe('MAIL_EVENT_TOO_LARGE');
    expect(String(res.json.message)).toMatch(/^message mailMessages\[1\] makes an event of 1\.\d MB, more than the 1000000 bytes .*TRUNCATE.*; most of it is the body \(body 1\.\d MB, .*\): set body_policy = drop, sha256 or truncate/);
    expect((res.json.issues as Array<{ path: string }>)[0]!.path).toBe('mailMessages[1]');
    expect((await post(url, mails('o@x.com', [message(2)]))).status).toBe(200); // no Retry-After period
    // all-or-nothing: message 0 of the refused request was not forwarded either
    expect(sim.events().map((e) => (e.event as Record<string, unknown>).internal_message_id)).toEqual(['AAMk-2']);
  });

  it('answers 503 + Retry-After while HEC is down; after recovery every message is there exactly once by id', async () => {
    const { sim, url } = await startAll({ delivery_timeout: 0.3, retry_after: 0.2, max_concurrent_requests: 4 });
    const batches = Array.from({ length: 12 }, (_, b) => mails('o@x.com', Array.from({ length: 10 }, (_, i) => message(b * 10 + i))));
    // Every answer is kept with its Retry-After, before the outage too: on a loaded machine a
    // healthy delivery can pass the 0.3 s deadline, and that 503 must carry Retry-After as well.
    const answers: Answer[] = [];
    await connector(url, batches.slice(0, 3), (a) => answers.push(a));
    sim.setFault({ kind: 'busy' }); // until cleared
    let refusedDuringOutage = 0;
    const outage = connector(url, batches.slice(3), (a) => {
      answers.push(a);
      if (a.status === 503) refusedDuringOutage++;
    });
    // Bounded by count, not by a short clock: a busy 2-core machine may need many seconds for 5 refusals.
    for (let i = 0; i < 2_000 && refusedDuringOutage < 5; i++) await sleep(20);
    expect(refusedDuringOutage).toBeGreaterThanOrEqual(5);
    sim.setFault(null);
    await outage;
    await sink!.flush(5_000);

    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused.filter((a) => a.retryAfter !== '1')).toEqual([]); // names the offending answers if any
    const events = sim.events() as Array<{ event: Record<string, unknown>; fields: Record<string, string> }>;
    const byId = new Map<string, Set<unknown>>();
    for (const e of events) {
      const s = byId.get(e.fields.event_id!) ?? new Set();
      s.add(e.event.internal_message_id);
      byId.set(e.fields.event_id!, s);
    }
    // 120 distinct ids, each one message, every message present: duplicates (a timed-out request
    // that HEC later took, then the connector's retry) collapse by id.
    expect(byId.size).toBe(120);
    expect([...byId.values()].every((s) => s.size === 1)).toBe(true);
    const messages = new Set([...byId.values()].flatMap((s) => [...s]));
    expect(messages).toEqual(new Set(Array.from({ length: 120 }, (_, i) => `AAMk-${i}`)));
  });
});
