import type { Dispatcher } from 'undici';
import { createDispatcher } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import type { ProxyConfig } from '../core/http.js';
import { SerReportClient } from './client.js';
import { isPlainHttpElsewhere } from '../core/plain-http.js';
import type { SerAccount } from './config.js';
import { limiterForAccount, type RateLimiter } from './rate-limiter.js';
import { TokenSource } from './token.js';

/** A parsed account with its name, as every runtime part takes it (the secret stays a `Secret`). */
export type SerAccountSettings = SerAccount & { name: string };

export function toSerAccountSettings(name: string, account: SerAccount): SerAccountSettings {
  return { ...account, name };
}

/** Everything one account owns at run time: its token, its limiter, its connection pool. */
export interface SerSession {
  account: SerAccountSettings;
  tokens: TokenSource;
  limiter: RateLimiter;
  client: SerReportClient;
  dispatcher: Dispatcher;
}

export interface SerSessionOptions {
  log?: Logger;
  dispatcher?: Dispatcher;
  proxy?: Partial<ProxyConfig>;
  /** Overrides the per-account shared limiter (benchmarks; a simulator with a higher limit). */
  limiter?: RateLimiter;
  now?: () => number;
  /** Connections in the pool; at least the input's concurrency. */
  connections?: number;
  /**
   * Directory of the rate budget shared with the other processes of this host that use the
   * account (the checkpoint directory); without it the budget is this process's alone.
   */
  budgetDir?: string;
}

const sessions = new Map<string, SerSession>();

/**
 * One session per account (auth URL + API URL + client id) in this process: two inputs on the
 * same account share its token and its rate budget, two accounts share nothing.
 */
export function serSessionFor(account: SerAccountSettings, o: SerSessionOptions = {}): SerSession {
  const key = [account.auth_url, account.api_url, account.client_id, o.budgetDir ?? ''].join('\u001f');
  const found = sessions.get(key);
  if (found && !o.limiter && !o.dispatcher) return found;
  const session = createSerSession(account, o);
  if (!o.limiter && !o.dispatcher) sessions.set(key, session);
  return session;
}

/** A fresh session that shares nothing (tests, benchmarks). */
export function createSerSession(account: SerAccountSettings, o: SerSessionOptions = {}): SerSession {
  const timeoutMs = account.request_timeout * 1000;
  for (const field of ['auth_url', 'api_url'] as const) {
    if (account.allow_insecure_http && isPlainHttpElsewhere(account[field])) {
      o.log?.warn({ account: account.name, [field]: account[field] }, `SER account "${account.name}": ${field} is plain http to another host (allow_insecure_http = true): the client secret and bearer token cross the network unencrypted`);
    }
  }
  const dispatcher =
    o.dispatcher ??
    createDispatcher({
      target: `SER API ${account.api_url}`,
      tls: { ca_file: account.ca_file, insecure: account.insecure },
      proxy: o.proxy,
      connections: o.connections ?? 16,
      timeoutMs,
      log: o.log,
    });
  const limiter = o.limiter ?? limiterForAccount(account.api_url, account.client_id, { perMinute: account.rate_limit_per_minute, budgetDir: o.budgetDir });
  const tokens = new TokenSource({
    account: account.name,
    authUrl: account.auth_url,
    clientId: account.client_id,
    clientSecret: account.client_secret,
    dispatcher,
    refreshMarginMs: account.token_refresh_margin * 1000,
    timeoutMs,
    now: o.now,
    log: o.log,
  });
  const client = new SerReportClient({ account: account.name, apiUrl: account.api_url, tokens, limiter, dispatcher, timeoutMs, retries: account.retries, log: o.log });
  return { account, tokens, limiter, client, dispatcher };
}
