import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import type { ProxyConfig } from '../core/proxy-config.js';
import { SEND_PASSPHRASE_REALM, SEND_SECRET_REALMS, sendServiceSchema } from '../send/config.js';
import { APP_NAME, readAppConf, splunkdTls } from '../splunk/app-settings.js';
import { listStanzas } from '../splunk/conf-rest.js';
import { SEND_KIND, loadProxy, loadSendService } from '../splunk/named-settings.js';
import { SplunkdClient, type SplunkdTls } from '../splunk/splunkd-client.js';
import { fail, skip, type Check, type CheckResult } from './check.js';
import type { DoctorReport } from './doctor.js';
import { runChecks } from './run-checks.js';
import { mtlsCheck } from './send-checks.js';
import { sendPemChecks, type SendPemSettings, type SendPemTarget } from './send-pem-checks.js';

/**
 * doctor for the send services configured in Splunk (ta_ser_mail_send.conf, with the secrets
 * and pasted PEMs in storage/passwords). With a session key it loads each service through the
 * alert action's own loader (loadSendService), so doctor and the alert cannot disagree about
 * which PEM is used or what it holds. Without one (run from a shell, outside splunkd) it can
 * read only the app's .conf files on disk: it checks the PEM files they name and says what it
 * could not check.
 */
export interface SplunkDoctorOptions {
  /** splunkd's management URI, e.g. https://127.0.0.1:8089. */
  serverUri: string;
  /** Absent: doctor runs outside splunkd and cannot read storage/passwords. */
  sessionKey?: Secret;
  /** Send service stanzas to check; default: every stanza. */
  services?: string[];
  tls?: SplunkdTls;
  /** The app folder (default/ and local/), for the run without a session key. */
  appDir?: string;
  log?: Logger;
  timeoutMs?: number;
}

const FILE = `${SEND_KIND.file}.conf`;
const REALMS: Record<string, string> = SEND_SECRET_REALMS;

/** How an admin finds a send service setting in Splunk: the .conf key, or the storage/passwords realm of a secret or pasted PEM. */
export function splunkSettingName(service: string, field: string): string {
  const realm = REALMS[field];
  return realm ? `[${service}] ${field} (storage/passwords realm ${realm})` : `${FILE} [${service}] ${field}`;
}

/** A row known without running anything, kept in its service's place in the table. */
const row = (check: string, target: string, r: ReturnType<typeof skip>): Check => ({ check, target, run: async () => r });

const report = (results: CheckResult[]): DoctorReport => ({ results, ok: results.every((r) => r.status !== 'fail') });

export async function runSplunkDoctor(o: SplunkDoctorOptions): Promise<DoctorReport> {
  return o.sessionKey ? withSessionKey(o, o.sessionKey) : withoutSessionKey(o);
}

