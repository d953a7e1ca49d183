import type { Dispatcher } from 'undici';
import { describeError, UndeliveredError } from '../core/errors.js';
import { toHecJson, type SplunkEvent } from '../core/event.js';
import { createDispatcher } from '../core/http.js';
import type { ProxyConfig } from '../core/http.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';
import type { RetryPolicy } from '../core/retry.js';
import type { Batch } from './batch.js';
import { BatchAcks } from './batch-acks.js';
import { BatchQueue } from './batch-queue.js';
import { HecClient } from './client.js';
import { hecDestinationSchema, isPlainHttpElsewhere, type HecDestination } from './config.js';
import { Delivery } from './delivery.js';
import { Drain, drainCause } from './drain.js';
import { Endpoints } from './endpoints.js';
import type { HecEventRefusedError } from './errors.js';
import { Flight } from './flight.js';
import { MemoryGate } from './memory-gate.js';
import { Outcomes } from './outcomes.js';
import { warnWhileStalled } from './stall-warning.js';

/** A parsed destination: its token is a Secret straight from the schema (secretSchema). */
export type HecSinkConfig = HecDestination;

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
  /** One event HEC refused (bad data, too large); default: one ERROR line each. */
  onRefused?: (err: HecEventRefusedError) => void;
  /**
   * A permanent error (token, index, TLS, ack setting, URL, batch over max_content_length)
   * stops all delivery at once (`forward`: one ERROR, nothing more sent). Off (services, whose
   * one sink serves several inputs and indexes): only the batch that met it fails, logged.
   */
  stopOnPermanentError?: boolean;
  /** Delivery stopped for good (with stopOnPermanentError); default: one ERROR line. */
  onFatal?: (err: Error) => void;
  /** How often to WARN while every endpoint is set aside and events wait (default 60 s). */
  stallWarnMs?: number;
}

/** Parses raw settings (YAML map or .conf stanza); the token comes out a Secret. */
export function hecSinkConfig(raw: unknown): HecSinkConfig {
  return hecDestinationSchema.parse(raw);
}

/** Default deadline of flush() and close() when the caller gives none. */
export const DEFAULT_DRAIN_MS = 30_000;

/**
 * The HEC sink, read as a pipeline: serialise (core toHecJson) → batch by bytes and time →
 * gzip → POST to the next healthy endpoint with the one retry policy (core withRetry, HEC's
 * classifier) → (with ack) track the ack id until it is true or expires into a resend.
 * `send()` settles when every event of its batch is delivered or refused (reported one by
 * one). Bytes queued and in flight are capped, and callers wait at the cap.
 *
 * Every event accepted ends in exactly one of: delivered, refused (HEC says it is bad; never
 * resent), undelivered (retries spent, delivery stopped, or the drain deadline passed) — so
 * `accepted = delivered + refused + undelivered` always.
 *
 * The parts, a file each: `batch-queue` (batches and the line of sealed ones), `delivery` (the
 * send of one batch and HEC's replies), `batch-acks` (the channel and batches awaiting acks),
 * `flight` (what is on the wire), `outcomes` (delivered / refused / undelivered), `drain`
 * (flush, close, abandon), `stall-warning`. This class wires them, starts batches and stops.
 */
export class HecSink implements Sink {
  readonly config: HecSinkConfig;
  readonly #log: Logger;
  readonly #o: HecSinkOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #endpoints: Endpoints;
  readonly #abort = new AbortController();
  readonly #gate: MemoryGate;
  readonly #queue: BatchQueue;
  readonly #flight = new Flight();
  readonly #outcomes: Outcomes;
  readonly #acks: BatchAcks;
  readonly #delivery: Delivery;
  readonly #drain: Drain;
  readonly #stallTimer: NodeJS.Timeout;
  #closing = false;
  #fatal: Error | undefined;

