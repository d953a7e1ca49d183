import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { runSerBackfill, runSerInput } from '../../src/ser/input.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { HOUR, runOptions, tempDir } from './helpers.js';

// A HEC sink whose batch timer never fires within a test: every event that reaches Splunk here
// was pushed out by the input itself. Without that, these cycles would wait an hour and time out.
const LONG_BATCH = '1h';
const NOW = Date.parse('2026-11-20T10:20:00Z');

let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.reverse()) await c();
  closers = [];
});

async function setup(): Promise<{ ser: SerSimulator; hec: HecSimulator; sink: HecSink }> {
  const ser = await startSerSimulator({ rateLimitPerMinute: 0, now: () => NOW });
  const hec = await startHecSimulator({ keep: 'all' });
  const sink = new HecSink(hecSinkConfig({ urls: hec.url, token: hec.token, batch_interval: LONG_BATCH }), { log: silentLogger });
  closers.push(() => ser.close(), () => hec.close(), () => sink.close(1000));
  return { ser, hec, sink };
}

const eventPosts = (hec: HecSimulator) => hec.requests().filter((r) => r.path.startsWith('/services/collector') && !r.path.includes('health') && r.events > 0);
const sourcetypes = (hec: HecSimulator) => hec.events().map((e) => e.sourcetype);

describe('SER cycle pushes its partial HEC batch out instead of waiting for the batch timer', () => {
  it('an idle cycle (nothing new to read) delivers its entitlement event in one request', async () => {
    const { ser, hec, sink } = await setup();
    const dir = tempDir();
    // First cycle into memory: the checkpoint reaches now − settle delay.
    const first = runOptions(ser, { input: { start_date: '2026-11-20', restatement_horizon: '0' }, now: () => NOW, dir });
    await runSerInput(first.run);
    const idle = runOptions(ser, { input: { start_date: '2026-11-20', restatement_horizon: '0' }, now: () => NOW, dir });
    const r = await runSerInput({ ...idle.run, sink });
    expect(r.planned).toBe(0);
    expect(r.events).toBe(1);
    expect(sourcetypes(hec)).toEqual([SOURCETYPES.serEntitlement]);
    expect(eventPosts(hec)).toHaveLength(1);
    expect(sink.stats().delivered).toBe(1);
  });

  it('a cycle whose re-reads find nothing changed still delivers its entitlement event', async () => {
    const { ser, hec, sink } = await setup();
    const dir = tempDir();
    const input = { start_date: '2026-11-20', restatement_horizon: '7d', restatement_interval: '1h' };
    await runSerInput(runOptions(ser, { input, now: () => NOW, dir }).run);
    // Two hours later by the input's clock; the simulator's clock stands still, so no number changed.
    const later = NOW + 2 * HOUR;
    const r = await runSerInput({ ...runOptions(ser, { input: { ...input, settle_delay: '3h' }, now: () => later, dir }).run, sink });
    expect(r.reread).toBeGreaterThan(0);
    expect(r.windows).toBe(0);
    expect(r.restated).toBe(0);
    expect(sourcetypes(hec)).toEqual([SOURCETYPES.serEntitlement]);
  });

  it('a catch-up flushes only when every window in flight waits on delivery: batches of `concurrency` windows', async () => {
    const { ser, hec, sink } = await setup();
    const concurrency = 4;
    const { run } = runOptions(ser, { input: { start_date: '2026-11-20', restatement_horizon: '0', concurrency }, now: () => NOW });
    const r = await runSerInput({ ...run, sink });
    expect(r.windows).toBe(10);
    const coverage = hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage);
    expect(coverage).toHaveLength(10);
    // Every event the cycle reports as delivered is in HEC: the windows' and the entitlement event.
    expect(hec.events()).toHaveLength(r.events);
    // Not one request per window (batching kept), and not one per timer (there was none).
    const posts = eventPosts(hec);
    expect(posts.length).toBeLessThanOrEqual(Math.ceil(r.windows / concurrency) + 1);
    expect(posts.length).toBeGreaterThan(0);
  });

  it('an explicit backfill range completes through the same sink', async () => {
    const { ser, hec, sink } = await setup();
    const { run } = runOptions(ser, { input: { concurrency: 3 }, now: () => NOW });
    const fromMs = Date.parse('2026-11-19T00:00:00Z');
    const r = await runSerBackfill({ ...run, sink, fromMs, toMs: fromMs + 7 * HOUR });
    expect(r.windows).toBe(7);
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage)).toHaveLength(7);
    expect(eventPosts(hec).length).toBeLessThanOrEqual(Math.ceil(7 / 3) + 1);
  });
});
