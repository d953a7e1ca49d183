import type { SplunkEvent } from '../core/event.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';

/**
 * One input's view of a shared sink: it counts what this input handed over and what was
 * delivered, for the telemetry's per-input figures. Closing it does not close the shared
 * sink (other inputs still use it); the runner closes that.
 */
export class MeteredSink implements Sink {
  readonly #inner: Sink;
  #accepted = 0;
  #delivered = 0;
  #failed = 0;
  #lastDeliveredAt = 0;

  constructor(inner: Sink) {
    this.#inner = inner;
  }

  get saturated(): boolean {
    return this.#inner.saturated === true;
  }

  async send(event: SplunkEvent): Promise<void> {
    this.#accepted++;
    try {
      await this.#inner.send(event);
    } catch (err) {
      this.#failed++;
      throw err;
    }
    this.#delivered++;
    this.#lastDeliveredAt = Date.now();
  }

  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    this.#accepted += events.length;
    try {
      await this.#inner.sendAll(events);
    } catch (err) {
      this.#failed += events.length;
      throw err;
    }
    this.#delivered += events.length;
    this.#lastDeliveredAt = Date.now();
  }

  flush(deadlineMs?: number): Promise<void> {
    return this.#inner.flush(deadlineMs);
  }

  async close(): Promise<CloseReport> {
    return { delivered: this.#delivered, undelivered: this.#accepted - this.#delivered - this.#failed };
  }

  /** Only this input's counts; retries and bytes belong to the shared sink. */
  stats(): SinkStats {
    return { accepted: this.#accepted, delivered: this.#delivered, failed: this.#failed, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }

  get lastDeliveredAt(): number {
    return this.#lastDeliveredAt;
  }
}