  constructor(config: HecSinkConfig, options: HecSinkOptions = {}) {
    this.config = config;
    this.#o = options;
    const log = (this.#log = (options.log ?? createLogger({ name: 'hec' })).child({ destination: options.name ?? config.urls.join(',') }));
    for (const url of config.urls) {
      if (config.allow_insecure_http && isPlainHttpElsewhere(url)) log.warn(`HEC URL ${url} is plain http (allow_insecure_http = true): the token and events cross the network unencrypted`);
    }
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
        log,
      });
    const signal = this.#abort.signal;
    const gate = (this.#gate = new MemoryGate(config.max_buffer_bytes));
    const queue = (this.#queue = new BatchQueue({ config, gate, pump: () => this.#pump() }));
    const client = new HecClient({ dispatcher: this.#dispatcher, token: config.token, timeoutMs });
    const policy: RetryPolicy = {
      retries: config.retries,
      minDelayMs: config.retry_min_delay * 1000,
      maxDelayMs: config.retry_max_delay * 1000,
      ...(options.random ? { random: options.random } : {}),
    };
    const endpoints = (this.#endpoints = new Endpoints(config.urls, {
      probe: (e) => client.health(e, signal),
      probeIntervalMs: config.health_check_interval * 1000,
      // /health may stay 503 while HEC would take events: a real request at least this often.
      trialIntervalMs: Math.max(config.health_check_interval, config.retry_max_delay) * 1000,
      log,
    }));
    const flight = this.#flight;
    const outcomes = (this.#outcomes = new Outcomes({ log, handlers: options, release: (b) => this.#release(b) }));
    const resend = (b: Batch) => {
      queue.requeue(b);
      this.#pump();
    };
    const acks = (this.#acks = new BatchAcks({ config, client, signal, flight, outcomes, retries: policy.retries, resend, log }));
    const fatal = () => this.#fatal;
    const land = (b: Batch) => {
      flight.land(b);
      this.#pump();
    };
    const stop = (err: Error) => this.#stop(err);
    this.#delivery = new Delivery({ config, policy, signal, client, endpoints, acks, flight, outcomes, log, stopping: options, fatal, stop, land });
    this.#drain = new Drain({ queue, gate, acks, outcomes, abort: this.#abort, fatal });
    this.#stallTimer = warnWhileStalled({ everyMs: options.stallWarnMs ?? 60_000, config, endpoints, queue, fatal, log });
  }

  /** `tag` travels with the event into reports (forward: its line number). */
  send(event: SplunkEvent, tag?: number): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closing) return Promise.reject(new UndeliveredError(1, `HEC sink is closed; event ${event.id} was not accepted`));
    const json = toHecJson(this.#withDefaults(event));
    const bytes = Buffer.byteLength(json);
    this.#outcomes.stats.accepted++;
    if (bytes > this.config.batch_bytes) return this.#queue.addAlone(json, bytes, tag);
    if (this.#gate.mustWait(bytes)) {
      this.#queue.sealIfOnlyOpenBatch();
      return this.#gate.wait(json, bytes, tag);
    }
    return this.#queue.add(json, bytes, tag);
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

  /** Why delivery stopped for good (token, index, TLS, ack setting), once it has. */
  get fatal(): Error | undefined {
    return this.#fatal;
  }

  /** Milliseconds every endpoint has been set aside (undefined while one is in rotation). */
  get allAsideForMs(): number | undefined {
    return this.#endpoints.allAsideForMs();
  }

  /** Resolves when there is room under the memory cap (a producer's back-pressure signal). */
  waitForCapacity(): Promise<void> {
    if (!this.#gate.full || this.#fatal) return Promise.resolve();
    this.#queue.sealIfOnlyOpenBatch();
    return this.#gate.wait(undefined, 1);
  }

  /** Pushes out the open batch and waits until everything handed over so far has settled. */
  async flush(deadlineMs = DEFAULT_DRAIN_MS): Promise<void> {
    this.#queue.seal();
    if (await this.#drain.idle(deadlineMs)) return;
    const pending = this.#queue.pendingEvents();
    throw new UndeliveredError(pending, `HEC flush: ${pending} event(s) still undelivered after ${deadlineMs} ms`);
  }

  /** Drains up to the deadline. Called again meanwhile (a second signal), the shorter deadline wins. */
  async close(deadlineMs = DEFAULT_DRAIN_MS): Promise<CloseReport> {
    this.#closing = true;
    this.#queue.seal();
    const drained = await this.#drain.idle(deadlineMs);
    if (!drained) {
      const pending = this.#queue.pendingEvents();
      this.#log.error(`HEC sink closing with ${pending} event(s) undelivered after the ${deadlineMs} ms deadline`);
      this.#drain.abandon((b) => drainCause(b, deadlineMs, this.#flight.awaitingAck));
    }
    clearInterval(this.#stallTimer);
    this.#acks.close();
    this.#endpoints.close();
    if (this.#ownsDispatcher) await this.#dispatcher.destroy().catch(() => {});
    const s = this.#outcomes.stats;
    return { delivered: s.delivered, undelivered: s.accepted - s.delivered - s.refused, refused: s.refused };
  }

  stats(): SinkStats & { refused: number; unacknowledged: number } {
    return { ...this.#outcomes.stats, queuedBytes: this.#gate.used - this.#flight.bytes, inFlightBytes: this.#flight.bytes };
  }

  /** Undelivered events grouped by their real cause (for the closing report). */
  undeliveredCauses(): Array<{ events: number; message: string }> {
    return this.#outcomes.causes.list();
  }

  /** The channel GUID in use (changes on code 11, a connection failure, or a detected restart). */
  get channel(): string {
    return this.#acks.channel;
  }

  #withDefaults(e: SplunkEvent): SplunkEvent {
    const c = this.config;
    if ((c.index === undefined || e.index !== undefined) && (c.host === undefined || e.host !== undefined) && (c.source === undefined || e.source !== undefined)) return e;
    return { ...e, index: e.index ?? c.index, host: e.host ?? c.host, source: e.source ?? c.source };
  }

  /** Starts the batches in line while max_in_flight, the pending-ack cap and a stop allow. */
  #pump(): void {
    while (this.#queue.hasReady && this.#flight.count < this.config.max_in_flight && !(this.config.ack && this.#acks.full) && !this.#abort.signal.aborted && !this.#fatal) {
      const b = this.#queue.next()!;
      this.#flight.start(b);
      void this.#delivery.deliver(b);
    }
  }

  /** Frees a settled batch's bytes, lets waiting callers in, and wakes flush/close when idle. */
  #release(b: Batch): void {
    // An aborted request may still hold the body: only reuse storage of a finished exchange.
    if (!this.#queue.release(b, !this.#abort.signal.aborted)) return;
    this.#pump();
    this.#drain.wakeIfIdle();
  }

  /**
   * Permanent failure: one report, every waiting event undelivered with this cause, nothing
   * more sent. Requests already on the wire finish (HEC may index them: with ack off on the
   * token, they come back code 0 and count as delivered-unacknowledged, not undelivered).
   */
  #stop(err: Error): void {
    if (this.#fatal) return;
    this.#fatal = err;
    if (this.#o.onFatal) this.#o.onFatal(err);
    else this.#log.error(`HEC delivery stopped: ${describeError(err)}`);
    this.#drain.abandon(() => err, this.#flight.flying);
  }
}
