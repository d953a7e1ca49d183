import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A $SPLUNK_HOME laid out the way Splunk installs and configures TLS for splunkd, with
 * certificates made at test time (openssl, as src/sim/pki.ts does): the CA file(s) under
 * etc/auth, server.conf under etc/system/default and etc/system/local, and the PEM pair the
 * splunkd simulator serves.
 */
export interface SplunkHome {
  home: string;
  /** What splunkd serves: its certificate and key. */
  serverCert: string;
  serverKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA `name` in dir (name.pem + name.key). */
export function makeCa(dir: string, name: string, cn: string): string {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`], dir);
  return join(dir, `${name}.pem`);
}

/** A server certificate signed by CA `ca` (in dir): CN and optional SAN, like splunkd's. */
export function signServer(dir: string, ca: string, name: string, cn: string, san?: string): { cert: string; key: string } {
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  writeFileSync(join(dir, `${name}.ext`), `extendedKeyUsage=serverAuth\n${san ? `subjectAltName=${san}\n` : ''}`);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
  return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

function writeConf(home: string, layer: 'default' | 'local', text: string): void {
  const dir = join(home, 'etc', 'system', layer);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.conf'), text);
}

/**
 * A default install: splunkd's CA is etc/auth/cacert.pem and its certificate etc/auth/server.pem,
 * issued to SplunkServerDefaultCert (no subjectAltName), whatever address splunkd listens on.
 * `legacy` writes the pre-sslRootCAPath keys (caCertFile + caPath) into default/server.conf.
 */
export function defaultInstall(legacy = false): SplunkHome {
  const home = mkdtempSync(join(tmpdir(), 'splunk-default-'));
  const auth = join(home, 'etc', 'auth');
  mkdirSync(auth, { recursive: true });
  makeCa(auth, 'cacert', 'SplunkCommonCA');
  const { cert, key } = signServer(auth, 'cacert', 'server', 'SplunkServerDefaultCert');
  writeConf(
    home,
    'default',
    `[general]\nserverName = $HOSTNAME\n\n[sslConfig]\nenableSplunkdSSL = true\nserverCert = $SPLUNK_HOME/etc/auth/server.pem\nsslPassword = password\n${legacy ? 'caCertFile = cacert.pem\ncaPath = $SPLUNK_HOME/etc/auth\n' : ''}`,
  );
  return { home, serverCert: cert, serverKey: key };
}

/**
 * An install whose admin replaced splunkd's certificate: an own CA in etc/auth/mycerts, named by
 * sslRootCAPath in local/server.conf, and a certificate issued to the instance's serverName.
 */
export function customCaInstall(serverName = 'idx01.example.test'): SplunkHome {
  const home = mkdtempSync(join(tmpdir(), 'splunk-custom-'));
  const certs = join(home, 'etc', 'auth', 'mycerts');
  mkdirSync(certs, { recursive: true });
  makeCa(certs, 'myCA', 'Example Corp Issuing CA');
  const { cert, key } = signServer(certs, 'myCA', 'splunkd', serverName, `DNS:${serverName}`);
  // The default CA of the install is still there; splunkd's certificate is not signed by it.
  makeCa(join(home, 'etc', 'auth'), 'cacert', 'SplunkCommonCA');
  writeConf(home, 'default', '[general]\nserverName = $HOSTNAME\n\n[sslConfig]\nserverCert = $SPLUNK_HOME/etc/auth/server.pem\n');
  writeConf(home, 'local', `[general]\nserverName = ${serverName}\n\n[sslConfig]\nserverCert = $SPLUNK_HOME/etc/auth/mycerts/splunkd.pem\nsslRootCAPath = $SPLUNK_HOME/etc/auth/mycerts/myCA.pem\n`);
  return { home, serverCert: cert, serverKey: key };
}
