import type { Dispatcher } from 'undici';
import { describeError } from '../core/errors.js';
import { createDispatcher } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import type { TokenSource } from '../ser/token.js';
import type { ServiceConfig } from '../service/config-load.js';
import { fail, skip, type Check } from './check.js';
import { checkpointDirCheck } from './file-checks.js';
import { hecHealthCheck, hecTokenCheck } from './hec-checks.js';
import { dnsCheck, endpointOf, tlsCheck, type TlsTarget } from './network-checks.js';
import { receiverFilesCheck } from './receiver-checks.js';
import { mtlsCheck } from './send-checks.js';
import { sendPemChecks, type SendPemTarget } from './send-pem-checks.js';
import { serReportCheck, serTokenCheck } from './ser-checks.js';

/** The proxy an outbound request to `host` goes through, if any (the same rule the clients apply). */
export function proxyFor(cfg: Pick<ServiceConfig, 'proxy'>, host: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = cfg.proxy.url ?? (cfg.proxy.use_env ? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy : undefined);
  if (!url) return undefined;
  const noProxy = (cfg.proxy.no_proxy ?? (cfg.proxy.use_env ? env.NO_PROXY ?? env.no_proxy : undefined) ?? '').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  const h = host.toLowerCase();
  if (noProxy.some((p) => p === '*' || h === p || h.endsWith(p.startsWith('.') ? p : `.${p}`))) return undefined;
  return url;
}

/**
 * A client that cannot be built (its CA file unreadable, say) is a failed row with the setting
 * to change, in place of the first check that would have used it; the checks after it skip.
 */
function unbuilt(c: Pick<Check, 'check' | 'target' | 'id'>, err: unknown, setting: string): Check {
  return { ...c, run: async () => fail(`no client: ${describeError(err)}`, `set ${setting} to a readable PEM file of the CA`) };
}

export interface DoctorPlan {
  checks: Check[];
  /** Closes the HTTP clients the checks used. */
  close(): Promise<void>;
}

/**
 * Every check the configuration implies, in the order an admin fixes things: names resolve,
 * TLS verifies, then credentials, then the calls that use them, then local files.
 */
