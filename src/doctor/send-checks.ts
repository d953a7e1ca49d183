import { request } from 'undici';
import { isTlsVerificationFailure } from '../core/errors.js';
import { createDispatcher, type ProxyConfig } from '../core/http.js';
import { fail, pass, type Check } from './check.js';
import { sendPemText, type SendPemTarget } from './send-pem-checks.js';

export interface MtlsTarget {
  service: string;
  host: string;
  port: number;
  /** The PEMs, read as the send path reads them (file or pasted text, the pasted text winning). */
  pems: SendPemTarget;
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
    // A CA bundle that is not one would fail the handshake for a reason its own row already names.
    after: [`client cert ${t.service}`, ...(t.pems.settings.ca_file || t.pems.settings.ca_pem ? [`ca bundle ${t.service}`] : [])],
    async run(signal) {
      const cert = sendPemText(t.pems, 'client_cert')!;
      const key = sendPemText(t.pems, 'client_key')!;
      let ca: string | undefined;
      try {
        ca = sendPemText(t.pems, 'ca')?.text;
      } catch (err) {
        return fail((err as Error).message, `make ${t.pems.name('ca_file')} readable, or paste the CA into ${t.pems.name('ca_pem')}`);
      }
      const pp = t.pems.settings.passphrase;
      const dispatcher = createDispatcher({
        target: `send service ${t.service}`,
        tls: { server_name: t.server_name, insecure: false },
        caPem: ca,
        proxy: t.proxy,
        clientCert: { cert: cert.text, key: key.text, passphrase: pp && !pp.isEmpty ? pp.reveal() : undefined },
        connections: 1,
        timeoutMs: 10_000,
      });
      try {
        const res = await request(`https://${target}/send`, { method: 'GET', dispatcher, signal });
        await res.body.dump();
        return pass(`handshake accepted both ways (GET /send answered HTTP ${res.statusCode}; nothing sent)`);
      } catch (err) {
        const codes = errorCodes(err);
        if (isTlsVerificationFailure(err)) return fail(`the service certificate does not verify (${codes.split(' ')[0]})`, `set ${t.pems.name('ca_file')} (or paste ${t.pems.name('ca_pem')}) to the CA that signed the service certificate`);
        if (/ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ALERT_CERTIFICATE_UNKNOWN|ALERT_ACCESS_DENIED/i.test(codes)) {
          return fail('the service refused our client certificate', `ask the service's admin to trust the CA of the certificate in ${cert.setting}, or install the certificate they issued`);
        }
        if (/ECONNREFUSED/.test(codes)) return fail(`connection refused on ${target}`, `check ${t.pems.name('host')} and ${t.pems.name('port')}`);
        if (/ECONNRESET|UND_ERR_SOCKET|other side closed/i.test(codes)) return fail(`the service closed the connection during the handshake (${codes.split(' ').filter(Boolean).slice(0, 2).join(' ')})`, 'the service most likely refused our client certificate: check which CA it trusts');
        return fail(codes.split(' ').filter(Boolean).slice(0, 2).join(': '), 'see the detail');
      } finally {
        await dispatcher.close().catch(() => undefined);
      }
    },
  };
}
