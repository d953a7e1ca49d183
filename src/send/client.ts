import type { Dispatcher } from 'undici';
import { request } from '../core/undici.js';
import { AddonError, describeError, isTlsVerificationFailure } from '../core/errors.js';
import { createDispatcher } from '../core/http.js';
import { parseRetryAfter, withRetry, type RetryClassifier } from '../core/retry.js';
import type { Logger } from '../core/logger.js';
import { SendFailedError, SendRefusedError, SendTlsError, SendUnavailableError } from './errors.js';
import type { WireRequest } from './message.js';
import { parseReply } from './reply.js';
import { isHandshakeRefusal, probeHandshake } from './tls-probe.js';
import type { ProxyConfig } from '../core/proxy-config.js';

export interface SendClientOptions {
  host: string;
  port: number;
  clientCert: { cert: string; key: string; passphrase?: string };
  /** CA bundle PEM text (from ca_file or ca_pem); default: the system store. */
  ca?: string;
  /** Where the CA came from, for messages. */
  caWhere?: string;
  serverName?: string;
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
  /** The product's one outbound proxy setting ([proxy]; HTTPS_PROXY/NO_PROXY when unset). */
  proxy?: Partial<ProxyConfig>;
  log?: Logger;
  /** Replaces the keep-alive pool (tests, benchmark baseline). */
  dispatcher?: Dispatcher;
}

/** What happened to one message: the audit event is made from this. */
export interface SendOutcome {
  /** duplicate: the service refused a repeated request for a messageId it had already accepted. */
  status: 'sent' | 'duplicate' | 'refused' | 'failed';
  messageId: string;
  httpStatus?: number;
  code?: number;
  message?: string;
  explanation?: string;
  transactionId?: string;
  /** For a duplicate: the transactionId of the earlier accepted send, when known. */
  duplicateOf?: string;
  attempts: number;
  durationMs: number;
  bytes: number;
  error?: AddonError;
}

/** Connection-level failures that prove the request never reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_STATUS = new Set([502, 503, 504]);
/** TLS alerts a server sends when it will not accept our client certificate. */
const CLIENT_CERT_REFUSED = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|ACCESS_DENIED|DECRYPT_ERROR|HANDSHAKE_FAILURE)/;

/**
 * The send service's reading of a failed attempt, for core's one retry mechanism: only what
 * cannot have been delivered (connection refused, 502/503/504 without the documented reply) is
 * tried again; a -1, a code-0 reply, a reset or a timeout after sending never are, since the
 * service may already have accepted the message. Retry-After, when a proxy sends one, is kept.
 */
export const classifySendFailure: RetryClassifier = (err) =>
  err instanceof SendUnavailableError ? { retry: true, retryAfterMs: err.retryAfterMs } : { retry: false };

/**
 * The service answers a messageId it has already accepted with code -1 (a repeated request).
 * Its wording is not in the specification's reply table, so several spellings are recognised;
 * the alert action also knows its own earlier accepted messageIds (src/send/ledger.ts).
 */
// A string, not a regex literal: esbuild writes a string's Cyrillic as \u escapes, which keeps the
// shipped bundle ASCII (scripts/package.mjs).
const REPEATED = new RegExp('повторн|repeated|duplicate|already (accepted|sent|processed)|уже (принят|обработан|отправлен)', 'i');

export function isRepeatedRequest(reply: { message?: string; explanation?: string }): boolean {
  return REPEATED.test(`${reply.message ?? ''} ${reply.explanation ?? ''}`);
}

/** Longest back-off between two tries of one message, whatever retry_delay and max_attempts say. */
const MAX_RETRY_DELAY_MS = 60_000;

function errCode(err: unknown): string {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && code !== 'UND_ERR_SOCKET') return code;
  }
  return (err as NodeJS.ErrnoException | undefined)?.code ?? '';
}

/** Maps a transport error to the typed error that decides retry and what the admin reads. */
export function classifyTransportError(err: unknown, target: string): AddonError {
  if (AddonError.isInstance(err)) return err;
  const code = errCode(err);
  if (isTlsVerificationFailure(err)) {
    return new SendTlsError(`the certificate of ${target} did not verify (${code}): set ca_file (or ca_pem) to the CA that signed it, and server_name if the host name differs`, { cause: err });
  }
  if (CLIENT_CERT_REFUSED.test(code) || /alert (unknown ca|bad certificate|certificate required)/i.test(String((err as Error)?.message))) {
    return new SendTlsError(`${target} refused our client certificate (${code}): the client certificate (client_cert_file or client_cert_pem) must be signed by a CA the service trusts`, { cause: err });
  }
  if (code === 'ERR_OSSL_BAD_DECRYPT' || /bad decrypt/i.test(String((err as Error)?.message))) {
    return new SendTlsError('client_key_file cannot be decrypted: check the passphrase stored in realm ta_ser_mail_send_passphrase', { cause: err });
  }
  if (NOT_SENT_CODES.has(code)) return new SendUnavailableError(undefined, `${target} is not reachable (${code}); nothing was sent`, { cause: err });
  return new SendFailedError(undefined, `sending to ${target} failed (${code || describeError(err)}); the outcome is unknown, not retried`, { cause: err });
}

