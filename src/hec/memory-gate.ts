/**
 * The memory cap of a sink: bytes queued and in flight. A caller whose event would take the
 * sink over the cap waits in line (first come, first admitted) holding its serialised event;
 * as settled batches release bytes, waiting callers are admitted in order. A caller that only
 * wants to know when there is room (`waitForCapacity`) waits in the same line, holding nothing.
 */
interface Waiter {
  json: string | undefined;
  bytes: number;
  tag: number | undefined;
  resolve: (v: Promise<void> | void) => void;
  reject: (err: unknown) => void;
}

export class MemoryGate {
  readonly cap: number;
  /** Bytes held now (the sink adds on accept and subtracts on settle). */
  used = 0;
  #waiters: Waiter[] = [];

  constructor(cap: number) {
    this.cap = cap;
  }

  /** True while callers would wait. */
  get full(): boolean {
    return this.#waiters.length > 0 || this.used >= this.cap;
  }

  /** Whether `bytes` more must wait in line. */
  mustWait(bytes: number): boolean {
    return this.#waiters.length > 0 || this.used + bytes > this.cap;
  }

  /** Waits for room for `json` (or, without json, for any room); settles as the admitted add does. */
  wait(json: string | undefined, bytes: number, tag?: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiters.push({ json, bytes: json === undefined ? 1 : bytes, tag, resolve, reject }));
  }

  /** Lets waiting callers in while there is room; `add` puts an admitted event into a batch. */
  admit(add: (json: string, bytes: number, tag: number | undefined) => Promise<void>): void {
    while (this.#waiters.length > 0) {
      const w = this.#waiters[0]!;
      if (this.used + w.bytes > this.cap) return;
      this.#waiters.shift();
      w.resolve(w.json === undefined ? undefined : add(w.json, w.bytes, w.tag));
    }
  }

  /** Events waiting in line (callers waiting only for room are not events). */
  get waitingEvents(): number {
    let n = 0;
    for (const w of this.#waiters) if (w.json !== undefined) n++;
    return n;
  }

  /** Empties the line: waiting events are rejected with `err`, mere room waiters released. Returns the events. */
  abandon(err: () => unknown): number {
    const waiters = this.#waiters;
    this.#waiters = [];
    let n = 0;
    for (const w of waiters) {
      if (w.json === undefined) w.resolve();
      else {
        n++;
        w.reject(err());
      }
    }
    return n;
  }
}
