import { z } from 'zod';
import { boolish, durationSeconds } from '../core/schema.js';
import { secretSchema } from '../core/secret.js';

/**
 * Settings of the secure send service and of the alert action. Browser-safe (zod only): the
 * configuration page bundles this file. Flat fields so a `ta_ser_mail_send.conf` stanza and
 * the alert's `param.*` strings map 1:1. Secrets (and the PEM texts kept in storage/passwords)
 * are `secretSchema` fields: a loader hands in `Secret` values, a form or a test strings, and the
 * output is always a `Secret` that only src/send/service.ts reveals, to the TLS stack or the wire.
 */

/** The Java transformation names the service may decrypt messageKey with. */
export const WRAP_MODES = [
  'RSA/ECB/OAEPWithSHA-256AndMGF1Padding',
  'RSA/ECB/OAEPWithSHA-1AndMGF1Padding',
  'RSA/ECB/PKCS1Padding',
] as const;
export type WrapMode = (typeof WRAP_MODES)[number];

/** How the Email-From header carries non-ASCII (Cyrillic) addresses; see docs/send.md, "What goes on the wire". */
export const FROM_HEADER_ENCODINGS = ['utf8', 'rfc2047'] as const;

export const SEND_PASSPHRASE_REALM = 'ta_ser_mail_send_passphrase';
export const SEND_SECRET_REALM = 'ta_ser_mail_send_secret';
/** PEM texts pasted in the configuration page (Splunk Cloud has no files to point at). */
export const SEND_CLIENT_CERT_REALM = 'ta_ser_mail_send_client_cert';
export const SEND_CLIENT_KEY_REALM = 'ta_ser_mail_send_client_key';
export const SEND_PUBLIC_KEY_REALM = 'ta_ser_mail_send_public_key';
export const SEND_CA_REALM = 'ta_ser_mail_send_ca';

/** Secret field → storage/passwords realm (username = the service's stanza name). */
export const SEND_SECRET_REALMS = {
  secret: SEND_SECRET_REALM,
  passphrase: SEND_PASSPHRASE_REALM,
  client_cert_pem: SEND_CLIENT_CERT_REALM,
  client_key_pem: SEND_CLIENT_KEY_REALM,
  public_key_pem: SEND_PUBLIC_KEY_REALM,
  ca_pem: SEND_CA_REALM,
} as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalPath = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));
/** An optional secret: blank (a form field left empty, an empty .conf value) means not set. */
const optionalSecret = (what: string) => z.preprocess((v) => (v === '' ? undefined : v), secretSchema(what).optional());
/** PEM text pasted into the page: multi-line, kept in storage/passwords like a secret. */
const pemText = (what: string) => optionalSecret(what).meta({ multiline: true });

