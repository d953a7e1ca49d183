import { z } from 'zod';
import { boolish, durationSeconds } from '../core/schema.js';
import { isPlainHttpElsewhere } from '../core/plain-http.js';
import { secretSchema } from '../core/secret.js';

/**
 * The SER account (credentials + API) and the SER report input (what to read and when).
 * Flat on purpose: each key is one line of a .conf stanza, one modular-input param and one
 * YAML key. Browser-safe (only zod): the configuration page bundles it.
 */

/** The API's own limit (requests per minute per account); the client never goes above it. */
export const SER_API_RATE_LIMIT = 1000;

/** zod's own words for these ("Invalid input: expected string, received undefined") say neither "missing" nor what to write. */
const missingOr = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'missing' : expected);
const text = () => z.string({ error: missingOr('expected a text') });
const intish = () => z.coerce.number({ error: missingOr('expected a whole number') }).int('expected a whole number');
const url = (example: string) => text().url(`expected a URL such as ${example}`);
const DAY_SECONDS = 86_400;

/** yyyy-mm-dd or a full ISO-8601 timestamp, always read as UTC. */
const dateish = text()
  .trim()
  .refine((v) => v === '' || parseUtcDate(v) !== undefined, { message: 'expected a date such as 2026-01-31 or 2026-01-31T00:00:00Z' });

/** Milliseconds of a yyyy-mm-dd (UTC midnight) or ISO timestamp (no zone = UTC); undefined if not a date. */
export function parseUtcDate(v: string): number | undefined {
  const s = v.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(s) || s.length === 10 ? s : `${s}Z`;
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : withZone);
  return Number.isFinite(ms) ? ms : undefined;
}

export const serAccountSchema = z.object({
  client_id: text().trim().min(1, 'the SER key (client id) is required').describe('SER API key (client id) created in the Proofpoint admin console'),
  client_secret: secretSchema('the SER secret (client_secret)').describe('SER API secret that belongs to the key (secret: stored in storage/passwords)'),
  auth_url: url('https://auth.proofpoint.com').default('https://auth.proofpoint.com').describe('base URL of the token service; the token is requested from <auth_url>/v1/token'),
  api_url: url('https://ser-api.proofpoint.com').default('https://ser-api.proofpoint.com').describe('base URL of the SER reporting API'),
  rate_limit_per_minute: intish()
    .min(1)
    .max(SER_API_RATE_LIMIT, `the SER API allows at most ${SER_API_RATE_LIMIT} requests per minute`)
    .default(900)
    .describe('requests per minute this account may make, shared by every input and process of this host that uses it with the same checkpoint directory (the API allows 1000)'),
  key_activation_date: dateish.optional().describe('date the key was activated (yyyy-mm-dd); key and secret expire one year later and the input warns 30 days ahead'),
  token_refresh_margin: durationSeconds.default(300).describe('refresh the token this long before it expires (seconds, or 5m …); tokens live 12 h. Capped at a quarter of the lifetime the token service states (a warning says so once)'),
  request_timeout: durationSeconds.default(60).describe('seconds to wait for a reply before the request counts as failed and is retried'),
  retries: intish().min(0).max(20).default(6).describe('retries of one report request after its first attempt (network errors, 429, 5xx), with backoff and Retry-After'),
  ca_file: text().min(1).optional().describe('PEM file of the CA that signs the SER API certificate; default: the system store'),
  insecure: boolish.default(false).describe('skip TLS certificate verification of the SER API (test systems only; logged as a warning)'),
  allow_insecure_http: boolish
    .default(false)
    .describe('allow plain http:// auth_url / api_url to hosts other than this machine (test systems only: the client secret and the bearer token cross the network unencrypted; logged as a warning at start)'),
}).superRefine((a, ctx) => {
  if (a.allow_insecure_http) return;
  for (const field of ['auth_url', 'api_url'] as const) {
    if (isPlainHttpElsewhere(a[field])) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${a[field]} is plain http to another host: the SER client secret and token would cross the network unencrypted; use https://, or set allow_insecure_http = true (test systems only)` });
    }
  }
});

export type SerAccountInput = z.input<typeof serAccountSchema>;
export type SerAccount = z.infer<typeof serAccountSchema>;

export const serInputSchema = z.object({
  account: text().trim().min(1, 'name the SER account this input reads').describe('name of the SER account (a stanza of ta_ser_mail_accounts.conf / a key of accounts: in YAML)'),
  hec: text().trim().default('').describe('name of the HEC destination the events go to (ta_ser_mail_hec.conf / hec: in YAML); empty with output = xml'),
  output: z.enum(['hec', 'xml']).default('hec').describe('hec: deliver through the named HEC destination; xml: Splunk modular-input XML stream on stdout'),
  checkpoint_store: z.enum(['file', 'kvstore']).default('file').describe('where the input remembers the last delivered window: a file in the checkpoint directory, or the Splunk KV store'),
  window: durationSeconds
    .default(3600)
    .refine((s) => Number.isInteger(s) && s >= 60 && DAY_SECONDS % s === 0, { message: 'window must be a whole number of seconds, at least 60, that divides a day (e.g. 5m, 15m, 1h, 6h, 1d)' })
    .describe('size of one report window, aligned to UTC midnight; must divide a day (5m, 15m, 1h, 6h, 1d …)'),
  start_date: dateish.optional().describe('first run only: read from this UTC date (yyyy-mm-dd); default: the licence start the API reports'),
  max_lookback: durationSeconds.default(30 * DAY_SECONDS).describe('first run only: never read further back than this (seconds, or 30d …)'),
  settle_delay: durationSeconds.default(900).describe('the newest window ends at least this long before now, so SER has the data (seconds, or 15m …)'),
  restatement_horizon: durationSeconds.default(7 * DAY_SECONDS).describe('windows younger than this are re-read, because SER reclassifies temporary failures for up to 7 days (seconds, or 7d …); 0 turns re-reading off'),
  restatement_interval: durationSeconds.default(6 * 3600).describe('how often a window inside the horizon is re-read; a changed window is sent again with revision + 1 (seconds, or 6h …)'),
  poll_interval: durationSeconds.default(300).describe('seconds between poll cycles of the long-running input (or 5m …)'),
  concurrency: intish().min(1).max(64).default(16).describe('report requests in flight at once (the rate limit still applies)'),
});

export type SerInputConfigInput = z.input<typeof serInputSchema>;
export type SerInputConfig = z.infer<typeof serInputSchema>;
