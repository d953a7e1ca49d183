import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../core/errors.js';
import { SER_API_RATE_LIMIT } from './config.js';
import { budgetFile, SharedBudget } from './shared-budget.js';

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
  /** Share the budget with the other processes of this host through this file (shared-budget.ts). */
  shared?: SharedBudget;
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
  readonly #shared: SharedBudget | undefined;
  #next = 0;
  #granted = 0;

  constructor(o: RateLimiterOptions) {
    const ceiling = o.ceilingPerMinute ?? SER_API_RATE_LIMIT;
    if (!(o.perMinute > 0)) throw new ConfigError(`rate_limit_per_minute must be above 0, got ${o.perMinute}`);
    if (o.perMinute > ceiling) throw new ConfigError(`rate_limit_per_minute ${o.perMinute} is above the ${ceiling} requests per minute the API allows`);
    this.perMinute = o.perMinute;
    this.intervalMs = Number.isFinite(o.perMinute) ? (60_000 + (o.marginMs ?? 250)) / o.perMinute : 0;
    this.#shared = this.intervalMs > 0 ? o.shared : undefined;
  }

  /** The budget file shared with other processes, if any. */
  get sharedFile(): string | undefined {
    return this.#shared?.file;
  }

  /** Resolves when the caller may send one request; rejects if the signal aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#granted += 1;
    if (this.intervalMs === 0) return;
    let slot: number;
    if (this.#shared) {
      // The slot is wall-clock time (shared between processes); wait for it on this process's clock.
      const at = await this.#shared.reserve(this.intervalMs, signal);
      slot = performance.now() + (at - Date.now());
    } else {
      slot = Math.max(this.#next, performance.now());
      this.#next = slot + this.intervalMs;
    }
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
 * asks: two inputs on one account share the budget; two accounts never do. With `budgetDir`
 * (the checkpoint directory), the budget is also shared with the other processes of this host
 * that use the account and the same directory.
 */
const perAccount = new Map<string, RateLimiter>();

export function limiterForAccount(apiUrl: string, clientId: string, options: Omit<RateLimiterOptions, 'shared'> & { budgetDir?: string }): RateLimiter {
  const key = `${apiUrl}\u001f${clientId}\u001f${options.budgetDir ?? ''}`;
  const found = perAccount.get(key);
  // The first caller fixes the rate; a stricter later caller tightens it.
  if (found && found.perMinute <= options.perMinute) return found;
  const { budgetDir, ...rest } = options;
  const limiter = new RateLimiter({ ...rest, shared: budgetDir ? new SharedBudget(budgetFile(budgetDir, apiUrl, clientId)) : undefined });
  perAccount.set(key, limiter);
  return limiter;
}
