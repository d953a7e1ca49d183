import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { mergeConf, readConfFile, type ConfFile } from './conf-file.js';

/**
 * Zero-configuration trust of the local splunkd: verify its certificate against what splunkd
 * itself is configured with, so a default install works with verification on and no setting.
 *
 * The CA: `server.conf` `[sslConfig]` (etc/system/local over etc/system/default), in
 * server.conf.spec's order — `sslRootCAPath` (a PEM file of root CAs); else the deprecated
 * `caCertFile` (a file name, relative to `caPath`, default `cacert.pem`) in `caPath` (default
 * `$SPLUNK_HOME/etc/auth`). On a default install that is `$SPLUNK_HOME/etc/auth/cacert.pem`,
 * the CA that signed splunkd's own `server.pem`.
 *
 * The name: splunkd is reached at server_uri, usually `https://127.0.0.1:8089`, but its
 * certificate is never issued to 127.0.0.1: the default one says `SplunkServerDefaultCert`, a
 * custom one names the host. So the chain is verified in full, and the certificate must carry
 * either the URL's host or one of the names this instance is known by: the server.conf
 * `[sslConfig]` names splunkd is told to accept (`sslCommonNameToCheck`, `sslAltNameToCheck`),
 * `[general] serverName`, this machine's host name, and `SplunkServerDefaultCert`. A
 * certificate signed by the configured CA for some other name is refused.
 */
export interface SplunkdTrust {
  /** PEM file of the CA(s); undefined when SPLUNK_HOME is unknown (then the system store). */
  caFile?: string;
  /** Names the certificate may carry besides the URL's host. */
  names: string[];
  /** Where the CA came from, for messages ("server.conf [sslConfig] sslRootCAPath"). */
  source: string;
}

export const SPLUNK_DEFAULT_CERT_NAME = 'SplunkServerDefaultCert';


/** server.conf as splunkd layers it for system settings: default/, then local/ key by key. */
export function readServerConf(splunkHome: string): ConfFile {
  const sys = join(splunkHome, 'etc', 'system');
  return mergeConf(readConfFile(join(sys, 'default', 'server.conf')), readConfFile(join(sys, 'local', 'server.conf')));
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function splunkdTrust(splunkHome: string, host = hostname()): SplunkdTrust {
  const conf = readServerConf(splunkHome);
  const ssl = conf.get('sslConfig') ?? new Map<string, string>();
  const expand = (p: string) => p.replace(/^\$SPLUNK_HOME(?=$|[\\/])/, splunkHome);
  const get = (k: string) => {
    const v = ssl.get(k)?.trim();
    return v ? expand(v) : undefined;
  };
  const caPath = get('caPath') ?? join(splunkHome, 'etc', 'auth');
  const root = get('sslRootCAPath');
  let caFile: string;
  let source: string;
  if (root) {
    caFile = isAbsolute(root) ? root : join(caPath, root);
    source = 'server.conf [sslConfig] sslRootCAPath';
  } else {
    const file = get('caCertFile') ?? 'cacert.pem';
    caFile = isAbsolute(file) ? file : join(caPath, file);
    source = ssl.has('caCertFile') ? 'server.conf [sslConfig] caCertFile in caPath' : "splunkd's default CA ($SPLUNK_HOME/etc/auth/cacert.pem)";
  }
  const names = [...list(ssl.get('sslCommonNameToCheck')), ...list(ssl.get('sslAltNameToCheck')), conf.get('general')?.get('serverName')?.trim().replace('$HOSTNAME', host), host, SPLUNK_DEFAULT_CERT_NAME];
  return { caFile, names: [...new Set(names.filter((n): n is string => Boolean(n) && !n!.includes('$')))], source };
}

/**
 * A `checkServerIdentity` for tls.connect: the URL's host as usual, else one of `names`. Node's
 * own check is used for each name (SAN first, CN when the certificate has no DNS name).
 */
export function identityCheck(names: readonly string[]): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const own = checkServerIdentity(host, cert);
    if (!own) return undefined;
    for (const n of names) if (!checkServerIdentity(n, cert)) return undefined;
    const carried = cert.subjectaltname ? `${cert.subject?.CN ?? '?'} (${cert.subjectaltname})` : (cert.subject?.CN ?? '?');
    const err = new Error(`splunkd's certificate is issued to ${carried}, which is neither ${host} nor any of ${names.join(', ')}`) as NodeJS.ErrnoException;
    err.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return err;
  };
}
