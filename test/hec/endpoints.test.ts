import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Endpoints, FIRST_PROBE_MS, parseEndpoint, probeDelay, type Endpoint } from '../../src/hec/endpoints.js';

describe('parseEndpoint', () => {
  it('keeps origin and a load balancer path prefix, drops a pasted collector path', () => {
    expect(parseEndpoint('https://hec1:8088')).toMatchObject({ origin: 'https://hec1:8088', prefix: '' });
    expect(parseEndpoint('https://lb.example.com/splunk/')).toMatchObject({ origin: 'https://lb.example.com', prefix: '/splunk' });
    expect(parseEndpoint('https://hec1:8088/services/collector/event')).toMatchObject({ prefix: '' });
    expect(parseEndpoint('https://lb/x/services/collector')).toMatchObject({ prefix: '/x', label: 'https://lb/x' });
  });
});

describe('Endpoints', () => {
  function make(urls: string[], healthy: (e: Endpoint) => boolean, trialIntervalMs = 60_000) {
    const probes: string[] = [];
    const eps = new Endpoints(urls, {
      probe: async (e) => {
        probes.push(e.origin);
        return healthy(e);
      },
      probeIntervalMs: 5,
      trialIntervalMs,
      log: silentLogger,
    });
    return { eps, probes };
  }

  it('hands out healthy endpoints round-robin', () => {
    const { eps } = make(['http://a:1', 'http://b:1', 'http://c:1'], () => true);
    expect(Array.from({ length: 6 }, () => eps.pick()!.origin)).toEqual(['http://a:1', 'http://b:1', 'http://c:1', 'http://a:1', 'http://b:1', 'http://c:1']);
    eps.close();
  });

  it('skips an endpoint that was set aside until its probe passes', async () => {
    let bUp = false;
    const { eps, probes } = make(['http://a:1', 'http://b:1'], (e) => e.origin !== 'http://b:1' || bUp);
    const b = eps.all[1]!;
    eps.setAside(b, 'connection reset');
    expect(Array.from({ length: 4 }, () => eps.pick()!.origin)).toEqual(['http://a:1', 'http://a:1', 'http://a:1', 'http://a:1']);
    for (let i = 0; i < 100 && probes.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(probes.filter((p) => p === 'http://b:1').length).toBeGreaterThanOrEqual(2);
    expect(b.healthy).toBe(false);
    bUp = true;
    for (let i = 0; i < 100 && !b.healthy; i++) await new Promise((r) => setTimeout(r, 5));
    expect(b.healthy).toBe(true);
    expect(new Set(Array.from({ length: 4 }, () => eps.pick()!.origin))).toEqual(new Set(['http://a:1', 'http://b:1']));
    eps.close();
  });

  it('makes acquire wait while every endpoint is down, and wakes it on recovery', async () => {
    let up = false;
    const { eps } = make(['http://a:1'], () => up);
    eps.setAside(eps.all[0]!, 'down');
    expect(eps.pick()).toBeUndefined();
    let got: Endpoint | undefined;
    const p = eps.acquire().then((e) => (got = e));
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toBeUndefined();
    up = true;
    await p;
    expect(got!.origin).toBe('http://a:1');
    eps.close();
  });

  it('hands a set-aside endpoint out for one real request per trial interval even while /health says 503', async () => {
    const { eps, probes } = make(['http://a:1'], () => false, 40);
    const a = eps.all[0]!;
    eps.setAside(a, 'HTTP 503');
    expect(eps.pick()).toBeUndefined(); // the first trial is one interval away
    const t0 = Date.now();
    const first = await eps.acquire();
    expect(first).toBe(a);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    expect(a.healthy).toBe(false); // a trial, not a recovery
    expect(eps.pick()).toBeUndefined(); // one request per interval
    eps.setAside(a, 'HTTP 503 again'); // the trial failed
    expect(await eps.acquire()).toBe(a); // the next trial comes after another interval
    eps.succeeded(a); // this one worked
    expect(a.healthy).toBe(true);
    expect(eps.allAsideForMs()).toBeUndefined();
    expect(probes.length).toBeGreaterThan(0); // health kept being probed meanwhile, all 503
    eps.close();
  });

  it('says how long every endpoint has been set aside', () => {
    const { eps } = make(['http://a:1', 'http://b:1'], () => false);
    eps.setAside(eps.all[0]!, 'down');
    expect(eps.allAsideForMs()).toBeUndefined();
    eps.setAside(eps.all[1]!, 'down');
    expect(eps.allAsideForMs(Date.now() + 1000)).toBeGreaterThanOrEqual(1000);
    eps.close();
  });

  it('acquire rejects when its signal aborts', async () => {
    const { eps } = make(['http://a:1'], () => false);
    eps.setAside(eps.all[0]!, 'down');
    const ac = new AbortController();
    const p = eps.acquire(ac.signal);
    ac.abort(new Error('closing'));
    await expect(p).rejects.toThrow('closing');
    eps.close();
  });
});

describe('health probes back off', () => {
  it('start at FIRST_PROBE_MS, double after each failed probe, and never exceed the interval', () => {
    expect(probeDelay(0, 5000)).toBe(FIRST_PROBE_MS);
    expect(probeDelay(1, 5000)).toBe(2 * FIRST_PROBE_MS);
    expect(probeDelay(2, 5000)).toBe(4 * FIRST_PROBE_MS);
    expect(probeDelay(10, 5000)).toBe(5000);
    expect(probeDelay(1000, 5000)).toBe(5000);
    expect(probeDelay(0, 100)).toBe(100);
  });

  it('bring back an endpoint set aside by one busy reply after the first quick probe, not a whole interval', async () => {
    vi.useFakeTimers();
    try {
      let up = false;
      const probes: number[] = [];
      const started = Date.now();
      const eps = new Endpoints(['http://a:1'], {
        probe: async () => {
          probes.push(Date.now() - started);
          return up;
        },
        probeIntervalMs: 5000,
        trialIntervalMs: 30_000,
        log: silentLogger,
      });
      const a = eps.all[0]!;
      eps.setAside(a, 'HTTP 503 code 9');
      await vi.advanceTimersByTimeAsync(FIRST_PROBE_MS + 2 * FIRST_PROBE_MS + 4 * FIRST_PROBE_MS);
      // Three failed probes at 250, 750 and 1750 ms: backing off, not once per 5 s.
      expect(probes).toEqual([FIRST_PROBE_MS, 3 * FIRST_PROBE_MS, 7 * FIRST_PROBE_MS]);
      expect(a.healthy).toBe(false);
      up = true;
      await vi.advanceTimersByTimeAsync(8 * FIRST_PROBE_MS);
      expect(a.healthy).toBe(true);
      // Set aside again later: the backoff starts over from the quick probe.
      up = false;
      eps.setAside(a, 'HTTP 503 again');
      const before = probes.length;
      await vi.advanceTimersByTimeAsync(FIRST_PROBE_MS);
      expect(probes.length).toBe(before + 1);
      eps.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
