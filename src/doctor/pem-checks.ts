import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { AES_KEY_BYTES, loadWrapKey, wrapKey } from '../send/crypto.js';
import type { WrapMode } from '../send/config.js';
import type { CheckResult } from './check.js';

/**
 * What doctor finds in one PEM text, whether it came from a file or was pasted into the
 * configuration page (storage/passwords): the same findings for both, so a file and a pasted
 * copy of it get the same row. Pure (text in, finding out); a finding names the setting and
 * never quotes the text, the key or the passphrase: node's crypto messages carry none of them.
 */
export type Finding = Omit<CheckResult, 'check' | 'target'>;

/** Days before expiry from which a certificate is reported (a warning, not a failure). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/** A PEM text as doctor sees it: where it comes from (for messages) and its content. */
export interface PemText {
  /** The setting as an admin finds it, e.g. "send_services.mailer.client_cert_pem" or "ta_ser_mail_send.conf [mailer] client_cert_pem (realm ta_ser_mail_send_client_cert)". */
  setting: string;
  text: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** What a text holds instead of what was asked for: said without quoting it. */
function kindOf(text: string): string {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label) return `a PEM "${label}" block`;
  return text.trim() === '' ? 'nothing' : `${text.trim().length} characters of text that is not PEM`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Expiry of one certificate: expired or not yet valid = fail, within 30 days = warn. */
export interface Validity {
  status: 'pass' | 'warn' | 'fail';
  /** e.g. "expired on 2026-01-02", "expires in 12 d (2026-12-19)". */
  text: string;
}

export function validityOf(cert: X509Certificate, now: Date): Validity {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) return { status: 'fail', text: `not valid before ${day(from)}` };
  if (now > to) return { status: 'fail', text: `expired on ${day(to)}` };
  const days = Math.floor((to.getTime() - now.getTime()) / DAY_MS);
  return { status: days < EXPIRY_WARNING_DAYS ? 'warn' : 'pass', text: `expires in ${days} d (${day(to)})` };
}

/** The first certificate of a text (a leaf followed by its chain is fine), or why there is none. */
function firstCertificate(p: PemText): X509Certificate | Finding {
  const block = p.text.match(CERT_BLOCK)?.[0];
  if (!block) {
    const holds = kindOf(p.text);
    const key = /PRIVATE KEY/.test(holds);
    return { status: 'fail', detail: `${p.setting} holds ${holds}, not a certificate`, fix: key ? `a private key belongs in the key setting: put the PEM certificate ("BEGIN CERTIFICATE") in ${p.setting}` : `set ${p.setting} to the PEM certificate ("-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----")` };
  }
  try {
    return new X509Certificate(block);
  } catch (err) {
    return { status: 'fail', detail: `${p.setting}: the certificate does not parse (${(err as Error).message})`, fix: `copy the certificate again into ${p.setting}, whole and unchanged` };
  }
}

const isFinding = (x: unknown): x is Finding => typeof x === 'object' && x !== null && 'status' in x;
const cnOf = (name: string) => /CN=([^\n,]+)/.exec(name)?.[1] ?? name.replace(/\n/g, ', ');
const cn = (c: X509Certificate) => cnOf(c.subject);

/**
 * The product's passphrase rule (src/send/service.ts openSendService): an empty passphrase is
 * no passphrase, and the key is opened with '' then, so an encrypted key without one fails.
 */
function openKey(key: PemText, passphrase: { value: string; setting: string } | undefined): KeyObject | Finding {
  const encrypted = /ENCRYPTED/.test(key.text);
  try {
    return createPrivateKey({ key: key.text, format: 'pem', passphrase: passphrase?.value ?? '' });
  } catch (err) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.text)) {
      return { status: 'fail', detail: `${key.setting} holds ${kindOf(key.text)}, not a private key`, fix: `set ${key.setting} to the PEM private key of the client certificate ("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY" or "BEGIN ENCRYPTED PRIVATE KEY")` };
    }
    if (encrypted && !passphrase) return { status: 'fail', detail: `${key.setting} is encrypted and no passphrase is set`, fix: 'store the key passphrase in the passphrase setting' };
    if (encrypted) return { status: 'fail', detail: `${key.setting} cannot be opened with the passphrase in ${passphrase!.setting} (wrong passphrase)`, fix: `set ${passphrase!.setting} to the passphrase of this key` };
    return { status: 'fail', detail: `${key.setting}: the private key does not parse (${(err as Error).message})`, fix: `copy the key again into ${key.setting}, whole and unchanged` };
  }
}

/** A passphrase doctor could not read (storage/passwords without a session key): where it is. */
export interface UnreadPassphrase {
  unread: string;
}

