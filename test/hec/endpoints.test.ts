import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Endpoints, parseEndpoint, type Endpoint } from '../../src/hec/endpoints.js';

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
