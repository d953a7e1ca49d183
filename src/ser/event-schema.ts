import { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';

/**
 * The bodies of the events the SER input emits, keyed by sourcetype. Dashboards and the
 * consistency test read these; the mapper (events.ts) builds bodies that satisfy them.
 * Counts are numbers, times are ISO-8601 UTC strings, sizes are bytes.
 */
const count = (what: string) => z.number().int().nonnegative().describe(what);
const iso = (what: string) => z.string().describe(`${what} (ISO-8601 UTC, e.g. 2026-11-01T00:00:00.000Z)`);

const windowFields = {
  account: z.string().describe('name of the SER account the input reads (not the client id)'),
  window_start: iso('start of the report window, inclusive'),
  window_end: iso('end of the report window, exclusive'),
  window_seconds: z.number().int().positive().describe('length of the window in seconds'),
  revision: z.number().int().nonnegative().describe('0 when the window is first read; +1 each time a re-read finds changed numbers (the whole window is sent again). Searches keep the latest revision per account and window_start, then group by app_user_key'),
  collected_at: iso('when the input read the window from SER'),
};

export const serSummaryEventSchema = z.object({
  ...windowFields,
  app_user_key: z.string().describe('identity of the application user: a short hash of application_name, application_user, from_envelope and from_header (display names alone may repeat). Group by it, not by the names'),
  application_name: z.string().describe('display name of the application (SER\'s global application list)'),
  application_user: z.string().describe('display name of the SMTP-AUTH application user (not its UID)'),
  from_envelope: z.string().optional().describe('RFC 5321 MAIL FROM address (or bare domain) authorised for that user'),
  from_header: z.string().optional().describe('RFC 5322 From address (or bare domain) authorised for that user'),
  success: count('messages delivered to mailboxes'),
  failure: count('permanent failures: not accepted, undeliverable (5xx) or refused (e.g. malware)'),
  temp_failure: count('4xx temporary failures; SER retries for up to 7 days, then reclassifies them'),
  partial_success: count('messages in none of the other classes (rare)').optional(),
  in_progress: count('messages still being processed (rare)').optional(),
  total: count('success + failure + temp_failure + partial_success + in_progress'),
  recipients_total: count('recipients of the messages').optional(),
  message_size_total: count('bytes as received by SER: what counts against the licence').optional(),
  delivered_size_total: count('bytes as sent by SER').optional(),
  dsn_2xx: count('messages whose result was a 2.X.X DSN').optional(),
  dsn_3xx: count('messages whose result was a 3.X.X DSN').optional(),
  dsn_4xx: count('messages whose result was a 4.X.X DSN').optional(),
  dsn_5xx: count('messages whose result was a 5.X.X DSN').optional(),
  extra: z.record(z.string(), z.unknown()).optional().describe('fields of the reply the input does not know, kept as SER sent them'),
});

export const serEntitlementEventSchema = z.object({
  account: windowFields.account,
  annual_throughput: z.union([z.number(), z.string()]).optional().describe('data volume licensed between license_start and license_end (a number when SER sends one, else SER\'s text)'),
  license_start: iso('start of the licence period').optional(),
  license_end: iso('end of the licence period').optional(),
  license_used_bytes: count('messageSizeTotal of every application user from license_start to now, as SER reports it').optional(),
  license_used_ratio: z.number().nonnegative().optional().describe('license_used_bytes / annual_throughput, when both are numbers'),
  key_expires: iso('when the SER key and secret expire (key_activation_date + 1 year), if the activation date is configured').optional(),
  collected_at: windowFields.collected_at,
});

export const serCoverageEventSchema = z.object({
  ...windowFields,
  application_users: count('application users with traffic in the window (0 for a window without traffic)'),
  total: count('messages in the window, all application users'),
  message_size_total: count('bytes received by SER in the window, all application users'),
});

export const eventSchemas = {
  [SOURCETYPES.serSummary]: serSummaryEventSchema,
  [SOURCETYPES.serEntitlement]: serEntitlementEventSchema,
  [SOURCETYPES.serCoverage]: serCoverageEventSchema,
} as const;

export type SerSummaryEvent = z.infer<typeof serSummaryEventSchema>;
export type SerEntitlementEvent = z.infer<typeof serEntitlementEventSchema>;
export type SerCoverageEvent = z.infer<typeof serCoverageEventSchema>;
