import type { SplunkEvent } from './event.js';

/**
 * Where events go. `send` resolves only when the event is delivered (HEC code 0 and, with
 * indexer acknowledgement, its ack id true), so a source can move its checkpoint on it; it
 * waits (back-pressure) when the sink's memory cap is reached, and rejects with a typed error
 * when delivery is abandoned.
 */
export interface Sink {
  send(event: SplunkEvent): Promise<void>;
  /** Delivered when every event in the list is delivered. */
  sendAll(events: readonly SplunkEvent[]): Promise<void>;
  /** Pushes out what is batched and waits for it, up to the deadline. */
  flush(deadlineMs?: number): Promise<void>;
  /** Stops accepting, drains up to the deadline, and reports what could not be delivered. */
  close(deadlineMs?: number): Promise<CloseReport>;
  stats(): SinkStats;
  /**
   * True while new events would only wait: the memory cap is reached or no destination is
   * reachable. A source that can refuse work (the mail receiver's 503) checks it first, so
   * the sender keeps its data instead of waiting out a delivery deadline.
   */
  readonly saturated?: boolean;
}

export interface CloseReport {
  delivered: number;
  undelivered: number;
  /** Events the destination refused as bad (reported one by one, never resent); not in `undelivered`. */
  refused?: number;
}

export interface SinkStats {
  accepted: number;
  delivered: number;
  failed: number;
  /** Events the destination refused as bad (never resent). */
  refused?: number;
  retries: number;
  queuedBytes: number;
  inFlightBytes: number;
}

/** A sink that keeps events in memory: for unit tests of sources and for dry runs. */
export class MemorySink implements Sink {
  readonly events: SplunkEvent[] = [];
  #closed = false;

  async send(event: SplunkEvent): Promise<void> {
    if (this.#closed) throw new Error('sink is closed');
    this.events.push(event);
  }

  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    for (const e of events) await this.send(e);
  }

  async flush(): Promise<void> {}

  async close(): Promise<CloseReport> {
    this.#closed = true;
    return { delivered: this.events.length, undelivered: 0 };
  }

  stats(): SinkStats {
    const n = this.events.length;
    return { accepted: n, delivered: n, failed: 0, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}
