import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/logger.js';
import { AckTracker } from './acks.js';
import type { Batch } from './batch.js';
import { ChannelSends } from './channel-sends.js';
import type { HecClient } from './client.js';
import type { HecDestination } from './config.js';
import type { Endpoint } from './endpoints.js';
import { HecDeliveryError } from './errors.js';
import type { Flight } from './flight.js';
import type { Outcomes } from './outcomes.js';

export interface BatchAcksOptions {
  config: HecDestination;
  client: HecClient;
  /** Aborted when the sink stops: polls end, and an expiry no longer resends. */
  signal: AbortSignal;
  flight: Flight;
  outcomes: Outcomes;
  /** Sends of one batch allowed after the first (the retry policy's `retries`): ack resends count against it. */
  retries: number;
  /** Puts a batch whose ack expired at the head of the line and starts what may go. */
  resend: (b: Batch) => void;
  log: Logger;
}

/**
 * The sink's side of indexer acknowledgement: the channel GUID in use and the sends on the
 * wire per channel, batches waiting for their ack (AckTracker does the polling), and what
 * happens to a batch whose ack expires (sent again, same event ids, within the retry budget).
 */
export class BatchAcks {
  readonly #o: BatchAcksOptions;
  readonly #tracker: AckTracker<Batch>;
  #channel = randomUUID();
  /** Per channel: sends on the wire whose reply is not yet handled (ack polls wait for them). */
  readonly #sending = new ChannelSends();

  constructor(options: BatchAcksOptions) {
    this.#o = options;
    const config = options.config;
    const timeoutMs = Math.round(config.request_timeout * 1000);
    this.#tracker = new AckTracker<Batch>({
      pollIntervalMs: config.ack_poll_interval * 1000,
      timeoutMs: config.ack_timeout * 1000,
      maxPending: config.max_pending_acks,
      reorderWindow: config.max_in_flight,
      poll: (e, channel, ids) => options.client.pollAcks(e, channel, ids, options.signal),
      // A send on this channel whose reply is still unread may carry an ack id HEC handed out
      // again after a restart: read those replies before the poll goes out, so the poll neither
      // answers for the wrong batch nor uses up (HEC says true once) the ack of a new one. Only
      // small ids are at risk: before HEC's new life can reach an id of 2 × max_in_flight, a
      // reply of ours with a small id has shown the restart (AckTracker). Bounded: a reply is
      // read within request_timeout, and the round's expiry must always come.
      beforePoll: async (_e, channel, ids) => {
        if (Math.min(...ids) < 2 * config.max_in_flight) await Promise.race([this.#sending.settled(channel), sleep(timeoutMs, undefined, { ref: false })]);
      },
      onAcked: (b) => this.ackDone(b) && options.outcomes.settle(b),
      onExpired: (b, reason) => this.#expired(b, reason),
      onRestart: (_e, channel) => this.newChannel(channel),
      log: options.log,
    });
  }

  /** The channel GUID in use (changes on code 11, a connection failure, or a detected restart). */
  get channel(): string {
    return this.#channel;
  }

  /** Registers one send on `channel`; call the returned function once its reply is handled. */
  track(channel: string): () => void {
    return this.#sending.track(channel);
  }

  /** Moves to a new channel, unless that already happened since `old` was in use. */
  newChannel(old: string): void {
    if (this.#channel === old) this.#channel = randomUUID();
  }

  /** The pending-ack cap is reached: no batch may go out until acks come in (back-pressure). */
  get full(): boolean {
    return this.#tracker.full;
  }

  /** HEC accepted the batch with `ackId` on (endpoint, channel): it waits for its ack, in flight. */
  add(endpoint: Endpoint, channel: string, ackId: number, b: Batch): void {
    this.#o.flight.awaitAck(b);
    this.#tracker.add(endpoint, channel, ackId, b);
  }

  /** Drops the batch from the ack bookkeeping; false when it had already left it. */
  ackDone(b: Batch): boolean {
    return this.#o.flight.ackDone(b);
  }

  /**
   * No HEC answer came back for a send on `channel` (connection lost, timeout, a proxy's page):
   * HEC may have taken it — and if HEC restarted, handed out an ack id that a batch pending
   * there also holds, so a later "true" could answer for the wrong batch. With ack on, that
   * channel is retired: the sink moves to a new one and sends what waited there again.
   * Duplicates are possible (same event ids), a loss is not.
   */
  ambiguous(endpoint: Endpoint, channel: string, why: string): void {
    if (!this.#o.config.ack) return;
    this.newChannel(channel);
    this.#tracker.retire(endpoint, channel, `a send on its channel got no HEC answer (${why}); its acknowledgements can no longer be trusted`);
  }

  /** Stops polling; every batch that waited for its ack leaves the bookkeeping (the sink fails it). */
  abandon(): void {
    for (const b of this.#tracker.close()) this.ackDone(b);
    for (const b of this.#o.flight.awaitingAck) this.ackDone(b);
  }

  /** Stops polling (close). */
  close(): void {
    this.#tracker.close();
  }

  #expired(b: Batch, reason: string): void {
    if (!this.ackDone(b) || this.#o.signal.aborted) return;
    b.ackResends++;
    b.lastFailure = reason;
    b.lastFailureCode = 'HEC_ACK_MISSING';
    this.#o.outcomes.stats.retries++;
    if (b.ackResends > this.#o.retries) {
      this.#o.outcomes.fail(b, new HecDeliveryError(b.remaining, `${b.remaining} event(s) never acknowledged after ${b.ackResends} sends: ${reason}`));
      return;
    }
    this.#o.log.warn(`batch ${b.seq} (${b.remaining} events): ${reason}; sending it again (same event ids)`);
    this.#o.resend(b);
  }
}
