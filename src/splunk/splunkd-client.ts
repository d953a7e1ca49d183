import type { Dispatcher } from 'undici';
import { request } from '../core/undici.js';
import { AddonError, isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import { createDispatcher } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import { withRetry, type RetryClassifier, type RetryPolicy } from '../core/retry.js';
import type { Secret } from '../core/secret.js';
import { identityCheck } from './splunkd-trust.js';

/**
 * The one client of splunkd's management port (server_uri + session_key from splunkd).
 * Everything the Splunk faces read or write in splunkd (storage/passwords, configs/conf-*,
 * the KV store) goes through `call`. The session key is a Secret: it is only put on the wire.
 */

/** splunkd answered with an error; the message carries splunkd's own text and the path, never the key. */
export class SplunkdError extends AddonError {
  readonly status: number;
  constructor(status: number, message: string, retryable = false) {
    super(status === 401 ? 'SPLUNKD_UNAUTHORIZED' : status === 404 ? 'SPLUNKD_NOT_FOUND' : 'SPLUNKD_ERROR', message, { retryable });
    this.status = status;
  }
}

/** How the process trusts splunkd's certificate (ta_ser_mail_settings.conf [splunkd], env, server.conf). */
export interface SplunkdTls {
  /** PEM CA file that signed splunkd's certificate; default: the system store. */
  ca_file?: string;
  /** Name to verify the certificate against (splunkd's default cert says SplunkServerDefaultCert). */
  server_name?: string;
  /** Accept any certificate, but only when server_uri is a loopback address (splunkd's default self-signed cert). */
  insecure_localhost?: boolean;
  /** Names the certificate may carry instead of the URL's host (from server.conf, see splunkd-trust.ts). */
  accept_names?: string[];
  /** Where ca_file came from, for the message when verification fails. */
  source?: string;
}

export interface SplunkdClientOptions {
  serverUri: string;
  sessionKey: Secret;
  /** The app whose namespace (servicesNS/nobody/<app>) entities live in. */
  app: string;
  tls?: SplunkdTls;
  log?: Logger;
  /** Tries of a call splunkd answers 503 (KV store starting) or cannot be reached; default 8. */
  attempts?: number;
  /** First delay between tries in ms (full jitter, doubling, capped at 4 s); default 500. */
  retryDelayMs?: number;
  /**
   * How long (ms) the client keeps trying a splunkd it cannot reach, across all its calls;
   * default 8 s. splunkd started this process, so an unreachable splunkd is stopping or
   * misconfigured: fail with one clear error instead of minutes of retries.
   */
  unreachableBudgetMs?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Makes the retry waits deterministic in tests. */
  random?: () => number;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string>;
  /** Form fields (application/x-www-form-urlencoded), splunkd's usual request body. */
  form?: Record<string, string>;
  json?: unknown;
  /** Status codes answered as `undefined` instead of thrown (e.g. 404 for "not there"). */
  allow?: number[];
  signal?: AbortSignal;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** splunkd could not be reached at all (no reply); the classifier retries it within the budget. */
class SplunkdUnreachable extends SplunkdError {
  constructor(message: string, options: { cause: unknown }) {
    super(0, message, true);
    (this as { cause?: unknown }).cause = options.cause;
  }
}

export class SplunkdClient {
  readonly serverUri: string;
  readonly app: string;
  readonly #sessionKey: Secret;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  readonly #policy: RetryPolicy;
  readonly #unreachableBudgetMs: number;
  readonly #trust: string;
  readonly #log?: Logger;
  /** When the first unanswered try happened; cleared by any answer. */
  #unreachableSince?: number;

  constructor(o: SplunkdClientOptions) {
    let url: URL;
    try {
      url = new URL(o.serverUri);
    } catch {
      throw new AddonError('SPLUNKD_URI_INVALID', `server_uri "${o.serverUri}" from splunkd is not a URL`);
    }
    this.serverUri = url.origin;
    this.app = o.app;
    this.#sessionKey = o.sessionKey;
    this.#policy = { retries: Math.max(0, (o.attempts ?? 8) - 1), minDelayMs: o.retryDelayMs ?? 500, maxDelayMs: 4_000, random: o.random };
    this.#unreachableBudgetMs = o.unreachableBudgetMs ?? 8_000;
    this.#log = o.log;
    const insecure = Boolean(o.tls?.insecure_localhost) && isLoopback(url.hostname);
    if (o.tls?.insecure_localhost && !insecure) {
      o.log?.warn(`[splunkd] insecure_localhost is ignored: ${url.hostname} is not a loopback address`);
    }
    this.#trust = o.tls?.ca_file
      ? `the CA in ${o.tls.ca_file}${o.tls.source ? ` (${o.tls.source})` : ''}`
      : 'the system CA store (SPLUNK_HOME is not set, so server.conf was not read)';
    const names = o.tls?.server_name ? undefined : o.tls?.accept_names;
    // Plain http (a test stand-in, or splunkd with SSL off): no CA to read, nothing to verify.
    const tls = url.protocol === 'https:' ? { ca_file: o.tls?.ca_file, server_name: o.tls?.server_name, insecure } : undefined;
    this.#ownDispatcher = !o.dispatcher;
    this.#dispatcher =
      o.dispatcher ??
      createDispatcher({
        target: 'splunkd',
        tls,
        ...(tls && names && names.length > 0 && !insecure ? { serverIdentity: identityCheck(names) } : {}),
        // splunkd is this host's own management port: never through an outbound proxy.
        proxy: { use_env: false },
        connections: 4,
        timeoutMs: o.timeoutMs ?? 60_000,
        // A local port answers a connect at once or never: do not wait undici's 10 s.
        connectTimeoutMs: 3_000,
        log: o.log,
      });
  }

  /** `servicesNS/nobody/<app>/<path>`: where the app's shared entities live (another app's when named). */
  nsPath(path: string, app = this.app): string {
    return `/servicesNS/nobody/${encodeURIComponent(app)}/${path}`;
  }

  /**
   * splunkd's classifier for the one retry mechanism (src/core/retry.ts): no answer at all
   * (restarting, dropped connection) while within the unreachable budget, and 503 (the KV
   * store or splunkd starting up). Anything else is splunkd's final word.
   */
  readonly #classify: RetryClassifier = (err) => {
    if (err instanceof SplunkdUnreachable) {
      const since = this.#unreachableSince ?? Date.now();
      return { retry: Date.now() - since < this.#unreachableBudgetMs };
    }
    return { retry: err instanceof SplunkdError && err.status === 503 };
  };

  async call<T = unknown>(path: string, o: CallOptions = {}): Promise<T | undefined> {
    const method = o.method ?? (o.form || o.json !== undefined ? 'POST' : 'GET');
    const q = new URLSearchParams({ output_mode: 'json', ...o.query });
    const url = `${this.serverUri}${path}?${q.toString()}`;
    const headers: Record<string, string> = { authorization: `Splunk ${this.#sessionKey.reveal()}` };
    let body: string | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    }
    const attempt = async (): Promise<{ status: number; text: string }> => {
      let status: number;
      let text: string;
      try {
        const r = await request(url, { method, headers, body, dispatcher: this.#dispatcher, signal: o.signal });
        status = r.statusCode;
        text = await r.body.text();
      } catch (err) {
        if (isTlsVerificationFailure(err)) {
          throw new TlsVerificationError(
            `splunkd at ${this.serverUri} (${(err as Error).message}; trusted: ${this.#trust}) — set [splunkd] ca_file / server_name in ta_ser_mail_settings.conf to the CA that signed splunkd's certificate and the name it carries (insecure_localhost = 1 only on a test system)`,
            { cause: err },
          );
        }
        if (o.signal?.aborted) throw err;
        this.#unreachableSince ??= Date.now();
        throw new SplunkdUnreachable(`splunkd at ${this.serverUri} cannot be reached (${(err as Error).message}) for ${method} ${path}`, { cause: err });
      }
      this.#unreachableSince = undefined;
      if (status >= 200 && status < 300 || o.allow?.includes(status)) return { status, text };
      const why = splunkdMessage(text) ?? `HTTP ${status}`;
      if (status === 401) throw new SplunkdError(status, `splunkd refused the session key for ${method} ${path} (${why}); the key splunkd passed has expired or is not valid`);
      if (status === 403) throw new SplunkdError(status, `splunkd denied ${method} ${path} (${why}): the input's owner needs the list_storage_passwords capability (and admin_all_objects to store secrets)`);
      // 503: the KV store (or splunkd) is starting up; it answers once it is ready.
      throw new SplunkdError(status, `splunkd answered ${status} to ${method} ${path}: ${why}`, status === 503);
    };
    const { status, text } = await withRetry(attempt, this.#policy, {
      classify: this.#classify,
      signal: o.signal,
      // One line per wait at DEBUG: the final error is the line an admin needs.
      onRetry: (err, n, delayMs) => this.#log?.debug(`${(err as Error).message}; retry ${n}/${this.#policy.retries} in ${delayMs} ms`),
    });
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    return undefined;
  }

  async close(): Promise<void> {
    if (this.#ownDispatcher) await this.#dispatcher.close();
  }
}

function splunkdMessage(text: string): string | undefined {
  try {
    const j = JSON.parse(text) as { messages?: Array<{ text?: string }> };
    return j.messages?.map((m) => m.text).filter(Boolean).join('; ') || undefined;
  } catch {
    return text ? text.slice(0, 200) : undefined;
  }
}

/** The `entry` list of a splunkd JSON feed. */
export interface SplunkdFeed<C> {
  entry?: Array<{ name: string; content: C; acl?: { app?: string } }>;
}
