import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { CheckpointError } from '../../src/core/errors.js';
import type { SplunkEvent } from '../../src/core/event.js';
import { MemorySink } from '../../src/core/sink.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { serCheckpointKey, type SerCheckpoint } from '../../src/ser/checkpoint-state.js';
import { eventSchemas } from '../../src/ser/event-schema.js';
import { runSerBackfill, runSerInput } from '../../src/ser/input.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { DAY, HOUR, runOptions, tempDir } from './helpers.js';

let sims: SerSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});
async function sim(o: Parameters<typeof startSerSimulator>[0] = {}): Promise<SerSimulator> {
  const s = await startSerSimulator({ rateLimitPerMinute: 0, ...o });
  sims.push(s);
  return s;
}

const NOW = Date.parse('2026-11-20T10:20:00Z');
const of = (sink: MemorySink, st: string) => sink.events.filter((e) => e.sourcetype === st);
const body = (e: SplunkEvent) => e.event as Record<string, unknown>;
const starts = (sink: MemorySink) => of(sink, SOURCETYPES.serCoverage).map((e) => Date.parse(String(body(e).window_start)));

/** A sink that refuses the events of one window once, as a HEC outage would. */
class FailingSink extends MemorySink {
  constructor(private readonly failStart: string) {
    super();
  }
  #failed = false;
  override async send(e: SplunkEvent): Promise<void> {
    if (!this.#failed && body(e).window_start === this.failStart) {
      this.#failed = true;
      throw new Error('HEC unavailable');
    }
    return super.send(e);
  }
}

