import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Sink } from '../core/sink.js';
import type { TokenCheck } from './auth.js';
import { AuthError, EventTooLargeError, isEventTooLarge, PayloadError } from './errors.js';
import { explainTooLarge } from './event-size.js';
import { ingest, type IngestOptions } from './ingest.js';
import { parsedOverhead } from './json-guard.js';
import { parseJsonBytes } from './parse.js';
import type { PayloadKind } from './payload.js';
import { ReceiverFigures, reportFigures, type FiguresTiming } from './receiver-figures.js';
import { atCapacity, checkContentType, readBody, RequestRefused, tooLargeDeclared } from './request-body.js';

export interface ReceiverOptions {
  host: string;
  port: number;
  mailsPath: string;
  usersPath: string;
  /** HTTPS when given (PEM strings). */
  tls?: { cert: string; key: string };
  maxRequestBytes: number;
  /** The memory budget: request bytes read or awaiting delivery, over all requests. */
  maxInFlightBytes: number;
  maxConcurrentRequests: number;
  /** How long a body may take to arrive (408 after). */
  bodyTimeoutMs: number;
  deliveryTimeoutMs: number;
  retryAfterSeconds: number;
  auth: TokenCheck;
  ingest: IngestOptions;
  sink: Sink;
  log: Logger;
  /** The periodic figures line (INFO `mail receiver figures {…}`) and the one written at close. */
  figures?: FiguresTiming;
}

export interface ReceiverStats {
  requests: number;
  accepted: number;
  dropped: number;
  refused: Record<number, number>;
  inFlight: number;
  inFlightBytes: number;
}

/** The delivery did not finish in time or failed: the connector must keep its data and retry. */
class DeliveryUnavailable extends Error {
  /** HEC gave up (as opposed to: not yet confirmed); new requests are refused for retry_after. */
  readonly abandoned: boolean;
  constructor(message: string, abandoned: boolean) {
    super(message);
    this.abandoned = abandoned;
  }
}

/**
 * The drop-in receiver for the connector's Mails and Users APIs. A request is answered 200 only
 * after the sink has delivered all of its events; everything that can be wrong with it is
 * found before the first event leaves (all-or-nothing). It keeps no state a second receiver
 * behind the same load balancer would need: ids come from the messages themselves.
 *
 * Memory bound: a byte budget (`maxInFlightBytes`). A request's bytes are charged as they
 * arrive and stay charged until the sink settles its events (even after a 503 was answered at
 * the delivery deadline); a request that does not fit is answered 503 at once. A client that
 * sends headers and stalls holds no bytes and no slot, and a body must arrive within
 * `bodyTimeoutMs` (408). Requests waiting for HEC hold only their own bytes, so they do not
 * block unrelated requests; `maxConcurrentRequests` is a backstop on the count of requests
 * whose body is arriving, being parsed or awaiting delivery.
 */
export class MailReceiver {
  readonly #o: ReceiverOptions;
  #server: Server | undefined;
  #slots = 0;
  #bytes = 0;
  #unavailableUntil = 0;
  #figures = new ReceiverFigures();
  #report: { stop(): void } | undefined;
  readonly #stats: ReceiverStats = { requests: 0, accepted: 0, dropped: 0, refused: {}, inFlight: 0, inFlightBytes: 0 };

  constructor(options: ReceiverOptions) {
    this.#o = options;
  }

  get url(): string {
    const a = this.#server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error('the receiver is not listening');
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.#o.tls ? 'https' : 'http'}://${host}:${a.port}`;
  }

