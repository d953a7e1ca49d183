import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseMailboxList } from '../mail/mailbox-filter.js';
import { fail, pass, skip, warn, type Check } from './check.js';
import { validityOf, type Validity } from './pem-checks.js';

export interface ReceiverTarget {
  name: string;
  receiver: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  jwtPublicKeyFile?: string;
  whitelistFile?: string;
  blacklistFile?: string;
}

/**
 * What the mail receiver reads at start: its certificate and key (matching), the JWT public
 * key, and the connector's mailbox lists. A failure here would stop `run` at start.
 */
export function receiverFilesCheck(t: ReceiverTarget): Check {
  return {
    check: 'receiver files',
    target: `inputs.mail_metadata.${t.name}`,
    async run() {
      if (!t.receiver && !t.whitelistFile && !t.blacklistFile) return skip('receiver off, no mailbox lists');
      const seen: string[] = [];
      const setting = (k: string) => `inputs.mail_metadata.${t.name}.${k}`;
      let validity: Validity | undefined;
      if (t.tlsCertFile && t.tlsKeyFile) {
        try {
          const pem = await readFile(t.tlsCertFile);
          const cert = createPublicKey(pem);
          // The same expiry rule as the send service's certificates (pem-checks.ts).
          validity = validityOf(new X509Certificate(pem), new Date());
          const key = createPrivateKey(await readFile(t.tlsKeyFile));
          if (!createPublicKey(key).export({ format: 'der', type: 'spki' }).equals(cert.export({ format: 'der', type: 'spki' }))) {
            return fail('tls_key_file does not belong to tls_cert_file', `set ${setting('tls_cert_file')} and ${setting('tls_key_file')} to a matching pair`);
          }
          if (validity.status === 'fail') return fail(`tls_cert_file ${t.tlsCertFile}: the certificate is ${validity.text}`, `renew the receiver's certificate and set ${setting('tls_cert_file')} and ${setting('tls_key_file')}`);
          seen.push(`TLS certificate and key match, certificate ${validity.text}`);
        } catch (err) {
          return fail(`TLS certificate or key cannot be loaded: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `check ${setting('tls_cert_file')} / ${setting('tls_key_file')} (PEM, key unencrypted)`);
        }
      } else if (t.receiver) seen.push('plain HTTP');
      if (t.jwtPublicKeyFile) {
        try {
          createPublicKey(await readFile(t.jwtPublicKeyFile));
          seen.push('JWT key loads');
        } catch (err) {
          return fail(`jwt_public_key_file cannot be loaded: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `set ${setting('jwt_public_key_file')} to the PEM public key or certificate that verifies the connector's tokens`);
        }
      }
      for (const [k, file] of [['whitelist_file', t.whitelistFile], ['blacklist_file', t.blacklistFile]] as const) {
        if (!file) continue;
        try {
          const n = parseMailboxList(await readFile(file, 'utf8'), file).size;
          seen.push(`${k.replace('_file', '')} ${n} mailbox(es)`);
        } catch (err) {
          return fail((err as Error).message, `fix ${setting(k)}: a JSON array of addresses, as the connector writes it`);
        }
      }
      if (validity?.status === 'warn') return warn(seen.join('; '), `renew the receiver's certificate before it expires and set ${setting('tls_cert_file')} and ${setting('tls_key_file')}`);
      return pass(seen.join('; ') || 'nothing to load');
    },
  };
}
