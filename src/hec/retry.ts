import pRetry from 'p-retry';
import { AddonError } from '../core/errors.js';

/**
 * The one retry policy of the HEC sink: bounded attempts, exponential backoff with full
 * jitter (a random delay between 0 and min(max, base·2^n)), never shorter than the server's
 * Retry-After. Only errors marked `retryable` are retried; an abort (close deadline) never is.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); replaceable so tests are deterministic. */
  random?: () => number;
}

/** Longest wait the policy will ever take, whatever Retry-After says. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Delay before retry number `retry` (1-based). */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor((policy.random ?? Math.random)() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.min(MAX_RETRY_AFTER_MS, Math.max(jittered, retryAfterMs));
}

export function isRetryable(err: unknown): boolean {
  return AddonError.isInstance(err) && err.retryable;
}

/** An error may carry the server's wish: `retryAfterMs`. */
function retryAfterOf(err: unknown): number | undefined {
  const v = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof v === 'number' ? v : undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  signal?: AbortSignal;
  /** Called before each wait; `delayMs` is what the policy chose. */
  onRetry?: (err: unknown, retry: number, delayMs: number) => void;
}

/** Runs `attempt` until it succeeds, a non-retryable error, the budget or the signal ends it. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  return pRetry(attempt, {
    retries: policy.retries,
    // p-retry's own backoff is off: the delay (full jitter, Retry-After) is ours, taken below.
    minTimeout: 0,
    maxTimeout: 0,
    factor: 1,
    randomize: false,
    signal: hooks.signal,
    shouldRetry: ({ error }) => isRetryable(error) && !hooks.signal?.aborted,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft <= 0 || !isRetryable(error) || hooks.signal?.aborted) return;
      const delay = backoffDelay(attemptNumber, policy, retryAfterOf(error));
      hooks.onRetry?.(error, attemptNumber, delay);
      await sleep(delay, hooks.signal);
    },
  });
}
