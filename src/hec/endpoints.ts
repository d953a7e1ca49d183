import type { Logger } from '../core/logger.js';

/**
 * The HEC URLs of one destination (indexers or load balancers): handed out round-robin; one
 * that fails is set aside and probed with `GET /services/collector/health` until it answers
 * healthy. With every endpoint set aside, `acquire` waits (back-pressure), it never drops.
 */
export interface Endpoint {
  /** Origin, e.g. https://hec1:8088. */
  readonly origin: string;
  /** Path prefix before /services/collector (a load balancer may mount HEC under a path). */
  readonly prefix: string;
  /** For messages: origin + prefix. */
  readonly label: string;
  healthy: boolean;
}

export interface EndpointsOptions {
  /** True when the endpoint answers its health check as healthy. */
  probe: (endpoint: Endpoint) => Promise<boolean>;
  probeIntervalMs: number;
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
  readonly #o: EndpointsOptions;

  constructor(urls: readonly string[], options: EndpointsOptions) {
    this.all = urls.map(parseEndpoint);
    this.#o = options;
  }

  /** The next healthy endpoint in turn, or undefined when all are set aside. */
  pick(): Endpoint | undefined {
    const n = this.all.length;
    for (let i = 0; i < n; i++) {
      const e = this.all[(this.#next + i) % n]!;
      if (e.healthy) {
        this.#next = (this.#next + i + 1) % n;
        return e;
      }
    }
    return undefined;
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
      });
    }
  }

  get healthyCount(): number {
    return this.all.filter((e) => e.healthy).length;
  }

  /** Takes an endpoint out of rotation until its health probe passes. */
  setAside(e: Endpoint, reason: string): void {
    if (!e.healthy || this.#closed) return;
    e.healthy = false;
    this.#o.log.warn(`HEC endpoint ${e.label} set aside (${reason}); probing its health every ${this.#o.probeIntervalMs} ms`);
    this.#schedule(e);
  }

  #schedule(e: Endpoint): void {
    const t = setTimeout(() => {
      this.#timers.delete(e);
      void this.#probe(e);
    }, this.#o.probeIntervalMs);
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
    if (this.#closed) return;
    if (!ok) return this.#schedule(e);
    e.healthy = true;
    this.#o.log.info(`HEC endpoint ${e.label} is healthy again`);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
