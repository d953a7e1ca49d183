import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import type { Secret } from '../core/secret.js';
import { readPem } from '../core/tls.js';
import { fail, pass, type Check } from './check.js';

/** Host and port of a URL, for the DNS and TLS rows. */
export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

export function endpointOf(url: string): Endpoint {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : tls ? 443 : 80, tls };
}

type Lookup = (host: string, o: { all: true }) => Promise<Array<{ address: string }>>;

/** `resolve` is the system resolver; tests inject a failing one (no test may query a real DNS server). */
export function dnsCheck(host: string, usedBy: string, resolve: Lookup = lookup): Check {
  return {
    check: 'DNS',
    target: host,
    id: `dns ${host}`,
    async run() {
      if (isIP(host)) return pass(`IP address (used by ${usedBy})`);
      try {
        const addrs = await resolve(host, { all: true });
        return pass(`${addrs.map((a) => a.address).join(', ')} (used by ${usedBy})`);
      } catch (err) {
        return fail(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`, `check the host name in ${usedBy}, and this machine's DNS (/etc/resolv.conf)`);
      }
    },
  };
}

export interface TlsTarget {
  host: string;
  port: number;
  ca_file?: string;
  /** A CA bundle pasted as text (the send service's ca_pem); used instead of ca_file, as the send path does. */
  ca_pem?: Secret;
  server_name?: string;
  insecure?: boolean;
  /** The setting an admin edits to fix it, e.g. "hec.main.ca_file". */
  setting: string;
}

/** Connects, verifies the certificate chain and name like the real client does, and reports the certificate. */
export function tlsCheck(t: TlsTarget): Check {
  const target = `${t.host}:${t.port}`;
  return {
    check: 'TLS',
    target,
    id: `tls ${target}`,
    after: [`dns ${t.host}`],
    async run(signal) {
      let ca: string | undefined;
      try {
        ca = t.ca_pem ? t.ca_pem.reveal() : t.ca_file ? readPem(t.ca_file, 'CA') : undefined;
      } catch (err) {
        return fail((err as Error).message, `set ${t.setting} to a readable PEM file`);
      }
      const servername = t.server_name ?? (isIP(t.host) ? undefined : t.host);
      const outcome = await handshake({ host: t.host, port: t.port, ca, servername, signal });
      if ('error' in outcome) {
        const code = outcome.error.code ?? '';
        if (code === 'ECONNREFUSED') return fail(`connection refused on ${target}`, 'start the service, or correct the port');
        if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return fail(`no answer from ${target}`, 'check firewalls and the proxy settings');
        return fail(`TLS handshake failed: ${outcome.error.message}`, `check that ${target} speaks HTTPS`);
      }
      const { authorized, authorizationError, cert } = outcome;
      const about = describeCert(cert);
      if (authorized) return pass(`verified; ${about}`);
      if (t.insecure) return pass(`NOT verified (${authorizationError}), accepted because insecure is on; ${about}`);
      return fail(
        `certificate does not verify: ${authorizationError}; ${about}`,
        /ALTNAME|Hostname/i.test(String(authorizationError))
          ? `use the name in the certificate, or set ${t.setting.replace(/ca_(file|pem)$/, 'server_name')}`
          : `set ${t.setting} to the PEM of the CA that signed this certificate`,
      );
    },
  };
}

function describeCert(cert: PeerCertificate | undefined): string {
  if (!cert || !cert.subject) return 'no certificate';
  const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / 86_400_000);
  return `subject CN=${cert.subject.CN ?? '?'}, issuer CN=${cert.issuer?.CN ?? '?'}, expires in ${days} d`;
}

type Handshake =
  | { authorized: boolean; authorizationError?: string; cert?: PeerCertificate }
  | { error: NodeJS.ErrnoException };

function handshake(o: { host: string; port: number; ca?: string; servername?: string; signal: AbortSignal }): Promise<Handshake> {
  return new Promise((resolve) => {
    // Verify by hand (rejectUnauthorized false) so the row can say *why* it does not verify.
    const socket = connect({ host: o.host, port: o.port, ca: o.ca, servername: o.servername, rejectUnauthorized: false });
    const done = (h: Handshake) => {
      o.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(h);
    };
    const onAbort = () => done({ error: Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }) });
    o.signal.addEventListener('abort', onAbort);
    socket.once('secureConnect', () => {
      const err = socket.authorizationError as unknown;
      done({ authorized: socket.authorized, authorizationError: err === null || err === undefined ? undefined : String((err as Error).message ?? err), cert: socket.getPeerCertificate() });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done({ error }));
  });
}