describe('SER input cycle', () => {
  it('a run with no window to read writes no checkpoint when nothing in it changed, and a first run always writes one', async () => {
    const s = await sim({ now: () => NOW });
    const dir = tempDir();
    const counted = (store: FileCheckpointStore) => {
      const saves: unknown[] = [];
      const save = store.save.bind(store);
      store.save = async (key, value) => {
        saves.push(value);
        return save(key, value);
      };
      return saves;
    };
    // First run: reads the day so far and saves as it goes.
    const first = runOptions(s, { input: { start_date: '2026-11-20' }, now: () => NOW, dir });
    await runSerInput(first.run);
    const before = (await first.checkpoints.load(serCheckpointKey('main', 'acme'))) as SerCheckpoint;
    // Same hour again: the entitlement event goes out, no window is due, the file stays as it is.
    const idle = runOptions(s, { input: { start_date: '2026-11-20' }, now: () => NOW, dir });
    const idleSaves = counted(idle.checkpoints as FileCheckpointStore);
    const summary = await runSerInput(idle.run);
    expect(summary.windows).toBe(0);
    expect(of(idle.sink, SOURCETYPES.serEntitlement)).toHaveLength(1);
    expect(idleSaves).toEqual([]);
    expect(await idle.checkpoints.load(serCheckpointKey('main', 'acme'))).toEqual(before);
    // A first run with nothing to read yet (start in the current hour) still records where it starts.
    const fresh = runOptions(s, { name: 'fresh', input: { start_date: '2026-11-20' }, now: () => Date.parse('2026-11-20T00:20:00Z'), dir });
    const freshSaves = counted(fresh.checkpoints as FileCheckpointStore);
    await runSerInput(fresh.run);
    expect(freshSaves).toHaveLength(1);
    expect(((await fresh.checkpoints.load(serCheckpointKey('fresh', 'acme'))) as SerCheckpoint).next).toBe(Date.parse('2026-11-20T00:00:00Z'));
  });

  it('first run starts at the configured start date and stops at now − settle delay', async () => {
    const s = await sim({ now: () => NOW });
    const { run, sink } = runOptions(s, { input: { start_date: '2026-11-19' }, now: () => NOW });
    const r = await runSerInput(run);
    const st = starts(sink);
    expect(Math.min(...st)).toBe(Date.parse('2026-11-19T00:00:00Z'));
    // now 10:20, settle 15 min → the newest whole hour ends at 10:00.
    expect(r.checkpoint).toBe('2026-11-20T10:00:00.000Z');
    expect(st).toHaveLength(34);
    expect(of(sink, SOURCETYPES.serEntitlement)).toHaveLength(1);
  });

  it('without a start date starts at license_start, bounded by the maximum look-back', async () => {
    const s = await sim({ now: () => NOW, licenseStart: '2026-11-18' });
    const a = runOptions(s, { now: () => NOW, input: { max_lookback: '30d' } });
    await runSerInput(a.run);
    expect(Math.min(...starts(a.sink))).toBe(Date.parse('2026-11-18T00:00:00Z'));
    const b = runOptions(s, { now: () => NOW, input: { max_lookback: '1d', window: '15m' } });
    await runSerInput(b.run);
    expect(Math.min(...starts(b.sink))).toBe(NOW - DAY - ((NOW - DAY) % (15 * 60_000)));
  });

  it('emits events that satisfy the published event schemas, with the licence usage', async () => {
    const s = await sim({ now: () => NOW });
    const { run, sink } = runOptions(s, { input: { start_date: '2026-11-20' }, now: () => NOW });
    await runSerInput(run);
    for (const e of sink.events) {
      const schema = eventSchemas[e.sourcetype as keyof typeof eventSchemas];
      expect(schema, e.sourcetype).toBeDefined();
      expect(schema.safeParse(e.event).success, JSON.stringify(e.event)).toBe(true);
    }
    const ent = body(of(sink, SOURCETYPES.serEntitlement)[0]!);
    // Licence usage so far: everything SER counted from license_start up to the cycle's now.
    const licenseStart = Date.parse(String(ent.license_start));
    const expected = s.counts(licenseStart, NOW).reduce((a, c) => a + c.messageSizeTotal, 0);
    expect(expected).toBeGreaterThan(0);
    expect(ent.license_used_bytes).toBe(expected);
    expect(ent.license_start).toBeDefined();
    // Hour 03 has no traffic, but it still has its coverage event.
    const quiet = of(sink, SOURCETYPES.serCoverage).find((e) => String(body(e).window_start).includes('T03:00'));
    expect(body(quiet!).application_users).toBe(0);
  });

  it('moves the checkpoint only over delivered windows and resumes without a gap', async () => {
    const s = await sim({ now: () => NOW });
    const dir = tempDir();
    const first = runOptions(s, { input: { start_date: '2026-11-20', concurrency: 4 }, now: () => NOW, dir });
    const failing = new FailingSink('2026-11-20T04:00:00.000Z');
    await expect(runSerInput({ ...first.run, sink: failing })).rejects.toThrow(/HEC unavailable/);
    const saved = (await first.checkpoints.load(serCheckpointKey('main', 'acme'))) as SerCheckpoint;
    expect(saved.next).toBeLessThanOrEqual(Date.parse('2026-11-20T04:00:00Z'));
    const second = runOptions(s, { input: { start_date: '2026-11-20' }, now: () => NOW, dir });
    await runSerInput(second.run);
    const all = new Set([...starts(failing), ...starts(second.sink)]);
    for (let h = Date.parse('2026-11-20T00:00:00Z'); h < Date.parse('2026-11-20T10:00:00Z'); h += HOUR) expect(all.has(h), new Date(h).toISOString()).toBe(true);
    expect(Math.min(...starts(second.sink))).toBe(saved.next);
  });

  it('stops on an unreadable checkpoint, naming the file and how to reset it', async () => {
    const s = await sim({ now: () => NOW });
    const { run, checkpoints, sink } = runOptions(s, { now: () => NOW });
    const file = checkpoints.describe(serCheckpointKey('main', 'acme'));
    writeFileSync(file, '{"v":1,"next":');
    const err = await runSerInput(run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/delete it/);
    writeFileSync(file, '{"v":1,"account":"acme","input":"main","next":"soon"}');
    const err2 = await runSerInput(run).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/next/);
    expect(sink.events).toHaveLength(0);
    expect(s.stats().reports).toBe(0);
  });

  it('two inputs whose names map to the same checkpoint file do not share it: the second stops, naming both', async () => {
    const s = await sim({ now: () => NOW });
    const dir = tempDir();
    const a = runOptions(s, { name: 'ser main', input: { start_date: '2026-11-20' }, now: () => NOW, dir });
    await runSerInput(a.run);
    const b = runOptions(s, { name: 'ser_main', input: { start_date: '2026-11-20' }, now: () => NOW, dir });
    expect(b.checkpoints.describe(serCheckpointKey('ser_main', 'acme'))).toBe(a.checkpoints.describe(serCheckpointKey('ser main', 'acme')));
    const err = await runSerInput(b.run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/belongs to input "ser main" of account "acme", not to input "ser_main"/);
    expect(b.sink.events).toHaveLength(0);
  });

  it('re-reads windows inside the horizon on its cadence and re-emits only changed ones with revision + 1', async () => {
    let simNow = NOW;
    const s = await sim({ now: () => simNow });
    const dir = tempDir();
    const opts = { input: { start_date: '2026-11-10', restatement_horizon: '7d', restatement_interval: '6h' }, dir };
    const a = runOptions(s, { ...opts, now: () => simNow });
    await runSerInput(a.run);
    const firstCount = starts(a.sink).length;
    // Two hours later: no re-read is due yet.
    simNow += 2 * HOUR;
    const b = runOptions(s, { ...opts, now: () => simNow });
    const rb = await runSerInput(b.run);
    expect(rb.reread).toBe(0);
    // Seven hours later: every window of the last 7 days is due; those whose tempFailures were reclassified change.
    simNow += 5 * HOUR;
    const c = runOptions(s, { ...opts, now: () => simNow });
    const rc = await runSerInput(c.run);
    const horizonStart = simNow - 7 * DAY;
    // Due: the first run's windows inside the horizon; the two read 5 h ago by the second run are not due yet.
    expect(rc.reread).toBe(starts(a.sink).filter((t) => t >= horizonStart).length);
    expect(starts(b.sink)).toHaveLength(2);
    const revised = of(c.sink, SOURCETYPES.serCoverage).filter((e) => body(e).revision === 1);
    expect(revised.length).toBe(rc.restated);
    expect(rc.restated).toBeGreaterThan(0);
    expect(rc.restated).toBeLessThan(rc.reread);
    for (const e of revised) {
      const w0 = Date.parse(String(body(e).window_start));
      const want = s.counts(w0, w0 + HOUR).reduce((t, x) => t + x.tempFailure, 0);
      const got = of(c.sink, SOURCETYPES.serSummary).filter((x) => body(x).window_start === body(e).window_start && body(x).revision === 1).reduce((t, x) => t + Number(body(x).temp_failure), 0);
      expect(got).toBe(want);
    }
    // Older than the horizon: never re-read; the checkpoint keeps only the horizon.
    expect(Math.min(...of(c.sink, SOURCETYPES.serCoverage).map((e) => Date.parse(String(body(e).window_start))))).toBeGreaterThanOrEqual(horizonStart);
    const saved = (await c.checkpoints.load(serCheckpointKey('main', 'acme'))) as SerCheckpoint;
    expect(saved.recent.length).toBeLessThanOrEqual(7 * 24);
    expect(saved.recent.every((r) => r[0] >= horizonStart)).toBe(true);
    expect(firstCount).toBeGreaterThan(7 * 24);
  });

  it('keeps two inputs and two accounts apart: own checkpoint, own token, own limiter', async () => {
    const s1 = await sim({ now: () => NOW });
    const s2 = await sim({ now: () => NOW });
    const dir = tempDir();
    const a = runOptions(s1, { input: { start_date: '2026-11-20' }, now: () => NOW, dir, name: 'one' });
    const b = runOptions(s2, { input: { start_date: '2026-11-19' }, now: () => NOW, dir, name: 'two' });
    b.run.account = { ...b.run.account, name: 'globex' };
    await Promise.all([runSerInput(a.run), runSerInput(b.run)]);
    const store = new FileCheckpointStore(dir);
    const ca = (await store.load(serCheckpointKey('one', 'acme'))) as SerCheckpoint;
    const cb = (await store.load(serCheckpointKey('two', 'globex'))) as SerCheckpoint;
    expect(ca.account).toBe('acme');
    expect(cb.account).toBe('globex');
    expect(s1.stats().tokens).toBe(1);
    expect(s2.stats().tokens).toBe(1);
    expect(a.session.limiter).not.toBe(b.session.limiter);
    expect(starts(b.sink).length).toBeGreaterThan(starts(a.sink).length);
    expect(of(b.sink, SOURCETYPES.serSummary).every((e) => body(e).account === 'globex')).toBe(true);
  });

  it('stops on abort, keeping what was delivered in the checkpoint', async () => {
    const s = await sim({ now: () => NOW });
    const { run, checkpoints, sink } = runOptions(s, { input: { start_date: '2026-11-01', concurrency: 2 }, now: () => NOW });
    const abort = new AbortController();
    const r = await runSerInput({ ...run, signal: abort.signal, onWindowDone: (d) => d === 20 && abort.abort() });
    expect(r.aborted).toBe(true);
    const saved = (await checkpoints.load(serCheckpointKey('main', 'acme'))) as SerCheckpoint;
    const delivered = new Set(starts(sink));
    for (let h = Date.parse('2026-11-01T00:00:00Z'); h < saved.next; h += HOUR) expect(delivered.has(h)).toBe(true);
    expect(starts(sink).length).toBeLessThan(400);
  });
});

