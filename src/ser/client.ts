import type { Dispatcher } from 'undici';
import { request } from '../core/undici.js';
import { isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseRetryAfter, withRetry, type RetryClassifier } from '../core/retry.js';
import type { Secret } from '../core/secret.js';
import { SerApiError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { parseSummaryReply, type SerReport } from './reply.js';
import { formatSerTimestamp } from './time.js';
import type { TokenSource } from './token.js';
import type { Window } from './windows.js';

export const SUMMARY_PATH = 'v1/sercustomer/report/summary';

/** Counts the report requests (every attempt) made for one caller, whether its work succeeds or not. */
export interface RequestCounter {
  count: number;
}

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

/**
 * The SER client's reading of a failed attempt, all the retry mechanism needs from it: network
 * errors, 429 and 5xx (of the report or the token service) are worth another try, after the
 * server's Retry-After if it sent one; a reply SER will send again the same way (a field the
 * input cannot read), refused credentials, a 401 after a fresh token, other 4xx and a
 * certificate that does not verify are not. A 401 is not seen here: the attempt itself
 * refreshes the token once.
 */
export const classifySerFailure: RetryClassifier = (err) =>
  err instanceof SerApiError && err.retryable ? { retry: true, retryAfterMs: err.retryAfterMs } : { retry: false };

/**
 * The summary report call: rate-limited per account, bearer token from the TokenSource
 * (refreshed once on a 401, then the call is retried), retried by core's one retry mechanism
 * (src/core/retry.ts) with the SER classifier above.
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
  async summary(window?: Window, signal?: AbortSignal, counter?: RequestCounter): Promise<SerReport> {
    const o = this.#o;
    const url = new URL(SUMMARY_PATH, o.apiUrl.endsWith('/') ? o.apiUrl : `${o.apiUrl}/`);
    if (window) {
      url.searchParams.set('startTimeStamp', formatSerTimestamp(window.start));
      url.searchParams.set('endTimeStamp', formatSerTimestamp(window.end));
    }
    return withRetry(() => this.#attempt(url, signal, counter), { retries: o.retries ?? 6, minDelayMs: o.minDelayMs ?? 500, maxDelayMs: o.maxDelayMs ?? 30_000 }, {
      signal,
      classify: classifySerFailure,
      onRetry: (err, retry, delayMs) => {
        o.log?.warn({ account: o.account, attempt: retry, retries_left: (o.retries ?? 6) - retry + 1, delay_ms: delayMs }, `SER report request failed, retrying: ${(err as Error).message}`);
      },
    });
  }

  async #attempt(url: URL, signal?: AbortSignal, counter?: RequestCounter): Promise<SerReport> {
    let { res, token } = await this.#send(url, signal, counter);
    if (res.statusCode === 401) {
      await res.body.dump();
      this.#o.tokens.invalidate(token);
      ({ res, token } = await this.#send(url, signal, counter));
      if (res.statusCode === 401) {
        await res.body.dump();
        throw new SerApiError(`SER refused a freshly issued token for account "${this.#o.account}" (HTTP 401): check that the key may use the reporting API`, 401);
      }
    }
    const text = await res.body.text();
    const status = res.statusCode;
    // A reply that cannot be read is a SerReplyError: asking again would get the same reply.
    if (status === 200) return parseSummaryReply(text);
    const what = `SER report request for account "${this.#o.account}" answered HTTP ${status}`;
    if (status === 429 || status >= 500) throw new SerApiError(what, status, { retryable: true, retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
    throw new SerApiError(`${what}: ${text.slice(0, 200)}`, status);
  }

  async #send(url: URL, signal?: AbortSignal, counter?: RequestCounter): Promise<{ res: Dispatcher.ResponseData; token: Secret }> {
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
    if (counter) counter.count += 1;
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
