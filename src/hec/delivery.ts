import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { withRetry, type RetryPolicy } from '../core/retry.js';
import type { Batch } from './batch.js';
import type { BatchAcks } from './batch-acks.js';
import type { HecClient } from './client.js';
import type { HecDestination } from './config.js';
import type { Endpoint, Endpoints } from './endpoints.js';
import {
  HecAckNotGivenError,
  HecBadEventError,
  HecBatchTooLargeError,
  HecDeliveryError,
  HecIndexError,
  HecInvalidChannelError,
  HecRejectedError,
  HecUnavailableError,
  HecUnexpectedReplyError,
} from './errors.js';
import type { Flight } from './flight.js';
import { gzipBody } from './gzip-body.js';
import type { Outcomes } from './outcomes.js';
import { classifyHecFailure } from './retry-verdict.js';

export interface DeliveryOptions {
  config: HecDestination;
  policy: RetryPolicy;
  /** Aborted when the sink stops: attempts end, and their failures are no longer judged. */
  signal: AbortSignal;
  client: HecClient;
  endpoints: Endpoints;
  acks: BatchAcks;
  flight: Flight;
  outcomes: Outcomes;
  log: Logger;
  /** The sink's options, read when a permanent error or an ack-less reply comes. */
  stopping: { stopOnPermanentError?: boolean };
  /** Why delivery stopped for good, once it has. */
  fatal: () => Error | undefined;
  /** Stops all delivery for good (stopOnPermanentError). */
  stop: (err: Error) => void;
  /** The batch's requests are over: its place in flight is free for the next batch. */
  land: (b: Batch) => void;
}

/** What one attempt achieved: sent (maybe awaiting an ack), or every event settled along the way. */
type Sent = { endpoint: Endpoint; channel: string; ackId: number | undefined; handled: () => void } | 'settled';

/**
 * The send of one batch and the handling of HEC's replies to it: gzip, POST to the next
 * endpoint under the one retry policy (core withRetry, HEC's classifier), partial replies,
 * refused events, and the verdict once retries are spent or the error is permanent.
 */
export class Delivery {
  readonly #o: DeliveryOptions;

  constructor(options: DeliveryOptions) {
    this.#o = options;
  }

  /** Delivers one batch taken off the line (already counted in flight); settles or fails it. */
  async deliver(b: Batch): Promise<void> {
    const { signal, policy, outcomes } = this.#o;
    let sent: Sent;
    try {
      sent = await withRetry(
        async (attempt) => {
          if (attempt > 1) outcomes.stats.retries++;
          return this.#attempt(b, signal);
        },
        policy,
        {
          signal,
          classify: classifyHecFailure,
          onRetry: (err, retry, delayMs) => {
            noteFailure(b, err);
            this.#o.log.warn(`batch ${b.seq} (${b.remaining} events) not delivered: ${b.lastFailure}; retry ${retry}/${policy.retries} in ${delayMs} ms`);
          },
        },
      );
    } catch (err) {
      // Judge the failure before the next batch may start: a permanent one stops it going out.
      this.#o.flight.flying.delete(b);
      this.#afterFailure(b, err);
      this.#o.land(b);
      return;
    }
    // The outcome first, then the next batch may go (ack off on the token must stop it).
    try {
      if (sent === 'settled' || !this.#o.config.ack) outcomes.settle(b);
      else if (sent.ackId === undefined) this.#unacknowledged(b, sent.endpoint);
      else this.#o.acks.add(sent.endpoint, sent.channel, sent.ackId, b); // awaiting its ack, the batch is still in flight
    } finally {
      if (sent !== 'settled') sent.handled();
      this.#o.land(b);
    }
  }

  /**
   * One attempt: POST the unsettled rest of the batch. A partial reply (`invalid-event-number`)
   * settles the events before the bad one, refuses a bad one, and sends the rest at once. While
   * every endpoint is set aside, a failed trial request waits for the next trial without using
   * up the batch's retries: back-pressure, not loss.
   */
  async #attempt(b: Batch, signal: AbortSignal): Promise<Sent> {
    const { endpoints, acks, outcomes } = this.#o;
    for (;;) {
      const fatal = this.#o.fatal();
      if (fatal) throw fatal;
      const body = await this.#encode(b);
      const endpoint = await endpoints.acquire(signal);
      const trial = !endpoint.healthy;
      const channel = acks.channel;
      const handled = acks.track(channel);
      let outcome;
      try {
        outcome = await this.#o.client.sendBatch(endpoint, channel, body, this.#o.config.gzip, signal);
      } catch (err) {
        handled();
        if (err instanceof HecUnavailableError) {
          endpoints.setAside(endpoint, err.message);
          acks.ambiguous(endpoint, channel, err.message);
          if (trial && !signal.aborted) {
            noteFailure(b, err);
            continue;
          }
        }
        throw err;
      }
      if (outcome.ok) {
        endpoints.succeeded(endpoint);
        return { endpoint, channel, ackId: outcome.ackId, handled };
      }
      handled();
      const err = outcome.error;
      const n = outcome.invalidEvent;
      if (n !== undefined && n > 0 && n < b.remaining) {
        // HEC indexed the events before the one it names.
        outcomes.stats.delivered += n;
        b.skip(n);
      }
      if (err instanceof HecBadEventError && (n !== undefined || b.remaining === 1)) {
        outcomes.refuse(b, b.first, `HTTP ${err.reply.status} code ${err.reply.hecCode} "${err.reply.text}"`);
        b.skip(1);
        if (b.remaining === 0) return 'settled';
        continue; // the events after the bad one, at once
      }
      if (err instanceof HecBatchTooLargeError && b.remaining === 1) {
        outcomes.refuse(b, b.first, `too large for HEC (HTTP 413 "${err.reply.text}"); HEC's limit is max_content_length in limits.conf [http_input]`);
        b.skip(1);
        return 'settled';
      }
      if (err instanceof HecUnavailableError && err.setAside) endpoints.setAside(endpoint, err.message);
      if (err instanceof HecInvalidChannelError) acks.newChannel(channel);
      if ((err instanceof HecUnavailableError && err.ambiguous) || err instanceof HecUnexpectedReplyError) acks.ambiguous(endpoint, channel, err.message);
      if (trial && classifyHecFailure(err).retry && !signal.aborted) {
        noteFailure(b, err);
        continue;
      }
      throw err;
    }
  }

