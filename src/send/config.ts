import { z } from 'zod';
import { boolish, durationSeconds } from '../core/schema.js';

/**
 * Settings of the secure send service and of the alert action. Browser-safe (zod only): the
 * configuration page bundles this file. Flat fields so a `ta_ser_mail_send.conf` stanza and
 * the alert's `param.*` strings map 1:1; secrets are plain strings here and become `Secret`
 * right after parsing (src/send/service.ts).
 */

/** The Java transformation names the service may decrypt messageKey with. */
export const WRAP_MODES = [
  'RSA/ECB/OAEPWithSHA-256AndMGF1Padding',
  'RSA/ECB/OAEPWithSHA-1AndMGF1Padding',
  'RSA/ECB/PKCS1Padding',
] as const;
export type WrapMode = (typeof WRAP_MODES)[number];

/** How the Email-From header carries non-ASCII (Cyrillic) addresses; see README "Secure send". */
export const FROM_HEADER_ENCODINGS = ['utf8', 'rfc2047'] as const;

export const SEND_PASSPHRASE_REALM = 'ta_ser_mail_send_passphrase';
export const SEND_SECRET_REALM = 'ta_ser_mail_send_secret';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalPath = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));

export const sendServiceSchema = z.object({
  host: z.string().trim().min(1).regex(/^[^\s/:]+$/, 'a host name or IP, without scheme, port or path').describe('host name of the send service; requests go to https://{host}:{port}/send'),
  port: int(1, 65535).default(443).describe('TCP port of the send service'),
  client_cert_file: z.string().trim().min(1).describe('PEM file of the client certificate presented for mutual TLS'),
  client_key_file: z.string().trim().min(1).describe('PEM file of the client certificate key (may be encrypted with the passphrase)'),
  passphrase: z.string().optional().describe('passphrase of the client key, if it is encrypted (secret: stored in storage/passwords, realm ta_ser_mail_send_passphrase)'),
  ca_file: optionalPath.describe('PEM file of the CA(s) that sign the service certificate; default: the system store'),
  server_name: optionalPath.describe('name to verify the service certificate against, if it differs from host'),
  secret: z.string().min(1).describe('mailbox token generated in the service admin UI, sent as "secret" (secret: stored in storage/passwords, realm ta_ser_mail_send_secret)'),
  from: z.string().trim().min(1).describe('the sending mailbox address, sent as the Email-From header; must match the service address pattern'),
  from_header_encoding: z.enum(FROM_HEADER_ENCODINGS).default('utf8').describe('Email-From with non-ASCII letters: utf8 = raw UTF-8 bytes (what curl sends), rfc2047 = =?UTF-8?B?…?= encoded word'),
  encrypt: boolish.default(false).describe('the mailbox requires encrypted subject and body (AES-256-GCM, key wrapped with the service RSA key)'),
  public_key_file: optionalPath.describe('PEM public key or certificate of the service, used to wrap the per-message AES key (required when encrypt is on)'),
  wrap_mode: z.enum(WRAP_MODES).default('RSA/ECB/OAEPWithSHA-256AndMGF1Padding').describe('Java transformation the service unwraps messageKey with; the OAEP SHA-256 default uses SHA-256 for MGF1 too'),
  timeout: durationSeconds.default(30).describe('seconds to wait for the connection, the reply headers and the reply body'),
  concurrency: int(1, 64).default(4).describe('messages in flight at once over the keep-alive connections'),
  max_attempts: int(1, 10).default(3).describe('tries per message when the service cannot have received it (connection refused) or is unavailable (502/503/504)'),
  retry_delay: durationSeconds.default(1).describe('first back-off between tries, doubled each time'),
}).superRefine((v, ctx) => {
  if (v.encrypt && !v.public_key_file) {
    ctx.addIssue({ code: 'custom', path: ['public_key_file'], message: 'public_key_file is required when encrypt is on' });
  }
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
