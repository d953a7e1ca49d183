import { z } from 'zod';
import { boolish, durationSeconds } from '../core/schema.js';
import { isPlainHttpElsewhere } from '../core/plain-http.js';
import { secretSchema } from '../core/secret.js';

/** A list given as an array (YAML) or one comma-separated string (Splunk .conf). */
const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : v), z.array(item));
const intish = () => z.coerce.number().int();

/**
 * One HEC destination: where events go and how they are delivered. Flat on purpose: each key
 * is one line of a `ta_ser_mail_hec.conf` stanza and one key of a YAML `hec:` entry.
 * Browser-safe (only zod): the configuration page bundles it.
 */
export const hecDestinationSchema = z.object({
  urls: commaList(z.string().url('each HEC URL must look like https://host:8088').regex(/^https?:\/\//i, 'each HEC URL must start with https:// (or http://)')).pipe(z.array(z.string()).min(1, 'at least one HEC URL is required'))
    .describe('HEC base URL(s), comma-separated, e.g. https://hec1:8088,https://hec2:8088; several URLs are used round-robin and a failing one is set aside'),
  token: secretSchema('the HEC token').describe('HEC token (secret: stored in storage/passwords)'),
  index: z.string().min(1).optional().describe('index for events that name none; default: the token\'s default index'),
  host: z.string().min(1).optional().describe('host field for events that name none'),
  source: z.string().min(1).optional().describe('source field for events that name none'),
  ack: boolish.default(false).describe('indexer acknowledgement: an event counts as delivered only when Splunk confirms it is indexed (the token must have ack enabled)'),
  gzip: boolish.default(true).describe('compress request bodies (Content-Encoding: gzip)'),
  ca_file: z.string().min(1).optional().describe('PEM file of the CA that signed the HEC certificate; default: the system store'),
  insecure: boolish.default(false).describe('skip TLS certificate verification (test systems only; logged as a warning)'),
  server_name: z.string().min(1).optional().describe('name to verify the HEC certificate against, if it differs from the URL host'),
  batch_bytes: intish().min(1024).max(100 * 1024 * 1024).default(1024 * 1024).describe('maximum uncompressed bytes per request'),
  batch_interval: durationSeconds.default(1).describe('send a partly filled batch after this long (seconds, or 250ms, 5s …)'),
  max_buffer_bytes: intish().min(64 * 1024).default(16 * 1024 * 1024).describe('cap on bytes queued and in flight; senders wait when it is reached (back-pressure)'),
  max_in_flight: intish().min(1).max(256).default(8).describe('requests (batches) on the wire at once, across all URLs'),
  request_timeout: durationSeconds.default(30).describe('seconds to wait for a reply before the request counts as failed and is retried'),
  ack_poll_interval: durationSeconds.default(1).describe('longest wait in seconds between polls of /services/collector/ack; the first poll after a send comes after 1/8 of it, and polls stay that close while acks keep arriving'),
  ack_timeout: durationSeconds.default(300).describe('seconds to wait for an acknowledgement before the batch is sent again (same event ids)'),
  max_pending_acks: intish().min(1).default(64).describe('batches awaiting acknowledgement before new batches wait (back-pressure)'),
  retries: intish().min(0).max(100).default(8).describe('retries of one batch after its first attempt (network errors, timeouts, 429/503, HEC codes 8, 9, 18-20)'),
  retry_min_delay: durationSeconds.default(0.5).describe('first backoff delay in seconds (full jitter below it)'),
  retry_max_delay: durationSeconds.default(30).describe('longest backoff delay in seconds; a longer Retry-After is honoured up to 5 minutes'),
  health_check_interval: durationSeconds.default(5).describe('longest seconds between health probes (GET /services/collector/health) of a URL that was set aside; the first probe comes after 250 ms and each next one waits twice as long, up to this'),
  connections: intish().min(1).max(256).default(8).describe('keep-alive connections per HEC URL'),
  allow_insecure_http: boolish.default(false).describe('allow plain http:// URLs to hosts other than this machine (test systems only: the token and events cross the network unencrypted; logged as a warning at start)'),
}).superRefine((d, ctx) => {
  if (d.allow_insecure_http) return;
  d.urls.forEach((url, i) => {
    if (isPlainHttpElsewhere(url)) {
      ctx.addIssue({ code: 'custom', path: ['urls', i], message: `${url} is plain http to another host: the HEC token and the events would cross the network unencrypted; use https://, or set allow_insecure_http = true (test systems only)` });
    }
  });
});

export type HecDestinationInput = z.input<typeof hecDestinationSchema>;
export type HecDestination = z.infer<typeof hecDestinationSchema>;

/** Re-exported for the sink's start-up warning (one definition of "loopback": core). */
export { isPlainHttpElsewhere };
