import { Batch, BatchBuffers } from './batch.js';
import type { HecDestination } from './config.js';
import type { MemoryGate } from './memory-gate.js';

export interface BatchQueueOptions {
  config: Pick<HecDestination, 'batch_bytes' | 'batch_interval' | 'max_buffer_bytes'>;
  /** The memory cap: bytes of accepted, unsettled batches count against it until release. */
  gate: MemoryGate;
  /** A batch joined the line: start what may go. */
  pump: () => void;
}

/**
 * Events into batches: the open batch fills up to batch_bytes, or is sealed after
 * batch_interval, then waits in line until the sink may send it. A batch accepted and not yet
 * settled is outstanding, and its bytes hold room under the memory cap until it is released.
 */
export class BatchQueue {
  readonly #o: BatchQueueOptions;
  readonly #buffers: BatchBuffers;
  #seq = 0;
  #current: Batch | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #ready: Batch[] = [];
  readonly #outstanding = new Set<Batch>();

  constructor(options: BatchQueueOptions) {
    this.#o = options;
    const c = options.config;
    // Enough spare buffers to refill the memory cap once; beyond that, let them go.
    this.#buffers = new BatchBuffers(c.batch_bytes, Math.ceil(c.max_buffer_bytes / c.batch_bytes) + 2);
  }

  /** Accepted batches not yet settled: the open one, those in line, in flight, awaiting acks. */
  get outstanding(): ReadonlySet<Batch> {
    return this.#outstanding;
  }

  /** Whether a batch waits in line to be sent. */
  get hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** The next batch in line, taken out of it. */
  next(): Batch | undefined {
    return this.#ready.shift();
  }

  /** Puts a batch back at the head of the line (its ack expired: it is sent again first). */
  requeue(b: Batch): void {
    this.#ready.unshift(b);
  }

  /** Empties the line (the sink stopped: the batches stay outstanding until failed). */
  dropReady(): void {
    this.#ready.length = 0;
  }

  get hasOpenBatch(): boolean {
    return this.#current !== undefined;
  }

  /** Adds one serialised event to the open batch (or a new one); settles with its batch. */
  add(json: string, bytes: number, tag: number | undefined): Promise<void> {
    const gate = this.#o.gate;
    let b = this.#current;
    const before = b?.bytes ?? 0;
    if (b && b.tryAdd(json, bytes, tag)) {
      gate.used += b.bytes - before;
      return b.done;
    }
    if (b) this.seal();
    b = this.#current = new Batch(++this.#seq, this.#o.config.batch_bytes, this.#buffers.take());
    b.tryAdd(json, bytes, tag);
    gate.used += b.bytes;
    this.#outstanding.add(b);
    this.#timer = setTimeout(() => this.seal(), this.#o.config.batch_interval * 1000);
    return b.done;
  }

  /**
   * An event larger than batch_bytes goes alone in its own request (HEC takes bodies up to its
   * max_content_length, far above batch_bytes by default). It bypasses the memory line: it
   * could never fit under a cap smaller than itself, and waiting would stall every caller.
   */
  addAlone(json: string, bytes: number, tag: number | undefined): Promise<void> {
    const b = new Batch(++this.#seq, bytes);
    b.tryAdd(json, bytes, tag);
    this.#o.gate.used += b.bytes;
    this.#outstanding.add(b);
    this.#ready.push(b);
    this.#o.pump();
    return b.done;
  }

  /** Closes the open batch and queues it for sending. */
  seal(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const b = this.#current;
    this.#current = undefined;
    if (!b || b.count === 0) return;
    this.#ready.push(b);
    this.#o.pump();
  }

  /**
   * Callers are waiting for room: if nothing but the open batch holds the room, send it now
   * rather than after batch_interval (the cap may be smaller than one batch).
   */
  sealIfOnlyOpenBatch(): void {
    if (this.#current && this.#outstanding.size === 1) this.seal();
  }

  /**
   * Frees a settled batch's bytes and lets waiting callers in; false when it had already been
   * released. `reuseBuffer` is false once requests were aborted: one may still hold the body.
   */
  release(b: Batch, reuseBuffer: boolean): boolean {
    if (!this.#outstanding.delete(b)) return false;
    const gate = this.#o.gate;
    gate.used -= b.bytes;
    if (reuseBuffer) this.#buffers.give(b.takeBuffer());
    b.encoded = undefined;
    gate.admit((json, bytes, tag) => this.add(json, bytes, tag));
    return true;
  }

  /** Nothing outstanding and nobody waiting in line for room. */
  isIdle(): boolean {
    return this.#outstanding.size === 0 && this.#o.gate.waitingEvents === 0;
  }

  /** Events not yet settled: in outstanding batches, and waiting in line for room. */
  pendingEvents(): number {
    let n = 0;
    for (const b of this.#outstanding) n += b.remaining;
    return n + this.#o.gate.waitingEvents;
  }
}