describe('additivity', () => {
  it('a day read as smaller windows sums to the day read at once', async () => {
    const s = await sim({ now: () => NOW });
    const { session } = runOptions(s);
    const sizes = [3_600_000, 2 * 3_600_000, 15 * 60_000, 6 * 3_600_000, 30 * 60_000];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.constantFrom(...sizes), async (daysBack, size) => {
        const day = Date.parse('2026-11-19T00:00:00Z') - daysBack * DAY;
        const whole = await session.client.summary({ start: day, end: day + DAY });
        const sums = new Map<string, number[]>();
        for (let t = day; t < day + DAY; t += size) {
          for (const u of (await session.client.summary({ start: t, end: t + size })).users) {
            const acc = sums.get(u.application_user) ?? [0, 0, 0, 0, 0];
            [u.success, u.failure, u.temp_failure, u.total, u.message_size_total ?? 0].forEach((v, i) => (acc[i]! += v));
            sums.set(u.application_user, acc);
          }
        }
        for (const u of whole.users) expect(sums.get(u.application_user)).toEqual([u.success, u.failure, u.temp_failure, u.total, u.message_size_total ?? 0]);
        expect(sums.size).toBe(whole.users.length);
      }),
      { numRuns: 8 },
    );
  });
});

describe('backfill range', () => {
  it('carries on when the token expires in the middle of the backfill', async () => {
    const { RateLimiter } = await import('../../src/ser/rate-limiter.js');
    const { createSerSession } = await import('../../src/ser/session.js');
    const s = await sim({ now: () => NOW, tokenTtlSeconds: 1 });
    const a = runOptions(s, { now: () => NOW, account: { token_refresh_margin: 0 } });
    // Paced at 600/min, 36 windows take ~4 s: the 1 s token expires several times on the way.
    const session = createSerSession(a.run.account, { limiter: new RateLimiter({ perMinute: 600, ceilingPerMinute: 600 }) });
    const fromMs = Date.parse('2026-11-01T00:00:00Z');
    const r = await runSerBackfill({ ...a.run, session, fromMs, toMs: fromMs + 36 * HOUR });
    expect(r.windows).toBe(36);
    expect(new Set(starts(a.sink)).size).toBe(36);
    expect(s.stats().tokens).toBeGreaterThanOrEqual(3);
    expect(s.stats().served).toBe(37);
  });

  it('covers [from, to) including a last short window, and a second run resumes with nothing left', async () => {
    const s = await sim({ now: () => NOW });
    const dir = tempDir();
    const a = runOptions(s, { dir, now: () => NOW });
    const fromMs = Date.parse('2026-11-01T00:00:00Z');
    const toMs = Date.parse('2026-11-02T05:30:00Z');
    const r = await runSerBackfill({ ...a.run, fromMs, toMs });
    expect(r.windows).toBe(30);
    const cov = of(a.sink, SOURCETYPES.serCoverage).map(body);
    expect(cov[cov.length - 1]).toBeDefined();
    expect(new Set(cov.map((c) => c.window_end))).toContain('2026-11-02T05:30:00.000Z');
    const b = runOptions(s, { dir, now: () => NOW });
    const r2 = await runSerBackfill({ ...b.run, fromMs, toMs });
    expect(r2.windows).toBe(0);
    await expect(runSerBackfill({ ...b.run, fromMs, toMs: NOW })).rejects.toThrow(/settle_delay/);
  });

  it('a cycle that fails still counts its report requests for its caller (telemetry), and keeps the checkpoint', async () => {
    const s = await sim({ now: () => NOW });
    const { run, checkpoints } = runOptions(s, { now: () => NOW, account: { retries: 2 } });
    const requests = { count: 0 };
    // The entitlement call succeeds; then every window request fails 503 through its retries.
    await runSerInput({ ...run, requests });
    expect(requests.count).toBeGreaterThan(1);
    const before = await checkpoints.load(serCheckpointKey('main', 'acme'));
    s.setFault({ kind: 'status', status: 503, count: 1_000 });
    const counter = { count: 0 };
    await expect(runSerInput({ ...run, now: () => NOW + 2 * HOUR, requests: counter })).rejects.toThrow(/HTTP 503/);
    // The entitlement call: 1 attempt + 2 retries, all counted though the cycle failed.
    expect(counter.count).toBe(3);
    expect(s.stats().reports - s.stats().served).toBeGreaterThanOrEqual(3);
    expect(await checkpoints.load(serCheckpointKey('main', 'acme'))).toEqual(before);
  });

  it('a reply without applicationUsers stops the cycle naming the field; the checkpoint does not move', async () => {
    const s = await sim({ now: () => NOW });
    const { run, checkpoints } = runOptions(s, { now: () => NOW });
    await runSerInput(run);
    const before = await checkpoints.load(serCheckpointKey('main', 'acme'));
    s.setFault({ kind: 'users-block', form: 'misspelled', count: 1_000 });
    await expect(runSerInput({ ...run, now: () => NOW + 2 * HOUR })).rejects.toThrow(/SER reply field applicationUsers: missing/);
    expect(await checkpoints.load(serCheckpointKey('main', 'acme'))).toEqual(before);
  });
});