  async #encode(b: Batch): Promise<Buffer> {
    if (!this.#o.config.gzip) return b.body();
    b.encoded ??= await gzipBody(b.body());
    return b.encoded;
  }

  /** The batch's last attempt failed for good: retries spent, its events bad, or delivery must stop. */
  #afterFailure(b: Batch, err: unknown): void {
    const { outcomes } = this.#o;
    if (this.#o.signal.aborted) return; // abandoned: already counted with its cause
    const fatal = this.#o.fatal();
    if (fatal) return outcomes.fail(b, fatal, true); // the stop is reported once, by the sink's stop
    if (classifyHecFailure(err).retry) {
      outcomes.fail(b, new HecDeliveryError(b.remaining, `${b.remaining} event(s) not delivered after ${this.#o.policy.retries + 1} attempts: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (err instanceof HecBadEventError) {
      // No invalid-event-number on a batch of several: HEC did not say which; none was indexed.
      while (b.remaining > 0) {
        outcomes.refuse(b, b.first, `HTTP ${err.reply.status} code ${err.reply.hecCode} "${err.reply.text}" (for the whole batch)`);
        b.skip(1);
      }
      outcomes.settle(b);
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
    if (this.#o.stopping.stopOnPermanentError) this.#o.stop(err);
    else this.#o.outcomes.fail(b, err);
  }

  /** The index the first unsettled event of the batch goes to (for an error naming it). */
  #indexOf(b: Batch): string | undefined {
    try {
      const o = JSON.parse(b.event(b.first).json) as { index?: unknown };
      return typeof o.index === 'string' ? o.index : (this.#o.config.index ?? "the token's default index");
    } catch {
      return this.#o.config.index;
    }
  }

  /** Ack on, code 0, no ackId: indexed, never to be confirmed. Counted delivered-unacknowledged; delivery stops. */
  #unacknowledged(b: Batch, endpoint: Endpoint): void {
    const { outcomes } = this.#o;
    const n = b.remaining;
    outcomes.stats.unacknowledged += n;
    outcomes.settle(b);
    const err = new HecAckNotGivenError(endpoint.label, n);
    if (this.#o.stopping.stopOnPermanentError) this.#o.stop(err);
    else if (outcomes.stats.unacknowledged === n) this.#o.log.error(describeError(err)); // said once; the count grows in stats
  }
}

function noteFailure(b: Batch, err: unknown): void {
  b.lastFailure = (err as Error).message;
  b.lastFailureCode = (err as { code?: string }).code;
}
