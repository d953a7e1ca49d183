import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../core/errors.js';
import { SER_API_RATE_LIMIT } from './config.js';

export interface RateLimiterOptions {
  /** Requests per minute; Infinity turns the limiter off (benchmarks only). */
  perMinute: number;
  /** Refuse a higher rate than this (the API's limit; a simulator may allow more). */
  ceilingPerMinute?: number;
  /**
   * Added to every minute: absorbs timer lateness and network jitter between our send time
   * and the server's receive time, so a server counting any 60 s window never sees more
   * than perMinute requests (250 ms of 60 s costs 0.4 % of throughput).
   */
  marginMs?: number;
}

/**
 * Paces requests evenly (a GCRA without burst): request k may start no earlier than
 * (60 s + margin) / perMinute after request k-1 was scheduled. Even pacing, unlike a burst
 * bucket, keeps the guarantee across a restart of the process: the new process starts at the
 * same pace and cannot double up on the minute the old one began.
 */
export class RateLimiter {
  readonly perMinute: number;
  readonly intervalMs: number;
  #next = 0;
  #granted = 0;

  constructor(o: RateLimiterOptions) {
    const ceiling = o.ceilingPerMinute ?? SER_API_RATE_LIMIT;
    if (!(o.perMinute > 0)) throw new ConfigError(`rate_limit_per_minute must be above 0, got ${o.perMinute}`);
    if (o.perMinute > ceiling) throw new ConfigError(`rate_limit_per_minute ${o.perMinute} is above the ${ceiling} requests per minute the API allows`);
    this.perMinute = o.perMinute;
    this.intervalMs = Number.isFinite(o.perMinute) ? (60_000 + (o.marginMs ?? 250)) / o.perMinute : 0;
  }

  /** Resolves when the caller may send one request; rejects if the signal aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#granted += 1;
    if (this.intervalMs === 0) return;
    const now = performance.now();
    const slot = Math.max(this.#next, now);
    this.#next = slot + this.intervalMs;
    // Bounded: each turn sleeps at least 1 ms and the slot does not move.
    for (let t = performance.now(); t < slot; t = performance.now()) {
      await sleep(Math.max(1, Math.ceil(slot - t)), undefined, { signal });
    }
  }

  get granted(): number {
    return this.#granted;
  }
}

/**
 * One limiter per account (API URL + client id) in this process, whichever input or command
 * asks: two inputs on one account share the budget; two accounts never do.
 */
const shared = new Map<string, RateLimiter>();

export function limiterForAccount(apiUrl: string, clientId: string, options: RateLimiterOptions): RateLimiter {
  const key = `${apiUrl}\u001f${clientId}`;
  const found = shared.get(key);
  // The first caller fixes the rate; a stricter later caller tightens it.
  if (found && found.perMinute <= options.perMinute) return found;
  const limiter = new RateLimiter(options);
  shared.set(key, limiter);
  return limiter;
}
