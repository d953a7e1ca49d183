import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { mergeConf, readConfFile, type ConfFile } from './conf-file.js';
import type { SplunkdTls } from './splunkd-client.js';
import { SPLUNK_DEFAULT_CERT_NAME, splunkdTrust } from './splunkd-trust.js';

/**
 * Settings the process needs before it can talk to splunkd (how to trust splunkd's certificate),
 * read from the app's own ta_ser_mail_settings.conf on disk (default/ then local/), with
 * environment overrides. The wrappers export TA_SER_MAIL_APP_DIR; without it the app folder is
 * the one above the bundle (bin/ta-ser-mail.cjs).
 */
export const APP_NAME = 'TA-ser-mail';

export function appDir(): string | undefined {
  if (process.env.TA_SER_MAIL_APP_DIR) return process.env.TA_SER_MAIL_APP_DIR;
  const script = process.argv[1];
  return script && /ta-ser-mail\.cjs$/.test(script) ? dirname(dirname(script)) : undefined;
}


export function readAppConf(file: string, dir = appDir()): ConfFile {
  if (!dir) return new Map();
  return mergeConf(readConfFile(join(dir, 'default', `${file}.conf`)), readConfFile(join(dir, 'local', `${file}.conf`)));
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 't', 'y', 'on'].includes(v.trim().toLowerCase());

/**
 * How to trust splunkd: [splunkd] of ta_ser_mail_settings.conf, where
 * TA_SER_MAIL_SPLUNKD_CA_FILE / _SERVER_NAME / _INSECURE_LOCALHOST win; without a ca_file,
 * what splunkd itself is configured with ($SPLUNK_HOME/etc/system/…/server.conf [sslConfig],
 * see splunkd-trust.ts), so a default install verifies splunkd with no setting at all.
 */
export function splunkdTls(dir = appDir(), env: NodeJS.ProcessEnv = process.env): SplunkdTls {
  const s = readAppConf('ta_ser_mail_settings', dir).get('splunkd') ?? new Map<string, string>();
  const pick = (key: string, envName: string) => {
    const v = env[envName] ?? s.get(key);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const caFile = pick('ca_file', 'TA_SER_MAIL_SPLUNKD_CA_FILE');
  const splunkHome = env.SPLUNK_HOME?.trim() || undefined;
  const trust = splunkHome ? splunkdTrust(splunkHome) : undefined;
  const out: SplunkdTls = {
    ca_file: caFile && splunkHome ? caFile.replace(/^\$SPLUNK_HOME/, splunkHome) : (caFile ?? trust?.caFile),
    server_name: pick('server_name', 'TA_SER_MAIL_SPLUNKD_SERVER_NAME'),
    insecure_localhost: truthy(pick('insecure_localhost', 'TA_SER_MAIL_SPLUNKD_INSECURE_LOCALHOST')),
    accept_names: trust?.names ?? [SPLUNK_DEFAULT_CERT_NAME, hostname()],
  };
  if (out.ca_file) out.source = caFile ? '[splunkd] ca_file of ta_ser_mail_settings.conf' : trust?.source;
  return out;
}