/** Client certificate and key: each parses, the passphrase opens the key, they belong together, the certificate is in date. */
export function clientPairFinding(cert: PemText, key: PemText, passphrase: { value: string; setting: string } | UnreadPassphrase | undefined, now = new Date()): Finding {
  const c = firstCertificate(cert);
  if (isFinding(c)) return c;
  if (passphrase && 'unread' in passphrase && /ENCRYPTED/.test(key.text)) {
    // The certificate can still be judged; the key cannot be opened without its passphrase.
    const v = validityOf(c, now);
    if (v.status === 'fail') return { status: 'fail', detail: `${cert.setting}: the client certificate is ${v.text} (CN=${cn(c)})`, fix: `ask the send service's admin for a new client certificate and set ${cert.setting} and ${key.setting}` };
    return { status: 'warn', detail: `CN=${cn(c)}, ${v.text}; ${key.setting} is encrypted and its passphrase (${passphrase.unread}) was not read: key and match not checked`, fix: 'run doctor with a session key to check the key' };
  }
  const k = openKey(key, passphrase && 'unread' in passphrase ? undefined : passphrase);
  if (isFinding(k)) return k;
  const spki = (o: KeyObject) => o.export({ format: 'der', type: 'spki' });
  if (!spki(createPublicKey(k)).equals(spki(c.publicKey))) {
    return { status: 'fail', detail: `the key in ${key.setting} does not belong to the certificate in ${cert.setting} (CN=${cn(c)})`, fix: `set ${cert.setting} and ${key.setting} to a matching pair` };
  }
  const v = validityOf(c, now);
  const about = `CN=${cn(c)}, issuer CN=${cnOf(c.issuer)}; key opens and matches; ${v.text}`;
  if (v.status === 'fail') return { status: 'fail', detail: `${cert.setting}: the client certificate is ${v.text} (CN=${cn(c)})`, fix: `ask the send service's admin for a new client certificate and set ${cert.setting} and ${key.setting}` };
  if (v.status === 'warn') return { status: 'warn', detail: `${cert.setting}: ${about}`, fix: `renew the client certificate before ${day(new Date(c.validTo))} and set ${cert.setting} and ${key.setting}` };
  return { status: 'pass', detail: about };
}

/** A CA bundle: at least one certificate, at least one of them a CA, not all expired. */
export function caBundleFinding(bundle: PemText, now = new Date()): Finding {
  const blocks = bundle.text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    return { status: 'fail', detail: `${bundle.setting} holds ${kindOf(bundle.text)}, no certificate`, fix: `set ${bundle.setting} to the PEM certificate(s) of the CA that signed the send service's certificate` };
  }
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(b));
    } catch (err) {
      return { status: 'fail', detail: `${bundle.setting}: certificate ${i + 1} of ${blocks.length} does not parse (${(err as Error).message})`, fix: `copy the CA bundle again into ${bundle.setting}, whole and unchanged` };
    }
  }
  const cas = certs.filter((c) => c.ca);
  if (cas.length === 0) {
    return { status: 'fail', detail: `${bundle.setting}: none of its ${certs.length} certificate(s) is a CA (CN=${certs.map(cn).join(', CN=')})`, fix: `put the CA certificate that signed the service's certificate into ${bundle.setting}, not the service's own certificate` };
  }
  const dated = cas.map((c) => ({ c, v: validityOf(c, now) }));
  const good = dated.filter((d) => d.v.status !== 'fail');
  const about = `${cas.length} CA certificate(s): ${dated.map((d) => `CN=${cn(d.c)} ${d.v.text}`).join('; ')}`;
  if (good.length === 0) return { status: 'fail', detail: `${bundle.setting}: every CA certificate is out of date (${about})`, fix: `ask the send service's admin for the current CA certificate and set ${bundle.setting}` };
  if (good.length < dated.length || good.some((d) => d.v.status === 'warn')) {
    return { status: 'warn', detail: `${bundle.setting}: ${about}`, fix: `replace the CA certificates that expire or expired in ${bundle.setting} with their successors` };
  }
  return { status: 'pass', detail: about };
}

/**
 * The service's encryption key: loaded by the send path's own loader (an RSA public key or a
 * certificate holding one), at least 2048 bits, and it wraps an AES key with the configured
 * wrap_mode (the send path's own wrapKey). A certificate must also be in date.
 */
export function encryptionKeyFinding(p: PemText, wrapMode: WrapMode, now = new Date()): Finding {
  let key: KeyObject;
  try {
    key = loadWrapKey(p.text, p.setting);
  } catch (err) {
    const holds = /BEGIN CERTIFICATE|PUBLIC KEY/.test(p.text) ? '' : ` (it holds ${kindOf(p.text)})`;
    return { status: 'fail', detail: `${(err as Error).message}${holds}`, fix: `set ${p.setting} to the send service's RSA public key or encryption certificate (PEM)` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) return { status: 'fail', detail: `${p.setting}: RSA ${bits} bits`, fix: 'ask the send service for its RSA key of at least 2048 bits' };
  try {
    wrapKey(randomBytes(AES_KEY_BYTES), key, wrapMode);
  } catch (err) {
    return { status: 'fail', detail: `${p.setting}: cannot wrap a key with ${wrapMode} (${(err as Error).message})`, fix: 'set wrap_mode to the transformation the service unwraps with' };
  }
  const about = `RSA ${bits} bits, wraps a key with ${wrapMode}`;
  const block = p.text.match(CERT_BLOCK)?.[0];
  if (!block) return { status: 'pass', detail: about };
  const v = validityOf(new X509Certificate(block), now);
  if (v.status === 'fail') return { status: 'fail', detail: `${p.setting}: the encryption certificate ${v.text}`, fix: `ask the send service for its current encryption certificate and set ${p.setting}` };
  if (v.status === 'warn') return { status: 'warn', detail: `${p.setting}: ${about}; certificate ${v.text}`, fix: `ask the send service for the encryption certificate that follows this one, and set ${p.setting} when it changes` };
  return { status: 'pass', detail: `${about}; certificate ${v.text}` };
}
