import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddonError } from '../../src/core/errors.js';
import { HecUnavailableError } from '../../src/hec/errors.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, withRetry } from '../../src/core/retry.js';

const policy = { retries: 4, minDelayMs: 1, maxDelayMs: 5 };

describe('backoffDelay: exponential with full jitter, Retry-After honoured', () => {
  it('stays within [0, min(max, base·2^(n-1))) for any random draw (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (n, min, max, r) => {
        const d = backoffDelay(n, { retries: 5, minDelayMs: min, maxDelayMs: max, random: () => r });
        const ceiling = Math.min(max, min * 2 ** (n - 1));
        return d >= 0 && d < Math.max(1, ceiling) && Number.isInteger(d);
      }),
    );
  });

  it('is full jitter: the random draw scales the whole window', () => {
    const p = { retries: 5, minDelayMs: 100, maxDelayMs: 10_000 };
    expect(backoffDelay(3, { ...p, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...p, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(20, { ...p, random: () => 0.5 })).toBe(5000);
  });

  it('never waits less than Retry-After, and never more than the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 10 * MAX_RETRY_AFTER_MS }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, after, r) => {
        const d = backoffDelay(n, { retries: 5, minDelayMs: 500, maxDelayMs: 30_000, random: () => r }, after);
        return d >= Math.min(after, MAX_RETRY_AFTER_MS) && d <= MAX_RETRY_AFTER_MS;
      }),
    );
  });
});

describe('withRetry', () => {
  const busy = () => new HecUnavailableError('https://hec:8088', 'busy', { setAside: false });

  it('retries retryable errors up to the budget, then rejects with the last one', async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw busy();
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(err).toBeInstanceOf(HecUnavailableError);
  });

  it('succeeds as soon as an attempt does', async () => {
    let calls = 0;
    const v = await withRetry(async (n) => {
      calls++;
      if (n < 3) throw busy();
      return 'done';
    }, policy);
    expect(v).toBe('done');
    expect(calls).toBe(3);
  });

  it('does not retry a non-retryable error', async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw new AddonError('HEC_TOKEN_INVALID', 'bad token');
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as AddonError).code).toBe('HEC_TOKEN_INVALID');
  });

  it('does not retry programming errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new RangeError('bug');
      }, policy),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = withRetry(async () => {
      calls++;
      if (calls === 1) setTimeout(() => ac.abort(new Error('deadline')), 20);
      throw busy();
    }, { retries: 10, minDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.99 }, { signal: ac.signal });
    await expect(p).rejects.toThrow('deadline');
    expect(calls).toBe(1);
  });

  it('reports each retry with the delay it chose, honouring retryAfterMs', async () => {
    const seen: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new HecUnavailableError('x', 'throttled', { setAside: false, retryAfterMs: 30 });
        return 1;
      },
      { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
      { onRetry: (_e, _n, d) => seen.push(d) },
    );
    expect(seen).toEqual([30]);
  });
});
