import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitConcatenatedJson } from '../../src/sim/hec-body.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { simulatorsPerTest } from './helpers.js';

const GUID = '0e6c4b2e-5d1a-4f3c-9a7b-2c8d1e0f3a4b';
const sim = simulatorsPerTest();

async function post(s: HecSimulator, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const r = await fetch(`${s.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { authorization: `Splunk ${s.token}`, ...headers } });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text) as Record<string, unknown>, headers: r.headers };
}

const ev = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ time: 1, sourcetype: 's', event: { id }, fields: { event_id: id }, ...extra });

describe('splitConcatenatedJson', () => {
  it('splits any concatenation of JSON objects back into them (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 20 }), fc.constantFrom('', '\n', ' ', '\r\n\t'), (objs, sep) => {
        const texts = objs.map((o) => JSON.stringify(o));
        const parts = splitConcatenatedJson(texts.join(sep));
        return parts.length === texts.length && parts.every((p, i) => p === texts[i]);
      }),
    );
  });
  it('rejects stray text and truncation', () => {
    expect(() => splitConcatenatedJson('{"a":1} x')).toThrow();
    expect(() => splitConcatenatedJson('{"a":"}')).toThrow();
    expect(() => splitConcatenatedJson('[1,2]')).toThrow();
  });
});

describe('HEC simulator: strict like Splunk', () => {
  it('checks the token: missing, malformed, wrong, disabled', async () => {
    const s = await sim({ disabledTokens: ['old'] });
    const r = (h: Record<string, string>) => fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('a'), headers: h }).then(async (x) => [x.status, (await x.json()).code]);
    expect(await r({})).toEqual([401, 2]);
    expect(await r({ authorization: 'Bearer x' })).toEqual([401, 3]);
    expect(await r({ authorization: 'Splunk wrong' })).toEqual([403, 4]);
    expect(await r({ authorization: 'Splunk old' })).toEqual([403, 1]);
    expect(s.eventIds()).toEqual([]);
  });

  it('accepts concatenated and gzip bodies, fills the default index, enforces the allow-list', async () => {
    const s = await sim({ indexes: ['main', 'mail'] });
    expect((await post(s, '/services/collector/event', ev('a') + ev('b', { index: 'mail' }))).json).toEqual({ text: 'Success', code: 0 });
    expect((await post(s, '/services/collector', gzipSync(ev('c')), { 'content-encoding': 'gzip' })).status).toBe(200);
    const bad = await post(s, '/services/collector/event', ev('d') + ev('e', { index: 'other' }));
    expect(bad).toMatchObject({ status: 400, json: { code: 7, 'invalid-event-number': 1 } });
    expect(s.eventIds()).toEqual(['a', 'b', 'c', 'd']); // like Splunk: the events before the bad one are indexed
  });

  it('answers the body errors with their HEC codes', async () => {
    const s = await sim();
    expect((await post(s, '/services/collector/event', '')).json.code).toBe(5);
    expect((await post(s, '/services/collector/event', '{"event":')).json.code).toBe(6);
    expect((await post(s, '/services/collector/event', '{"time":1}')).json.code).toBe(12);
    expect((await post(s, '/services/collector/event', '{"event":""}')).json.code).toBe(13);
    expect((await post(s, '/services/collector/event', '{"event":"x","fields":{"a":{"b":1}}}')).json.code).toBe(15);
    expect((await post(s, '/services/collector/event', Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).json.code).toBe(6);
  });

  it('with ack on: channel required and a GUID; ack ids per channel, false until the delay, then true once', async () => {
    const slow = await sim({ ack: true, ackDelayMs: 600_000 });
    expect((await post(slow, '/services/collector/event', ev('a'))).json.code).toBe(10);
    expect((await post(slow, '/services/collector/event', ev('a'), { 'x-splunk-request-channel': 'nope' })).json.code).toBe(11);
    const h = { 'x-splunk-request-channel': GUID };
    expect((await post(slow, '/services/collector/event', ev('a'), h)).json).toEqual({ text: 'Success', code: 0, ackId: 0 });
    expect((await post(slow, '/services/collector/event', ev('b'), h)).json.ackId).toBe(1);
    expect((await post(slow, '/services/collector/ack', '{"acks":[0,1]}', h)).json).toEqual({ acks: { '0': false, '1': false } });
    const fast = await sim({ ack: true, ackDelayMs: 0 });
    await post(fast, '/services/collector/event', ev('a'), h);
    await post(fast, '/services/collector/event', ev('b'), h);
    expect((await post(fast, '/services/collector/ack', '{"acks":[0,1,5]}', h)).json).toEqual({ acks: { '0': true, '1': true, '5': false } });
    expect((await post(fast, '/services/collector/ack', '{"acks":[0]}', h)).json).toEqual({ acks: { '0': false } });
    expect((await post(fast, '/services/collector/ack', '{"acks":[0]}', { 'x-splunk-request-channel': '11111111-2222-3333-4444-555555555555' })).json.code).toBe(11);
  });

  it('with ack off: the ack endpoint says so (code 14)', async () => {
    const s = await sim();
    expect((await post(s, '/services/collector/ack', '{"acks":[0]}', { 'x-splunk-request-channel': GUID })).json.code).toBe(14);
  });

  it('answers 413 over max content length', async () => {
    const s = await sim({ maxContentLength: 100 });
    const r = await fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('x'.repeat(200)), headers: { authorization: `Splunk ${s.token}` } });
    expect(r.status).toBe(413);
    expect(s.eventIds()).toEqual([]);
  });

  it('serves /health, reflects a busy fault there, and plays 429 with Retry-After', async () => {
    const s = await sim();
    expect((await fetch(`${s.url}/services/collector/health`)).status).toBe(200);
    s.setFault({ kind: 'busy', count: 1 });
    const h = await fetch(`${s.url}/services/collector/health`);
    expect([h.status, (await h.json()).code]).toEqual([503, 18]);
    expect((await fetch(`${s.url}/services/collector/health`)).status).toBe(200); // count used up
    s.setFault({ kind: 'throttle', count: 1, retryAfterSeconds: 4 });
    const t = await post(s, '/services/collector/event', ev('a'));
    expect([t.status, t.headers.get('retry-after')]).toEqual([429, '4']);
    expect((await post(s, '/services/collector/event', ev('a'))).status).toBe(200);
  });

  it('resets connections and serves HTML 500 when told to', async () => {
    const s = await sim();
    s.setFault({ kind: 'reset', count: 1 });
    await expect(fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('a') })).rejects.toThrow();
    s.setFault({ kind: 'html500', count: 1 });
    const r = await fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('a'), headers: { authorization: `Splunk ${s.token}` } });
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(s.eventIds()).toEqual([]);
  });

  it('plays the faults of a real deployment: LB pages, a 2xx page, partial replies, a /health spell', async () => {
    const s = await sim();
    s.setFault({ kind: 'html', status: 504, retryAfterSeconds: 3, count: 1 });
    const lb = await fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('a'), headers: { authorization: `Splunk ${s.token}` } });
    expect([lb.status, lb.headers.get('retry-after'), (await lb.text()).includes('Gateway Time-out')]).toEqual([504, '3', true]);
    s.setFault({ kind: 'non-json-ok', count: 1 });
    const portal = await fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev('a'), headers: { authorization: `Splunk ${s.token}` } });
    expect([portal.status, portal.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect(s.eventIds()).toEqual([]);
    s.setFault({ kind: 'partial', at: 2, count: 1 });
    expect(await post(s, '/services/collector/event', ev('p0') + ev('p1') + ev('p2') + ev('p3'))).toMatchObject({ status: 400, json: { code: 6, 'invalid-event-number': 2 } });
    expect(s.eventIds()).toEqual(['p0', 'p1']); // the events before the one named are indexed
    s.setHealth('unhealthy');
    expect((await fetch(`${s.url}/services/collector/health`)).status).toBe(503);
    expect((await post(s, '/services/collector/event', ev('during-spell'))).status).toBe(200); // posts still work
    s.setHealth('healthy');
    expect((await fetch(`${s.url}/services/collector/health`)).status).toBe(200);
  });

  it('a restart forgets channels, starts ack ids at 0 and loses what was not yet acknowledged', async () => {
    const s = await sim({ ack: true, ackDelayMs: 60_000 });
    const ch = { 'x-splunk-request-channel': GUID };
    expect((await post(s, '/services/collector/event', ev('a'), ch)).json).toMatchObject({ ackId: 0 });
    expect((await post(s, '/services/collector/event', ev('b'), ch)).json).toMatchObject({ ackId: 1 });
    s.setAckDelay(0);
    expect((await post(s, '/services/collector/ack', JSON.stringify({ acks: [0] }), ch)).json).toEqual({ acks: { '0': true } });
    s.setAckDelay(60_000);
    expect(await s.restart({ downMs: 20 })).toBe(1); // b was not acknowledged: lost; a stays indexed
    expect(s.eventIds()).toEqual(['a']);
    expect((await post(s, '/services/collector/ack', JSON.stringify({ acks: [1] }), ch)).json.code).toBe(11);
    expect((await post(s, '/services/collector/event', ev('c'), ch)).json).toMatchObject({ ackId: 0 }); // from 0 again
  });

  it('draws chaos faults reproducibly from its seed', async () => {
    const statuses = async () => {
      const s = await sim();
      s.setChaos({ seed: 5, probability: 0.5, faults: [{ kind: 'busy' }, { kind: 'html', status: 502 }] });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await fetch(`${s.url}/services/collector/event`, { method: 'POST', body: ev(`c${i}`), headers: { authorization: `Splunk ${s.token}` } })).status);
      return out;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503, 502]));
  });

  it('records accepted events to a JSONL file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hec-sim-')), 'accepted.jsonl');
    const s = await startHecSimulator({ recordFile: file });
    await post(s, '/services/collector/event', ev('a') + ev('b'));
    await post(s, '/services/collector/event', '{"event":""}');
    await s.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { fields: { event_id: string } });
    expect(lines.map((l) => l.fields.event_id)).toEqual(['a', 'b']);
  });

  it('can be driven from another process through /_sim/*', async () => {
    const s = await sim();
    await post(s, '/services/collector/event', ev('a'));
    expect(await (await fetch(`${s.url}/_sim/stats`)).json()).toMatchObject({ accepted: 1, distinctIds: 1 });
    await fetch(`${s.url}/_sim/fault`, { method: 'POST', body: JSON.stringify({ kind: 'busy', count: 1 }) });
    expect((await post(s, '/services/collector/event', ev('b'))).status).toBe(503);
    await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
    expect(s.stats().accepted).toBe(0);
  });
});

describe('HEC simulator: skim mode (benchmarks)', () => {
  it('counts events and reads their ids without parsing them', async () => {
    const s = await sim({ skimEvents: true, keep: 'ids' });
    expect((await post(s, '/services/collector/event', `${ev('a')}\n${ev('b')}${JSON.stringify({ time: 1, event: 'no id' })}`)).status).toBe(200);
    expect(s.eventIds()).toEqual(['a', 'b']);
    expect(s.stats().accepted).toBe(3);
    expect((await post(s, '/services/collector/event', '{"time":1}')).json.code).toBe(12);
  });
});
