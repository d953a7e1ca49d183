import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { capturingLogger, FAST, idsOf, makeEvents } from './helpers.js';

let pki: Pki;
let hec: HecSimulator;
let proxy: ConnectProxy;
let proxyUrl: string;
let tunnels: string[];

beforeAll(async () => {
  pki = createPki();
  hec = await startHecSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  proxy = await startConnectProxy();
  proxyUrl = proxy.url;
  tunnels = proxy.tunnels;
});

afterAll(async () => {
  await proxy.close();
  await hec.close();
});

const cfg = (extra: Record<string, unknown>) => hecSinkConfig({ urls: hec.url, token: hec.token, ...FAST, retries: 1, ...extra });

describe('HEC sink over TLS', () => {
  it('verifies the certificate against the configured CA and delivers', async () => {
    hec.reset();
    const sink = new HecSink(cfg({ ca_file: pki.caFile }), { log: capturingLogger().log });
    const events = makeEvents(20, 'tls');
    await sink.sendAll(events);
    await sink.close();
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('refuses an unverifiable certificate with a TLS error, not a retry loop', async () => {
    hec.reset();
    const sink = new HecSink(cfg({}), { log: capturingLogger().log });
    const err = await sink.send(makeEvents(1, 'tls-bad')[0]!).catch((e: unknown) => e);
    await sink.close(100);
    expect((err as { code?: string }).code).toBe('TLS_VERIFY_FAILED');
    expect((err as Error).message).toMatch(/CA file/);
    expect(hec.eventIds()).toEqual([]);
  });

  it('insecure works and logs a warning', async () => {
    hec.reset();
    const { log, lines } = capturingLogger();
    const sink = new HecSink(cfg({ insecure: true }), { log });
    await sink.sendAll(makeEvents(3, 'insecure'));
    await sink.close();
    expect(hec.eventIds()).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('WARN') && /verification is OFF/.test(l))).toBe(true);
  });

  it('goes through the configured HTTP proxy (CONNECT tunnel)', async () => {
    hec.reset();
    tunnels.length = 0;
    const sink = new HecSink(cfg({ ca_file: pki.caFile }), { log: capturingLogger().log, proxy: { url: proxyUrl } });
    const events = makeEvents(10, 'proxy');
    await sink.sendAll(events);
    await sink.close();
    expect(tunnels.length).toBeGreaterThan(0);
    expect(tunnels.every((t) => t === new URL(hec.url).host)).toBe(true);
    expect(new Set(hec.eventIds())).toEqual(idsOf(events));
  });

  it('takes the proxy from HTTPS_PROXY, and leaves out what NO_PROXY or use_env=false exempts', async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    const send = async (tag: string, proxySetting?: { use_env?: boolean; no_proxy?: string }) => {
      hec.reset();
      tunnels.length = 0;
      const sink = new HecSink(cfg({ ca_file: pki.caFile }), { log: capturingLogger().log, ...(proxySetting ? { proxy: proxySetting } : {}) });
      const events = makeEvents(5, tag);
      await sink.sendAll(events);
      await sink.close();
      expect(new Set(hec.eventIds())).toEqual(idsOf(events));
      return tunnels.length;
    };
    try {
      process.env.HTTPS_PROXY = proxyUrl;
      delete process.env.NO_PROXY;
      expect(await send('env')).toBeGreaterThan(0);
      expect(tunnels.every((t) => t === new URL(hec.url).host)).toBe(true);
      expect(await send('no-proxy-setting', { no_proxy: '127.0.0.1' })).toBe(0);
      expect(await send('use-env-off', { use_env: false })).toBe(0);
      process.env.NO_PROXY = '127.0.0.1';
      expect(await send('no-proxy-env')).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('never writes the token into its logs', async () => {
    hec.reset();
    const { log, lines } = capturingLogger();
    const sink = new HecSink(cfg({ ca_file: pki.caFile, token: 'wrong-token-value' }), { log });
    await sink.send(makeEvents(1, 'leak')[0]!).catch(() => undefined);
    await sink.close(100);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain('wrong-token-value');
    expect(JSON.stringify(sink.config)).not.toContain('wrong-token-value');
  });
});
