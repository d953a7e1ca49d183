/**
 * A batch of serialised events, capped in bytes (before compression). `tryAdd` refuses an
 * event that would take it over capacity, so the caller seals it and starts the next one.
 * The batch carries one settlement shared by all its events: their `send()` promises.
 */
export class Batch {
  readonly seq: number;
  readonly capacity: number;
  #parts: string[] = [];
  /** Events in the batch. */
  count = 0;
  /** Bytes of the body (events plus the newline between them). */
  bytes = 0;
  /** Times this batch was sent again because its ack expired (bounded by the retry budget). */
  ackResends = 0;
  /** The gzip body, made once and reused by every resend. */
  encoded: Buffer | undefined;
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (err: unknown) => void;
  #settled = false;
  #body: Buffer | undefined;

  constructor(seq: number, capacity: number) {
    this.seq = seq;
    this.capacity = capacity;
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
  tryAdd(json: string, bytes: number): boolean {
    if (this.#body !== undefined) return false; // sealed: its body is built
    const add = this.count === 0 ? bytes : bytes + 1;
    if (this.bytes + add > this.capacity) return false;
    this.#parts.push(json);
    this.count++;
    this.bytes += add;
    return true;
  }

  /**
   * The request body: the events' JSON objects, one per line (HEC takes them concatenated).
   * A Buffer outside the JS heap: the strings are freed, and the garbage collector does not
   * walk megabytes of batches waiting for their ack.
   */
  body(): Buffer {
    if (this.#body === undefined) {
      this.#body = Buffer.from(this.#parts.join('\n'));
      this.#parts = []; // the body replaces the parts: hold each byte once
    }
    return this.#body;
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
