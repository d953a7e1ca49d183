import type { Dispatcher } from 'undici';
import { request } from '../core/undici.js';
import { z } from 'zod';
import { isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import { parseRetryAfter } from '../core/retry.js';
import type { Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import { SerApiError, SerCredentialsError, SerReplyError } from './errors.js';

/** The documented lifetime of a SER token, used when the reply does not say. */
export const DEFAULT_TOKEN_TTL_SECONDS = 43_200;

/**
 * The refresh margin never exceeds this share of the lifetime the token service states: a
 * margin longer than the lifetime would make every token stale at birth (a token fetch per
 * report, about three requests per report instead of one).
 */
export const MAX_MARGIN_SHARE = 0.25;

/** Tolerant OAuth2 reply: the token may be named access_token or be the first string field. */
const tokenReplySchema = z
  .object({
    access_token: z.string({ error: 'expected a text (the bearer token)' }).min(1, 'expected a token, got an empty text').optional(),
    expires_in: z.coerce.number({ error: 'expected a number of seconds' }).positive('expected a number of seconds above 0').optional(),
    token_type: z.string({ error: 'expected a text' }).optional(),
  })
  .loose();

export interface TokenSourceOptions {
  account: string;
  authUrl: string;
  clientId: string;
  clientSecret: Secret;
  dispatcher?: Dispatcher;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  timeoutMs?: number;
  now?: () => number;
  log?: Logger;
  signal?: AbortSignal;
}

interface CachedToken {
  token: Secret;
  /** When the token is treated as stale: expiry − the (capped) refresh margin. */
  refreshAt: number;
}

/**
 * A cached bearer token per account: reused until `refreshMarginMs` before it expires;
 * concurrent callers wait on one refresh; a 401 on a report call invalidates exactly the
 * token that was refused, so many parallel 401s cause one refresh, not many.
 */
export class TokenSource {
  readonly #o: TokenSourceOptions;
  #cached: CachedToken | undefined;
  #refreshing: Promise<CachedToken> | undefined;
  #refreshes = 0;
  #warnedMargin = false;

  constructor(o: TokenSourceOptions) {
    this.#o = o;
  }

  /** How many tokens were fetched: tests and the benchmark read it. */
  get refreshes(): number {
    return this.#refreshes;
  }

  async get(): Promise<Secret> {
    return this.peek() ?? (await this.#refresh()).token;
  }

  /** The cached token if it is still good (outside the refresh margin), without fetching one. */
  peek(): Secret | undefined {
    const now = (this.#o.now ?? Date.now)();
    const c = this.#cached;
    return c && now < c.refreshAt ? c.token : undefined;
  }

  /** Forget `token` if it is still the cached one (the API refused it). */
  invalidate(token: Secret): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  #refresh(): Promise<CachedToken> {
    if (!this.#refreshing) {
      this.#refreshing = this.#fetch().then(
        (t) => {
          this.#cached = t;
          this.#refreshing = undefined;
          return t;
        },
        (err: unknown) => {
          this.#refreshing = undefined;
          throw err;
        },
      );
    }
    return this.#refreshing;
  }

  async #fetch(): Promise<CachedToken> {
    const o = this.#o;
    const url = new URL('v1/token', o.authUrl.endsWith('/') ? o.authUrl : `${o.authUrl}/`);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret.reveal() }).toString();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        dispatcher: o.dispatcher,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
        signal: o.signal,
      });
    } catch (err) {
      if (isTlsVerificationFailure(err)) throw new TlsVerificationError(`SER token service ${url.origin}`, { cause: err });
      throw new SerApiError(`SER token request to ${url.origin} failed: ${(err as Error).message}`, undefined, { retryable: true, cause: err });
    }
    const text = await res.body.text();
    if (res.statusCode === 400 || res.statusCode === 401 || res.statusCode === 403) throw new SerCredentialsError(o.account, res.statusCode);
    if (res.statusCode !== 200) {
      const retryable = res.statusCode === 429 || res.statusCode >= 500;
      throw new SerApiError(`SER token request to ${url.origin} answered HTTP ${res.statusCode}`, res.statusCode, { retryable, retryAfterMs: retryable ? parseRetryAfter(res.headers['retry-after']) : undefined });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SerReplyError('token', 'the token reply is not JSON');
    }
    const parsed = tokenReplySchema.safeParse(json);
    if (!parsed.success) throw new SerReplyError(`token.${parsed.error.issues[0]?.path.join('.') ?? ''}`, parsed.error.issues[0]?.message ?? 'not understood');
    // The documented shell example takes the first field's value as the token.
    const first = Object.values(parsed.data).find((v) => typeof v === 'string' && v.length > 0);
    const value = parsed.data.access_token ?? (typeof first === 'string' ? first : undefined);
    if (!value) throw new SerReplyError('token.access_token', 'the token reply carries no token');
    this.#refreshes += 1;
    const ttl = parsed.data.expires_in ?? DEFAULT_TOKEN_TTL_SECONDS;
    o.log?.debug({ account: o.account, expires_in: ttl }, 'SER token obtained');
    const wanted = o.refreshMarginMs ?? 300_000;
    const cap = ttl * 1000 * MAX_MARGIN_SHARE;
    if (wanted > cap && !this.#warnedMargin) {
      this.#warnedMargin = true;
      o.log?.warn(
        { account: o.account, expires_in: ttl, token_refresh_margin: wanted / 1000, used_margin: cap / 1000 },
        `SER tokens of account "${o.account}" live ${ttl} s, less than token_refresh_margin (${wanted / 1000} s) allows: the margin is capped at ${cap / 1000} s; lower token_refresh_margin to silence this`,
      );
    }
    return { token: new Secret(value), refreshAt: (o.now ?? Date.now)() + ttl * 1000 - Math.min(wanted, cap) };
  }
}