async function withSessionKey(o: SplunkDoctorOptions, sessionKey: Secret): Promise<DoctorReport> {
  const client = new SplunkdClient({ serverUri: o.serverUri, sessionKey, app: APP_NAME, tls: o.tls ?? splunkdTls(o.appDir), log: o.log, attempts: 2, retryDelayMs: 200 });
  try {
    let names: string[];
    try {
      const stanzas = await listStanzas(client, SEND_KIND.file);
      names = o.services ?? [...stanzas.keys()].filter((n) => n !== 'default');
    } catch (err) {
      return report([{ check: 'splunkd', target: o.serverUri, status: 'fail', detail: describeError(err), fix: 'give a current session key of a user who may read the app\'s settings and storage/passwords (list_storage_passwords), and check [splunkd] of ta_ser_mail_settings.conf' }]);
    }
    const results: CheckResult[] = [{ check: 'splunkd', target: o.serverUri, status: 'pass', detail: `session key accepted; ${names.length} send service(s) read from ${FILE} and storage/passwords, as the alert action reads them` }];
    let proxy: ProxyConfig | undefined;
    try {
      proxy = await loadProxy(client);
    } catch (err) {
      results.push({ check: 'proxy', target: 'ta_ser_mail_settings.conf [proxy]', status: 'fail', detail: describeError(err), fix: 'fix [proxy] in the app\'s configuration page' });
    }
    const checks: Check[] = [];
    for (const name of names) {
      let settings: Awaited<ReturnType<typeof loadSendService>>;
      try {
        settings = await loadSendService(client, name);
      } catch (err) {
        // Nothing printed from the stanza: the loader's message names the setting or the realm.
        checks.push({ check: 'send service', target: `${FILE} [${name}]`, run: async () => fail(describeError(err), 'complete the send service in the app\'s configuration page') });
        continue;
      }
      const pems: SendPemTarget = { service: name, settings, name: (field) => splunkSettingName(name, field) };
      checks.push(...sendPemChecks(pems));
      checks.push(mtlsCheck({ service: name, host: settings.host, port: settings.port, pems, server_name: settings.server_name, proxy }));
    }
    results.push(...(await runChecks(checks, { timeoutMs: o.timeoutMs })));
    return report(results);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** What doctor cannot see without a session key, said once, as a warning an admin can act on. */
function unreadRow(names: string[]): CheckResult {
  const realms = ['client_cert_pem', 'client_key_pem', 'ca_pem', 'public_key_pem'].map((f) => REALMS[f]).join(', ');
  return {
    check: 'storage/passwords',
    target: names.map((n) => `[${n}]`).join(' ') || FILE,
    status: 'warn',
    detail: `not read: no session key (doctor runs outside splunkd). Not checked: PEMs pasted in the configuration page (realms ${realms}), which the alert action uses instead of a file when set; the key passphrase (realm ${SEND_PASSPHRASE_REALM}); the mutual-TLS handshake. Checked: the PEM files named in ${FILE}`,
    fix: 'run doctor --splunk with --session-key-file to check what the alert action uses',
  };
}

async function withoutSessionKey(o: SplunkDoctorOptions): Promise<DoctorReport> {
  const dir = o.appDir;
  if (!dir) return report([{ check: 'config', target: FILE, status: 'fail', detail: 'no session key and no app folder to read the .conf files from', fix: 'run the bundle from the app\'s bin/ folder or set TA_SER_MAIL_APP_DIR to the app folder; or give a session key (--session-key-file)' }]);
  let conf: ReturnType<typeof readAppConf>;
  try {
    conf = readAppConf(SEND_KIND.file, dir);
  } catch (err) {
    return report([{ check: 'config', target: `${dir}/{default,local}/${FILE}`, status: 'fail', detail: describeError(err), fix: `fix ${FILE} as the detail says` }]);
  }
  const names = o.services ?? [...conf.keys()].filter((n) => n !== 'default' && conf.get(n)!.size > 0);
  const results: CheckResult[] = [unreadRow(names)];
  const checks: Check[] = [];
  const shape = sendServiceSchema.shape;
  for (const name of names) {
    const stanza = conf.get(name);
    if (!stanza) {
      checks.push(row('send service', `${FILE} [${name}]`, fail(`no [${name}] stanza in ${dir}/{default,local}/${FILE}`, 'add the send service in the app\'s configuration page')));
      continue;
    }
    const raw = (k: string) => stanza.get(k)?.trim() || undefined;
    const encrypt = shape.encrypt.safeParse(raw('encrypt') ?? false);
    const wrapMode = shape.wrap_mode.safeParse(raw('wrap_mode'));
    if (!encrypt.success || !wrapMode.success) {
      checks.push(row('send service', `${FILE} [${name}]`, fail(`${encrypt.success ? 'wrap_mode' : 'encrypt'}: not a valid value`, `fix ${FILE} [${name}] in the configuration page`)));
      continue;
    }
    // Only the files: the pasted PEMs and the passphrase are in storage/passwords, unread here.
    const settings: SendPemSettings = {
      client_cert_file: raw('client_cert_file'),
      client_key_file: raw('client_key_file'),
      ca_file: raw('ca_file'),
      public_key_file: raw('public_key_file'),
      client_cert_pem: undefined,
      client_key_pem: undefined,
      ca_pem: undefined,
      public_key_pem: undefined,
      passphrase: undefined,
      encrypt: encrypt.data,
      wrap_mode: wrapMode.data,
    };
    const pems: SendPemTarget = { service: name, settings, name: (field) => splunkSettingName(name, field), passphraseUnread: `realm ${SEND_PASSPHRASE_REALM}` };
    const pasted = (what: string, files: string) => row(what, `${FILE} [${name}]`, skip(`no ${files}: the PEM pasted in the configuration page is used, and it is in storage/passwords (not read)`));
    const rows = sendPemChecks(pems);
    const pick = (check: string) => rows.filter((c) => c.check === check);
    if (settings.client_cert_file && settings.client_key_file) checks.push(...pick('client certificate'));
    else checks.push(pasted('client certificate', settings.client_cert_file ? 'client_key_file' : settings.client_key_file ? 'client_cert_file' : 'client_cert_file / client_key_file'));
    checks.push(...pick('CA bundle'));
    if (!settings.encrypt || settings.public_key_file) checks.push(...pick('encryption key'));
    else checks.push(pasted('encryption key', 'public_key_file'));
  }
  results.push(...(await runChecks(checks, { timeoutMs: o.timeoutMs })));
  return report(results);
}