  stats(): ReceiverStats {
    return { ...this.#stats, refused: { ...this.#stats.refused }, inFlight: this.#slots, inFlightBytes: this.#bytes };
  }

  async start(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#o.log.error(`mail receiver: unexpected failure: ${describeError(err)}`);
        if (!res.headersSent) this.#reply(res, 500, { error: 'MAIL_INTERNAL', message: 'internal error; see the receiver log' });
      });
    };
    const server = this.#o.tls ? createHttpsServer({ cert: this.#o.tls.cert, key: this.#o.tls.key }, handler) : createHttpServer(handler);
    // .NET clients send `Expect: 100-continue`: answer 100 only once the request passed auth,
    // size and capacity checks, so a refused body is never sent at all.
    server.on('checkContinue', handler);
    // The body timeout is the receiver's own (a JSON 408 that frees the request's share); Node's
    // whole-request timeout stays behind it as a backstop.
    server.headersTimeout = 30_000;
    server.requestTimeout = server.headersTimeout + this.#o.bodyTimeoutMs + 5_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#o.port, this.#o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#o.log.info(`mail receiver listening on ${this.url} (mails ${this.#o.mailsPath}, users ${this.#o.usersPath})`);
    this.#figures = new ReceiverFigures();
    this.#report = reportFigures(this.#figures, this.#o.log, this.#o.figures);
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    // After the last request was answered, so the shutdown line counts every answer given.
    this.#report?.stop();
    this.#report = undefined;
  }

  #route(req: IncomingMessage): PayloadKind | 'health' | undefined {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (path === this.#o.mailsPath.replace(/\/+$/, '')) return 'mails';
    if (path === this.#o.usersPath.replace(/\/+$/, '')) return 'users';
    if (path === '/health') return 'health';
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#stats.requests++;
    const route = this.#route(req);
    if (route === undefined) return this.#reply(res, 404, { error: 'MAIL_NOT_FOUND', message: `no API at ${req.url}; the Mails API is at ${this.#o.mailsPath}, the Users API at ${this.#o.usersPath}` });
    if (route === 'health') {
      this.#figures.health();
      const waitMs = Math.max(this.#unavailableUntil - Date.now(), this.#o.sink.saturated ? this.#o.retryAfterSeconds * 1000 : 0);
      if (waitMs <= 0) return this.#reply(res, 200, { status: 'ok', inFlight: this.#slots });
      // Every 503 says when to come back, so a load balancer or connector polling here backs off like the Mails API's callers.
      return this.#reply(res, 503, { status: 'delivery unavailable', inFlight: this.#slots }, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
    }
    if (req.method !== 'POST') return this.#reply(res, 405, { error: 'MAIL_METHOD_NOT_ALLOWED', message: 'use POST' }, { allow: 'POST' });
    if (Date.now() < this.#unavailableUntil) return this.#unavailable(res, 'MAIL_DELIVERY_UNAVAILABLE', 'delivery to Splunk is failing; retry later');
    if (this.#slots >= this.#o.maxConcurrentRequests) return this.#unavailable(res, 'MAIL_AT_CAPACITY', 'the receiver is at capacity (max_concurrent_requests requests held); retry later');
    const declared = Number(req.headers['content-length']);
    const plainDeclared = Number.isFinite(declared) && !req.headers['content-encoding'] ? declared : 0;
    if (this.#bytes + Math.min(plainDeclared, this.#o.maxRequestBytes) > this.#o.maxInFlightBytes) {
      return this.#unavailable(res, 'MAIL_AT_CAPACITY', 'the receiver is at capacity (max_in_flight_mb of request bytes held); retry later');
    }
    // HEC is unreachable or its queue is full: say so now rather than after delivery_timeout.
    if (this.#o.sink.saturated) return this.#unavailable(res, 'MAIL_DELIVERY_UNAVAILABLE', 'delivery to Splunk is backed up or unreachable; the data was not accepted, retry later');

    // A slot is taken with the first body byte, not with the headers: a client that sends
    // headers and stalls holds nothing, and one that stalls mid-body is cut at body_timeout.
    let holding = false;
    const hold = (): string | undefined => {
      if (holding) return undefined;
      if (this.#slots >= this.#o.maxConcurrentRequests) return 'the receiver is at capacity (max_concurrent_requests requests held)';
      holding = true;
      this.#slots++;
      return undefined;
    };
    let charged = 0;
    const charge = (n: number): string | undefined => {
      const full = hold();
      if (full) return full;
      if (this.#bytes + n > this.#o.maxInFlightBytes) return 'the receiver is at capacity (max_in_flight_mb of request bytes held)';
      this.#bytes += n;
      charged += n;
      return undefined;
    };
    const releaseAll = () => {
      if (holding) this.#slots--;
      holding = false;
      this.#bytes -= charged;
      charged = 0;
    };
    let release = true;
    try {
      await this.#o.auth.verify(req.headers.authorization);
      checkContentType(req.headers['content-type']);
      if (/100-continue/i.test(String(req.headers.expect ?? ''))) {
        if (Number(req.headers['content-length']) > this.#o.maxRequestBytes) throw tooLargeDeclared(this.#o.maxRequestBytes);
        res.writeContinue();
      }
      let body: Buffer | undefined = await readBody(req, { limitBytes: this.#o.maxRequestBytes, timeoutMs: this.#o.bodyTimeoutMs, charge });
      const full = hold(); // an empty body charged nothing
      if (full) throw atCapacity(full);
      const value = parseJsonBytes(body, undefined, (shape) => {
        // Charge what the parse will build too: many tiny arrays/objects take ~20x their text.
        const extra = parsedOverhead(shape);
        if (charged + extra > this.#o.maxInFlightBytes) {
          throw new RequestRefused(413, 'MAIL_REQUEST_TOO_LARGE', `the body would take ${Math.ceil((charged + extra) / 2 ** 20)} MB once parsed (${shape.containers} arrays/objects, ${shape.strings} strings), more than max_in_flight_mb; send fewer messages per request`);
        }
        const full = charge(extra);
        if (full) throw atCapacity(full);
      });
      body = undefined;
      const result = ingest(route, value, this.#o.ingest, Date.now());
      if (result.dropped > 0) {
        this.#stats.dropped += result.dropped;
        this.#o.log.info(`mail receiver: dropped ${result.dropped} message(s) of mailbox ${result.owner}: not allowed by the whitelist/blacklist`);
      }
      if (result.events.length > 0) {
        release = false;
        await this.#deliver(result.events, route, releaseAll);
      }
      this.#stats.accepted += result.events.length;
      this.#figures.delivered(result.events.length, result.dropped);
      this.#o.log.debug(`mail receiver: ${route}: ${result.events.length} event(s) delivered${result.owner ? ` for mailbox ${result.owner}` : ''}`);
      this.#reply(res, 200, { status: 'ok', accepted: result.events.length, dropped: result.dropped });
    } catch (err) {
      this.#refuse(req, res, err);
    } finally {
      if (release) releaseAll();
    }
  }

  /**
   * Waits for the sink up to the deadline; the request's slot and bytes are released only when
   * the sink settles. A deadline that passes refuses this request only: one batch whose ack is
   * late says nothing about the next one. Only a delivery HEC gave up on closes the door for
   * retry_after seconds.
   */
  #deliver(events: Parameters<Sink['sendAll']>[0], kind: PayloadKind, release: () => void): Promise<void> {
    const delivery = this.#o.sink.sendAll(events);
    delivery.then(release, release);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryUnavailable(`HEC did not confirm delivery within ${this.#o.deliveryTimeoutMs} ms`, false)), this.#o.deliveryTimeoutMs);
    });
    return Promise.race([delivery, deadline])
      .catch((err: unknown) => {
        // A message that can never fit is the request's fault, not HEC's: no retry will help.
        if (isEventTooLarge(err)) throw new RequestRefused(413, 'MAIL_EVENT_TOO_LARGE', explainTooLarge(events, describeError(err), kind));
        if (err instanceof DeliveryUnavailable) {
          this.#o.log.warn(`mail receiver: answering 503 (the connector retries): ${err.message}`);
          throw err;
        }
        this.#unavailableUntil = Date.now() + this.#o.retryAfterSeconds * 1000;
        this.#o.log.warn(`mail receiver: answering 503 for ${this.#o.retryAfterSeconds} s: ${describeError(err)}`);
        throw new DeliveryUnavailable(describeError(err), true);
      })
      .finally(() => clearTimeout(timer));
  }

  #refuse(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof DeliveryUnavailable) {
      const why = err.abandoned ? 'delivery to Splunk is failing' : 'Splunk did not confirm delivery in time (delivery_timeout)';
      return this.#unavailable(res, 'MAIL_DELIVERY_UNAVAILABLE', `${why}; the data was not accepted, retry later`);
    }
    // A connector with a wrong AuthToken or size setting keeps retrying and loses nothing; only this line tells the admin why no data comes.
    const from = `${req.socket.remoteAddress ?? 'unknown'} ${req.method ?? ''} ${(req.url ?? '').split('?')[0]}`;
    if (err instanceof AuthError) {
      this.#o.log.warn(`mail receiver: refused ${from} with 401: ${err.message}`);
      return this.#reply(res, 401, { error: err.code, message: err.message }, { 'www-authenticate': 'Bearer error="invalid_token"' }, true);
    }
    if (err instanceof RequestRefused) {
      // A full budget is load, not a misconfiguration: no warning per request.
      if (err.status === 503) this.#o.log.debug(`mail receiver: refused ${from} with 503: ${err.message}`);
      else this.#o.log.warn(`mail receiver: refused ${from} with ${err.status}: ${err.message}`);
      const headers: Record<string, string> = err.status === 503 ? { 'retry-after': String(Math.ceil(this.#o.retryAfterSeconds)) } : {};
      return this.#reply(res, err.status, { error: err.code, message: err.message }, headers, true);
    }
    if (err instanceof PayloadError) {
      // 413, not 400: the data is valid, only too large to forward; the connector's admin acts on it.
      const status = err instanceof EventTooLargeError ? 413 : 400;
      this.#o.log.info(`mail receiver: refused a payload from ${from} with ${status}: ${err.message}`);
      return this.#reply(res, status, { error: err.code, message: err.message, issues: err.issues });
    }
    throw err;
  }

  #unavailable(res: ServerResponse, code: 'MAIL_AT_CAPACITY' | 'MAIL_DELIVERY_UNAVAILABLE', message: string): void {
    this.#reply(res, 503, { error: code, message }, { 'retry-after': String(Math.ceil(this.#o.retryAfterSeconds)) }, true);
  }

  /** `close`: the body may be unread (or too large to read); do not keep the connection. */
  #reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}, close = false): void {
    if (status !== 200) this.#stats.refused[status] = (this.#stats.refused[status] ?? 0) + 1;
    // Health answers carry no error code; every API refusal does (MAIL_*).
    const code = (body as { error?: unknown }).error;
    if (status >= 400 && typeof code === 'string') this.#figures.refused(status, code);
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
      ...headers,
    });
    res.end(text);
  }
}
