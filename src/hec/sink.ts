import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { describeError, UndeliveredError } from '../core/errors.js';
import { toHecJson, type SplunkEvent } from '../core/event.js';
import { createDispatcher } from '../core/http.js';
import type { ProxyConfig } from '../core/http.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';
import { withRetry, type RetryPolicy } from '../core/retry.js';
import { AckTracker } from './acks.js';
import type { Batch } from './batch.js';
import { BatchQueue } from './batch-queue.js';
import { HecClient } from './client.js';
import { gzipBody } from './gzip-body.js';
import { hecDestinationSchema, isPlainHttpElsewhere, type HecDestination } from './config.js';
import { Endpoints, type Endpoint } from './endpoints.js';
import { MemoryGate } from './memory-gate.js';
import {
  HecAckNotGivenError,
  HecBadEventError,
  HecBatchTooLargeError,
  HecDeliveryError,
  type HecEventRefusedError,
  HecIndexError,
  HecInvalidChannelError,
  HecRejectedError,
  HecUnavailableError,
  HecUnexpectedReplyError,
} from './errors.js';
import { classifyHecFailure } from './retry-verdict.js';
import { ChannelSends } from './channel-sends.js';
import { Flight } from './flight.js';
import { refusalOf, UndeliveredCauses } from './undelivered-causes.js';

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

/** What one attempt achieved: sent (maybe awaiting an ack), or every event settled along the way. */
type Sent = { endpoint: Endpoint; channel: string; ackId: number | undefined; handled: () => void } | 'settled';

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
 */
export class HecSink implements Sink {
  readonly config: HecSinkConfig;
  readonly #log: Logger;
  readonly #o: HecSinkOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #client: HecClient;
  readonly #endpoints: Endpoints;
  readonly #acks: AckTracker<Batch>;
  readonly #policy: RetryPolicy;
  readonly #abort = new AbortController();
  readonly #gate: MemoryGate;
  readonly #queue: BatchQueue;
  readonly #flight = new Flight();
  #channel = randomUUID();
  readonly #stallTimer: NodeJS.Timeout;
  /** Per channel: sends on the wire whose reply is not yet handled (ack polls wait for them). */
  readonly #sending = new ChannelSends();
  #idleWaiters: Array<() => void> = [];
  #closing = false;
  #fatal: Error | undefined;
  /** Undelivered events by cause, for a closing report that names each real cause. */
  readonly #causes = new UndeliveredCauses();
  #stats = { accepted: 0, delivered: 0, failed: 0, refused: 0, unacknowledged: 0, retries: 0 };

