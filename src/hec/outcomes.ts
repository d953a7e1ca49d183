import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Batch } from './batch.js';
import type { HecEventRefusedError } from './errors.js';
import { refusalOf, UndeliveredCauses } from './undelivered-causes.js';

export interface OutcomesOptions {
  log: Logger;
  /** The sink's options, read at each refusal: `onRefused` reports one event HEC refused; default: one ERROR line each. */
  handlers: { onRefused?: (err: HecEventRefusedError) => void };
  /** A batch settled: free its room (it is called once per settlement, maybe again for a batch already released). */
  release: (b: Batch) => void;
}

/**
 * Where each accepted event ends: delivered, refused (HEC says it is bad; never resent) or
 * undelivered (failed, counted with its cause). The counts behind stats() and the closing
 * report, so `accepted = delivered + refused + undelivered` always.
 */
export class Outcomes {
  readonly stats = { accepted: 0, delivered: 0, failed: 0, refused: 0, unacknowledged: 0, retries: 0 };
  /** Undelivered events by cause, for a closing report that names each real cause. */
  readonly causes = new UndeliveredCauses();
  readonly #o: OutcomesOptions;

  constructor(options: OutcomesOptions) {
    this.#o = options;
  }

  /** Every unsettled event of the batch is delivered. */
  settle(b: Batch): void {
    if (b.settled) return;
    this.stats.delivered += b.remaining;
    b.skip(b.remaining);
    b.resolve();
    this.#o.release(b);
  }

  /** Every unsettled event of the batch is undelivered, for `err`; `quiet` when its cause is reported elsewhere. */
  fail(b: Batch, err: unknown, quiet = false): void {
    if (b.settled) return;
    const n = b.remaining;
    this.stats.failed += n;
    this.causes.note(err, n);
    if (!quiet) this.#o.log.error(`batch ${b.seq}: ${n} event(s) not delivered: ${(err as Error).message}`);
    b.reject(err);
    this.#o.release(b);
  }

  /** Reports event `i` of the batch as refused by HEC; it is never resent. */
  refuse(b: Batch, i: number, reason: string): void {
    const err = refusalOf(b, i, reason);
    this.stats.refused++;
    b.refused++;
    const h = this.#o.handlers;
    if (h.onRefused) h.onRefused(err);
    else this.#o.log.error(describeError(err));
  }
}
