import { z } from 'zod';
import { loggingSchema, type LoggingConfig } from '../core/logging-config.js';
import type { ProxySettings } from '../core/http.js';
import { proxySchema, type ProxyConfig } from '../core/proxy-config.js';
import { hecDestinationSchema } from '../hec/config.js';
import { serAccountSchema } from '../ser/config.js';
import { SEND_SECRET_REALMS, sendServiceSchema } from '../send/config.js';
import { loadNamed, loadPlain, type NamedSettingsKind } from './settings.js';
import type { SplunkdClient } from './splunkd-client.js';
import { readPassword } from './passwords.js';

/**
 * The settings resolver of the Splunk faces: given a splunkd client (server_uri + session_key),
 * loads a named SER account, HEC destination or send service with its secrets, and the
 * [proxy] / [logging] settings. Realms: docs/ARCHITECTURE.md "Configuration model".
 */
export const SETTINGS_FILE = 'ta_ser_mail_settings';
export const PROXY_REALM = 'ta_ser_mail_proxy';

export const ACCOUNT_KIND = {
  file: 'ta_ser_mail_accounts',
  what: 'SER account',
  schema: serAccountSchema,
  secrets: { client_secret: 'ta_ser_mail_account' },
} satisfies NamedSettingsKind<typeof serAccountSchema>;

export const HEC_KIND = {
  file: 'ta_ser_mail_hec',
  what: 'HEC destination',
  schema: hecDestinationSchema,
  secrets: { token: 'ta_ser_mail_hec' },
} satisfies NamedSettingsKind<typeof hecDestinationSchema>;

export const SEND_KIND = {
  file: 'ta_ser_mail_send',
  what: 'send service',
  schema: sendServiceSchema,
  // the mailbox secret, the key passphrase and the PEM texts pasted in the page (Splunk Cloud)
  secrets: SEND_SECRET_REALMS,
} satisfies NamedSettingsKind<typeof sendServiceSchema>;

export const loadAccount = (c: SplunkdClient, name: string) => loadNamed(c, ACCOUNT_KIND, name);
export const loadHecDestination = (c: SplunkdClient, name: string) => loadNamed(c, HEC_KIND, name);
export const loadSendService = (c: SplunkdClient, name: string) => loadNamed(c, SEND_KIND, name);

export type LoadedAccount = Awaited<ReturnType<typeof loadAccount>>;
export type LoadedHecDestination = Awaited<ReturnType<typeof loadHecDestination>>;
export type LoadedSendService = Awaited<ReturnType<typeof loadSendService>>;

/**
 * [proxy]; a password in storage/passwords (realm ta_ser_mail_proxy, username proxy) goes with
 * the URL's user as a separate Secret: it is never written into the URL string (which ends up in
 * messages and logs), only into the Proxy-Authorization header (src/core/http.ts).
 */
export async function loadProxy(c: SplunkdClient): Promise<ProxyConfig & ProxySettings> {
  const proxy = await loadPlain(c, SETTINGS_FILE, 'proxy', proxySchema);
  if (!proxy.url || !new URL(proxy.url).username) return proxy;
  const password = await readPassword(c, PROXY_REALM, 'proxy');
  return password ? { ...proxy, password } : proxy;
}

export const loadLogging = (c: SplunkdClient): Promise<LoggingConfig> => loadPlain(c, SETTINGS_FILE, 'logging', loggingSchema);

/** Declared settings of ta_ser_mail_settings.conf, for the generated spec (proxy, logging, node, splunkd). */
export const nodeSettingsSchema = z.object({
  path: z.string().optional().describe('path of the node (>= 20) executable the bin/ wrappers run; read from disk by the wrappers, before $SPLUNK_HOME/bin/node and node on PATH'),
});

export const splunkdSettingsSchema = z.object({
  ca_file: z.string().optional().describe('PEM file of the CA that signed splunkd\'s management certificate (e.g. $SPLUNK_HOME/etc/auth/cacert.pem); default: the system store'),
  server_name: z.string().optional().describe('name to verify splunkd\'s certificate against (splunkd\'s default certificate is issued to SplunkServerDefaultCert)'),
  insecure_localhost: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .describe('1 = do not verify splunkd\'s certificate, only when server_uri is a loopback address (splunkd\'s default self-signed certificate on 127.0.0.1)'),
});
