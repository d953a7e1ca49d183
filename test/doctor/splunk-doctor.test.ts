import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import type { DoctorReport } from '../../src/doctor/doctor.js';
import { runSplunkDoctor } from '../../src/doctor/splunk-doctor.js';
import { renderTable } from '../../src/doctor/table.js';
import { createLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { openSendService } from '../../src/send/service.js';
import { loadSendService } from '../../src/splunk/named-settings.js';
import { SplunkdClient } from '../../src/splunk/splunkd-client.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSendSimulator, type SendSimulator } from '../../src/sim/send.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { datedClientPair, daysFromNow, pemBodyLines } from './pem-pki.js';

/**
 * doctor --splunk: the send services as the alert action loads them (ta_ser_mail_send.conf
 * through splunkd, secrets and pasted PEMs from storage/passwords), and what it says when it
 * has no session key and can read only the .conf files on disk.
 */
let pki: Pki;
let send: SendSimulator;
let splunkd: SplunkdSimulator;
const text = (f: string) => readFileSync(f, 'utf8');

beforeAll(async () => {
  pki = createPki(undefined, { days: 400 });
  send = await startSendSimulator({ cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca, mailbox: { address: 'alerts@example.com', secret: 'mailbox-secret-1' } });
  splunkd = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
});
afterAll(async () => {
  await send?.close();
  await splunkd?.close();
});

/** A send service stanza with every PEM pasted into the page (storage/passwords), no files. */
function pasteAll(name = 'mailer'): void {
  splunkd.setStanza('ta_ser_mail_send', name, { host: '127.0.0.1', port: String(send.port), from: 'alerts@example.com', encrypt: '1' });
  splunkd.setPassword('ta_ser_mail_send_secret', name, 'mailbox-secret-1');
  splunkd.setPassword('ta_ser_mail_send_passphrase', name, pki.clientKeyPassphrase);
  splunkd.setPassword('ta_ser_mail_send_client_cert', name, pki.clientCert);
  splunkd.setPassword('ta_ser_mail_send_client_key', name, pki.clientKey);
  splunkd.setPassword('ta_ser_mail_send_ca', name, pki.ca);
  splunkd.setPassword('ta_ser_mail_send_public_key', name, text(pki.wrapCertFile));
}

beforeEach(() => {
  splunkd.confs.clear();
  splunkd.passwords.clear();
  splunkd.clearCalls();
});

const withKey = (o: { services?: string[]; sessionKey?: string } = {}) =>
  runSplunkDoctor({ serverUri: splunkd.url, sessionKey: new Secret(o.sessionKey ?? splunkd.sessionKey), services: o.services, tls: { ca_file: pki.caFile }, timeoutMs: 10_000 });

function row(report: DoctorReport, check: string): CheckResult {
  const r = report.results.find((x) => x.check === check);
  if (!r) throw new Error(`no row ${check} in\n${renderTable(report.results)}`);
  return r;
}

describe('doctor --splunk with a session key (the alert action\'s loader)', () => {
  it('reads the pasted PEMs from storage/passwords and passes when they are good, handshake included', async () => {
    pasteAll();
    const report = await withKey();
    const table = renderTable(report.results);
    expect(report.results.filter((r) => r.status !== 'pass'), table).toEqual([]);
    expect(row(report, 'splunkd').detail).toMatch(/1 send service\(s\) read from ta_ser_mail_send\.conf and storage\/passwords/);
    expect(row(report, 'client certificate').target).toBe('[mailer] client_cert_pem (storage/passwords realm ta_ser_mail_send_client_cert)');
    expect(row(report, 'CA bundle').status).toBe('pass');
    expect(row(report, 'encryption key').detail).toMatch(/certificate expires in 39\d d/);
    expect(row(report, 'send mTLS').status).toBe('pass');
    expect(send.delivered()).toEqual([]);
    // Read like the alert action: the stanza through configs/conf-*, each secret from its realm.
    const paths = splunkd.calls().map((c) => decodeURIComponent(c.path));
    expect(paths.some((p) => p.includes('configs/conf-ta_ser_mail_send/mailer'))).toBe(true);
    expect(paths.some((p) => p.includes('storage/passwords/ta_ser_mail_send_client_key:mailer:'))).toBe(true);
  });

  it('a wrong passphrase in its realm fails naming the realm; the handshake is skipped', async () => {
    pasteAll();
    splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailer', 'not-the-passphrase');
    const report = await withKey();
    const r = row(report, 'client certificate');
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('[mailer] client_key_pem (storage/passwords realm ta_ser_mail_send_client_key) cannot be opened with the passphrase in [mailer] passphrase (storage/passwords realm ta_ser_mail_send_passphrase) (wrong passphrase)');
    expect(row(report, 'send mTLS').status).toBe('skip');
    expect(report.ok).toBe(false);
  });

  it('a file path in the .conf and a pasted PEM: says the pasted one wins, and the handshake proves it is the one used', async () => {
    pasteAll();
    splunkd.setStanza('ta_ser_mail_send', 'mailer', { host: '127.0.0.1', port: String(send.port), from: 'alerts@example.com', encrypt: '1', client_cert_file: pki.rogueClientCertFile, client_key_file: pki.rogueClientKeyFile });
    const report = await withKey();
    const src = report.results.filter((r) => r.check === 'send PEM source');
    expect(src.map((r) => r.target)).toEqual(['[mailer] client_cert_pem (storage/passwords realm ta_ser_mail_send_client_cert)', '[mailer] client_key_pem (storage/passwords realm ta_ser_mail_send_client_key)']);
    expect(src[0]!.status).toBe('warn');
    expect(src[0]!.detail).toMatch(/the alert action uses the pasted client_cert_pem and ignores client_cert_file/);
    expect(src[0]!.fix).toMatch(/^clear ta_ser_mail_send\.conf \[mailer\] client_cert_file/);
    expect(row(report, 'send mTLS').status).toBe('pass');
  });

  it('agrees with the alert action: the same PEM wins, the same passphrase problem stops both', async () => {
    pasteAll();
    splunkd.setStanza('ta_ser_mail_send', 'mailer', { host: '127.0.0.1', port: String(send.port), from: 'alerts@example.com', encrypt: '1', ca_file: pki.rogueCaFile });
    const client = new SplunkdClient({ serverUri: splunkd.url, sessionKey: new Secret(splunkd.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile } });
    try {
      const lines: string[] = [];
      // What the alert action does with the same settings: load, open (it warns about the pair set twice).
      const service = openSendService(await loadSendService(client, 'mailer'), createLogger({ write: (l) => lines.push(l) }));
      await service.close();
      expect(lines.join('')).toMatch(/both ca_file and ca_pem are set; using ca_pem/);
      const report = await withKey();
      expect(row(report, 'send PEM source').detail).toMatch(/the alert action uses the pasted ca_pem and ignores ca_file/);
      expect(row(report, 'CA bundle').target).toBe('[mailer] ca_pem (storage/passwords realm ta_ser_mail_send_ca)');
      expect(row(report, 'send mTLS').status).toBe('pass');

      splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailer', 'not-it');
      await expect(loadSendService(client, 'mailer').then((s) => openSendService(s))).rejects.toThrow(/client_key_pem \(realm ta_ser_mail_send_client_key\) cannot be opened with the passphrase/);
      expect(row(await withKey(), 'client certificate').status).toBe('fail');
    } finally {
      await client.close();
    }
  });

  it('a service the alert could not load (mailbox secret missing) is one failed row naming the realm', async () => {
    pasteAll();
    splunkd.passwords.delete('ta_ser_mail_send_secret:mailer:');
    const report = await withKey();
    const r = row(report, 'send service');
    expect(r.status).toBe('fail');
    expect(r.target).toBe('ta_ser_mail_send.conf [mailer]');
    expect(r.detail).toMatch(/realm "ta_ser_mail_send_secret" and username "mailer"/);
  });

  it('a session key splunkd refuses is one failed row', async () => {
    pasteAll();
    const report = await withKey({ sessionKey: 'not-a-session-key' });
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.check).toBe('splunkd');
    expect(report.results[0]!.status).toBe('fail');
    expect(renderTable(report.results)).not.toContain('not-a-session-key');
  });
});

