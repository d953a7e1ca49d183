import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Logger } from './logger.js';
import { tlsConnectOptions, type TlsConfig } from './tls.js';

/**
 * One proxy setting for every outbound client of the product (SER, HEC, send). Without an
 * explicit URL, HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment apply.
 */
export const proxySchema = z.object({
  url: z.string().url().optional().describe('http(s)://[user:pass@]host:port of the outbound proxy; default: HTTPS_PROXY/HTTP_PROXY from the environment'),
  no_proxy: z.string().optional().describe('comma-separated hosts that bypass the proxy (NO_PROXY syntax); default: NO_PROXY from the environment'),
  use_env: z.boolean().default(true).describe('honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY when no url is set'),
});
export type ProxyConfig = z.infer<typeof proxySchema>;

export interface DispatcherOptions {
  /** For messages: what this client talks to. */
  target: string;
  tls?: Partial<TlsConfig>;
  proxy?: Partial<ProxyConfig>;
  /** Client certificate (mutual TLS), PEM strings. */
  clientCert?: { cert: string; key: string; passphrase?: string };
  connections?: number;
  /** Milliseconds to wait for response headers and between body chunks. */
  timeoutMs?: number;
  keepAliveTimeoutMs?: number;
  log?: Logger;
}

function proxyFromEnv(): boolean {
  const e = process.env;
  return Boolean(e.HTTPS_PROXY || e.https_proxy || e.HTTP_PROXY || e.http_proxy);
}

/** Builds the undici dispatcher (keep-alive pool, TLS, optional proxy) that a client sends through. */
export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const connect = {
    ...tlsConnectOptions(o.tls, o.target, o.log),
    ...(o.clientCert ? { cert: o.clientCert.cert, key: o.clientCert.key, passphrase: o.clientCert.passphrase } : {}),
  };
  const common = {
    connections: o.connections ?? 16,
    headersTimeout: o.timeoutMs ?? 30_000,
    bodyTimeout: o.timeoutMs ?? 30_000,
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 30_000,
    connect,
  };
  if (o.proxy?.url) {
    // requestTls is the TLS to the target through the tunnel; the proxy itself is plain or its own TLS.
    return new ProxyAgent({ uri: o.proxy.url, requestTls: connect, ...common });
  }
  if ((o.proxy?.use_env ?? true) && proxyFromEnv()) {
    return new EnvHttpProxyAgent({ ...common, noProxy: o.proxy?.no_proxy, requestTls: connect } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
  }
  return new Agent(common);
}
