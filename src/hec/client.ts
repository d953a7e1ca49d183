import type { Dispatcher } from 'undici';
import { isTlsVerificationFailure, TlsVerificationError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Endpoint } from './endpoints.js';
import { HecUnavailableError } from './errors.js';
import { classifyAckReply, classifySendReply, type AckOutcome, type SendOutcome } from './status.js';

/**
 * The HTTP exchanges with one HEC endpoint: post a batch, poll acks, probe health. Transport
 * failures become a retryable HecUnavailableError (the endpoint is set aside), except a TLS
 * verification failure, which no retry fixes.
 */
export interface HecClientOptions {
  dispatcher: Dispatcher;
  token: Secret;
  timeoutMs: number;
}

export class HecClient {
  readonly #o: HecClientOptions;

  constructor(options: HecClientOptions) {
    this.#o = options;
  }

  #headers(channel: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: `Splunk ${this.#o.token.reveal()}`,
      'x-splunk-request-channel': channel,
      'content-type': 'application/json',
      ...extra,
    };
  }

  async #request(e: Endpoint, path: string, method: 'GET' | 'POST', headers: Record<string, string>, body: string | Buffer | undefined, signal?: AbortSignal): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    try {
      const res = await this.#o.dispatcher.request({
        origin: e.origin,
        path: `${e.prefix}${path}`,
        method,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isTlsVerificationFailure(err)) throw new TlsVerificationError(e.label, { cause: err });
      const what = timeout.aborted ? `no reply within ${this.#o.timeoutMs} ms` : `connection failed: ${describeTransport(err)}`;
      throw new HecUnavailableError(e.label, what, { setAside: true, ambiguous: true, cause: err });
    }
  }

  /** POSTs one batch body; the outcome says delivered (with ackId) or why not. */
  async sendBatch(e: Endpoint, channel: string, body: string | Buffer, gzip: boolean, signal?: AbortSignal): Promise<SendOutcome> {
    const headers = this.#headers(channel, gzip ? { 'content-encoding': 'gzip' } : {});
    const r = await this.#request(e, '/services/collector/event', 'POST', headers, body, signal);
    return classifySendReply(e.label, r.status, r.headers, r.text);
  }

  async pollAcks(e: Endpoint, channel: string, ackIds: number[], signal?: AbortSignal): Promise<AckOutcome> {
    const r = await this.#request(e, '/services/collector/ack', 'POST', this.#headers(channel), JSON.stringify({ acks: ackIds }), signal);
    return classifyAckReply(e.label, r.status, r.text);
  }

  /** True when HEC says it is healthy (HTTP 200, code 17). */
  async health(e: Endpoint, signal?: AbortSignal): Promise<boolean> {
    const r = await this.#request(e, '/services/collector/health', 'GET', {}, undefined, signal);
    return r.status === 200;
  }
}

function describeTransport(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.code ?? e.cause?.code ?? e.message ?? String(err);
}
