import type { Logger } from '../core/logger.js';
import type { Endpoint } from './endpoints.js';
import type { AckOutcome } from './status.js';

/**
 * Indexer acknowledgement: batches HEC accepted but has not yet confirmed as indexed. Polled
 * on an interval per (endpoint, channel) — ack ids are only meaningful there. An ack that does
 * not turn true within the timeout, or whose channel the indexer forgot, expires: the sink
 * sends that batch again (same event ids). A cap on pending acks is back-pressure.
 *
 * Poll cadence: an indexer often acknowledges within a fraction of a second, and a batch
 * waiting for its ack holds room under the sink's memory cap. So the first poll after a quiet
 * spell comes after 1/8 of the interval, and polls stay that close while each round finds new
 * acks; a round that finds none doubles the wait, up to the interval. A slow indexer therefore
 * costs at most three extra polls per quiet spell, and a fast one never waits a whole interval.
 */
export interface AckTrackerOptions<T> {
  pollIntervalMs: number;
  timeoutMs: number;
  maxPending: number;
  poll: (endpoint: Endpoint, channel: string, ackIds: number[]) => Promise<AckOutcome>;
  onAcked: (item: T) => void;
  onExpired: (item: T, reason: string) => void;
  log: Logger;
}

interface Pending<T> {
  endpoint: Endpoint;
  channel: string;
  ackId: number;
  item: T;
  sentAt: number;
}

/** Most ack ids asked in one poll request. */
const MAX_IDS_PER_POLL = 1000;
/** The shortest wait between polls, as a fraction of the interval (see the cadence note above). */
const SHORTEST_POLL_FRACTION = 8;

export class AckTracker<T> {
  readonly #o: AckTrackerOptions<T>;
  readonly #pending = new Map<string, Pending<T>>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #roomWaiters: Array<() => void> = [];
  #closed = false;
  #delayMs: number;
  /** Per endpoint: why its latest ack poll failed (cleared by a poll that worked), for expiry reasons. */
  readonly #pollFailures = new Map<string, string>();

  constructor(options: AckTrackerOptions<T>) {
    this.#o = options;
    this.#delayMs = this.#shortestDelay;
  }

  get #shortestDelay(): number {
    return this.#o.pollIntervalMs / SHORTEST_POLL_FRACTION;
  }

  get size(): number {
    return this.#pending.size;
  }

  get full(): boolean {
    return this.#pending.size >= this.#o.maxPending;
  }

  add(endpoint: Endpoint, channel: string, ackId: number, item: T): void {
    if (this.#pending.size === 0) this.#delayMs = this.#shortestDelay;
    this.#pending.set(`${endpoint.label}\u0000${channel}\u0000${ackId}`, { endpoint, channel, ackId, item, sentAt: Date.now() });
    this.#arm();
  }

  /** Resolves once fewer than maxPending acks are outstanding. */
  async waitForRoom(): Promise<void> {
    while (this.full && !this.#closed) await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Stops polling and hands back what was never acknowledged. */
  close(): T[] {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const left = [...this.#pending.values()].map((p) => p.item);
    this.#pending.clear();
    this.#wake();
    return left;
  }

  #arm(): void {
    if (this.#timer || this.#polling || this.#closed || this.#pending.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#round();
    }, this.#delayMs);
  }

  #wake(): void {
    const w = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const f of w) f();
  }

  #remove(key: string): Pending<T> | undefined {
    const p = this.#pending.get(key);
    if (p) this.#pending.delete(key);
    return p;
  }

  async #round(): Promise<void> {
    this.#polling = true;
    try {
      const groups = new Map<string, Array<[string, Pending<T>]>>();
      for (const [key, p] of this.#pending) {
        const g = `${p.endpoint.label}\u0000${p.channel}`;
        let list = groups.get(g);
        if (!list) groups.set(g, (list = []));
        list.push([key, p]);
      }
      const acked = (await Promise.all([...groups.values()].map((list) => this.#pollGroup(list)))).reduce((a, b) => a + b, 0);
      this.#delayMs = acked > 0 ? this.#shortestDelay : Math.min(this.#delayMs * 2, this.#o.pollIntervalMs);
      const now = Date.now();
      for (const [key, p] of this.#pending) {
        if (now - p.sentAt >= this.#o.timeoutMs) {
          this.#remove(key);
          const failure = this.#pollFailures.get(p.endpoint.label);
          this.#o.onExpired(p.item, `no acknowledgement from ${p.endpoint.label} within ${this.#o.timeoutMs} ms (ack id ${p.ackId})${failure ? `; the last ack poll failed: ${failure}` : ''}`);
        }
      }
    } finally {
      this.#polling = false;
      this.#wake();
      this.#arm();
    }
  }

  /** Polls one (endpoint, channel) group; resolves to the number of acks that turned true. */
  async #pollGroup(list: Array<[string, Pending<T>]>): Promise<number> {
    let acked = 0;
    for (let i = 0; i < list.length; i += MAX_IDS_PER_POLL) {
      const slice = list.slice(i, i + MAX_IDS_PER_POLL);
      const { endpoint, channel } = slice[0]![1];
      let outcome: AckOutcome;
      try {
        outcome = await this.#o.poll(endpoint, channel, slice.map(([, p]) => p.ackId));
      } catch (err) {
        // Unreachable for now: the ack may still come; expiry decides (and names this failure).
        this.#pollFailures.set(endpoint.label, (err as Error).message);
        this.#o.log.debug({ endpoint: endpoint.label, err: (err as Error).message }, 'ack poll failed');
        continue;
      }
      this.#pollFailures.delete(endpoint.label);
      if (this.#closed) return acked;
      if (!outcome.ok) {
        if (outcome.invalidChannel) {
          for (const [key, p] of slice) {
            if (this.#remove(key)) this.#o.onExpired(p.item, `channel no longer known to ${endpoint.label}`);
          }
        } else {
          this.#o.log.warn({ endpoint: endpoint.label }, `ack poll refused: ${outcome.error.message}`);
        }
        continue;
      }
      for (const [key, p] of slice) {
        if (outcome.acks[String(p.ackId)] === true && this.#remove(key)) {
          acked++;
          this.#o.onAcked(p.item);
        }
      }
    }
    return acked;
  }
}
