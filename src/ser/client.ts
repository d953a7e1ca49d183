import pRetry, { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { AddonError, isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import { SerApiError, SerReplyError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { parseSummaryReply, type SerReport } from './reply.js';
import { formatSerTimestamp } from './time.js';
import type { TokenSource } from './token.js';
import type { Window } from './windows.js';

export const SUMMARY_PATH = 'v1/sercustomer/report/summary';

export interface SerReportClientOptions {
  account: string;
  apiUrl: string;
  tokens: TokenSource;
  limiter: RateLimiter;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  /** Retries after the first attempt, for network errors, 429 and 5xx. */
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  log?: Logger;
}

/** Longest Retry-After we honour; a longer one is the server's problem, not a reason to stall an hour. */
const MAX_RETRY_AFTER_MS = 300_000;

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = Number(v);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

class RetryableStatus extends SerApiError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status: number, retryAfter: number | undefined) {
    super(message, status, { retryable: true });
    this.retryAfterMs = retryAfter;
  }
}

/**
 * The summary report call: rate-limited per account, bearer token from the TokenSource
 * (refreshed once on a 401, then the call is retried), retries with exponential backoff and
 * Retry-After for network errors, 429 and 5xx. The one retry policy of the SER client lives here.
 */
export class SerReportClient {
  readonly #o: SerReportClientOptions;
  #requests = 0;

  constructor(o: SerReportClientOptions) {
    this.#o = o;
  }

  /** Report requests sent (every attempt, each one counted by the rate limiter too). */
  get requests(): number {
    return this.#requests;
  }

  /** The summary of one window; without a window, SER answers from license_start to now. */
  async summary(window?: Window, signal?: AbortSignal): Promise<SerReport> {
    const o = this.#o;
    const url = new URL(SUMMARY_PATH, o.apiUrl.endsWith('/') ? o.apiUrl : `${o.apiUrl}/`);
    if (window) {
      url.searchParams.set('startTimeStamp', formatSerTimestamp(window.start));
      url.searchParams.set('endTimeStamp', formatSerTimestamp(window.end));
    }
    return pRetry(() => this.#attempt(url, signal), {
      retries: o.retries ?? 6,
      minTimeout: o.minDelayMs ?? 500,
      maxTimeout: o.maxDelayMs ?? 30_000,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => AddonError.isInstance(error) && error.retryable,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && AddonError.isInstance(error) && error.retryable) {
          o.log?.warn({ account: o.account, attempt: attemptNumber, retries_left: retriesLeft }, `SER report request failed, retrying: ${error.message}`);
          if (error instanceof RetryableStatus && error.retryAfterMs) await sleep(error.retryAfterMs, undefined, { signal });
        }
      },
    });
  }

  async #attempt(url: URL, signal?: AbortSignal): Promise<SerReport> {
    let { res, token } = await this.#send(url, signal);
    if (res.statusCode === 401) {
      await res.body.dump();
      this.#o.tokens.invalidate(token);
      ({ res, token } = await this.#send(url, signal));
      if (res.statusCode === 401) {
        await res.body.dump();
        throw new AbortError(new SerApiError(`SER refused a freshly issued token for account "${this.#o.account}" (HTTP 401): check that the key may use the reporting API`, 401));
      }
    }
    const text = await res.body.text();
    const status = res.statusCode;
    if (status === 200) {
      try {
        return parseSummaryReply(text);
      } catch (err) {
        // Asking again would get the same reply: report the field now.
        if (err instanceof SerReplyError) throw new AbortError(err);
        throw err;
      }
    }
    const what = `SER report request for account "${this.#o.account}" answered HTTP ${status}`;
    if (status === 429 || status >= 500) throw new RetryableStatus(what, status, retryAfterMs(res.headers['retry-after']));
    throw new AbortError(new SerApiError(`${what}: ${text.slice(0, 200)}`, status));
  }

  async #send(url: URL, signal?: AbortSignal): Promise<{ res: Dispatcher.ResponseData; token: Secret }> {
    // Token first, then the slot, then send at once: a token fetch must not sit between a slot
    // and its request (that would bunch paced requests into a burst). If the token went stale
    // while waiting for the slot, fetch a new one and take a new slot. Bounded: three turns.
    let token: Secret | undefined;
    for (let turn = 0; turn < 3 && !token; turn++) {
      await this.#o.tokens.get();
      await this.#o.limiter.acquire(signal);
      token = this.#o.tokens.peek();
    }
    token ??= await this.#o.tokens.get();
    this.#requests += 1;
    try {
      const res = await request(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' },
        dispatcher: this.#o.dispatcher,
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
        signal,
      });
      return { res, token };
    } catch (err) {
      if (signal?.aborted) throw err;
      // A certificate that does not verify will not verify on the next attempt either.
      if (isTlsVerificationFailure(err)) throw new TlsVerificationError(`SER API ${url.origin}`, { cause: err });
      throw new SerApiError(`SER report request to ${url.origin} failed: ${(err as Error).message}`, undefined, { retryable: true, cause: err });
    }
  }
}