describe('doctor --splunk without a session key (outside splunkd)', () => {
  function appWith(stanzas: Record<string, Record<string, string>>): string {
    const dir = mkdtempSync(join(tmpdir(), 'ta-doctor-app-'));
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'ta_ser_mail_send.conf'), Object.entries(stanzas).map(([n, kv]) => [`[${n}]`, ...Object.entries(kv).map(([k, v]) => `${k} = ${v}`)].join('\n')).join('\n\n'));
    return dir;
  }
  const without = (appDir: string) => runSplunkDoctor({ serverUri: splunkd.url, appDir, timeoutMs: 10_000 });

  it('says what it cannot check, checks the files the .conf names, and cannot open an encrypted key', async () => {
    const dir = appWith({ mailer: { host: 'send.example.com', from: 'a@example.com', encrypt: '1', client_cert_file: pki.clientCertFile, client_key_file: pki.clientKeyFile, ca_file: pki.caFile, public_key_file: pki.wrapPublicKeyFile } });
    const report = await without(dir);
    const unread = row(report, 'storage/passwords');
    expect(unread.status).toBe('warn');
    expect(unread.detail).toMatch(/^not read: no session key .*Not checked: PEMs pasted in the configuration page \(realms ta_ser_mail_send_client_cert, ta_ser_mail_send_client_key, ta_ser_mail_send_ca, ta_ser_mail_send_public_key\), which the alert action uses instead of a file when set; the key passphrase .*; the mutual-TLS handshake\. Checked: the PEM files/);
    expect(unread.fix).toMatch(/--session-key-file/);
    const cert = row(report, 'client certificate');
    expect(cert.status).toBe('warn');
    expect(cert.detail).toMatch(/^CN=ta-ser-mail client, expires in 39\d d \(\d{4}-\d\d-\d\d\); ta_ser_mail_send\.conf \[mailer\] .*client_key_file \(.*\) is encrypted and its passphrase \(realm ta_ser_mail_send_passphrase\) was not read: key and match not checked$/);
    expect(row(report, 'CA bundle').status).toBe('pass');
    expect(row(report, 'encryption key').status).toBe('pass');
    expect(report.results.some((r) => r.check === 'send mTLS')).toBe(false);
    expect(report.ok).toBe(true);
    expect(splunkd.calls()).toEqual([]);
  });

  it('still fails an expired certificate file and a key that does not match, and skips what is pasted', async () => {
    const expired = datedClientPair(pki, 'expired on disk', daysFromNow(-30), daysFromNow(-2));
    const dir = mkdtempSync(join(tmpdir(), 'ta-doctor-files-'));
    writeFileSync(join(dir, 'old.crt'), expired.cert);
    writeFileSync(join(dir, 'old.key'), expired.key);
    const app = appWith({
      old: { host: 'h', from: 'a@example.com', client_cert_file: join(dir, 'old.crt'), client_key_file: join(dir, 'old.key') },
      odd: { host: 'h', from: 'a@example.com', client_cert_file: pki.clientCertFile, client_key_file: pki.rogueClientKeyFile },
      cloud: { host: 'h', from: 'a@example.com', encrypt: '1' },
    });
    const report = await without(app);
    const certs = report.results.filter((r) => r.check === 'client certificate');
    expect(certs.map((r) => r.status).sort()).toEqual(['fail', 'fail', 'skip']);
    expect(certs.find((r) => /expired on/.test(r.detail))?.detail).toMatch(/client_cert_file \(.*old\.crt\): the client certificate is expired on/);
    expect(certs.find((r) => /does not belong/.test(r.detail))).toBeDefined();
    expect(certs.find((r) => r.status === 'skip')?.detail).toMatch(/the PEM pasted in the configuration page is used, and it is in storage\/passwords \(not read\)/);
    expect(report.results.find((r) => r.check === 'encryption key' && r.target === 'ta_ser_mail_send.conf [cloud]')?.status).toBe('skip');
    expect(report.ok).toBe(false);
  });

  it('without a session key or an app folder, says how to give either', async () => {
    const report = await runSplunkDoctor({ serverUri: splunkd.url });
    expect(report.ok).toBe(false);
    expect(report.results[0]!.fix).toMatch(/TA_SER_MAIL_APP_DIR.*--session-key-file/);
  });
});

it('doctor --splunk never prints a pasted PEM, a key, the passphrase or the session key', async () => {
  pasteAll();
  splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailer', 'wrong-passphrase-123');
  pasteAll('other');
  splunkd.setPassword('ta_ser_mail_send_client_key', 'other', text(pki.rogueClientKeyFile));
  pasteAll('third');
  splunkd.setPassword('ta_ser_mail_send_client_cert', 'third', pki.clientKey);
  splunkd.setPassword('ta_ser_mail_send_ca', 'third', text(pki.wrapPrivateKeyFile));
  const report = await withKey();
  expect(report.results.filter((r) => r.status === 'fail').length).toBeGreaterThanOrEqual(3);
  const out = `${renderTable(report.results)}\n${JSON.stringify(report.results)}`;
  for (const s of ['-----BEGIN', 'wrong-passphrase-123', pki.clientKeyPassphrase, splunkd.sessionKey, 'mailbox-secret-1']) expect(out).not.toContain(s);
  const lines = [pki.clientKey, pki.clientCert, pki.ca, text(pki.rogueClientKeyFile), text(pki.wrapPrivateKeyFile)].flatMap(pemBodyLines);
  for (const l of lines) expect(out).not.toContain(l);
});
