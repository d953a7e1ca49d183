import type { Logger } from '../core/logger.js';

/**
 * The HEC URLs of one destination (indexers or load balancers): handed out round-robin; one
 * that fails is set aside and probed with `GET /services/collector/health` until it answers
 * healthy. With every endpoint set aside, `acquire` waits (back-pressure), it never drops —
 * but `/health` may stay 503 while HEC's queues drain and events would be accepted, so a
 * set-aside endpoint is also handed out for one real request (a trial) every
 * `trialIntervalMs`; a trial that succeeds brings it back.
 *
 * The probes back off: the first comes after `FIRST_PROBE_MS`, each next one waits twice as
 * long, up to `probeIntervalMs`. One busy reply (a 503 from a queue that drains in a moment)
 * then costs well under a second of set-aside, not a whole probe interval, while an endpoint
 * that stays down is still probed only once per interval. This matters most to the mail
 * receiver, which answers connectors 503 at once while every endpoint is set aside.
 */
export interface Endpoint {
  /** Origin, e.g. https://hec1:8088. */
  readonly origin: string;
  /** Path prefix before /services/collector (a load balancer may mount HEC under a path). */
  readonly prefix: string;
  /** For messages: origin + prefix. */
  readonly label: string;
  healthy: boolean;
  /** When a set-aside endpoint may next be handed out for one real request. */
  nextTrialAt?: number;
  /** Health probes that failed since it was set aside (the backoff's exponent). */
  failedProbes?: number;
}

/** Delay of the first health probe after an endpoint is set aside. */
export const FIRST_PROBE_MS = 250;

/** Delay before the next health probe of an endpoint whose `failed` probes have failed so far. */
export function probeDelay(failed: number, probeIntervalMs: number): number {
  return Math.min(probeIntervalMs, FIRST_PROBE_MS * 2 ** Math.min(failed, 30));
}

export interface EndpointsOptions {
  /** True when the endpoint answers its health check as healthy. */
  probe: (endpoint: Endpoint) => Promise<boolean>;
  probeIntervalMs: number;
  /** Longest wait between real requests to a set-aside endpoint (default: the probe interval). */
  trialIntervalMs?: number;
  log: Logger;
}

/** Splits a configured URL into origin and path prefix; a pasted …/services/collector/event suffix is dropped. */
export function parseEndpoint(url: string): Endpoint {
  const u = new URL(url);
  const prefix = u.pathname.replace(/\/services\/collector.*$/, '').replace(/\/+$/, '');
  return { origin: u.origin, prefix, label: `${u.origin}${prefix}`, healthy: true };
}

export class Endpoints {
  readonly all: readonly Endpoint[];
  #next = 0;
  #waiters: Array<() => void> = [];
  #timers = new Map<Endpoint, NodeJS.Timeout>();
  #closed = false;
  #trialTimer: NodeJS.Timeout | undefined;
  /** Since when every endpoint has been set aside (undefined while one is healthy). */
  #allAsideSince: number | undefined;
  readonly #o: EndpointsOptions;

  constructor(urls: readonly string[], options: EndpointsOptions) {
    this.all = urls.map(parseEndpoint);
    this.#o = options;
  }

  /**
   * The next healthy endpoint in turn; when all are set aside, one whose trial is due (it is
   * handed out once, then waits another interval); else undefined.
   */
  pick(now = Date.now()): Endpoint | undefined {
    const n = this.all.length;
    for (let i = 0; i < n; i++) {
      const e = this.all[(this.#next + i) % n]!;
      if (e.healthy) {
        this.#next = (this.#next + i + 1) % n;
        return e;
      }
    }
    for (const e of this.all) {
      if (e.nextTrialAt !== undefined && e.nextTrialAt <= now) {
        e.nextTrialAt = now + this.#trialMs;
        return e;
      }
    }
    return undefined;
  }

  get #trialMs(): number {
    return this.#o.trialIntervalMs ?? this.#o.probeIntervalMs;
  }

  /** Milliseconds every endpoint has been set aside; undefined while one is healthy. */
  allAsideForMs(now = Date.now()): number | undefined {
    return this.#allAsideSince === undefined ? undefined : now - this.#allAsideSince;
  }

  /** A request to `e` worked: a set-aside endpoint is back (its trial passed). */
  succeeded(e: Endpoint): void {
    if (e.healthy || this.#closed) return;
    this.#o.log.info(`HEC endpoint ${e.label} accepted a request again; back in rotation`);
    this.#restore(e);
  }

  #restore(e: Endpoint): void {
    e.healthy = true;
    e.nextTrialAt = undefined;
    e.failedProbes = undefined;
    this.#allAsideSince = undefined;
    const t = this.#timers.get(e);
    if (t) clearTimeout(t);
    this.#timers.delete(e);
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** While callers wait, wake them when the earliest trial falls due. */
  #armTrial(): void {
    if (this.#trialTimer || this.#closed || this.#waiters.length === 0) return;
    let due = Infinity;
    for (const e of this.all) if (e.nextTrialAt !== undefined) due = Math.min(due, e.nextTrialAt);
    if (due === Infinity) return;
    this.#trialTimer = setTimeout(() => {
      this.#trialTimer = undefined;
      this.#wakeAll();
    }, Math.max(0, due - Date.now()));
  }

  /** Waits until an endpoint is healthy (or the signal aborts). */
  async acquire(signal?: AbortSignal): Promise<Endpoint> {
    for (;;) {
      const e = this.pick();
      if (e) return e;
      if (signal?.aborted) throw signal.reason;
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.#waiters = this.#waiters.filter((w) => w !== wake);
          reject(signal!.reason);
        };
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#armTrial();
      });
    }
  }

  get healthyCount(): number {
    return this.all.filter((e) => e.healthy).length;
  }

  /** Takes an endpoint out of rotation until its health probe passes. */
  setAside(e: Endpoint, reason: string): void {
    if (this.#closed) return;
    if (!e.healthy) {
      // A failed trial: the next one waits its interval (pick already moved it).
      e.nextTrialAt ??= Date.now() + this.#trialMs;
      return;
    }
    e.healthy = false;
    e.failedProbes = 0;
    e.nextTrialAt = Date.now() + this.#trialMs;
    if (this.healthyCount === 0) this.#allAsideSince ??= Date.now();
    this.#o.log.warn(`HEC endpoint ${e.label} set aside (${reason}); probing its health after ${probeDelay(0, this.#o.probeIntervalMs)} ms, backing off to every ${this.#o.probeIntervalMs} ms, and trying a real request every ${this.#trialMs} ms`);
    this.#schedule(e);
  }

  #schedule(e: Endpoint): void {
    const t = setTimeout(() => {
      this.#timers.delete(e);
      void this.#probe(e);
    }, probeDelay(e.failedProbes ?? 0, this.#o.probeIntervalMs));
    this.#timers.set(e, t);
  }

  async #probe(e: Endpoint): Promise<void> {
    if (this.#closed) return;
    let ok = false;
    try {
      ok = await this.#o.probe(e);
    } catch {
      ok = false;
    }
    if (this.#closed || e.healthy) return;
    if (!ok) {
      e.failedProbes = (e.failedProbes ?? 0) + 1;
      return this.#schedule(e);
    }
    this.#o.log.info(`HEC endpoint ${e.label} is healthy again`);
    this.#restore(e);
  }

  close(): void {
    this.#closed = true;
    if (this.#trialTimer) clearTimeout(this.#trialTimer);
    this.#trialTimer = undefined;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
