import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddonError } from '../../src/core/errors.js';
import { backoffDelay, classifyAddonError, MAX_RETRY_AFTER_MS, parseRetryAfter, withRetry } from '../../src/core/retry.js';

/** A core-only retryable error that may carry the server's Retry-After. */
class Busy extends AddonError {
  readonly retryAfterMs?: number;
  constructor(retryAfterMs?: number) {
    super('TEST_BUSY', 'busy', { retryable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

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
  const busy = () => new Busy();

  it('retries retryable errors up to the budget, then rejects with the last one', async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw busy();
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(err).toBeInstanceOf(Busy);
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
        if (calls === 1) throw new Busy(30);
        return 1;
      },
      { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
      { onRetry: (_e, _n, d) => seen.push(d) },
    );
    expect(seen).toEqual([30]);
  });

  it('asks the client\'s classifier, not the error, whether to retry and how long to wait', async () => {
    // A plain Error (not retryable by itself) that a client classifies as worth retrying.
    const verdicts: unknown[] = [];
    const seen: number[] = [];
    let calls = 0;
    const v = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Error(calls === 1 ? 'HTTP 503' : 'HTTP 429');
        return 'ok';
      },
      { retries: 5, minDelayMs: 1, maxDelayMs: 1, random: () => 0 },
      {
        classify: (err) => {
          verdicts.push((err as Error).message);
          return { retry: true, retryAfterMs: (err as Error).message === 'HTTP 429' ? 25 : undefined };
        },
        onRetry: (_e, _n, d) => seen.push(d),
      },
    );
    expect(v).toBe('ok');
    expect(calls).toBe(3);
    expect(seen).toEqual([0, 25]);
    expect(verdicts).toContain('HTTP 429');
  });

  it('stops at once when the classifier says permanent, even for an error marked retryable', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new Busy();
      },
      policy,
      { classify: () => ({ retry: false }) },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(Busy);
  });
});

describe('classifyAddonError and parseRetryAfter', () => {
  it('reads retryable and retryAfterMs from typed errors only', () => {
    expect(classifyAddonError(new Busy(40))).toEqual({ retry: true, retryAfterMs: 40 });
    expect(classifyAddonError(new AddonError('X', 'no'))).toEqual({ retry: false, retryAfterMs: undefined });
    expect(classifyAddonError(new TypeError('bug')).retry).toBe(false);
  });

  it('reads delta-seconds and HTTP dates, capped, and ignores garbage', () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['2'], now)).toBe(2000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 00:00:30 GMT', now)).toBe(0);
    expect(parseRetryAfter('99999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
