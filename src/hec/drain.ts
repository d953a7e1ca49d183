import { UndeliveredError } from '../core/errors.js';
import type { Batch } from './batch.js';
import type { BatchAcks } from './batch-acks.js';
import type { BatchQueue } from './batch-queue.js';
import type { MemoryGate } from './memory-gate.js';
import type { Outcomes } from './outcomes.js';

export interface DrainOptions {
  queue: BatchQueue;
  gate: MemoryGate;
  acks: BatchAcks;
  outcomes: Outcomes;
  /** The sink's abort: aborting it ends every attempt and ack poll. */
  abort: AbortController;
  /** Why delivery stopped for good, once it has. */
  fatal: () => Error | undefined;
}

/**
 * The end of delivery: flush and close wait until every accepted event has settled, up to a
 * deadline; what is left then (or when a permanent error stops the sink) is abandoned —
 * rejected and counted with its cause, never dropped silently.
 */
export class Drain {
  readonly #o: DrainOptions;
  #idleWaiters: Array<() => void> = [];

  constructor(options: DrainOptions) {
    this.#o = options;
  }

  /** Wakes flush/close once nothing is outstanding (called after each release). */
  wakeIfIdle(): void {
    if (this.#o.queue.isIdle()) {
      const w = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Waits until idle or the deadline; true when idle. */
  idle(deadlineMs: number): Promise<boolean> {
    if (this.#o.queue.isIdle()) return Promise.resolve(true);
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
  abandon(cause: (b: Batch) => Error, spared: ReadonlySet<Batch> = new Set()): void {
    const { queue, outcomes } = this.#o;
    if (spared.size === 0) this.#o.abort.abort(new UndeliveredError(queue.pendingEvents(), 'HEC sink stopped'));
    // The line first: a released batch must not admit waiting events into new batches.
    const waiting = this.#o.gate.abandon(() => new UndeliveredError(1, 'HEC sink stopped before this event could be queued'));
    outcomes.stats.failed += waiting;
    outcomes.causes.note(this.#o.fatal() ?? new UndeliveredError(waiting, 'waiting for room when the sink stopped'), waiting);
    this.#o.acks.abandon();
    queue.dropReady();
    if (queue.hasOpenBatch) queue.seal();
    queue.dropReady();
    for (const b of [...queue.outstanding]) if (!spared.has(b)) outcomes.fail(b, cause(b), true);
  }
}

/** Why a batch left at the drain deadline is undelivered: its last failure, or its pending ack. */
export function drainCause(b: Batch, deadlineMs: number, awaitingAck: ReadonlySet<Batch>): Error {
  const why = b.lastFailure ? ` (last attempt: ${b.lastFailure})` : awaitingAck.has(b) ? ' (accepted by HEC, acknowledgement pending)' : '';
  const when = deadlineMs > 0 ? `within the ${deadlineMs} ms drain deadline` : 'before delivery was cut short';
  const e = new UndeliveredError(b.remaining, `not delivered ${when}${why}`);
  return Object.assign(e, { code: b.lastFailureCode ?? e.code });
}