export function planChecks(cfg: ServiceConfig, log?: Logger): DoctorPlan {
  const dispatchers: Dispatcher[] = [];
  const hosts = new Map<string, string[]>();
  const tls = new Map<string, TlsTarget>();
  const addHost = (host: string, usedBy: string) => hosts.set(host, [...(hosts.get(host) ?? []), usedBy]);
  const proxied = new Map<string, string>();
  const addTls = (url: string, t: Omit<TlsTarget, 'host' | 'port'>, usedBy: string) => {
    const ep = endpointOf(url);
    const proxy = proxyFor(cfg, ep.host);
    if (proxy) {
      // The proxy resolves the name and opens the connection: check the way to the proxy here;
      // the HEC/SER/send rows below go through it and test the whole path.
      addHost(endpointOf(proxy).host, 'proxy');
      proxied.set(`${ep.host}:${ep.port}`, new URL(proxy).host);
      return;
    }
    addHost(ep.host, usedBy);
    if (ep.tls && !tls.has(`${ep.host}:${ep.port}`)) tls.set(`${ep.host}:${ep.port}`, { host: ep.host, port: ep.port, ...t });
  };

  for (const [name, h] of Object.entries(cfg.hec)) {
    for (const url of h.urls) addTls(url, { ca_file: h.ca_file, server_name: h.server_name, insecure: h.insecure, setting: `hec.${name}.ca_file` }, `hec.${name}`);
  }
  for (const [name, a] of Object.entries(cfg.accounts)) {
    addTls(a.auth_url, { ca_file: a.ca_file, insecure: a.insecure, setting: `accounts.${name}.ca_file` }, `accounts.${name}.auth_url`);
    addTls(a.api_url, { ca_file: a.ca_file, insecure: a.insecure, setting: `accounts.${name}.ca_file` }, `accounts.${name}.api_url`);
  }
  for (const [name, s] of Object.entries(cfg.send_services)) {
    // The pasted CA wins over ca_file, as in the send path (src/send/service.ts pemOf).
    const ca = s.ca_pem ? { ca_pem: s.ca_pem, setting: `send_services.${name}.ca_pem` } : { ca_file: s.ca_file, setting: `send_services.${name}.ca_file` };
    addTls(`https://${s.host}:${s.port}`, { ...ca, server_name: s.server_name }, `send_services.${name}`);
  }

  const checks: Check[] = [];
  for (const [host, users] of hosts) checks.push(dnsCheck(host, [...new Set(users)].join(', ')));
  for (const t of tls.values()) checks.push(tlsCheck(t));
  for (const [target, proxy] of proxied) checks.push({ check: 'TLS', target, run: async () => skip(`through the proxy ${proxy}: verified by the rows below, which use it`) });

  const tokens = new Map<string, TokenSource>();
  for (const [name, a] of Object.entries(cfg.accounts)) {
    let dispatcher: Dispatcher;
    try {
      dispatcher = createDispatcher({ target: `SER account ${name}`, tls: { ca_file: a.ca_file, insecure: a.insecure }, proxy: cfg.proxy, connections: 2, timeoutMs: 10_000, log });
    } catch (err) {
      checks.push(unbuilt({ check: 'SER token', target: name, id: `ser token ${name}` }, err, `accounts.${name}.ca_file`));
      checks.push({ check: 'SER report', target: name, run: async () => skip(`not run: ser token ${name} did not pass`) });
      continue;
    }
    dispatchers.push(dispatcher);
    const target = { name, authUrl: a.auth_url, apiUrl: a.api_url, clientId: a.client_id, clientSecret: a.client_secret, dispatcher };
    checks.push(serTokenCheck(target, tokens));
    const input = Object.values(cfg.inputs.ser_report).find((i) => i.account === name);
    checks.push(serReportCheck(target, tokens, { windowSeconds: input?.window ?? 3600, settleSeconds: input?.settle_delay ?? 900 }));
  }

  for (const [name, h] of Object.entries(cfg.hec)) {
    let dispatcher: Dispatcher;
    try {
      dispatcher = createDispatcher({ target: `HEC ${name}`, tls: { ca_file: h.ca_file, insecure: h.insecure, server_name: h.server_name }, proxy: cfg.proxy, connections: 2, timeoutMs: 10_000, log });
    } catch (err) {
      for (const url of h.urls) {
        checks.push(unbuilt({ check: 'HEC health', target: url, id: `hec health ${url}` }, err, `hec.${name}.ca_file`));
        checks.push({ check: 'HEC token', target: `${name} @ ${url}`, run: async () => skip(`not run: hec health ${url} did not pass`) });
      }
      continue;
    }
    dispatchers.push(dispatcher);
    for (const url of h.urls) {
      checks.push(hecHealthCheck({ name, url, token: h.token, dispatcher }));
      checks.push(hecTokenCheck({ name, url, token: h.token, ack: h.ack, dispatcher }));
    }
  }

  for (const [name, s] of Object.entries(cfg.send_services)) {
    // Files and PEM texts (given as secret references: client_cert_pem …) get the same rows.
    const pems: SendPemTarget = { service: name, settings: s, name: (field) => `send_services.${name}.${field}` };
    checks.push(...sendPemChecks(pems));
    checks.push(mtlsCheck({ service: name, host: s.host, port: s.port, pems, server_name: s.server_name, proxy: cfg.proxy }));
  }

  for (const [name, m] of Object.entries(cfg.inputs.mail_metadata)) {
    checks.push(receiverFilesCheck({ name, receiver: m.receiver, tlsCertFile: m.tls_cert_file, tlsKeyFile: m.tls_key_file, jwtPublicKeyFile: m.jwt_public_key_file, whitelistFile: m.whitelist_file, blacklistFile: m.blacklist_file }));
  }

  const serInputs = Object.keys(cfg.inputs.ser_report);
  const importers = Object.entries(cfg.inputs.mail_metadata).filter(([, m]) => m.data_path).map(([n]) => n);
  if (serInputs.length || importers.length) {
    checks.push(checkpointDirCheck(cfg.service.checkpoint_dir, [...serInputs.map((n) => `inputs.ser_report.${n}`), ...importers.map((n) => `inputs.mail_metadata.${n}`)].join(', ')));
  }
  return {
    checks,
    async close() {
      await Promise.all(dispatchers.map((d) => d.close().catch(() => undefined)));
    },
  };
}