/**
 * POST https://{host}/send over one keep-alive mutual-TLS pool, at most `concurrency` requests
 * in flight. Retries only what cannot have been delivered (connection refused, 502/503/504),
 * never a -1 reply, always with the same body and so the same messageId.
 */
export class SendClient {
  readonly #o: SendClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #url: string;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(o: SendClientOptions) {
    this.#o = o;
    this.#url = `https://${o.host}:${o.port}/send`;
    this.#dispatcher =
      o.dispatcher ??
      createDispatcher({
        target: `send service ${o.host}:${o.port}`,
        tls: { server_name: o.serverName },
        clientCert: o.clientCert,
        caPem: o.ca,
        proxy: o.proxy,
        connections: o.concurrency,
        timeoutMs: o.timeoutMs,
        log: o.log,
      });
  }

  get url(): string {
    return this.#url;
  }

  async #slot(): Promise<() => void> {
    if (this.#active >= this.#o.concurrency) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    return () => {
      this.#active--;
      this.#waiting.shift()?.();
    };
  }

  async #once(req: WireRequest): Promise<{ httpStatus: number; code: number; message?: string; explanation?: string; transactionId?: string }> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.#url, { method: 'POST', headers: req.headers, body: req.body, dispatcher: this.#dispatcher });
    } catch (err) {
      const e = classifyTransportError(err, this.#url);
      if (e instanceof SendFailedError && (err as { socket?: { bytesRead?: number } }).socket?.bytesRead === 0) throw await this.#explainClosed(e);
      throw e;
    }
    const text = await res.body.text().catch(() => '');
    const reply = parseReply(text);
    // The documented reply decides, whatever the HTTP status: code 0 means the service took the
    // message (retrying could only send it twice) and -1 is a refusal, never retried.
    if (reply && reply.code !== 0) {
      throw new SendRefusedError({ status: res.statusCode, message: reply.message, explanation: reply.data?.explanation ?? reply.data?.description, transactionId: reply.data?.transactionId });
    }
    if (!reply && UNAVAILABLE_STATUS.has(res.statusCode)) {
      throw new SendUnavailableError(res.statusCode, `${this.#url} answered HTTP ${res.statusCode}: the service is unavailable`, { retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
    }
    if (!reply) throw new SendFailedError(res.statusCode, `${this.#url} answered HTTP ${res.statusCode} without the documented JSON reply; the outcome is unknown`);
    const explanation = reply.data?.explanation ?? reply.data?.description;
    return { httpStatus: res.statusCode, code: reply.code, message: reply.message, ...(explanation ? { explanation } : {}), transactionId: reply.data?.transactionId };
  }

  /** A connection closed before any reply byte: check whether our client certificate is refused. */
  async #explainClosed(e: SendFailedError): Promise<AddonError> {
    const o = this.#o;
    const code = await probeHandshake({
      host: o.host,
      port: o.port,
      servername: o.serverName ?? (/^[\d.]+$|:/.test(o.host) ? undefined : o.host),
      ca: o.ca,
      cert: o.clientCert.cert,
      key: o.clientCert.key,
      passphrase: o.clientCert.passphrase,
    }).catch(() => undefined);
    if (!isHandshakeRefusal(code)) return e;
    return new SendTlsError(`${this.#url} refused our client certificate (the connection closed during the TLS handshake, ${code}): the client certificate (client_cert_file or client_cert_pem) must be signed by a CA the service trusts`, { cause: e });
  }

  async send(messageId: string, req: WireRequest): Promise<SendOutcome> {
    const release = await this.#slot();
    const started = performance.now();
    let attempts = 0;
    const base = { messageId, bytes: Buffer.byteLength(req.body) };
    try {
      const o = this.#o;
      const r = await withRetry(
        () => {
          attempts++;
          return this.#once(req);
        },
        { retries: o.maxAttempts - 1, minDelayMs: o.retryDelayMs, maxDelayMs: Math.max(o.retryDelayMs, Math.min(MAX_RETRY_DELAY_MS, o.retryDelayMs * 2 ** (o.maxAttempts - 1))) },
        {
          classify: classifySendFailure,
          onRetry: (error, attempt, delayMs) => o.log?.warn({ messageId, attempt, delay_ms: delayMs }, `send unavailable, retrying: ${(error as Error).message}`),
        },
      );
      return { ...base, status: 'sent', ...r, attempts, durationMs: performance.now() - started };
    } catch (err) {
      const e = AddonError.isInstance(err) ? err : classifyTransportError(err, this.#url);
      const durationMs = performance.now() - started;
      if (e instanceof SendRefusedError) {
        return { ...base, status: isRepeatedRequest(e.reply) ? 'duplicate' : 'refused', httpStatus: e.reply.status, code: -1, message: e.reply.message, explanation: e.reply.explanation, transactionId: e.reply.transactionId, attempts, durationMs, error: e };
      }
      const httpStatus = e instanceof SendUnavailableError || e instanceof SendFailedError ? e.status : undefined;
      return { ...base, status: 'failed', httpStatus, message: e.message, attempts, durationMs, error: e };
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    if (!this.#o.dispatcher) await this.#dispatcher.close();
  }
}
