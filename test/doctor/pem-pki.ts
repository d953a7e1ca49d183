import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pki } from '../../src/sim/pki.js';

/**
 * Certificates with chosen dates, signed by a test PKI's CA (src/sim/pki.ts), made with
 * `openssl ca` at test time: `openssl x509 -days` cannot make one that has already expired.
 */
function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export interface DatedPair {
  cert: string;
  key: string;
}

/** A client certificate and its (unencrypted) key, valid from `from` to `to`, signed by the PKI's CA. */
export function datedClientPair(pki: Pki, name: string, from: Date, to: Date): DatedPair {
  const dir = join(pki.dir, `dated-${name}`);
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db', 'index.txt'), '');
  writeFileSync(join(dir, 'db', 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
  writeFileSync(
    join(dir, 'ca.cnf'),
    ['[ca]', 'default_ca = d', '[d]', 'database = db/index.txt', 'serial = db/serial', 'new_certs_dir = db', 'default_md = sha256', 'policy = p', 'unique_subject = no', 'x509_extensions = x', '[p]', 'commonName = supplied', '[x]', 'extendedKeyUsage = clientAuth', ''].join('\n'),
  );
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${name}`], dir);
  openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', pki.caFile, '-keyfile', join(pki.dir, 'ca.key'), '-in', 'leaf.csr', '-out', 'leaf.crt', '-startdate', stamp(from), '-enddate', stamp(to), '-notext'], dir);
  return { cert: readFileSync(join(dir, 'leaf.crt'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
}

export const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000);

/** The base64 lines of a PEM's body: none of them may appear in doctor's output. */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l.trim()));
}
