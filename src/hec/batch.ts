/**
 * A batch of serialised events, capped in bytes (before compression). `tryAdd` refuses an
 * event that would take it over capacity, so the caller seals it and starts the next one.
 * Events are written straight into one buffer of `capacity` bytes: each event's JSON string
 * dies young, and nothing of a batch waiting for its ack lives on the JavaScript heap.
 * The batch carries one settlement shared by all its events: their `send()` promises.
 */
export class Batch {
  readonly seq: number;
  readonly capacity: number;
  /** Bytes of the body (events plus the newline between them). */
  bytes = 0;
  /** Events in the batch. */
  count = 0;
  /** Times this batch was sent again because its ack expired (bounded by the retry budget). */
  ackResends = 0;
  /** Why the latest attempt failed: named in the report if the batch is abandoned at close. */
  lastFailure: string | undefined;
  /** Error code of the latest failure: undelivered events are grouped by it in the closing report. */
  lastFailureCode: string | undefined;
  /**
   * Events before this one are settled (indexed, or refused and reported): after a partial
   * reply (`invalid-event-number`) only the rest is sent again.
   */
  first = 0;
  /** Events of this batch HEC refused as bad data (reported one by one, never resent). */
  refused = 0;
  /** End offset (exclusive) of each event in the body, for partial replies. */
  readonly #ends: number[] = [];
  /** The caller's tag of each event (forward: its line number), for reports by line. */
  readonly #tags: Array<number | undefined> = [];
  /** The gzip body, made once and reused by every resend. */
  encoded: Buffer | undefined;
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (err: unknown) => void;
  #settled = false;
  #sealed = false;
  #buffer: Buffer | undefined;

  /** `buffer`, when given, is reused storage of at least `capacity` bytes (see BatchBuffers). */
  constructor(seq: number, capacity: number, buffer?: Buffer) {
    this.seq = seq;
    this.capacity = capacity;
    this.#buffer = buffer && buffer.length >= capacity ? buffer : undefined;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Callers await `done`; this keeps a batch nobody awaits from crashing the process.
    this.done.catch(() => {});
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Adds one serialised event of `bytes` UTF-8 bytes; false when it does not fit. */
  tryAdd(json: string, bytes: number, tag?: number): boolean {
    if (this.#sealed) return false;
    const add = this.count === 0 ? bytes : bytes + 1;
    if (this.bytes + add > this.capacity) return false;
    this.#buffer ??= Buffer.allocUnsafe(this.capacity);
    if (this.count > 0) this.#buffer[this.bytes++] = 10; // newline between events
    this.bytes += this.#buffer.write(json, this.bytes, 'utf8');
    this.count++;
    this.#ends.push(this.bytes);
    this.#tags.push(tag);
    return true;
  }

  /** Events not yet settled (sent again after a partial reply). */
  get remaining(): number {
    return this.count - this.first;
  }

  #start(i: number): number {
    return i === 0 ? 0 : this.#ends[i - 1]! + 1;
  }

  /** The request body: the unsettled events' JSON objects, one per line (HEC takes them concatenated). */
  body(): Buffer {
    this.#sealed = true;
    return (this.#buffer ?? Buffer.alloc(0)).subarray(this.first === 0 ? 0 : this.#start(this.first), this.bytes);
  }

  /** Event `i` (0-based in the whole batch) as sent: its JSON text, its size and its tag. */
  event(i: number): { json: string; bytes: number; tag: number | undefined } {
    const from = this.#start(i);
    const to = this.#ends[i]!;
    return { json: (this.#buffer ?? Buffer.alloc(0)).toString('utf8', from, to), bytes: to - from, tag: this.#tags[i] };
  }

  /** Marks the next `n` unsettled events settled; the body shrinks to what is left. */
  skip(n: number): void {
    this.first = Math.min(this.count, this.first + n);
    this.encoded = undefined;
  }

  /** Hands the storage back once the batch is settled (for reuse by a later batch). */
  takeBuffer(): Buffer | undefined {
    const b = this.#buffer;
    this.#buffer = undefined;
    this.#sealed = true;
    return b;
  }

  resolve(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve();
  }

  reject(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(err);
  }
}

/** A small free list of batch buffers, so steady sending allocates no new megabytes. */
export class BatchBuffers {
  readonly #free: Buffer[] = [];
  readonly #size: number;
  readonly #max: number;

  constructor(size: number, max: number) {
    this.#size = size;
    this.#max = max;
  }

  take(): Buffer | undefined {
    return this.#free.pop();
  }

  give(b: Buffer | undefined): void {
    if (b && b.length === this.#size && this.#free.length < this.#max) this.#free.push(b);
  }
}
