import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { runDoctor, type DoctorReport } from '../../src/doctor/doctor.js';
import { caBundleFinding, encryptionKeyFinding, validityOf } from '../../src/doctor/pem-checks.js';
import { renderTable } from '../../src/doctor/table.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSendSimulator, type SendSimulator } from '../../src/sim/send.js';
import { writeConfig } from './helpers.js';
import { datedClientPair, daysFromNow, pemBodyLines, type DatedPair } from './pem-pki.js';

/**
 * The send service's PEMs pasted as text (client_cert_pem, client_key_pem, ca_pem,
 * public_key_pem: in the standalone YAML they are secret references, in Splunk they live in
 * storage/passwords) get the same rows as PEM files: parse, passphrase, match, expiry, CA,
 * encryption key, and the mTLS handshake with what the send path would use.
 */
let pki: Pki;
let send: SendSimulator;
let work: string;
let expired: DatedPair;
let expiring: DatedPair;
const text = (f: string) => readFileSync(f, 'utf8');

beforeAll(async () => {
  pki = createPki(undefined, { days: 400 });
  work = mkdtempSync(join(tmpdir(), 'ta-doctor-pem-'));
  expired = datedClientPair(pki, 'expired client', daysFromNow(-90), daysFromNow(-1));
  expiring = datedClientPair(pki, 'expiring client', daysFromNow(-300), daysFromNow(10));
  send = await startSendSimulator({ cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca, mailbox: { address: 'alerts@example.com', secret: 'mailbox-secret-1' } });
});
afterAll(async () => {
  await send?.close();
});

/** A PEM text as the YAML gives a pasted PEM: a secret reference (here to a file holding the text). */
let n = 0;
function ref(content: string): { file: string } {
  const file = join(work, `pem-${n++}.txt`);
  writeFileSync(file, content);
  return { file };
}

const env = () => ({ KEY_PASS: pki.clientKeyPassphrase, SEND_SECRET: 'mailbox-secret-1' });

function pastedConfig(over: Record<string, unknown> = {}) {
  return {
    proxy: { use_env: false },
    send_services: {
      mailer: {
        host: '127.0.0.1',
        port: send.port,
        client_cert_pem: ref(pki.clientCert),
        client_key_pem: ref(pki.clientKey),
        passphrase: { env: 'KEY_PASS' },
        ca_pem: ref(pki.ca),
        secret: { env: 'SEND_SECRET' },
        from: 'alerts@example.com',
        encrypt: true,
        public_key_pem: ref(text(pki.wrapCertFile)),
        ...over,
      },
    },
  };
}

const doctor = (config: unknown, e: NodeJS.ProcessEnv = env()) => runDoctor(writeConfig(config), { env: e, timeoutMs: 10_000 });

function row(report: DoctorReport, check: string): CheckResult {
  const r = report.results.find((x) => x.check === check);
  if (!r) throw new Error(`no row ${check} in\n${renderTable(report.results)}`);
  return r;
}

