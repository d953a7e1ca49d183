import type { PeerCertificate } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undici.js';
import type { Logger } from './logger.js';
import type { Secret } from './secret.js';
import { tlsConnectOptions, type TlsConfig } from './tls.js';

import type { ProxyConfig } from './proxy-config.js';

// The schema lives in proxy-config.ts (browser-safe); re-exported for existing importers.
export { proxySchema, type ProxyConfig } from './proxy-config.js';

/**
 * The proxy as a dispatcher takes it: the password (Splunk: storage/passwords) stays a Secret
 * apart from the URL and is revealed only into the Proxy-Authorization header undici sends.
 */
export type ProxySettings = Partial<ProxyConfig> & { password?: Secret };

/** `Basic` credentials for the proxy: the URL's user with the separate password. */
export function proxyAuthorization(proxy: ProxySettings): { uri: string; token?: string } {
  const url = new URL(proxy.url!);
  if (!proxy.password || !url.username) return { uri: proxy.url! };
  const user = decodeURIComponent(url.username);
  url.username = '';
  url.password = '';
  return { uri: url.toString(), token: `Basic ${Buffer.from(`${user}:${proxy.password.reveal()}`).toString('base64')}` };
}

export interface DispatcherOptions {
  /** For messages: what this client talks to. */
  target: string;
  tls?: Partial<TlsConfig>;
  proxy?: ProxySettings;
  /** Client certificate (mutual TLS), PEM strings. */
  clientCert?: { cert: string; key: string; passphrase?: string };
  /** CA bundle as PEM text (pasted in the page, kept in storage/passwords); wins over tls.ca_file. */
  caPem?: string;
  /** Replaces the host-name check after the chain verified (splunkd: its certificate never names 127.0.0.1). */
  serverIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
  connections?: number;
  /** Milliseconds to wait for response headers and between body chunks. */
  timeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Milliseconds to wait for TCP + TLS set-up; default the smaller of timeoutMs and 10 s. */
  connectTimeoutMs?: number;
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
    ...(o.caPem ? { ca: o.caPem } : {}),
    ...(o.serverIdentity ? { checkServerIdentity: o.serverIdentity } : {}),
    // A connection never waits longer than the request it serves would (undici's own default is 10 s).
    timeout: o.connectTimeoutMs ?? Math.min(o.timeoutMs ?? 10_000, 10_000),
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
    return new ProxyAgent({ ...proxyAuthorization(o.proxy), requestTls: connect, ...common });
  }
  if ((o.proxy?.use_env ?? true) && proxyFromEnv()) {
    return new EnvHttpProxyAgent({ ...common, noProxy: o.proxy?.no_proxy, requestTls: connect } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
  }
  return new Agent(common);
}
