import pRetry from 'p-retry';
import { AddonError } from './errors.js';

/**
 * The one retry mechanism of the program: bounded attempts, exponential backoff with full
 * jitter (a random delay between 0 and min(max, base·2^n)), never shorter than the server's
 * Retry-After (capped). What is worth retrying is not decided here: each client (HEC, SER,
 * send service, splunkd) hands in its own `classify`, the way undici's retry handler or
 * Vector's `RetryLogic` separate the decision from the loop. An abort is never retried.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); replaceable so tests are deterministic. */
  random?: () => number;
}

/** A client's verdict on one failed attempt. */
export interface RetryVerdict {
  retry: boolean;
  /** The server's wish (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/** Reads one failed attempt's error; returns whether (and how soon) to try again. */
export type RetryClassifier = (err: unknown) => RetryVerdict;

/** Longest wait the policy will ever take, whatever Retry-After says. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Delay before retry number `retry` (1-based). */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor((policy.random ?? Math.random)() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.min(MAX_RETRY_AFTER_MS, Math.max(jittered, retryAfterMs));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(v) * 1000));
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/**
 * The default classifier: the typed errors of core say themselves whether they are worth
 * another try (`retryable`) and may carry the server's wish (`retryAfterMs`).
 */
export const classifyAddonError: RetryClassifier = (err) => {
  const v = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return { retry: AddonError.isInstance(err) && err.retryable, retryAfterMs: typeof v === 'number' ? v : undefined };
};

export function isRetryable(err: unknown): boolean {
  return classifyAddonError(err).retry;
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
  /** The client's reading of a failure; default: `classifyAddonError`. */
  classify?: RetryClassifier;
  /** Called before each wait; `delayMs` is what the policy chose. */
  onRetry?: (err: unknown, retry: number, delayMs: number) => void;
}

/** Runs `attempt` until it succeeds, a non-retryable error, the budget or the signal ends it. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const classify = hooks.classify ?? classifyAddonError;
  return pRetry(attempt, {
    retries: policy.retries,
    // p-retry's own backoff is off: the delay (full jitter, Retry-After) is ours, taken below.
    minTimeout: 0,
    maxTimeout: 0,
    factor: 1,
    randomize: false,
    signal: hooks.signal,
    shouldRetry: ({ error }) => !hooks.signal?.aborted && classify(error).retry,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft <= 0 || hooks.signal?.aborted) return;
      const verdict = classify(error);
      if (!verdict.retry) return;
      const delay = backoffDelay(attemptNumber, policy, verdict.retryAfterMs);
      hooks.onRetry?.(error, attemptNumber, delay);
      await sleep(delay, hooks.signal);
    },
  });
}
