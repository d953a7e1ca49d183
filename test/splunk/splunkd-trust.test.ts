import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { splunkdTls } from '../../src/splunk/app-settings.js';
import { SplunkdClient } from '../../src/splunk/splunkd-client.js';
import { splunkdTrust } from '../../src/splunk/splunkd-trust.js';
import { customCaInstall, defaultInstall, makeCa, signServer, type SplunkHome } from './splunk-home.js';

/**
 * Issue 15 item 1: the program trusts the local splunkd the way splunkd is configured, with no
 * setting of ours — for a default install (Splunk's own CA, certificate issued to
 * SplunkServerDefaultCert) and for a custom CA — and a wrong CA or name still fails, clearly.
 */
const open: Array<SplunkdSimulator | SplunkdClient> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

/** An app folder with no [splunkd] setting at all (the default the package ships). */
function bareApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-app-'));
  mkdirSync(join(dir, 'default'));
  writeFileSync(join(dir, 'default', 'ta_ser_mail_settings.conf'), '[splunkd]\ninsecure_localhost = 0\n');
  return dir;
}

async function callThrough(install: SplunkHome): Promise<unknown> {
  const sim = await startSplunkdSimulator({ tls: { cert: install.serverCert, key: install.serverKey } });
  open.push(sim);
  const client = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: splunkdTls(bareApp(), { SPLUNK_HOME: install.home }), attempts: 1 });
  open.push(client);
  return client.call('/services/storage/passwords');
}

describe('zero-config trust of the local splunkd', () => {
  it('reads the CA from server.conf the way splunkd does (sslRootCAPath, caCertFile in caPath, the default cacert.pem)', () => {
    const d = defaultInstall();
    expect(splunkdTrust(d.home, 'host1')).toMatchObject({ caFile: join(d.home, 'etc', 'auth', 'cacert.pem'), source: expect.stringMatching(/default CA/) });
    expect(splunkdTrust(d.home, 'host1').names).toEqual(['host1', 'SplunkServerDefaultCert']);
    const legacy = defaultInstall(true);
    expect(splunkdTrust(legacy.home)).toMatchObject({ caFile: join(legacy.home, 'etc', 'auth', 'cacert.pem'), source: expect.stringMatching(/caCertFile in caPath/) });
    const c = customCaInstall('idx7.example.test');
    const t = splunkdTrust(c.home, 'host1');
    expect(t).toMatchObject({ caFile: join(c.home, 'etc', 'auth', 'mycerts', 'myCA.pem'), source: 'server.conf [sslConfig] sslRootCAPath' });
    expect(t.names).toEqual(['idx7.example.test', 'host1', 'SplunkServerDefaultCert']);
    // sslCommonNameToCheck / sslAltNameToCheck name certificates splunkd accepts; a relative caCertFile sits in caPath.
    mkdirSync(join(c.home, 'etc', 'certs'));
    writeFileSync(join(c.home, 'etc', 'system', 'local', 'server.conf'), '[sslConfig]\ncaPath = $SPLUNK_HOME/etc/certs\ncaCertFile = corp.pem\nsslCommonNameToCheck = a.example, b.example\nsslAltNameToCheck = c.example\n');
    expect(splunkdTrust(c.home, 'host1')).toMatchObject({ caFile: join(c.home, 'etc', 'certs', 'corp.pem'), names: ['a.example', 'b.example', 'c.example', 'host1', 'SplunkServerDefaultCert'] });
  });

  it('verifies splunkd of a default install (certificate issued to SplunkServerDefaultCert on 127.0.0.1) with no setting', async () => {
    await expect(callThrough(defaultInstall())).resolves.toMatchObject({ entry: [] });
    await expect(callThrough(defaultInstall(true))).resolves.toMatchObject({ entry: [] });
  });

  it('verifies splunkd of a custom CA install (sslRootCAPath, certificate for serverName) with no setting', async () => {
    await expect(callThrough(customCaInstall())).resolves.toMatchObject({ entry: [] });
  });

  it('verifies a certificate issued to this machine\'s host name', async () => {
    const d = defaultInstall();
    const own = signServer(join(d.home, 'etc', 'auth'), 'cacert', 'own', hostname(), `DNS:${hostname()}`);
    await expect(callThrough({ ...d, serverCert: own.cert, serverKey: own.key })).resolves.toMatchObject({ entry: [] });
  });

  it('refuses splunkd whose certificate the configured CA did not sign, naming the CA file and where it came from', async () => {
    const d = defaultInstall();
    // The admin pointed sslRootCAPath at another CA: splunkd's certificate does not chain to it.
    const other = mkdtempSync(join(tmpdir(), 'other-ca-'));
    makeCa(other, 'other', 'Some Other CA');
    mkdirSync(join(d.home, 'etc', 'system', 'local'), { recursive: true });
    writeFileSync(join(d.home, 'etc', 'system', 'local', 'server.conf'), `[sslConfig]\nsslRootCAPath = ${join(other, 'other.pem')}\n`);
    const err = (await callThrough(d).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^TLS verification of splunkd at https:\/\/127\.0\.0\.1:\d+ \(.*certificate.*; trusted: the CA in .*other\.pem \(server\.conf \[sslConfig\] sslRootCAPath\)\)/);
    expect(err.message).toMatch(/\[splunkd\] ca_file/);
  });

  it('refuses a certificate the right CA signed for another name', async () => {
    const d = defaultInstall();
    const stranger = signServer(join(d.home, 'etc', 'auth'), 'cacert', 'stranger', 'mallory.example.test', 'DNS:mallory.example.test');
    const err = (await callThrough({ ...d, serverCert: stranger.cert, serverKey: stranger.key }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/TLS verification of splunkd .*issued to mallory\.example\.test .*which is neither 127\.0\.0\.1 nor any of .*SplunkServerDefaultCert/);
  });

  it('says so when the CA file server.conf names is not there', async () => {
    const d = defaultInstall();
    writeFileSync(join(d.home, 'etc', 'system', 'default', 'server.conf'), '[sslConfig]\nsslRootCAPath = $SPLUNK_HOME/etc/auth/missing.pem\n');
    await expect(callThrough(d)).rejects.toThrow(/CA file .*missing\.pem cannot be read: ENOENT/);
  });

  it('keeps an explicit [splunkd] ca_file over server.conf', () => {
    const d = defaultInstall();
    const app = bareApp();
    mkdirSync(join(app, 'local'));
    writeFileSync(join(app, 'local', 'ta_ser_mail_settings.conf'), '[splunkd]\nca_file = $SPLUNK_HOME/etc/auth/corp.pem\n');
    expect(splunkdTls(app, { SPLUNK_HOME: d.home })).toMatchObject({ ca_file: join(d.home, 'etc/auth/corp.pem'), source: '[splunkd] ca_file of ta_ser_mail_settings.conf' });
    // Without SPLUNK_HOME (a CLI run outside Splunk) there is no server.conf: the system store.
    expect(splunkdTls(bareApp(), {})).toMatchObject({ ca_file: undefined });
  });
});
