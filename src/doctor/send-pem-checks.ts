import { describeError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { SendServiceConfig } from '../send/config.js';
import { pemOf, pemSourceOf } from '../send/service.js';
import { fail, skip, warn, type Check } from './check.js';
import { caBundleFinding, clientPairFinding, encryptionKeyFinding, type PemText, type UnreadPassphrase } from './pem-checks.js';

/** The four PEMs of a send service: each a file path or a text pasted into the page (storage/passwords). */
export const SEND_PEMS = ['client_cert', 'client_key', 'ca', 'public_key'] as const;
export type SendPem = (typeof SEND_PEMS)[number];

/** The send service settings doctor reads, as both faces load them (YAML references, or the .conf + storage/passwords). */
export type SendPemSettings = Pick<
  SendServiceConfig,
  'client_cert_file' | 'client_cert_pem' | 'client_key_file' | 'client_key_pem' | 'ca_file' | 'ca_pem' | 'public_key_file' | 'public_key_pem' | 'passphrase' | 'encrypt' | 'wrap_mode'
>;

export interface SendPemTarget {
  service: string;
  settings: SendPemSettings;
  /** How an admin finds a setting of this service: "send_services.mailer.ca_pem", or "[mailer] ca_pem (realm …)" in Splunk. */
  name(field: string): string;
  /** Set when storage/passwords could not be read (no session key): where the passphrase is kept. */
  passphraseUnread?: string;
}

const fileOf = (s: SendPemSettings, p: SendPem) => s[`${p}_file`];
const pemOfSetting = (s: SendPemSettings, p: SendPem) => s[`${p}_pem`] as Secret | undefined;

/**
 * The text the send path would use for one PEM, read by its own `pemOf` (the pasted text wins
 * over a file), named the way this face names settings. Throws a ConfigError naming an
 * unreadable file.
 */
export function sendPemText(t: SendPemTarget, p: SendPem): PemText | undefined {
  const file = fileOf(t.settings, p);
  const got = pemOf(file, pemOfSetting(t.settings, p), p);
  if (!got) return undefined;
  return { text: got.text, setting: pemSourceOf(file, pemOfSetting(t.settings, p)) === 'pem' ? t.name(`${p}_pem`) : `${t.name(`${p}_file`)} (${file})` };
}

/** The product's rule (src/send/service.ts): an empty passphrase is no passphrase. */
function passphraseOf(t: SendPemTarget): { value: string; setting: string } | UnreadPassphrase | undefined {
  if (t.passphraseUnread) return { unread: t.passphraseUnread };
  const pp = t.settings.passphrase;
  return pp && !pp.isEmpty ? { value: pp.reveal(), setting: t.name('passphrase') } : undefined;
}

/** A row per PEM given both as a path and as pasted text: the send path uses the pasted text. */
function sourceChecks(t: SendPemTarget): Check[] {
  return SEND_PEMS.filter((p) => fileOf(t.settings, p) && pemOfSetting(t.settings, p)).map((p) => ({
    check: 'send PEM source',
    target: t.name(`${p}_pem`),
    async run() {
      const used = pemSourceOf(fileOf(t.settings, p), pemOfSetting(t.settings, p));
      const other = used === 'pem' ? `${p}_file` : `${p}_pem`;
      return warn(`both ${p}_file and ${p}_pem are set: the alert action uses ${used === 'pem' ? `the pasted ${p}_pem` : `the file ${p}_file`} and ignores ${other}`, `clear ${t.name(other)} (or clear ${t.name(`${p}_${used}`)} to use the other one)`);
    },
  }));
}

function unreadable(err: unknown, t: SendPemTarget, p: SendPem) {
  return fail(describeError(err), `make ${fileOf(t.settings, p)} readable by the user that runs Splunk, or paste the PEM into ${t.name(`${p}_pem`)}`);
}

/**
 * The rows of a send service's PEMs, file or pasted alike: which source is used when both are
 * set, the client certificate and key (parse, passphrase, match, expiry), the CA bundle, and
 * the encryption key. The "client cert <service>" row gates the mTLS handshake.
 */
export function sendPemChecks(t: SendPemTarget): Check[] {
  const checks = sourceChecks(t);
  const certName = () => (pemSourceOf(t.settings.client_cert_file, t.settings.client_cert_pem) === 'pem' ? t.name('client_cert_pem') : t.settings.client_cert_file ?? t.name('client_cert_file'));
  checks.push({
    check: 'client certificate',
    target: certName(),
    id: `client cert ${t.service}`,
    async run() {
      let cert: PemText | undefined;
      let key: PemText | undefined;
      try {
        cert = sendPemText(t, 'client_cert');
      } catch (err) {
        return unreadable(err, t, 'client_cert');
      }
      try {
        key = sendPemText(t, 'client_key');
      } catch (err) {
        return unreadable(err, t, 'client_key');
      }
      if (!cert || !key) return fail(`no client ${cert ? 'key' : 'certificate'}`, `set ${t.name(cert ? 'client_key_file' : 'client_cert_file')} or paste ${t.name(cert ? 'client_key_pem' : 'client_cert_pem')}`);
      return clientPairFinding(cert, key, passphraseOf(t));
    },
  });
  if (t.settings.ca_file || t.settings.ca_pem) {
    checks.push({
      check: 'CA bundle',
      target: pemSourceOf(t.settings.ca_file, t.settings.ca_pem) === 'pem' ? t.name('ca_pem') : t.settings.ca_file!,
      id: `ca bundle ${t.service}`,
      async run() {
        try {
          return caBundleFinding(sendPemText(t, 'ca')!);
        } catch (err) {
          return unreadable(err, t, 'ca');
        }
      },
    });
  }
  checks.push({
    check: 'encryption key',
    target: pemSourceOf(t.settings.public_key_file, t.settings.public_key_pem) === 'pem' ? t.name('public_key_pem') : t.settings.public_key_file ?? t.name('encrypt'),
    async run() {
      if (!t.settings.encrypt) return skip(`encryption is off for ${t.service}`);
      let key: PemText | undefined;
      try {
        key = sendPemText(t, 'public_key');
      } catch (err) {
        return unreadable(err, t, 'public_key');
      }
      if (!key) return fail('encrypt is on and no encryption key is set', `set ${t.name('public_key_file')} or paste ${t.name('public_key_pem')}`);
      return encryptionKeyFinding(key, t.settings.wrap_mode);
    },
  });
  return checks;
}
