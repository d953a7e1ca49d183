import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { isTlsVerificationFailure } from '../core/errors.js';
import { createDispatcher, type ProxyConfig } from '../core/http.js';
import type { Secret } from '../core/secret.js';
import { fail, pass, type Check } from './check.js';

export interface MtlsTarget {
  service: string;
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  passphrase?: Secret;
  ca_file?: string;
  server_name?: string;
  proxy?: Partial<ProxyConfig>;
}

function errorCodes(err: unknown): string {
  const codes: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    codes.push(String((e as NodeJS.ErrnoException).code ?? ''), e.message);
  }
  return codes.join(' ');
}

/**
 * A full mutual-TLS handshake with the send service, followed by a harmless GET (nothing is
 * sent): with TLS 1.3 a server refuses a client certificate only after the handshake, so an
 * HTTP answer of any status is the proof that both sides accepted each other.
 */
export function mtlsCheck(t: MtlsTarget): Check {
  const target = `${t.host}:${t.port}`;
  return {
    check: 'send mTLS',
    target,
    after: [`client cert ${t.service}`],
    async run(signal) {
      const [cert, key] = await Promise.all([readFile(t.certFile, 'utf8'), readFile(t.keyFile, 'utf8')]);
      const dispatcher = createDispatcher({
        target: `send service ${t.service}`,
        tls: { ca_file: t.ca_file, server_name: t.server_name, insecure: false },
        proxy: t.proxy,
        clientCert: { cert, key, passphrase: t.passphrase?.reveal() },
        connections: 1,
        timeoutMs: 10_000,
      });
      try {
        const res = await request(`https://${target}/send`, { method: 'GET', dispatcher, signal });
        await res.body.dump();
        return pass(`handshake accepted both ways (GET /send answered HTTP ${res.statusCode}; nothing sent)`);
      } catch (err) {
        const codes = errorCodes(err);
        if (isTlsVerificationFailure(err)) return fail(`the service certificate does not verify (${codes.split(' ')[0]})`, `set send_services.${t.service}.ca_file to the CA that signed the service certificate`);
        if (/ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ALERT_CERTIFICATE_UNKNOWN|ALERT_ACCESS_DENIED/i.test(codes)) {
          return fail('the service refused our client certificate', `ask the service's admin to trust the CA of ${t.certFile}, or install the certificate they issued`);
        }
        if (/ECONNREFUSED/.test(codes)) return fail(`connection refused on ${target}`, `check send_services.${t.service}.host and port`);
        if (/ECONNRESET|UND_ERR_SOCKET|other side closed/i.test(codes)) return fail(`the service closed the connection during the handshake (${codes.split(' ').filter(Boolean).slice(0, 2).join(' ')})`, 'the service most likely refused our client certificate: check which CA it trusts');
        return fail(codes.split(' ').filter(Boolean).slice(0, 2).join(': '), 'see the detail');
      } finally {
        await dispatcher.close().catch(() => undefined);
      }
    },
  };
}
