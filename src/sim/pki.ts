import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PKI for the simulators, the demo and the tests: a CA, a server certificate for
 * 127.0.0.1/localhost, a client certificate (mutual TLS) whose key is protected by a
 * passphrase, and an RSA key pair for message-key wrapping. Made with the openssl CLI at run
 * time, so no key is ever committed.
 */
export interface Pki {
  dir: string;
  caFile: string;
  ca: string;
  serverCertFile: string;
  serverKeyFile: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientCert: string;
  clientKey: string;
  /** The client key is encrypted with this passphrase (a generated value, test-only). */
  clientKeyPassphrase: string;
  /** A second CA and a client certificate it signed: a client the server must refuse. */
  rogueCaFile: string;
  rogueClientCertFile: string;
  rogueClientKeyFile: string;
  /** RSA key pair of the send service (public key PEM, certificate PEM, private key PEM). */
  wrapPublicKeyFile: string;
  wrapCertFile: string;
  wrapPrivateKeyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, days = 2): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', String(days), '-subj', `/CN=${name} test CA`], dir);
}

function signLeaf(dir: string, ca: string, name: string, cn: string, ext: string, passphrase?: string, days = 2): void {
  const keyArgs = passphrase ? ['-aes-256-cbc', '-pass', `pass:${passphrase}`] : [];
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`, ...keyArgs], dir);
  const passin = passphrase ? ['-passin', `pass:${passphrase}`] : [];
  openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, ...passin], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', String(days), '-extfile', `${name}.ext`], dir);
}

/** `days`: validity of every certificate (default 2; doctor warns from 30 days before expiry, so its tests ask for more). */
export function createPki(dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-pki-')), o: { days?: number } = {}): Pki {
  const passphrase = `pp-${process.pid}-${Date.now().toString(36)}`;
  const days = o.days ?? 2;
  makeCa(dir, 'ca', days);
  signLeaf(dir, 'ca', 'server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', undefined, days);
  signLeaf(dir, 'ca', 'client', 'ta-ser-mail client', 'extendedKeyUsage=clientAuth\n', passphrase, days);
  makeCa(dir, 'rogue', days);
  signLeaf(dir, 'rogue', 'rogue-client', 'rogue client', 'extendedKeyUsage=clientAuth\n', undefined, days);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'wrap.key', '-out', 'wrap.crt', '-days', String(days), '-subj', '/CN=send service message key'], dir);
  openssl(['pkey', '-in', 'wrap.key', '-pubout', '-out', 'wrap.pub'], dir);
  const p = (f: string) => join(dir, f);
  const r = (f: string) => readFileSync(p(f), 'utf8');
  return {
    dir,
    caFile: p('ca.crt'),
    ca: r('ca.crt'),
    serverCertFile: p('server.crt'),
    serverKeyFile: p('server.key'),
    serverCert: r('server.crt'),
    serverKey: r('server.key'),
    clientCertFile: p('client.crt'),
    clientKeyFile: p('client.key'),
    clientCert: r('client.crt'),
    clientKey: r('client.key'),
    clientKeyPassphrase: passphrase,
    rogueCaFile: p('rogue.crt'),
    rogueClientCertFile: p('rogue-client.crt'),
    rogueClientKeyFile: p('rogue-client.key'),
    wrapPublicKeyFile: p('wrap.pub'),
    wrapCertFile: p('wrap.crt'),
    wrapPrivateKeyFile: p('wrap.key'),
  };
}
