import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { AddonError, isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import { createDispatcher } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';

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

/** How the process trusts splunkd's certificate (ta_ser_mail_settings.conf [splunkd], env overrides). */
export interface SplunkdTls {
  /** PEM CA file that signed splunkd's certificate; default: the system store. */
  ca_file?: string;
  /** Name to verify the certificate against (splunkd's default cert says SplunkServerDefaultCert). */
  server_name?: string;
  /** Accept any certificate, but only when server_uri is a loopback address (splunkd's default self-signed cert). */
  insecure_localhost?: boolean;
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
  /** First delay between tries in ms (doubled each time, capped at 10 s); default 500. */
  retryDelayMs?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string>;
  /** Form fields (application/x-www-form-urlencoded), splunkd's usual request body. */
  form?: Record<string, string>;
  json?: unknown;
  /** Status codes answered as `undefined` instead of thrown (e.g. 404 for "not there"). */
  allow?: number[];
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export class SplunkdClient {
  readonly serverUri: string;
  readonly app: string;
  readonly #sessionKey: Secret;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #log?: Logger;

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
    this.#attempts = o.attempts ?? 8;
    this.#retryDelayMs = o.retryDelayMs ?? 500;
    this.#log = o.log;
    const insecure = Boolean(o.tls?.insecure_localhost) && isLoopback(url.hostname);
    if (o.tls?.insecure_localhost && !insecure) {
      o.log?.warn(`[splunkd] insecure_localhost is ignored: ${url.hostname} is not a loopback address`);
    }
    this.#ownDispatcher = !o.dispatcher;
    this.#dispatcher =
      o.dispatcher ??
      createDispatcher({
        target: 'splunkd',
        tls: { ca_file: o.tls?.ca_file, server_name: o.tls?.server_name, insecure },
        // splunkd is this host's own management port: never through an outbound proxy.
        proxy: { use_env: false },
        connections: 4,
        timeoutMs: o.timeoutMs ?? 60_000,
        log: o.log,
      });
  }

  /** `servicesNS/nobody/<app>/<path>`: where the app's shared entities live (another app's when named). */
  nsPath(path: string, app = this.app): string {
    return `/servicesNS/nobody/${encodeURIComponent(app)}/${path}`;
  }

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
    let delay = this.#retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      try {
        const r = await request(url, { method, headers, body, dispatcher: this.#dispatcher });
        status = r.statusCode;
        text = await r.body.text();
      } catch (err) {
        if (isTlsVerificationFailure(err)) {
          throw new TlsVerificationError(`splunkd at ${this.serverUri} (set [splunkd] ca_file in ta_ser_mail_settings.conf, or insecure_localhost = 1 for splunkd's default certificate on 127.0.0.1)`, { cause: err });
        }
        if (attempt >= this.#attempts) throw new SplunkdError(0, `splunkd at ${this.serverUri} cannot be reached (${(err as Error).message}) for ${method} ${path}`, true);
        this.#log?.warn(`splunkd ${method} ${path} failed (${(err as Error).message}); retry ${attempt}/${this.#attempts - 1} in ${delay} ms`);
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
        continue;
      }
      if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
      if (o.allow?.includes(status)) return undefined;
      const why = splunkdMessage(text) ?? `HTTP ${status}`;
      // 503: the KV store (or splunkd) is starting up; it answers once it is ready.
      if (status === 503 && attempt < this.#attempts) {
        this.#log?.info(`splunkd ${method} ${path}: ${why}; retry ${attempt}/${this.#attempts - 1} in ${delay} ms`);
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
        continue;
      }
      if (status === 401) throw new SplunkdError(status, `splunkd refused the session key for ${method} ${path} (${why}); the key splunkd passed has expired or is not valid`);
      if (status === 403) throw new SplunkdError(status, `splunkd denied ${method} ${path} (${why}): the input's owner needs the list_storage_passwords capability (and admin_all_objects to store secrets)`);
      throw new SplunkdError(status, `splunkd answered ${status} to ${method} ${path}: ${why}`, status === 503);
    }
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The `entry` list of a splunkd JSON feed. */
export interface SplunkdFeed<C> {
  entry?: Array<{ name: string; content: C; acl?: { app?: string } }>;
}