  constructor(config: HecSinkConfig, options: HecSinkOptions = {}) {
    this.config = config;
    this.#o = options;
    this.#log = (options.log ?? createLogger({ name: 'hec' })).child({ destination: options.name ?? config.urls.join(',') });
    for (const url of config.urls) {
      if (config.allow_insecure_http && isPlainHttpElsewhere(url)) this.#log.warn(`HEC URL ${url} is plain http (allow_insecure_http = true): the token and events cross the network unencrypted`);
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
        log: this.#log,
      });
    this.#gate = new MemoryGate(config.max_buffer_bytes);
    this.#queue = new BatchQueue({ config, gate: this.#gate, pump: () => this.#pump() });
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
      // /health may stay 503 while HEC would take events: a real request at least this often.
      trialIntervalMs: Math.max(config.health_check_interval, config.retry_max_delay) * 1000,
      log: this.#log,
    });
    this.#acks = new AckTracker<Batch>({
      pollIntervalMs: config.ack_poll_interval * 1000,
      timeoutMs: config.ack_timeout * 1000,
      maxPending: config.max_pending_acks,
      reorderWindow: config.max_in_flight,
      poll: (e, channel, ids) => this.#client.pollAcks(e, channel, ids, this.#abort.signal),
      // A send on this channel whose reply is still unread may carry an ack id HEC handed out
      // again after a restart: read those replies before the poll goes out, so the poll neither
      // answers for the wrong batch nor uses up (HEC says true once) the ack of a new one. Only
      // small ids are at risk: before HEC's new life can reach an id of 2 × max_in_flight, a
      // reply of ours with a small id has shown the restart (AckTracker). Bounded: a reply is
      // read within request_timeout, and the round's expiry must always come.
      beforePoll: async (_e, channel, ids) => {
        if (Math.min(...ids) < 2 * config.max_in_flight) await Promise.race([this.#sending.settled(channel), sleep(timeoutMs, undefined, { ref: false })]);
      },
      onAcked: (b) => this.#ackDone(b) && this.#settle(b),
      onExpired: (b, reason) => this.#ackExpired(b, reason),
      onRestart: (_e, channel) => this.#newChannel(channel),
      log: this.#log,
    });
    const stallMs = options.stallWarnMs ?? 60_000;
    this.#stallTimer = setInterval(() => this.#warnIfStalled(), stallMs);
    this.#stallTimer.unref();
  }

  /** `tag` travels with the event into reports (forward: its line number). */
  send(event: SplunkEvent, tag?: number): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closing) return Promise.reject(new UndeliveredError(1, `HEC sink is closed; event ${event.id} was not accepted`));
    const json = toHecJson(this.#withDefaults(event));
    const bytes = Buffer.byteLength(json);
    this.#stats.accepted++;
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
    if (await this.#idle(deadlineMs)) return;
    const pending = this.#queue.pendingEvents();
    throw new UndeliveredError(pending, `HEC flush: ${pending} event(s) still undelivered after ${deadlineMs} ms`);
  }

  /** Drains up to the deadline. Called again meanwhile (a second signal), the shorter deadline wins. */
  async close(deadlineMs = DEFAULT_DRAIN_MS): Promise<CloseReport> {
    this.#closing = true;
    this.#queue.seal();
    const drained = await this.#idle(deadlineMs);
    if (!drained) {
      const pending = this.#queue.pendingEvents();
      this.#log.error(`HEC sink closing with ${pending} event(s) undelivered after the ${deadlineMs} ms deadline`);
      this.#abandon((b) => this.#drainCause(b, deadlineMs));
    }
    clearInterval(this.#stallTimer);
    this.#acks.close();
    this.#endpoints.close();
    if (this.#ownsDispatcher) await this.#dispatcher.destroy().catch(() => {});
    const s = this.#stats;
    return { delivered: s.delivered, undelivered: s.accepted - s.delivered - s.refused, refused: s.refused };
  }

  stats(): SinkStats & { refused: number; unacknowledged: number } {
    return { ...this.#stats, queuedBytes: this.#gate.used - this.#flight.bytes, inFlightBytes: this.#flight.bytes };
  }

  /** Undelivered events grouped by their real cause (for the closing report). */
  undeliveredCauses(): Array<{ events: number; message: string }> {
    return this.#causes.list();
  }

  /** The channel GUID in use (changes on code 11, a connection failure, or a detected restart). */
  get channel(): string {
    return this.#channel;
  }

  #withDefaults(e: SplunkEvent): SplunkEvent {
    const c = this.config;
    if ((c.index === undefined || e.index !== undefined) && (c.host === undefined || e.host !== undefined) && (c.source === undefined || e.source !== undefined)) return e;
    return { ...e, index: e.index ?? c.index, host: e.host ?? c.host, source: e.source ?? c.source };
  }

  #pump(): void {
    while (this.#queue.hasReady && this.#flight.count < this.config.max_in_flight && !(this.config.ack && this.#acks.full) && !this.#abort.signal.aborted && !this.#fatal) {
      const b = this.#queue.next()!;
      this.#flight.start(b);
      void this.#deliver(b);
    }
  }

  async #encode(b: Batch): Promise<Buffer> {
    if (!this.config.gzip) return b.body();
    b.encoded ??= await gzipBody(b.body());
    return b.encoded;
  }

  #newChannel(old: string): void {
    if (this.#channel === old) this.#channel = randomUUID();
  }

  /**
   * No HEC answer came back for a send on `channel` (connection lost, timeout, a proxy's page):
   * HEC may have taken it — and if HEC restarted, handed out an ack id that a batch pending
   * there also holds, so a later "true" could answer for the wrong batch. With ack on, that
   * channel is retired: the sink moves to a new one and sends what waited there again.
   * Duplicates are possible (same event ids), a loss is not.
   */
  #ambiguous(endpoint: Endpoint, channel: string, why: string): void {
    if (!this.config.ack) return;
    this.#newChannel(channel);
    this.#acks.retire(endpoint, channel, `a send on its channel got no HEC answer (${why}); its acknowledgements can no longer be trusted`);
  }

  async #deliver(b: Batch): Promise<void> {
    const signal = this.#abort.signal;
    let sent: Sent;
    try {
      sent = await withRetry(
        async (attempt) => {
          if (attempt > 1) this.#stats.retries++;
          return this.#attempt(b, signal);
        },
        this.#policy,
        {
          signal,
          classify: classifyHecFailure,
          onRetry: (err, retry, delayMs) => {
            this.#noteFailure(b, err);
            this.#log.warn(`batch ${b.seq} (${b.remaining} events) not delivered: ${b.lastFailure}; retry ${retry}/${this.#policy.retries} in ${delayMs} ms`);
          },
        },
      );
    } catch (err) {
      // Judge the failure before the next batch may start: a permanent one stops it going out.
      this.#flight.flying.delete(b);
      this.#afterFailure(b, err);
      this.#leaveFlight(b);
      return;
    }
    // The outcome first, then the next batch may go (ack off on the token must stop it).
    try {
      if (sent === 'settled' || !this.config.ack) this.#settle(b);
      else if (sent.ackId === undefined) this.#unacknowledged(b, sent.endpoint);
      else {
        this.#flight.awaitAck(b);
        this.#acks.add(sent.endpoint, sent.channel, sent.ackId, b);
      }
    } finally {
      if (sent !== 'settled') sent.handled();
      this.#leaveFlight(b);
    }
  }

  /**
   * One attempt: POST the unsettled rest of the batch. A partial reply (`invalid-event-number`)
   * settles the events before the bad one, refuses a bad one, and sends the rest at once. While
   * every endpoint is set aside, a failed trial request waits for the next trial without using
   * up the batch's retries: back-pressure, not loss.
   */
  async #attempt(b: Batch, signal: AbortSignal): Promise<Sent> {
    for (;;) {
      if (this.#fatal) throw this.#fatal;
      const body = await this.#encode(b);
      const endpoint = await this.#endpoints.acquire(signal);
      const trial = !endpoint.healthy;
      const channel = this.#channel;
      const handled = this.#sending.track(channel);
      let outcome;
      try {
        outcome = await this.#client.sendBatch(endpoint, channel, body, this.config.gzip, signal);
      } catch (err) {
        handled();
        if (err instanceof HecUnavailableError) {
          this.#endpoints.setAside(endpoint, err.message);
          this.#ambiguous(endpoint, channel, err.message);
          if (trial && !signal.aborted) {
            this.#noteFailure(b, err);
            continue;
          }
        }
        throw err;
      }
      if (outcome.ok) {
        this.#endpoints.succeeded(endpoint);
        return { endpoint, channel, ackId: outcome.ackId, handled };
      }
      handled();
      const err = outcome.error;
      const n = outcome.invalidEvent;
      if (n !== undefined && n > 0 && n < b.remaining) {
        // HEC indexed the events before the one it names.
        this.#stats.delivered += n;
        b.skip(n);
      }
      if (err instanceof HecBadEventError && (n !== undefined || b.remaining === 1)) {
        this.#refuse(b, b.first, `HTTP ${err.reply.status} code ${err.reply.hecCode} "${err.reply.text}"`);
        b.skip(1);
        if (b.remaining === 0) return 'settled';
        continue; // the events after the bad one, at once
      }
      if (err instanceof HecBatchTooLargeError && b.remaining === 1) {
        this.#refuse(b, b.first, `too large for HEC (HTTP 413 "${err.reply.text}"); HEC's limit is max_content_length in limits.conf [http_input]`);
        b.skip(1);
        return 'settled';
      }
      if (err instanceof HecUnavailableError && err.setAside) this.#endpoints.setAside(endpoint, err.message);
      if (err instanceof HecInvalidChannelError) this.#newChannel(channel);
      if ((err instanceof HecUnavailableError && err.ambiguous) || err instanceof HecUnexpectedReplyError) this.#ambiguous(endpoint, channel, err.message);
      if (trial && classifyHecFailure(err).retry && !signal.aborted) {
        this.#noteFailure(b, err);
        continue;
      }
      throw err;
    }
  }

  #noteFailure(b: Batch, err: unknown): void {
    b.lastFailure = (err as Error).message;
    b.lastFailureCode = (err as { code?: string }).code;
  }

  #leaveFlight(b: Batch): void {
    this.#flight.land(b);
    this.#pump();
  }

  /** The batch's last attempt failed for good: retries spent, its events bad, or delivery must stop. */
  #afterFailure(b: Batch, err: unknown): void {
    if (this.#abort.signal.aborted) return; // abandoned: already counted with its cause
    if (this.#fatal) return this.#fail(b, this.#fatal, true); // the stop is reported once, by #stop
    if (classifyHecFailure(err).retry) {
      this.#fail(b, new HecDeliveryError(b.remaining, `${b.remaining} event(s) not delivered after ${this.#policy.retries + 1} attempts: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (err instanceof HecBadEventError) {
      // No invalid-event-number on a batch of several: HEC did not say which; none was indexed.
      while (b.remaining > 0) {
        this.#refuse(b, b.first, `HTTP ${err.reply.status} code ${err.reply.hecCode} "${err.reply.text}" (for the whole batch)`);
        b.skip(1);
      }
      this.#settle(b);
      return;
    }
    if (err instanceof HecBatchTooLargeError) {
      return this.#permanent(b, new HecRejectedError(err.reply, `a batch of ${b.bytes} bytes is over HEC's max_content_length; lower batch_bytes below it (limits.conf [http_input] max_content_length on the HEC side)`, 'HEC_BATCH_TOO_LARGE'));
    }
    if (err instanceof HecIndexError) return this.#permanent(b, new HecIndexError(err.reply, this.#indexOf(b)));
    this.#permanent(b, err as Error);
  }

  /** Every batch would meet this error: stop everything, or (services) fail this batch only. */
  #permanent(b: Batch, err: Error): void {
    if (this.#o.stopOnPermanentError) this.#stop(err);
    else this.#fail(b, err);
  }

  /** The index the first unsettled event of the batch goes to (for an error naming it). */
  #indexOf(b: Batch): string | undefined {
    try {
      const o = JSON.parse(b.event(b.first).json) as { index?: unknown };
      return typeof o.index === 'string' ? o.index : (this.config.index ?? "the token's default index");
    } catch {
      return this.config.index;
    }
  }

  /** Reports event `i` of the batch as refused by HEC; it is never resent. */
  #refuse(b: Batch, i: number, reason: string): void {
    const err = refusalOf(b, i, reason);
    this.#stats.refused++;
    b.refused++;
    if (this.#o.onRefused) this.#o.onRefused(err);
    else this.#log.error(describeError(err));
  }

  /** Ack on, code 0, no ackId: indexed, never to be confirmed. Counted delivered-unacknowledged; delivery stops. */
  #unacknowledged(b: Batch, endpoint: Endpoint): void {
    const n = b.remaining;
    this.#stats.unacknowledged += n;
    this.#settle(b);
    const err = new HecAckNotGivenError(endpoint.label, n);
    if (this.#o.stopOnPermanentError) this.#stop(err);
    else if (this.#stats.unacknowledged === n) this.#log.error(describeError(err)); // said once; the count grows in stats
  }

  /** Drops the batch from the ack bookkeeping; false when it had already left it. */
  #ackDone(b: Batch): boolean {
    return this.#flight.ackDone(b);
  }

  #ackExpired(b: Batch, reason: string): void {
    if (!this.#ackDone(b) || this.#abort.signal.aborted) return;
    b.ackResends++;
    b.lastFailure = reason;
    b.lastFailureCode = 'HEC_ACK_MISSING';
    this.#stats.retries++;
    if (b.ackResends > this.#policy.retries) {
      this.#fail(b, new HecDeliveryError(b.remaining, `${b.remaining} event(s) never acknowledged after ${b.ackResends} sends: ${reason}`));
      return;
    }
    this.#log.warn(`batch ${b.seq} (${b.remaining} events): ${reason}; sending it again (same event ids)`);
    this.#queue.requeue(b);
    this.#pump();
  }

  /** Every unsettled event of the batch is delivered. */
  #settle(b: Batch): void {
    if (b.settled) return;
    this.#stats.delivered += b.remaining;
    b.skip(b.remaining);
    b.resolve();
    this.#release(b);
  }

  #fail(b: Batch, err: unknown, quiet = false): void {
    if (b.settled) return;
    const n = b.remaining;
    this.#stats.failed += n;
    this.#causes.note(err, n);
    if (!quiet) this.#log.error(`batch ${b.seq}: ${n} event(s) not delivered: ${(err as Error).message}`);
    b.reject(err);
    this.#release(b);
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
    this.#abandon(() => err, this.#flight.flying);
  }

  #drainCause(b: Batch, deadlineMs: number): Error {
    const why = b.lastFailure ? ` (last attempt: ${b.lastFailure})` : this.#flight.awaitingAck.has(b) ? ' (accepted by HEC, acknowledgement pending)' : '';
    const when = deadlineMs > 0 ? `within the ${deadlineMs} ms drain deadline` : 'before delivery was cut short';
    const e = new UndeliveredError(b.remaining, `not delivered ${when}${why}`);
    return Object.assign(e, { code: b.lastFailureCode ?? e.code });
  }

  /** Frees a settled batch's bytes, lets waiting callers in, and wakes flush/close when idle. */
  #release(b: Batch): void {
    // An aborted request may still hold the body: only reuse storage of a finished exchange.
    if (!this.#queue.release(b, !this.#abort.signal.aborted)) return;
    this.#pump();
    if (this.#queue.isIdle()) {
      const w = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Every endpoint set aside and events waiting: say so at least once per stallWarnMs. */
  #warnIfStalled(): void {
    const aside = this.#endpoints.allAsideForMs();
    const waiting = this.#queue.pendingEvents();
    if (aside === undefined || waiting === 0 || this.#fatal) return;
    let last: string | undefined;
    for (const b of this.#queue.outstanding) last ??= b.lastFailure;
    this.#log.warn(
      `every HEC endpoint has been set aside for ${Math.round(aside / 1000)} s; ${waiting} event(s) wait (nothing is dropped; a real request is tried every ${Math.max(this.config.health_check_interval, this.config.retry_max_delay)} s)${last ? `; last failure: ${last}` : ''}`,
    );
  }

  /** Waits until idle or the deadline; true when idle. */
  #idle(deadlineMs: number): Promise<boolean> {
    if (this.#queue.isIdle()) return Promise.resolve(true);
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

  /** Stop every attempt (but those `spared` on the wire) and reject what is left, counted with its cause, never silently. */
  #abandon(cause: (b: Batch) => Error, spared: ReadonlySet<Batch> = new Set()): void {
    if (spared.size === 0) this.#abort.abort(new UndeliveredError(this.#queue.pendingEvents(), 'HEC sink stopped'));
    // The line first: a released batch must not admit waiting events into new batches.
    const waiting = this.#gate.abandon(() => new UndeliveredError(1, 'HEC sink stopped before this event could be queued'));
    this.#stats.failed += waiting;
    this.#causes.note(this.#fatal ?? new UndeliveredError(waiting, 'waiting for room when the sink stopped'), waiting);
    for (const b of this.#acks.close()) this.#ackDone(b);
    for (const b of this.#flight.awaitingAck) this.#ackDone(b);
    this.#queue.dropReady();
    if (this.#queue.hasOpenBatch) this.#queue.seal();
    this.#queue.dropReady();
    for (const b of [...this.#queue.outstanding]) if (!spared.has(b)) this.#fail(b, cause(b), true);
  }
}