describe('doctor: send service PEMs pasted as text', () => {
  it('good pasted PEMs pass every row, and the handshake uses them', async () => {
    const report = await doctor(pastedConfig());
    const table = renderTable(report.results);
    expect(report.results.filter((r) => r.status !== 'pass'), table).toEqual([]);
    expect(row(report, 'client certificate').target).toBe('send_services.mailer.client_cert_pem');
    expect(row(report, 'client certificate').detail).toMatch(/CN=ta-ser-mail client, issuer CN=ca test CA; key opens and matches; expires in 39\d d/);
    expect(row(report, 'CA bundle').detail).toMatch(/1 CA certificate\(s\): CN=ca test CA expires in 39\d d/);
    expect(row(report, 'encryption key').detail).toMatch(/RSA 2048 bits, wraps a key with RSA\/ECB\/OAEPWithSHA-256AndMGF1Padding; certificate expires in 39\d d/);
    expect(row(report, 'send mTLS').status).toBe('pass');
    // The TLS row verified the service against the pasted CA (there is no ca_file).
    expect(report.results.find((r) => r.check === 'TLS')?.detail).toMatch(/^verified;/);
    expect(report.ok).toBe(true);
  });

  it('a key that does not belong to the certificate fails, naming both settings, and the handshake is skipped', async () => {
    const report = await doctor(pastedConfig({ client_key_pem: ref(text(pki.rogueClientKeyFile)) }));
    const r = row(report, 'client certificate');
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('the key in send_services.mailer.client_key_pem does not belong to the certificate in send_services.mailer.client_cert_pem (CN=ta-ser-mail client)');
    expect(r.fix).toMatch(/matching pair/);
    expect(row(report, 'send mTLS').status).toBe('skip');
    expect(report.ok).toBe(false);
  });

  it('a wrong passphrase, and an encrypted key with none, each say which', async () => {
    const wrong = row(await doctor(pastedConfig(), { ...env(), KEY_PASS: 'not-the-passphrase' }), 'client certificate');
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toBe('send_services.mailer.client_key_pem cannot be opened with the passphrase in send_services.mailer.passphrase (wrong passphrase)');
    const none = row(await doctor(pastedConfig({ passphrase: undefined })), 'client certificate');
    expect(none.status).toBe('fail');
    expect(none.detail).toBe('send_services.mailer.client_key_pem is encrypted and no passphrase is set');
  });

  it('garbage text in each PEM setting is its own finding', async () => {
    const cert = row(await doctor(pastedConfig({ client_cert_pem: ref('hello, this is not a certificate') })), 'client certificate');
    expect(cert.status).toBe('fail');
    expect(cert.detail).toBe('send_services.mailer.client_cert_pem holds 32 characters of text that is not PEM, not a certificate');
    // A key block with a body that is not a key; built here so no key-shaped text sits in the repo.
    const label = ['PRIVATE', 'KEY'].join(' ');
    const brokenKey = `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
    const key = row(await doctor(pastedConfig({ client_key_pem: ref(brokenKey), passphrase: undefined })), 'client certificate');
    expect(key.status).toBe('fail');
    expect(key.detail).toMatch(/^send_services\.mailer\.client_key_pem: the private key does not parse \(/);
    const wrap = row(await doctor(pastedConfig({ public_key_pem: ref('garbage') })), 'encryption key');
    expect(wrap.status).toBe('fail');
    expect(wrap.detail).toMatch(/^send_services\.mailer\.public_key_pem does not hold an RSA public key or certificate in PEM: .* \(it holds 7 characters of text that is not PEM\)$/);
    expect(wrap.fix).toMatch(/public_key_pem/);
    const badCa = await doctor(pastedConfig({ ca_pem: ref('garbage') }));
    const ca = row(badCa, 'CA bundle');
    expect(ca.status).toBe('fail');
    expect(ca.detail).toBe('send_services.mailer.ca_pem holds 7 characters of text that is not PEM, no certificate');
    expect(row(badCa, 'send mTLS').detail).toBe('not run: ca bundle mailer did not pass');
  });

  it('a private key pasted where the certificate goes says where it belongs', async () => {
    const r = row(await doctor(pastedConfig({ client_cert_pem: ref(pki.clientKey) })), 'client certificate');
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('send_services.mailer.client_cert_pem holds a PEM "ENCRYPTED PRIVATE KEY" block, not a certificate');
    expect(r.fix).toMatch(/private key belongs in the key setting/);
  });

  it('an expired client certificate fails; one expiring within 30 days warns and the handshake still runs', async () => {
    const old = await doctor(pastedConfig({ client_cert_pem: ref(expired.cert), client_key_pem: ref(expired.key), passphrase: undefined }));
    const r = row(old, 'client certificate');
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^send_services\.mailer\.client_cert_pem: the client certificate is expired on \d{4}-\d\d-\d\d \(CN=expired client\)$/);
    expect(row(old, 'send mTLS').status).toBe('skip');
    expect(old.ok).toBe(false);

    const soon = await doctor(pastedConfig({ client_cert_pem: ref(expiring.cert), client_key_pem: ref(expiring.key), passphrase: undefined }));
    const w = row(soon, 'client certificate');
    expect(w.status).toBe('warn');
    expect(w.detail).toMatch(/expires in (9|10) d/);
    expect(w.fix).toMatch(/renew the client certificate before/);
    expect(row(soon, 'send mTLS').status).toBe('pass');
    expect(soon.ok).toBe(true);
    expect(renderTable(soon.results)).toMatch(/\(1 with a warning\)/);
  });

  it('a CA bundle without a CA certificate fails: a leaf certificate, or a key', async () => {
    const leaf = row(await doctor(pastedConfig({ ca_pem: ref(pki.serverCert) })), 'CA bundle');
    expect(leaf.status).toBe('fail');
    expect(leaf.detail).toBe('send_services.mailer.ca_pem: none of its 1 certificate(s) is a CA (CN=localhost)');
    const key = row(await doctor(pastedConfig({ ca_pem: ref(text(pki.wrapPrivateKeyFile)) })), 'CA bundle');
    expect(key.status).toBe('fail');
    expect(key.detail).toBe('send_services.mailer.ca_pem holds a PEM "PRIVATE KEY" block, no certificate');
  });

  it('a path and a pasted PEM both set: says the pasted one is used, as the send path does, and checks that one', async () => {
    // The file is the rogue pair the service refuses; the pasted pair is good: the handshake passing proves which one is used.
    const report = await doctor(pastedConfig({ client_cert_file: pki.rogueClientCertFile, client_key_file: pki.rogueClientKeyFile, ca_file: pki.rogueCaFile }));
    const sources = report.results.filter((r) => r.check === 'send PEM source');
    expect(sources.map((r) => [r.target, r.status])).toEqual([
      ['send_services.mailer.client_cert_pem', 'warn'],
      ['send_services.mailer.client_key_pem', 'warn'],
      ['send_services.mailer.ca_pem', 'warn'],
    ]);
    expect(sources[0]!.detail).toBe('both client_cert_file and client_cert_pem are set: the alert action uses the pasted client_cert_pem and ignores client_cert_file');
    expect(sources[0]!.fix).toBe('clear send_services.mailer.client_cert_file (or clear send_services.mailer.client_cert_pem to use the other one)');
    expect(row(report, 'client certificate').status).toBe('pass');
    expect(row(report, 'send mTLS').status).toBe('pass');
    expect(report.results.find((r) => r.check === 'TLS')?.status).toBe('pass');
    expect(report.ok).toBe(true);
  });

  it('a PEM file and its pasted copy get the same finding', async () => {
    const filed = await doctor(pastedConfig({ client_cert_pem: undefined, client_key_pem: undefined, client_cert_file: pki.clientCertFile, client_key_file: pki.rogueClientKeyFile, passphrase: undefined }));
    const pasted = await doctor(pastedConfig({ client_key_pem: ref(text(pki.rogueClientKeyFile)), passphrase: undefined }));
    const f = row(filed, 'client certificate');
    const p = row(pasted, 'client certificate');
    expect([f.status, p.status]).toEqual(['fail', 'fail']);
    expect(f.detail.replace(/send_services\.mailer\.client_(cert|key)_file \([^)]*\)/g, 'X')).toBe(p.detail.replace(/send_services\.mailer\.client_(cert|key)_pem/g, 'X'));
    expect(f.detail).toContain(`send_services.mailer.client_key_file (${pki.rogueClientKeyFile})`);
  });

  it('never prints a PEM, a key or the passphrase, whatever it finds', async () => {
    const reports = await Promise.all([
      doctor(pastedConfig()),
      doctor(pastedConfig(), { ...env(), KEY_PASS: `${pki.clientKeyPassphrase}x` }),
      doctor(pastedConfig({ client_key_pem: ref(text(pki.rogueClientKeyFile)) })),
      doctor(pastedConfig({ client_cert_pem: ref(pki.clientKey) })),
      doctor(pastedConfig({ ca_pem: ref(text(pki.wrapPrivateKeyFile)), public_key_pem: ref(text(pki.wrapPrivateKeyFile)) })),
      doctor(pastedConfig({ client_cert_pem: ref(expired.cert), client_key_pem: ref(expired.key), passphrase: undefined })),
    ]);
    const out = reports.map((r) => `${renderTable(r.results)}\n${JSON.stringify(r.results)}`).join('\n');
    expect(out).not.toContain('-----BEGIN');
    expect(out).not.toContain(pki.clientKeyPassphrase);
    const secrets = [pki.clientKey, pki.clientCert, pki.ca, text(pki.rogueClientKeyFile), text(pki.wrapPrivateKeyFile), text(pki.wrapCertFile), expired.key, expired.cert];
    const lines = secrets.flatMap(pemBodyLines);
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) expect(out).not.toContain(l);
  });
});

describe('doctor PEM findings (pure)', () => {
  it('expiry: expired or not yet valid fails, within 30 days warns, later passes', () => {
    const cert = { validFrom: 'Jan  1 00:00:00 2026 GMT', validTo: 'Mar  1 00:00:00 2026 GMT' } as import('node:crypto').X509Certificate;
    expect(validityOf(cert, new Date('2025-12-31T23:59:00Z'))).toEqual({ status: 'fail', text: 'not valid before 2026-01-01' });
    expect(validityOf(cert, new Date('2026-01-15T00:00:00Z'))).toEqual({ status: 'pass', text: 'expires in 45 d (2026-03-01)' });
    expect(validityOf(cert, new Date('2026-01-30T00:00:00Z'))).toEqual({ status: 'pass', text: 'expires in 30 d (2026-03-01)' });
    expect(validityOf(cert, new Date('2026-01-30T00:00:01Z'))).toEqual({ status: 'warn', text: 'expires in 29 d (2026-03-01)' });
    expect(validityOf(cert, new Date('2026-03-01T00:00:01Z'))).toEqual({ status: 'fail', text: 'expired on 2026-03-01' });
  });

  it('a CA bundle with an expired CA beside a good one warns; all expired fails', () => {
    const setting = 'x.ca_pem';
    const bundle = { setting, text: `${pki.ca}\n${pki.ca}` };
    expect(caBundleFinding(bundle).status).toBe('pass');
    expect(caBundleFinding(bundle, daysFromNow(380)).status).toBe('warn');
    const gone = caBundleFinding(bundle, daysFromNow(500));
    expect(gone.status).toBe('fail');
    expect(gone.detail).toMatch(/^x\.ca_pem: every CA certificate is out of date/);
  });

  it('an encryption key that is not RSA is refused by the send path loader', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const r = encryptionKeyFinding({ setting: 'x.public_key_pem', text: ec }, 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding');
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^x\.public_key_pem does not hold an RSA public key or certificate in PEM: an ec key, not RSA$/);
  });
});
