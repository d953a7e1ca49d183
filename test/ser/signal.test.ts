import { afterEach, describe, expect, it } from 'vitest';
import { runSerInput } from '../../src/ser/input.js';
import { RateLimiter } from '../../src/ser/rate-limiter.js';
import { createSerSession } from '../../src/ser/session.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { runOptions } from './helpers.js';

const NOW = Date.parse('2026-11-20T10:20:00Z');
let ser: SerSimulator | undefined;
afterEach(async () => {
  await ser?.close();
  ser = undefined;
});

describe('SER cycle and its abort signal', () => {
  it('16 workers waiting for rate-limiter slots raise no MaxListenersExceededWarning on the shared signal', async () => {
    ser = await startSerSimulator({ rateLimitPerMinute: 0, now: () => NOW });
    const { run } = runOptions(ser, { input: { start_date: '2026-11-20', concurrency: 16, restatement_horizon: '0' }, now: () => NOW });
    // Paced (6,000/min): workers queue for slots, each listening on the signal while it waits.
    const session = createSerSession(run.account, { limiter: new RateLimiter({ perMinute: 6000, ceilingPerMinute: 6000 }) });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const r = await runSerInput({ ...run, session, signal: new AbortController().signal });
      expect(r.windows).toBe(10);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });
});
