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
  /**
   * Awaited before a poll is sent: the sink reads the channel's unread send replies here. HEC
   * answers an ack true once and then forgets it, so a poll for ids that a restart has already
   * handed to new batches would use up their acks; the ids still pending after this wait are
   * the ones polled.
   */
  beforePoll?: (endpoint: Endpoint, channel: string, ackIds: number[]) => Promise<void>;
  onAcked: (item: T) => void;
  onExpired: (item: T, reason: string) => void;
  /**
   * Most sends that can be on the wire at once on one channel: ack ids arrive at most this
   * far out of order, so an id further below the highest one seen means HEC started again.
   */
  reorderWindow?: number;
  /** HEC restarted on this (endpoint, channel): the sink should move to a new channel. */
  onRestart?: (endpoint: Endpoint, channel: string) => void;
  log: Logger;
}

interface Pending<T> {
  endpoint: Endpoint;
  channel: string;
  ackId: number;
  item: T;
  sentAt: number;
}

/** One (endpoint, channel) as far as ack ids go: its life (bumped on restart) and highest id. */
interface ChannelLife {
  life: number;
  highest: number;
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
  readonly #lives = new Map<string, ChannelLife>();
  /** Channels no longer trusted (retire): a reply read late on one of them is sent again at once. */
  readonly #retired = new Set<string>();

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

  /**
   * Tracks one accepted batch. A restarted indexer forgets its channels and hands out ack ids
   * from 0 again: an id already pending, or one further below the highest than reordering
   * allows, means the batches pending on that channel belong to HEC's previous life. Their
   * acks will never come (or would answer for someone else's batch), so they are sent again
   * at once — every batch is kept; none is overwritten by the newcomer with the same id.
   */
  add(endpoint: Endpoint, channel: string, ackId: number, item: T): void {
    if (this.#pending.size === 0) this.#delayMs = this.#shortestDelay;
    const group = `${endpoint.label}\u0000${channel}`;
    if (this.#retired.has(group)) {
      // A reply read after its channel was retired: HEC may have lost it in a restart and the
      // channel may be unknown or reborn there, so its ack cannot be trusted either.
      this.#o.onExpired(item, `ack id ${ackId} arrived on a retired channel of ${endpoint.label}`);
      return;
    }
    let life = this.#lives.get(group);
    if (!life) this.#lives.set(group, (life = { life: 0, highest: -1 }));
    const window = this.#o.reorderWindow ?? 64;
    if (this.#pending.has(`${group}\u0000${life.life}\u0000${ackId}`) || ackId + window <= life.highest) {
      this.#restarted(group, life, endpoint, channel, ackId);
    }
    life.highest = Math.max(life.highest, ackId);
    this.#pending.set(`${group}\u0000${life.life}\u0000${ackId}`, { endpoint, channel, ackId, item, sentAt: Date.now() });
    this.#arm();
  }

  /** Expires every ack pending on (endpoint, channel): the sink stopped trusting that channel. */
  retire(endpoint: Endpoint, channel: string, reason: string): void {
    const group = `${endpoint.label}\u0000${channel}`;
    this.#retired.add(group);
    // Bounded: a long-lived service retires a channel on every lost connection.
    if (this.#retired.size > 1000) this.#retired.delete(this.#retired.values().next().value!);
    const old = this.#takeGroup(group);
    for (const p of old) this.#o.onExpired(p.item, `ack id ${p.ackId} on ${endpoint.label}: ${reason}`);
  }

  /** Removes and returns every ack pending on one (endpoint, channel) group, whatever its life. */
  #takeGroup(group: string): Array<Pending<T>> {
    const prefix = `${group}\u0000`;
    const old: Array<Pending<T>> = [];
    for (const [key, p] of this.#pending) {
      if (key.startsWith(prefix)) {
        this.#pending.delete(key);
        old.push(p);
      }
    }
    return old;
  }

  #restarted(group: string, life: ChannelLife, endpoint: Endpoint, channel: string, ackId: number): void {
    const old = this.#takeGroup(group);
    life.life++;
    life.highest = -1;
    this.#o.log.warn(`HEC ${endpoint.label} handed out ack id ${ackId} again on channel ${channel}: it restarted and forgot that channel's acknowledgements; sending the ${old.length} batch(es) that waited there again (same event ids)`);
    this.#o.onRestart?.(endpoint, channel);
    for (const p of old) this.#o.onExpired(p.item, `${endpoint.label} restarted (ack id ${p.ackId} handed out again) before acknowledging it`);
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
      const asked = list.slice(i, i + MAX_IDS_PER_POLL);
      const { endpoint, channel } = asked[0]![1];
      await this.#o.beforePoll?.(endpoint, channel, asked.map(([, p]) => p.ackId));
      if (this.#closed) return acked;
      // A restart seen meanwhile retired some of them: their ids now belong to new batches.
      const slice = asked.filter(([key, p]) => this.#pending.get(key) === p);
      if (slice.length === 0) continue;
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
            if (this.#pending.get(key) === p && this.#remove(key)) this.#o.onExpired(p.item, `channel no longer known to ${endpoint.label} (restarted, or the channel expired)`);
          }
        } else {
          this.#o.log.warn({ endpoint: endpoint.label }, `ack poll refused: ${outcome.error.message}`);
        }
        continue;
      }
      for (const [key, p] of slice) {
        // Only the very entry polled: one retired by a restart meanwhile is not acknowledged.
        if (outcome.acks[String(p.ackId)] === true && this.#pending.get(key) === p) {
          this.#pending.delete(key);
          acked++;
          this.#o.onAcked(p.item);
        }
      }
    }
    return acked;
  }
}
