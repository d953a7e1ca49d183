import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSerBackfill, runSerInput } from '../../src/ser/input.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { runOptions } from './helpers.js';

const HOUR = 3_600_000;
let sim: SerSimulator;
beforeAll(async () => {
  sim = await startSerSimulator({ rateLimitPerMinute: 0 });
});
afterAll(async () => {
  await sim.close();
});

// The long-lived service hands every cycle one abort signal for its whole life: whatever a
// cycle adds to it must be gone when the cycle ends, or listeners pile up cycle after cycle.
describe('abort listeners', () => {
  it('a backfill and repeated cycles leave no listener on the shared signal', async () => {
    const abort = new AbortController();
    const now = Date.parse('2026-11-20T00:00:00Z');
    const a = runOptions(sim, { now: () => now, input: { start_date: '2026-11-18', concurrency: 8 } });
    const fromMs = Date.parse('2026-11-01T00:00:00Z');
    const r = await runSerBackfill({ ...a.run, signal: abort.signal, fromMs, toMs: fromMs + 48 * HOUR });
    expect(r.windows).toBe(48);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
    for (let i = 0; i < 3; i++) await runSerInput({ ...a.run, signal: abort.signal });
    // undici drops a request's listener when the reply's body closes, a tick after the cycle
    // read it; a cycle with nothing to write ends within that tick.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });
});
