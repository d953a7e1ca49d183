import type * as Undici from 'undici';
import apiMethods from 'undici/lib/api/index.js';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgentImpl from 'undici/lib/dispatcher/proxy-agent.js';
import { getGlobalDispatcher } from 'undici/lib/global.js';

/**
 * The parts of undici the program sends with: dispatchers and `request`. They come from
 * undici's own modules, not its index, because the index also loads fetch, WebSocket and the
 * cookie helpers, and the cookie module reads `globalThis.Headers` when it loads: on Node 20
 * that makes Node compile its own bundled copy of undici, 50–85 ms at every start of a process
 * that splunkd starts for every run. Same classes, same behaviour, same types.
 */

// What undici's index does: the request/stream/pipeline methods live on every dispatcher.
Object.assign(DispatcherImpl.prototype, apiMethods);

export const Agent = AgentImpl as typeof Undici.Agent;
export const ProxyAgent = ProxyAgentImpl as typeof Undici.ProxyAgent;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof Undici.EnvHttpProxyAgent;
export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher?: Undici.Dispatcher };

/** undici's `request(url, options)`: the URL split into origin and path, undici's global dispatcher by default. */
export function request(url: string | URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const u = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = options;
  return (dispatcher ?? getGlobalDispatcher()).request({ ...rest, origin: u.origin, path: `${u.pathname}${u.search}` });
}