export const sendServiceSchema = z.object({
  host: z.string().trim().min(1).regex(/^[^\s/:]+$/, 'a host name or IP, without scheme, port or path').describe('host name of the send service; requests go to https://{host}:{port}/send'),
  port: int(1, 65535).default(443).describe('TCP port of the send service'),
  client_cert_file: optionalPath.describe('PEM file of the client certificate presented for mutual TLS (on-premises; or paste client_cert_pem)'),
  client_cert_pem: pemText('the client certificate PEM').describe('the client certificate as PEM text, instead of client_cert_file (Splunk Cloud) (secret: stored in storage/passwords, realm ta_ser_mail_send_client_cert)'),
  client_key_file: optionalPath.describe('PEM file of the client certificate key, may be encrypted with the passphrase (on-premises; or paste client_key_pem)'),
  client_key_pem: pemText('the client key PEM').describe('the client certificate key as PEM text, instead of client_key_file (Splunk Cloud) (secret: stored in storage/passwords, realm ta_ser_mail_send_client_key)'),
  passphrase: optionalSecret('the client key passphrase').describe('passphrase of the client key, if it is encrypted (secret: stored in storage/passwords, realm ta_ser_mail_send_passphrase)'),
  ca_file: optionalPath.describe('PEM file of the CA(s) that sign the service certificate; default: the system store'),
  ca_pem: pemText('the CA bundle PEM').describe('the CA bundle as PEM text, instead of ca_file (secret: stored in storage/passwords, realm ta_ser_mail_send_ca)'),
  server_name: optionalPath.describe('name to verify the service certificate against, if it differs from host'),
  secret: secretSchema('the mailbox secret').describe('mailbox token generated in the service admin UI, sent as "secret" (secret: stored in storage/passwords, realm ta_ser_mail_send_secret)'),
  from: z.string().trim().min(1).describe('the sending mailbox address, sent as the Email-From header; must match the service address pattern'),
  from_header_encoding: z.enum(FROM_HEADER_ENCODINGS).default('utf8').describe('Email-From with non-ASCII letters: utf8 = raw UTF-8 bytes (what curl sends), rfc2047 = =?UTF-8?B?…?= encoded word'),
  encrypt: boolish.default(false).describe('the mailbox requires encrypted subject and body (AES-256-GCM, key wrapped with the service RSA key)'),
  public_key_file: optionalPath.describe('PEM public key or certificate of the service, used to wrap the per-message AES key (required when encrypt is on, or paste public_key_pem)'),
  public_key_pem: pemText('the encryption certificate PEM').describe('the service public key or encryption certificate as PEM text, instead of public_key_file (secret: stored in storage/passwords, realm ta_ser_mail_send_public_key)'),
  wrap_mode: z.enum(WRAP_MODES).default('RSA/ECB/OAEPWithSHA-256AndMGF1Padding').describe('Java transformation the service unwraps messageKey with; the OAEP SHA-256 default uses SHA-256 for MGF1 too'),
  timeout: durationSeconds.default(30).describe('seconds to wait for the connection, the reply headers and the reply body'),
  concurrency: int(1, 64).default(4).describe('messages in flight at once over the keep-alive connections'),
  max_attempts: int(1, 10).default(3).describe('tries per message when the service cannot have received it (connection refused) or is unavailable (502/503/504)'),
  retry_delay: durationSeconds.default(1).describe('first back-off between tries, doubled each time'),
}).superRefine((v, ctx) => {
  // Each PEM comes from a file on the server (on-premises) or from text kept in storage/passwords
  // (pasted in the page: Splunk Cloud). When both are set, the pasted text wins (service.ts warns).
  const need = (file: 'client_cert_file' | 'client_key_file' | 'public_key_file', pem: 'client_cert_pem' | 'client_key_pem' | 'public_key_pem', why: string) => {
    if (!v[file] && !v[pem]) ctx.addIssue({ code: 'custom', path: [file], message: `${file} or ${pem} is required${why}` });
  };
  need('client_cert_file', 'client_cert_pem', ' (the client certificate)');
  need('client_key_file', 'client_key_pem', ' (the client key)');
  if (v.encrypt) need('public_key_file', 'public_key_pem', ' when encrypt is on');
});
export type SendServiceConfig = z.output<typeof sendServiceSchema>;

export const ALERT_MODES = ['per_alert', 'per_row'] as const;
export const BODY_TYPES = ['text/plain', 'text/html'] as const;
export const IMPORTANCES = ['high', 'normal', 'low'] as const;

/** Parameters of the ser_secure_send alert action (splunkd passes every one as a string). */
export const alertParamsSchema = z.object({
  service: z.string().trim().min(1).describe('name of the send service stanza in ta_ser_mail_send.conf'),
  hec: z.string().trim().optional().transform((v) => (v === '' ? undefined : v)).describe('name of the HEC destination (ta_ser_mail_hec.conf) for audit events; empty = the local audit file only'),
  to: z.string().trim().min(1).describe('comma-separated recipient addresses; per_row mode may use $result.<field>$ tokens'),
  cc: z.string().trim().default('').describe('comma-separated copy recipients; may be empty'),
  subject: z.string().default('Splunk alert: $name$').describe('subject; per_row mode fills $result.<field>$ tokens from the row'),
  body: z.string().default('The alert $name$ fired.').describe('body template; per_alert mode puts the results table at $results_table$ (or after the text); per_row mode fills $result.<field>$ tokens'),
  body_type: z.enum(BODY_TYPES).default('text/html').describe('text/plain or text/html'),
  importance: z.enum(IMPORTANCES).default('normal').describe('high, normal or low'),
  mode: z.enum(ALERT_MODES).default('per_alert').describe('per_alert = one message with the results table; per_row = one message per result row'),
  max_rows: int(1, 10_000).default(100).describe('per_alert: rows rendered in the table (the rest is counted, not shown)'),
  max_messages: int(1, 10_000).default(100).describe('per_row: messages sent per run at most (further rows are counted and reported)'),
});
export type AlertParams = z.output<typeof alertParamsSchema>;

/** Splits a comma/semicolon list of addresses; empties dropped, order kept. */
export function splitAddresses(list: string): string[] {
  return list.split(/[,;]/).map((s) => s.trim()).filter((s) => s.length > 0);
}
