import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { UndeliveredError } from '../core/errors.js';
import { toHecJson, type SplunkEvent } from '../core/event.js';
import { createDispatcher } from '../core/http.js';
import type { ProxyConfig } from '../core/http.js';
import { createLogger, type Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';
import { AckTracker } from './acks.js';
import { Batch, BatchBuffers } from './batch.js';
import { HecClient } from './client.js';
import { gzipBody } from './gzip-body.js';
import { hecDestinationSchema, type HecDestination } from './config.js';
import { Endpoints, type Endpoint } from './endpoints.js';
import { MemoryGate } from './memory-gate.js';
import { HecAckDisabledError, HecDeliveryError, HecEventTooLargeError, HecInvalidChannelError, HecUnavailableError } from './errors.js';
import { isRetryable, withRetry, type RetryPolicy } from '../core/retry.js';

/** A parsed destination whose token is a Secret (wrapped right after parsing). */
export type HecSinkConfig = Omit<HecDestination, 'token'> & { token: Secret };

export interface HecSinkOptions {
  log?: Logger;
  /** The product-wide proxy setting; HTTPS_PROXY/NO_PROXY apply when absent. */
  proxy?: Partial<ProxyConfig>;
  /** For log lines: which destination this is (e.g. the stanza name). */
  name?: string;
  /** Replaces the undici dispatcher built from the config (tests of the proxy path, benchmarks). */
  dispatcher?: Dispatcher;
  /** Replaces Math.random in the backoff (deterministic tests). */
  random?: () => number;
}

/** Parses raw settings (YAML map or .conf stanza) and wraps the token. */
export function hecSinkConfig(raw: unknown): HecSinkConfig {
  const parsed = hecDestinationSchema.parse(raw);
  return { ...parsed, token: new Secret(parsed.token) };
}

/** Default deadline of flush() and close() when the caller gives none. */
export const DEFAULT_DRAIN_MS = 30_000;

/**
 * The HEC sink, read as a pipeline: serialise (core toHecJson) → batch by bytes and time →
 * gzip → POST to the next healthy endpoint with the one retry policy → (with ack) track the
 * ack id until it is true or expires into a resend. `send()` settles when the event's batch is
 * delivered; bytes queued and in flight are capped, and callers wait at the cap.
 */
export class HecSink implements Sink {
  readonly config: HecSinkConfig;
  readonly #log: Logger;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #client: HecClient;
  readonly #endpoints: Endpoints;
  readonly #acks: AckTracker<Batch>;
  readonly #policy: RetryPolicy;
  readonly #abort = new AbortController();
  readonly #buffers: BatchBuffers;
  readonly #gate: MemoryGate;
  #channel = randomUUID();
  #seq = 0;
  #current: Batch | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #ready: Batch[] = [];
  readonly #outstanding = new Set<Batch>();
  #idleWaiters: Array<() => void> = [];
  #inFlight = 0;
  #inFlightBytes = 0;
  #closing = false;
  #stats = { accepted: 0, delivered: 0, failed: 0, retries: 0 };

  constructor(config: HecSinkConfig, options: HecSinkOptions = {}) {
    this.config = config;
    this.#log = (options.log ?? createLogger({ name: 'hec' })).child({ destination: options.name ?? config.urls.join(',') });
    const timeoutMs = Math.round(config.request_timeout * 1000);
    this.#ownsDispatcher = !options.dispatcher;
    this.#dispatcher =
      options.dispatcher ??
      createDispatcher({
        target: `HEC ${config.urls.join(', ')}`,
        tls: { ca_file: config.ca_file, insecure: config.insecure, server_name: config.server_name },
        proxy: options.proxy,
        connections: config.connections,
        timeoutMs,
        log: this.#log,
      });
    this.#gate = new MemoryGate(config.max_buffer_bytes);
    // Enough spare buffers to refill the memory cap once; beyond that, let them go.
    this.#buffers = new BatchBuffers(config.batch_bytes, Math.ceil(config.max_buffer_bytes / config.batch_bytes) + 2);
    this.#client = new HecClient({ dispatcher: this.#dispatcher, token: config.token, timeoutMs });
    this.#policy = {
      retries: config.retries,
      minDelayMs: config.retry_min_delay * 1000,
      maxDelayMs: config.retry_max_delay * 1000,
      ...(options.random ? { random: options.random } : {}),
    };
    this.#endpoints = new Endpoints(config.urls, {
      probe: (e) => this.#client.health(e, this.#abort.signal),
      probeIntervalMs: config.health_check_interval * 1000,
      log: this.#log,
    });
    this.#acks = new AckTracker<Batch>({
      pollIntervalMs: config.ack_poll_interval * 1000,
      timeoutMs: config.ack_timeout * 1000,
      maxPending: config.max_pending_acks,
      poll: (e, channel, ids) => this.#client.pollAcks(e, channel, ids, this.#abort.signal),
      onAcked: (b) => this.#settle(b),
      onExpired: (b, reason) => this.#ackExpired(b, reason),
      log: this.#log,
    });
  }

  send(event: SplunkEvent): Promise<void> {
    if (this.#closing) return Promise.reject(new UndeliveredError(1, `HEC sink is closed; event ${event.id} was not accepted`));
    const json = toHecJson(this.#withDefaults(event));
    const bytes = Buffer.byteLength(json);
    if (bytes > this.config.batch_bytes) return Promise.reject(new HecEventTooLargeError(event.id, bytes, this.config.batch_bytes));
    this.#stats.accepted++;
    if (this.#gate.mustWait(bytes)) {
      this.#sealIfOnlyOpenBatch();
      return this.#gate.wait(json, bytes);
    }
    return this.#add(json, bytes);
  }

  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    const pending: Array<Promise<void>> = [];
    let last: Promise<void> | undefined;
    for (const e of events) {
      // Wait for room before serialising the next one, so a long list never piles up in memory.
      await this.waitForCapacity();
      const p = this.send(e);
      if (p !== last) pending.push((last = p));
    }
    await Promise.all(pending);
  }

  /** True while callers would wait: the memory cap is reached (a cheap check before waitForCapacity). */
  get atCapacity(): boolean {
    return this.#gate.full;
  }

  /** The memory cap is reached, or every endpoint is set aside until its health probe passes. */
  get saturated(): boolean {
    return this.#gate.full || this.#endpoints.healthyCount === 0;
  }

  /** Resolves when there is room under the memory cap (a producer's back-pressure signal). */
  waitForCapacity(): Promise<void> {
    if (!this.#gate.full) return Promise.resolve();
    this.#sealIfOnlyOpenBatch();
    return this.#gate.wait(undefined, 1);
  }

  /** Pushes out the open batch and waits until everything handed over so far has settled. */
  async flush(deadlineMs = DEFAULT_DRAIN_MS): Promise<void> {
    this.#seal();
    if (await this.#idle(deadlineMs)) return;
    const pending = this.#pendingEvents();
    throw new UndeliveredError(pending, `HEC flush: ${pending} event(s) still undelivered after ${deadlineMs} ms`);
  }

  async close(deadlineMs = DEFAULT_DRAIN_MS): Promise<CloseReport> {
    this.#closing = true;
    this.#seal();
    const drained = await this.#idle(deadlineMs);
    if (!drained) {
      const pending = this.#pendingEvents();
      this.#log.error(`HEC sink closing with ${pending} event(s) undelivered after the ${deadlineMs} ms deadline`);
      this.#abandon(new UndeliveredError(pending, `HEC sink closed after ${deadlineMs} ms with ${pending} event(s) undelivered`));
    }
    this.#acks.close();
    this.#endpoints.close();
    if (this.#ownsDispatcher) await this.#dispatcher.destroy().catch(() => {});
    const s = this.#stats;
    return { delivered: s.delivered, undelivered: s.accepted - s.delivered };
  }

  stats(): SinkStats {
    return { ...this.#stats, queuedBytes: this.#gate.used - this.#inFlightBytes, inFlightBytes: this.#inFlightBytes };
  }

  /** The channel GUID in use (changes when HEC answers code 11). */
  get channel(): string {
    return this.#channel;
  }

  #withDefaults(e: SplunkEvent): SplunkEvent {
    const c = this.config;
    if ((c.index === undefined || e.index !== undefined) && (c.host === undefined || e.host !== undefined) && (c.source === undefined || e.source !== undefined)) return e;
    return { ...e, index: e.index ?? c.index, host: e.host ?? c.host, source: e.source ?? c.source };
  }

  #add(json: string, bytes: number): Promise<void> {
    let b = this.#current;
    const before = b?.bytes ?? 0;
    if (b && b.tryAdd(json, bytes)) {
      this.#gate.used += b.bytes - before;
      return b.done;
    }
    if (b) this.#seal();
    b = this.#current = new Batch(++this.#seq, this.config.batch_bytes, this.#buffers.take());
    b.tryAdd(json, bytes);
    this.#gate.used += b.bytes;
    this.#outstanding.add(b);
    this.#timer = setTimeout(() => this.#seal(), this.config.batch_interval * 1000);
    return b.done;
  }

  /** Closes the open batch and queues it for sending. */
  #seal(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const b = this.#current;
    this.#current = undefined;
    if (!b || b.count === 0) return;
    this.#ready.push(b);
    this.#pump();
  }

  #pump(): void {
    while (this.#ready.length > 0 && this.#inFlight < this.config.max_in_flight && !(this.config.ack && this.#acks.full) && !this.#abort.signal.aborted) {
      const b = this.#ready.shift()!;
      this.#inFlight++;
      this.#inFlightBytes += b.bytes;
      void this.#deliver(b);
    }
  }

  async #encode(b: Batch): Promise<Buffer> {
    if (!this.config.gzip) return b.body();
    b.encoded ??= await gzipBody(b.body());
    return b.encoded;
  }

  async #deliver(b: Batch): Promise<void> {
    const signal = this.#abort.signal;
    let sent: { endpoint: Endpoint; channel: string; ackId: number | undefined };
    try {
      const body = await this.#encode(b);
      sent = await withRetry(
        async (attempt) => {
          if (attempt > 1) this.#stats.retries++;
          const endpoint = await this.#endpoints.acquire(signal);
          const channel = this.#channel;
          try {
            const outcome = await this.#client.sendBatch(endpoint, channel, body, this.config.gzip, signal);
            if (!outcome.ok) throw outcome.error;
            return { endpoint, channel, ackId: outcome.ackId };
          } catch (err) {
            if (err instanceof HecUnavailableError && err.setAside) this.#endpoints.setAside(endpoint, err.message);
            if (err instanceof HecInvalidChannelError && this.#channel === channel) this.#channel = randomUUID();
            throw err;
          }
        },
        this.#policy,
        {
          signal,
          onRetry: (err, retry, delayMs) => {
            b.lastFailure = (err as Error).message;
            this.#log.warn(`batch ${b.seq} (${b.count} events) not delivered: ${b.lastFailure}; retry ${retry}/${this.#policy.retries} in ${delayMs} ms`);
          },
        },
      );
    } catch (err) {
      this.#leaveFlight(b);
      this.#fail(b, this.#finalError(b, err));
      return;
    }
    this.#leaveFlight(b);
    if (!this.config.ack) return this.#settle(b);
    if (sent.ackId === undefined) {
      return this.#fail(
        b,
        new HecAckDisabledError({
          status: 200,
          hecCode: 0,
          text: 'Success, but no ackId',
          endpoint: sent.endpoint.label,
        }),
      );
    }
    this.#inFlightBytes += b.bytes; // awaiting its ack, the batch is still in flight
    this.#acks.add(sent.endpoint, sent.channel, sent.ackId, b);
  }

  #leaveFlight(b: Batch): void {
    this.#inFlight--;
    this.#inFlightBytes -= b.bytes;
    this.#pump();
  }

  #finalError(b: Batch, err: unknown): unknown {
    if (this.#abort.signal.aborted) return new UndeliveredError(b.count, `HEC sink closed before batch ${b.seq} (${b.count} events) was delivered`, { cause: err });
    if (isRetryable(err)) {
      return new HecDeliveryError(b.count, `${b.count} event(s) not delivered after ${this.#policy.retries + 1} attempts: ${(err as Error).message}`, { cause: err });
    }
    return err;
  }

  #ackExpired(b: Batch, reason: string): void {
    this.#inFlightBytes -= b.bytes;
    if (this.#abort.signal.aborted) return;
    b.ackResends++;
    b.lastFailure = reason;
    this.#stats.retries++;
    if (b.ackResends > this.#policy.retries) {
      this.#fail(b, new HecDeliveryError(b.count, `${b.count} event(s) never acknowledged after ${b.ackResends} sends: ${reason}`));
      return;
    }
    this.#log.warn(`batch ${b.seq} (${b.count} events): ${reason}; sending it again (same event ids)`);
    this.#ready.unshift(b);
    this.#pump();
  }

  #settle(b: Batch): void {
    if (this.config.ack) this.#inFlightBytes -= b.bytes;
    this.#stats.delivered += b.count;
    b.resolve();
    this.#release(b);
  }

  #fail(b: Batch, err: unknown): void {
    if (b.settled) return;
    this.#stats.failed += b.count;
    this.#log.error(`batch ${b.seq}: ${b.count} event(s) not delivered: ${(err as Error).message}`);
    b.reject(err);
    this.#release(b);
  }

  /** Frees a settled batch's bytes, lets waiting callers in, and wakes flush/close when idle. */
  #release(b: Batch): void {
    if (!this.#outstanding.delete(b)) return;
    this.#gate.used -= b.bytes;
    // An aborted request may still hold the body: only reuse storage of a finished exchange.
    if (!this.#abort.signal.aborted) this.#buffers.give(b.takeBuffer());
    b.encoded = undefined;
    this.#gate.admit((json, bytes) => this.#add(json, bytes));
    this.#pump();
    if (this.#isIdle()) {
      const w = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const f of w) f();
    }
  }

  /**
   * Callers are waiting for room: if nothing but the open batch holds the room, send it now
   * rather than after batch_interval (the cap may be smaller than one batch).
   */
  #sealIfOnlyOpenBatch(): void {
    if (this.#current && this.#outstanding.size === 1) this.#seal();
  }

  #isIdle(): boolean {
    return this.#outstanding.size === 0 && this.#gate.waitingEvents === 0;
  }

  #pendingEvents(): number {
    let n = 0;
    for (const b of this.#outstanding) n += b.count;
    return n + this.#gate.waitingEvents;
  }

  /** Waits until idle or the deadline; true when idle. */
  #idle(deadlineMs: number): Promise<boolean> {
    if (this.#isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, deadlineMs);
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.#idleWaiters.push(done);
    });
  }

  /** Deadline passed: stop every attempt and reject what is left, counted, never silently. */
  #abandon(err: UndeliveredError): void {
    this.#abort.abort(err);
    for (const b of this.#acks.close()) this.#inFlightBytes -= b.bytes;
    this.#ready.length = 0;
    for (const b of [...this.#outstanding]) {
      const why = b.lastFailure ? `; last attempt: ${b.lastFailure}` : '';
      this.#fail(b, new UndeliveredError(b.count, `HEC sink closed before batch ${b.seq} (${b.count} events) was delivered${why}`));
    }
    this.#stats.failed += this.#gate.abandon(() => new UndeliveredError(1, 'HEC sink closed before this event could be queued'));
  }
}
